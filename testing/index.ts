// `pulumi-logzio-siem/testing`: test your own Pulumi stacks without a Logz.io account. `runStack` runs a
// program under Pulumi's runtime mocks, in a child process, while each SiemAccount goes through Pulumi's real
// dynamic-provider host (the code `pulumi up` runs) against a Logz.io emulator on loopback.
import * as fs from "node:fs";
import * as path from "node:path";
import { LogzioEmulator } from "../emulator";
import { ProgramResource, runProgram } from "./runner/programRunner";

export { LogzioEmulator, ROUTES, ACCOUNT_TYPES, FAULT_KINDS, routeKey } from "../emulator";
export type { EmulatorOptions, EmulatedAccount, AccountType, Fault, FaultAnswer, Pace, RequestRecord, Route, RouteName } from "../emulator";

/** The type token of SiemAccount resources, as in state and in `StackResource.type`. */
export const SIEM_ACCOUNT_TYPE = "pulumi-nodejs:dynamic/logzio:SiemAccount";

export interface StackTestOptions {
    /** The program: its entry file (`index.ts`, `index.js`) or its folder (then `index.ts`, else `index.js`). */
    program: string;
    /** The emulator standing in for the main account of the `logzio` config namespace. */
    emulator?: LogzioEmulator;
    /** One emulator per config namespace, for programs that use `configNamespace` (merged over `emulator`). */
    emulators?: Record<string, LogzioEmulator>;
    /** Default: `name:` of the nearest Pulumi.yaml at or above the program. */
    project?: string;
    /** Default `test`. */
    stack?: string;
    /** More stack config, as `pulumi config set` takes it: a key without ":" belongs to the project. */
    config?: Record<string, string>;
    /** Keys of `config` to hand over as secrets. */
    secretKeys?: string[];
    /** Extra environment for the program and the provider host. `LOGZIO_*` variables of this process are never passed on. */
    env?: Record<string, string>;
    /**
     * Path of a module answering for every resource that is not a SiemAccount, like `pulumi.runtime.Mocks`: it
     * exports `newResource({ type, name, inputs, id? })` returning `{ id, state }`, and optionally `call({ token, inputs })`.
     * Without it, such resources get the id `<name>-id` and their inputs as state.
     */
    mocks?: string;
    /** Default 120000. */
    timeoutMs?: number;
}

/** A resource the program registered or read: type, name, id, inputs and state (outputs). */
export type StackResource = ProgramResource;

export interface StackTestResult {
    /** The stack outputs (`export const ...`), secrets unwrapped. */
    outputs: Record<string, unknown>;
    /** Every resource the program registered or read, in registration order. */
    resources: StackResource[];
    /** Only the SiemAccounts. */
    siemAccounts: StackResource[];
    /** The program's and the provider host's stdout and stderr. */
    log: string;
}

/** Stack config that points a config namespace at an emulator (the token as a secret, as `--secret` stores it). */
export function emulatorConfig(emulators: Record<string, { url: string; token: string }>): {
    config: Record<string, string>;
    secretKeys: string[];
} {
    const config: Record<string, string> = {};
    const secretKeys: string[] = [];
    for (const [ns, e] of Object.entries(emulators)) {
        config[`${ns}:customApiUrl`] = e.url;
        config[`${ns}:apiToken`] = e.token;
        secretKeys.push(`${ns}:apiToken`);
    }
    return { config, secretKeys };
}

/**
 * Runs the program as `pulumi up` would for a new stack, with its SiemAccounts created (or, with `SiemAccount.get`,
 * read) by the real provider against the emulators. Rejects with the first failure, e.g. a failed `check`.
 */
export async function runStack(opts: StackTestOptions): Promise<StackTestResult> {
    const emulators = { ...(opts.emulator ? { logzio: opts.emulator } : {}), ...opts.emulators };
    if (Object.keys(emulators).length === 0) throw new Error("runStack: pass `emulator` (or `emulators` by config namespace)");
    const logzio = emulatorConfig(emulators);
    const env: Record<string, string | undefined> = {};
    // A test must never reach the real Logz.io through a token in the developer's environment.
    for (const k of Object.keys(process.env)) if (k.startsWith("LOGZIO_")) env[k] = undefined;
    const result = await runProgram({
        program: entryFile(opts.program),
        project: opts.project,
        stack: opts.stack ?? "test",
        config: { ...logzio.config, ...opts.config },
        secretKeys: [...logzio.secretKeys, ...(opts.secretKeys ?? [])],
        env: { ...env, ...opts.env },
        otherResourceMocks: opts.mocks,
        timeoutMs: opts.timeoutMs,
    });
    return { ...result, siemAccounts: result.resources.filter((r) => r.type === SIEM_ACCOUNT_TYPE) };
}

function entryFile(program: string): string {
    const p = path.resolve(program);
    if (!fs.existsSync(p)) throw new Error(`runStack: program ${p} does not exist`);
    if (!fs.statSync(p).isDirectory()) return p;
    for (const f of ["index.ts", "index.js"]) if (fs.existsSync(path.join(p, f))) return path.join(p, f);
    throw new Error(`runStack: ${p} has no index.ts or index.js`);
}
