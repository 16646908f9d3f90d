// Runs a whole Pulumi program (e.g. examples/quickstart/index.ts) in a child process under runtime mocks; dynamic
// resources go through a real ProviderHost (configure → check → create), everything else to a mock module.
import * as fs from "fs";
import * as path from "path";
import { runChild } from "./childRunner";
import { namespaced, nsKey } from "./mockRuntime";

export interface ProgramRunOptions {
    /** Path to the entry file (index.ts / index.js); its folder is the cwd of the child and of the hosts. */
    program: string;
    /** Default: `name:` of the nearest Pulumi.yaml at or above the program's folder, else "logzio-siem". */
    project?: string;
    stack?: string;
    /** Stack config; a key without ":" gets the project name. */
    config?: Record<string, string>;
    secretKeys?: string[];
    /** Merged over this process's environment; an undefined value removes a variable. */
    env?: Record<string, string | undefined>;
    /** Module exporting newResource(args) and optionally call(args), like pulumi.runtime.Mocks. */
    otherResourceMocks?: string;
    timeoutMs?: number;
}
export interface ProgramResource {
    type: string;
    name: string;
    id: string;
    /** What the program passed (SiemAccounts: plain values, including the serialized `__provider`). */
    inputs: Record<string, unknown>;
    /** The outputs: for SiemAccounts, what the provider returned through the host. */
    state: Record<string, unknown>;
}
export interface ProgramRunResult {
    outputs: Record<string, unknown>;
    resources: ProgramResource[];
    log: string;
}

/** What the parent sends to child.ts. */
export interface ProgramJob {
    kind: "program";
    program: string;
    project: string;
    stack: string;
    config: Record<string, string>;
    secretKeys: string[];
    otherResourceMocks?: string;
}

export async function runProgram(opts: ProgramRunOptions): Promise<ProgramRunResult> {
    const program = path.resolve(opts.program);
    const project = opts.project ?? projectNameFor(path.dirname(program)) ?? "logzio-siem";
    const stack = opts.stack ?? "dev";
    const config = namespaced(opts.config, project);
    const secretKeys = (opts.secretKeys ?? []).map((k) => nsKey(k, project));
    const job: ProgramJob = {
        kind: "program",
        program,
        project,
        stack,
        config,
        secretKeys,
        otherResourceMocks: opts.otherResourceMocks && path.resolve(opts.otherResourceMocks),
    };
    // The same variables the Pulumi language host sets; @pulumi/pulumi reads stack config from PULUMI_CONFIG.
    const env = {
        ...process.env,
        ...opts.env,
        PULUMI_CONFIG: JSON.stringify(config),
        PULUMI_CONFIG_SECRET_KEYS: JSON.stringify(secretKeys),
        PULUMI_NODEJS_PROJECT: project,
        PULUMI_NODEJS_STACK: stack,
        PULUMI_NODEJS_ROOT_DIRECTORY: path.dirname(program),
    };
    const { value, log } = await runChild(path.dirname(program), env, job, opts.timeoutMs ?? 120_000);
    return { ...(value as Omit<ProgramRunResult, "log">), log };
}

/**
 * The project name the CLI would use: `name:` in the nearest Pulumi.yaml at or above dir. A template's `${PROJECT}`
 * becomes the folder's name, as `pulumi new` in that folder would make it.
 */
export function projectNameFor(dir: string): string | undefined {
    for (let d = path.resolve(dir); ; d = path.dirname(d)) {
        const f = path.join(d, "Pulumi.yaml");
        if (!fs.existsSync(f)) {
            if (path.dirname(d) === d) return undefined;
            continue;
        }
        const name = /^name:\s*["']?([^\s"'#]+)/m.exec(fs.readFileSync(f, "utf8"))?.[1];
        return name === "${PROJECT}" ? path.basename(d).replace(/[^A-Za-z0-9_.-]/g, "") || "project" : name;
    }
}
