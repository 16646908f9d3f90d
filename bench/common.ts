// What every part of the benchmark shares: statistics, A/B interleaving, and the emulator and provider host
// set up the way the engine sets them up (the token as a secret, no LOGZIO_* from the machine).
import { randomUUID } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { performance } from "node:perf_hooks";
import { EmulatorOptions, LogzioEmulator, ROUTES } from "../emulator";
import { HostCallError, ProviderHost } from "../testing/runner/hostDriver";

export const REPO_ROOT = path.resolve(__dirname, "..", "..");
export const SIEM_TYPE = "pulumi-nodejs:dynamic/logzio:SiemAccount";
export const MINIMAL_TYPE = "pulumi-nodejs:dynamic/bench:MinimalAccount";
export const LIST = ROUTES.list;
export const CREATE = ROUTES.create;
export const WHOAMI = ROUTES.whoami;
/** The stack-config key of the API URL (the minimal provider reads the same one). */
export const URL_KEY = "logzio:customApiUrl";

export interface Stats {
    n: number;
    median: number;
    min: number;
    max: number;
}
export interface Comparison {
    /** median(ours) / median(baseline) */
    ratio: number;
    /** median(ours) - median(baseline), in ms: what the ratio means in time. */
    addedMs: number;
    ours: Stats;
    baseline: Stats;
    /** What A and B are, in words. */
    ourLabel: string;
    baselineLabel: string;
}

export function stats(samples: number[]): Stats {
    if (samples.length === 0) throw new Error("no samples");
    const s = [...samples].sort((a, b) => a - b);
    const mid = Math.floor(s.length / 2);
    const median = s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
    return { n: s.length, median, min: s[0], max: s[s.length - 1] };
}

export function compare(ours: number[], baseline: number[], ourLabel: string, baselineLabel: string): Comparison {
    const a = stats(ours);
    const b = stats(baseline);
    return { ratio: a.median / b.median, addedMs: a.median - b.median, ours: a, baseline: b, ourLabel, baselineLabel };
}

export async function timed(op: () => Promise<unknown>): Promise<number> {
    const t0 = performance.now();
    await op();
    return performance.now() - t0;
}

/**
 * A/B interleaving in one process. The order inside a pair alternates (A B, B A, A B, ...) so that neither
 * side always runs second (warm sockets, the other side's garbage being collected during it). Each side
 * returns its own sample in ms, so that it times only what it should (setup such as an emulator reset or
 * a Check stays outside the timed part).
 */
export async function interleave(
    a: (i: number) => Promise<number>,
    b: (i: number) => Promise<number>,
    plan: { warmup: number; samples: number },
): Promise<{ a: number[]; b: number[] }> {
    const out = { a: [] as number[], b: [] as number[] };
    for (let i = 0; i < plan.warmup + plan.samples; i++) {
        const keep = i >= plan.warmup;
        const runA = async () => {
            const t = await a(i);
            if (keep) out.a.push(t);
        };
        const runB = async () => {
            const t = await b(i);
            if (keep) out.b.push(t);
        };
        if (i % 2 === 0) {
            await runA();
            await runB();
        } else {
            await runB();
            await runA();
        }
    }
    return out;
}

export function emulatorToken(): string {
    return `bench-${randomUUID()}`;
}

/** The environment without LOGZIO_* variables: only what the benchmark configures is used. */
export function hostEnv(): Record<string, string | undefined> {
    const env: Record<string, string | undefined> = {};
    for (const k of Object.keys(process.env)) if (k.startsWith("LOGZIO_")) env[k] = undefined;
    return env;
}

export function stackConfig(emulator: LogzioEmulator, extra: Record<string, string> = {}): Record<string, string> {
    return { [URL_KEY]: emulator.url, "logzio:apiToken": emulator.token, ...extra };
}

/** Opt-in extras for a host process: node flags and environment (the CPU-profile preload uses both). */
export interface HostExtras {
    nodeArgs?: string[];
    env?: Record<string, string>;
}

/** A host configured the way the engine configures it (the token as a secret). */
export async function startHost(
    emulator: LogzioEmulator,
    extra: Record<string, string> = {},
    extras: HostExtras = {},
): Promise<ProviderHost> {
    const host = await ProviderHost.start({ cwd: REPO_ROOT, env: { ...hostEnv(), ...extras.env }, nodeArgs: extras.nodeArgs });
    try {
        await host.configure(stackConfig(emulator, extra), ["logzio:apiToken"]);
        return host;
    } catch (e) {
        await host.stop();
        throw e;
    }
}

/** An emulator and a host configured against it; both are closed when `use` settles. */
export async function withHost<A>(
    emulatorOptions: Omit<EmulatorOptions, "token">,
    extraConfig: Record<string, string>,
    use: (emulator: LogzioEmulator, host: ProviderHost) => Promise<A>,
    extras: HostExtras = {},
): Promise<A> {
    const emulator = await LogzioEmulator.start({ token: emulatorToken(), ...emulatorOptions });
    try {
        const host = await startHost(emulator, extraConfig, extras);
        try {
            return await use(emulator, host);
        } catch (e) {
            throw new Error(`${errorText(e)}\n--- host stderr ---\n${host.stderr().slice(-4000)}`);
        } finally {
            await host.stop();
        }
    } finally {
        await emulator.close();
    }
}

/** Back to an owner plus `n` existing accounts, so every create reads a list of the same size. */
export function resetWith(emulator: LogzioEmulator, n: number): void {
    emulator.reset();
    for (let i = 0; i < n; i++) {
        emulator.addAccount({
            accountName: `existing-${i}`,
            type: i % 3 === 0 ? "SECURITY_ACCOUNT" : "SUB_ACCOUNT",
            createdAt: "2020-01-01T00:00:00Z",
        });
    }
}

/** Every create of the A/B benchmarks must have made exactly these requests, or the comparison is void. */
export function expectRequests(emulator: LogzioEmulator, who: string, lists: number, posts: number): void {
    const l = emulator.count(LIST);
    const p = emulator.count(CREATE);
    if (l !== lists || p !== posts || emulator.requests.some((r) => r.status !== 200)) {
        const seen = emulator.requests.map((r) => `${r.method} ${r.path} ${r.status}`).join(", ");
        throw new Error(`${who}: expected ${lists} list call(s) and ${posts} POST(s), the emulator saw: ${seen}`);
    }
}

/** CPU time (user + system) a process has used so far, from /proc (Linux); undefined elsewhere. */
export function processCpuMs(pid: number): number | undefined {
    try {
        // Fields after the command name: state is field 3, utime 14 and stime 15 (in clock ticks, 100 per second).
        const fields = fs.readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
        return (Number(fields[11]) + Number(fields[12])) * 10;
    } catch {
        return undefined;
    }
}

export function errorText(e: unknown): string {
    return e instanceof HostCallError ? e.details : e instanceof Error ? e.message : String(e);
}

export const bytes = (s: string): number => Buffer.byteLength(s, "utf8");
