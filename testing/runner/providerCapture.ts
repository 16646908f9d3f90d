// Captures what a Pulumi program sends for its resources (dynamic ones carry the serialized provider in
// `inputs.__provider`), under runtime mocks, without the CLI.
import { runChild } from "./childRunner";
import { isSecret, loadPulumi, PulumiRef, runUnderMocks, unwrapSecrets } from "./mockRuntime";

export interface CapturedResource {
    type: string;
    name: string;
    /** Plain values (secrets unwrapped), including the `__provider` text for dynamic resources. */
    inputs: Record<string, unknown>;
    /** Top-level input keys that arrived as secrets. */
    secretInputs: string[];
}
export interface CaptureOptions {
    project?: string;
    stack?: string;
    config?: Record<string, string>;
    secretKeys?: string[];
    timeoutMs?: number;
}

export async function captureWith(ref: PulumiRef, program: () => unknown, opts: CaptureOptions = {}): Promise<CapturedResource[]> {
    const captured: CapturedResource[] = [];
    await runUnderMocks(ref, program, {
        ...opts,
        newResource: (a) => {
            captured.push({
                type: a.type,
                name: a.name,
                inputs: unwrapSecrets(a.inputs) as Record<string, unknown>,
                secretInputs: Object.keys(a.inputs).filter((k) => isSecret(a.inputs[k])),
            });
            return { id: `${a.name}-id`, state: a.inputs };
        },
    });
    return captured;
}

/**
 * Runs `program` under mocks in THIS process and returns the registered resources (root Stack excluded).
 * Sequential calls are safe (each call re-installs mocks and config and waits for every registration);
 * overlapping calls are rejected. Anything else in the process that relies on its own setMocks must re-install it.
 */
export function captureResources(program: () => void | Promise<void>, opts?: CaptureOptions): Promise<CapturedResource[]> {
    return captureWith(loadPulumi(), program, opts);
}

/**
 * Same, in a child `node` with cwd = dir: `script` is CommonJS source compiled as if it were `<dir>/__capture__.js`,
 * so its require() calls (and @pulumi/pulumi itself) resolve from dir's node_modules. If it sets module.exports to
 * a function, that is called and awaited, like a Pulumi entry point.
 */
export async function captureResourcesIn(dir: string, script: string, opts: CaptureOptions = {}): Promise<CapturedResource[]> {
    const env = { ...process.env, PULUMI_NODEJS_PROJECT: opts.project ?? "logzio-siem", PULUMI_NODEJS_STACK: opts.stack ?? "dev" };
    const { value } = await runChild(dir, env, { kind: "capture", script, opts }, opts.timeoutMs ?? 120_000);
    return value as CapturedResource[];
}
