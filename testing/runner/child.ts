// Child-process entry for captureResourcesIn and runProgram: receives one job over IPC, runs it under mocks with the
// @pulumi/pulumi resolved from its cwd, replies over IPC, exits.
import * as fs from "fs";
import * as path from "path";
import Module, { createRequire } from "module";
import { HostCallError, ProviderHost, SECRET_SIG, SIG_KEY, urnFor } from "./hostDriver";
import { isSecret, loadPulumi, MockResourceArgs, PulumiRef, runUnderMocks, unwrapSecrets } from "./mockRuntime";
import { CaptureOptions, captureWith } from "./providerCapture";
import type { ProgramJob, ProgramResource } from "./programRunner";
import type { ChildReply } from "./childRunner";

type Obj = Record<string, unknown>;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Js = any;
type CaptureJob = { kind: "capture"; script: string; opts: CaptureOptions };

const cwd = process.cwd();

function captureJob(job: CaptureJob): Promise<unknown> {
    return captureWith(
        loadPulumi(cwd),
        () => {
            // Compile as a module living in cwd, so require() resolves from cwd's node_modules.
            const filename = path.join(cwd, "__capture__.js");
            const m: Js = new Module(filename);
            m.filename = filename;
            m.paths = (Module as Js)._nodeModulePaths(cwd);
            m._compile(job.script, filename);
            return typeof m.exports === "function" ? m.exports() : undefined;
        },
        job.opts,
    );
}

// Registers ts-node as `pulumi up` does for a CommonJS program (cmd/run/run.js): ts-node and typescript are the
// program's own, else the SDK's vendored ones (TypeScript 3.8, which knows no "nodenext": there the defaults are
// commonjs/node); the program's tsconfig over those defaults; and type-checked unless PULUMI_NODEJS_TRANSPILE_ONLY
// or the tsconfig's noCheck says otherwise, so a program `pulumi preview` refuses fails here with the same message.
// ts-node compiles only .ts files: a JavaScript program runs as it is.
function registerTsNode(ref: PulumiRef): void {
    const req = createRequire(path.join(ref.dir, "package.json"));
    let tsutils: Js;
    try {
        tsutils = req("./tsutils");
    } catch {
        /* older SDK */
    }
    const strings: { tsnodeRequire: string; typescriptRequire: string } = tsutils?.typeScriptRequireStrings?.() ?? {
        tsnodeRequire: "ts-node",
        typescriptRequire: "typescript",
    };
    const load = (id: string): Js => {
        try {
            return req(id);
        } catch {
            return require(id);
        }
    };
    const tsconfig = path.join(cwd, "tsconfig.json");
    const hasTsconfig = fs.existsSync(tsconfig);
    let fromTsconfig: Obj = {};
    if (hasTsconfig)
        try {
            fromTsconfig = tsutils.loadTypeScriptCompilerOptions(tsconfig);
        } catch {
            /* older SDK */
        }
    const env = process.env.PULUMI_NODEJS_TRANSPILE_ONLY;
    const transpileOnly = env ? env === "true" : (fromTsconfig as { noCheck?: boolean }).noCheck;
    const [major = 0, minor = 0] = String(load(strings.typescriptRequire).version ?? "0")
        .split(".")
        .map(Number);
    const nodeNext = major > 4 || (major === 4 && minor >= 7);
    load(strings.tsnodeRequire).register({
        compiler: strings.typescriptRequire,
        transpileOnly,
        project: tsconfig,
        skipProject: !hasTsconfig,
        compilerOptions: {
            target: "ES2020",
            module: nodeNext ? "nodenext" : "commonjs",
            moduleResolution: nodeNext ? "nodenext" : "node",
            sourceMap: true,
            ...fromTsconfig,
        },
    });
}

