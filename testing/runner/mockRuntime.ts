// Runs a Pulumi program under `pulumi.runtime.setMocks` inside a root Stack, like `pulumi up` does, and waits until
// every resource registration has settled. Shared by captureResources (in-process) and the child entry (child.ts).
import * as path from "path";
import { createRequire } from "module";
import type * as PulumiModule from "@pulumi/pulumi";
import { SECRET_SIG, SIG_KEY } from "./hostDriver";

type Obj = Record<string, unknown>;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Js = any;

/** A loaded @pulumi/pulumi plus its folder, for reaching runtime internals of that same copy. */
export interface PulumiRef {
    pulumi: typeof PulumiModule;
    dir: string;
}

/** @pulumi/pulumi as resolved from `fromDir` (the program's folder), falling back to this repo's copy. */
export function loadPulumi(fromDir?: string): PulumiRef {
    let pkg: string;
    try {
        pkg = require.resolve("@pulumi/pulumi/package.json", { paths: fromDir ? [fromDir] : undefined });
    } catch {
        pkg = require.resolve("@pulumi/pulumi/package.json");
    }
    const req = createRequire(pkg);
    return { pulumi: req("./index.js"), dir: path.dirname(pkg) };
}

export interface MockResourceArgs {
    type: string;
    name: string;
    inputs: Obj;
    custom?: boolean;
    id?: string;
    provider?: string;
}
export interface MockRunOptions {
    project?: string;
    stack?: string;
    /** Namespaced ("ns:key"); a key without ":" gets the project name, as `pulumi config set` does. */
    config?: Record<string, string>;
    secretKeys?: string[];
    preview?: boolean;
    newResource(args: MockResourceArgs): Promise<{ id?: string; state: Obj }> | { id?: string; state: Obj };
    call?(args: { token: string; inputs: Obj; provider?: string }): Obj | Promise<Obj>;
}

export const STACK_TYPE = "pulumi:pulumi:Stack";

export const nsKey = (k: string, project: string): string => (k.includes(":") ? k : `${project}:${k}`);
export function namespaced(keys: Record<string, string> | undefined, project: string): Record<string, string> {
    return Object.fromEntries(Object.entries(keys ?? {}).map(([k, v]) => [nsKey(k, project), v]));
}

export const isSecret = (v: unknown): v is { value: unknown } => typeof v === "object" && v !== null && (v as Obj)[SIG_KEY] === SECRET_SIG;

/** Deeply strips the mock runtime's secret wrappers: the engine hands a provider with acceptSecrets=false plain values. */
export function unwrapSecrets(v: unknown): unknown {
    if (isSecret(v)) return unwrapSecrets(v.value);
    if (Array.isArray(v)) return v.map(unwrapSecrets);
    if (typeof v === "object" && v !== null && Object.getPrototypeOf(v) === Object.prototype) {
        return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, unwrapSecrets(x)]));
    }
    return v;
}

let running = false;

/**
 * Runs `program` under mocks and returns the stack outputs once all registrations settled. Rejects with the first
 * registration error (e.g. a provider that fails to serialize), which Pulumi itself only reports as an unhandled
 * rejection. Not reentrant: runtime mocks are process-global state.
 */
export async function runUnderMocks(ref: PulumiRef, program: () => unknown, opts: MockRunOptions): Promise<Obj> {
    if (running) throw new Error("runUnderMocks: runs must not overlap (Pulumi runtime mocks are process-global)");
    running = true;
    const rt = ref.pulumi.runtime as Js;
    const state: Js = createRequire(path.join(ref.dir, "package.json"))("./runtime/state");
    const store = () => state.getStore();
    const project = opts.project ?? "logzio-siem";
    const savedConfig = { ...store().config };
    // Registration failures surface only as unhandled rejections: collect them instead of letting a test
    // framework's global handler (or Node) report them somewhere else.
    const savedListeners = process.listeners("unhandledRejection");
    process.removeAllListeners("unhandledRejection");
    const errors: unknown[] = [];
    let fail: (e: unknown) => void = () => undefined;
    const failed = new Promise<never>((_, rej) => (fail = rej));
    failed.catch(() => undefined);
    const onRejection = (e: unknown) => {
        if (!errors.includes(e)) {
            errors.push(e);
            fail(e);
        }
    };
    process.on("unhandledRejection", onRejection);
    try {
        await rt.setMocks(
            {
                newResource: async (a: Js) => (a.type === STACK_TYPE ? { id: undefined, state: {} } : opts.newResource(a)),
                call: async (a: Js) => (opts.call ? opts.call(a) : a.inputs),
            },
            project,
            opts.stack ?? "dev",
            opts.preview ?? false,
        );
        // setMocks keeps whatever config the store holds: replace it for this run (restored below).
        rt.setAllConfig(
            namespaced(opts.config, project),
            (opts.secretKeys ?? []).map((k) => nsKey(k, project)),
        );
        let outputs: Obj = {};
        try {
            // Raced: an export whose resource failed to register may never resolve.
            outputs = (await Promise.race([rt.runInPulumiStack(async () => program()), failed])) ?? {};
        } catch (e) {
            if (!errors.includes(e)) errors.unshift(e);
        }
        // Even after a failure, let in-flight registrations finish and their rejections reach our listener;
        // otherwise they leak into the next run (or crash the process) once the listeners are restored.
        await settle(store);
        for (let i = 0; i < 3; i++) await new Promise((r) => setImmediate(r));
        if (errors.length === 1) throw errors[0];
        if (errors.length > 1) {
            const msg = (e: unknown) => (e instanceof Error ? e.message : String(e));
            throw Object.assign(new Error(`${errors.length} errors:\n${errors.map(msg).join("\n")}`), { errors });
        }
        return outputs;
    } finally {
        process.off("unhandledRejection", onRejection);
        savedListeners.forEach((l) => process.on("unhandledRejection", l));
        Object.assign(store().config, savedConfig);
        running = false;
    }
}

// Waits until the runtime's RPC keep-alive chain stops growing: resources created inside apply() callbacks
// register after earlier RPCs finished, so one await of `rpcDone` is not enough.
async function settle(store: () => Js): Promise<void> {
    for (;;) {
        const before = store().settings.rpcDone;
        await Promise.resolve(before).catch(() => undefined);
        await new Promise((r) => setImmediate(r));
        if (store().settings.rpcDone === before) return;
    }
}