async function programJob(job: ProgramJob): Promise<unknown> {
    const ref = loadPulumi(cwd);
    registerTsNode(ref);
    const mod: Js = job.otherResourceMocks ? require(job.otherResourceMocks) : {};
    const mocks: Js = typeof mod.newResource === "function" ? mod : (mod.default ?? {});
    const hosts = new Map<string, Promise<ProviderHost>>();
    const resources: ProgramResource[] = [];
    // One host per host cwd (the program folder), configured once with the stack config, as the engine does.
    const hostFor = (dir: string) => {
        let h = hosts.get(dir);
        if (!h) {
            h = ProviderHost.start({ cwd: dir, env: { PULUMI_NODEJS_PROJECT: job.project, PULUMI_NODEJS_STACK: job.stack } }).then(
                async (host) => {
                    await host.configure(job.config, job.secretKeys);
                    return host;
                },
            );
            hosts.set(dir, h);
        }
        return h;
    };
    const createDynamic = async (a: MockResourceArgs, inputs: Obj) => {
        const what = `${a.type} "${a.name}"`;
        const host = await hostFor(cwd);
        const urn = urnFor(a.name, a.type, job.project, job.stack);
        const checked = await host.check(urn, {}, inputs);
        if (checked.failures.length) {
            throw new Error(`check failed for ${what}: ${checked.failures.map((f) => `${f.property}: ${f.reason}`).join("; ")}`);
        }
        const created = await host.create(urn, checked.inputs).catch((e: Error) => {
            const p = e instanceof HostCallError ? e.partialCreate : undefined;
            const partial = p ? ` (partial create: id "${p.id}", reasons: ${p.reasons.join("; ")})` : "";
            throw Object.assign(new Error(`create failed for ${what}: ${e.message}${partial}`), { cause: e });
        });
        // The engine re-marks as secret every output whose input was secret.
        const state: Obj = { ...created.properties };
        for (const k of Object.keys(a.inputs))
            if (isSecret(a.inputs[k]) && k in state) state[k] = { [SIG_KEY]: SECRET_SIG, value: state[k] };
        return { id: created.id, state };
    };
    // `SiemAccount.get` / the `id` option: the engine calls the provider's read with the given id and properties.
    const readDynamic = async (a: MockResourceArgs, inputs: Obj) => {
        const host = await hostFor(cwd);
        const read = await host.read(a.id!, urnFor(a.name, a.type, job.project, job.stack), inputs);
        if (!read.id) throw new Error(`reading ${a.type} "${a.name}": resource '${a.id}' does not exist`);
        return { id: read.id, state: read.properties };
    };
    try {
        const outputs = await runUnderMocks(
            ref,
            () => {
                const exp = require(job.program);
                return exp instanceof Function ? exp() : exp; // Pulumi calls an exported function and awaits it
            },
            {
                project: job.project,
                stack: job.stack,
                config: job.config,
                secretKeys: job.secretKeys,
                call: mocks.call ? (a) => mocks.call(a) : undefined,
                newResource: async (a) => {
                    const entry: ProgramResource = {
                        type: a.type,
                        name: a.name,
                        id: "",
                        inputs: unwrapSecrets(a.inputs) as Obj,
                        state: {},
                    };
                    resources.push(entry); // registration order
                    const dynamic = a.type.startsWith("pulumi-nodejs:dynamic/");
                    const res =
                        dynamic && a.id
                            ? await readDynamic(a, entry.inputs)
                            : dynamic
                              ? await createDynamic(a, entry.inputs)
                              : mocks.newResource
                                ? await mocks.newResource(a)
                                : { id: `${a.name}-id`, state: a.inputs };
                    entry.id = res.id ?? "";
                    entry.state = unwrapSecrets(res.state) as Obj;
                    return res;
                },
            },
        );
        return { outputs: unwrapSecrets(outputs), resources };
    } finally {
        for (const [dir, h] of hosts) {
            const host = await h.catch(() => undefined);
            if (!host) continue;
            await host.stop();
            process.stderr.write(
                `--- provider host (cwd ${dir}) stdout ---\n${host.stdout()}--- provider host stderr ---\n${host.stderr()}`,
            );
        }
    }
}

process.once("message", async (job: { kind: string }) => {
    let reply: ChildReply;
    try {
        const value = job.kind === "capture" ? await captureJob(job as CaptureJob) : await programJob(job as ProgramJob);
        reply = { ok: true, value: JSON.parse(JSON.stringify(value ?? null)) };
    } catch (e) {
        const err = e instanceof Error ? e : new Error(String(e));
        reply = { ok: false, error: err.message, stack: err.stack };
        process.stderr.write(`${err.stack}\n`);
    }
    process.exitCode = reply.ok ? 0 : 1;
    // Leftover handles (timers in user code) must not keep the child alive once the reply is out.
    process.send!(reply, () => {
        process.disconnect();
        setTimeout(() => process.exit(), 2_000).unref();
    });
});
