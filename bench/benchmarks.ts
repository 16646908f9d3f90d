// What the provider costs on top of the Logz.io API, measured against the loopback emulator.
//
//   providerBytes   size of the `__provider` text a SiemAccount puts in state
//   createOverhead  create() called in-process / the same HTTP requests made with bare node-fetch
//   hostOverhead    create through Pulumi's dynamic-provider host / a minimal node-fetch provider, same host
//   coldStart       spawn of the host to its first check answer, ours / the minimal provider's
//   scale           n concurrent creates through one host, emulator at 30 ms latency refusing past 100 in flight
//   refresh         n concurrent reads through one host: how many list calls they cost
//
// Ratios come from A/B runs interleaved in this one process, after a warm-up, as ratios of medians; each
// side's median and min-max are kept so a reader can see the spread. Nothing here asserts: the numbers
// are returned (runBenchmarks) and judged against GOALS by evaluateGoals.
import { randomUUID } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { performance } from "node:perf_hooks";
import fetch from "node-fetch";
import { EmulatorOptions, LogzioEmulator, ROUTES } from "../emulator";
import { captureResources } from "../harness/providerCapture";
import { HostCallError, ProviderHost, urnFor } from "../harness/hostDriver";
import { SiemAccount } from "../provider";
import * as runtime from "../provider/runtime";
import { DEFAULTS } from "../provider/settings";
import { MinimalAccount, MinimalProvider } from "./minimalProvider";

export const REPO_ROOT = path.resolve(__dirname, "..", "..");
const SIEM_TYPE = "pulumi-nodejs:dynamic/logzio:SiemAccount";
const MINIMAL_TYPE = "pulumi-nodejs:dynamic/bench:MinimalAccount";
const LIST = ROUTES.associatedAccounts;
const CREATE = ROUTES.createSiem;

export const GOALS = {
    providerBytes: 4096,
    createOverhead: 1.15,
    hostOverhead: 1.2,
    coldStart: 1.3,
    /** wallMs at most this many times idealMs. */
    scaleWallOverIdeal: 1.5,
    /** Logz.io's own limit on requests in flight per account. */
    scaleMaxInFlight: 100,
    refreshListCalls: 5,
} as const;

// ------------------------------------------------------------------------------------------------ options

export interface BenchOptions {
    /** Small n and few iterations: what the test suite runs so the benchmark cannot rot. */
    quick?: boolean;
    /** logzio-siem:maxConcurrency for the scale run; undefined = the provider's default (DEFAULTS.maxConcurrency). */
    scaleConcurrency?: number;
    /** Progress lines (the table is printed by the caller). */
    log?: (line: string) => void;
}

interface Plan {
    createOverhead: { warmup: number; samples: number };
    hostOverhead: { warmup: number; samples: number };
    coldStart: { warmup: number; samples: number };
    scale: { n: number; runs: number; latencyMs: number; maxInFlight: number };
    refresh: { n: number; runs: number; latencyMs: number; maxInFlight: number };
    /** Accounts already under the main account during the create benchmarks (the list each create reads). */
    seededAccounts: number;
}

// Samples are A/B pairs: warm-up pairs are run and thrown away.
const FULL: Plan = {
    createOverhead: { warmup: 100, samples: 400 },
    hostOverhead: { warmup: 50, samples: 300 },
    coldStart: { warmup: 2, samples: 12 },
    scale: { n: 500, runs: 3, latencyMs: 30, maxInFlight: 100 },
    refresh: { n: 500, runs: 3, latencyMs: 30, maxInFlight: 100 },
    seededAccounts: 25,
};
const QUICK: Plan = {
    createOverhead: { warmup: 10, samples: 30 },
    hostOverhead: { warmup: 5, samples: 20 },
    coldStart: { warmup: 0, samples: 2 },
    scale: { n: 100, runs: 1, latencyMs: 30, maxInFlight: 100 },
    refresh: { n: 100, runs: 1, latencyMs: 30, maxInFlight: 100 },
    seededAccounts: 25,
};

// ------------------------------------------------------------------------------------------------ results

export interface Stats { n: number; median: number; min: number; max: number }
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

export interface ScaleResult {
    n: number;
    /** Median over the runs. */
    wallMs: number;
    /** n x latencyMs / cap: every create's POST queued through the cap, nothing else. */
    idealMs: number;
    /** Highest number of requests the emulator ever had in flight, over all runs. */
    maxInFlight: number;
    /** Requests the emulator received in the median run (POSTs, list calls, refused ones). */
    requests: number;
    cap: number;
    capSource: "default" | "logzio-siem:maxConcurrency";
    latencyMs: number;
    emulatorMaxInFlight: number;
    wallMsMin: number;
    wallMsMax: number;
    posts: number;
    listCalls: number;
    rejected429: number;
    /** Creates that failed, over all runs. */
    failures: number;
    /** Names created more than once plus ids handed out more than once, over all runs. */
    duplicates: number;
    /**
     * Informational: the same n creates through the same kind of host with the POST-only minimal provider,
     * no cap, against an emulator with the same latency but no in-flight limit (bare node-fetch would be
     * refused past 100). What Pulumi's host and this benchmark's gRPC driver cost on this machine alone.
     */
    hostFloorMs: number;
    runs: {
        wallMs: number;
        requests: number;
        posts: number;
        listCalls: number;
        maxInFlight: number;
        rejected429: number;
        failures: number;
        duplicates: number;
        /** CPU time during the burst: the host process (Linux /proc only) and this process (gRPC client + emulator). */
        cpu: CpuUse;
        hostFloorMs: number;
        floorCpu: CpuUse;
    }[];
    firstFailure?: string;
}

export interface CpuUse { hostMs?: number; driverMs: number }

export interface RefreshResult {
    n: number;
    /** Most list calls any run made. */
    listCalls: number;
    /** Median over the runs. */
    wallMs: number;
    wallMsMin: number;
    wallMsMax: number;
    latencyMs: number;
    /** Reads that did not return the account (id missing or wrong name), over all runs. */
    misses: number;
    runs: { wallMs: number; listCalls: number; misses: number }[];
}

export interface GoalRow { metric: string; value: string; goal: string; met: boolean }

export interface BenchResults {
    providerBytes: number;
    createOverhead: number;
    hostOverhead: number;
    coldStart: number;
    scale: ScaleResult;
    refresh: RefreshResult;
    details: {
        minimalProviderBytes: number;
        createOverhead: Comparison;
        hostOverhead: Comparison;
        /** Informational: ours against a provider that only POSTs (no duplicate guard), through the host. */
        hostOverheadVsPostOnly: Comparison;
        coldStart: Comparison;
    };
    goals: GoalRow[];
    meta: {
        mode: "quick" | "full";
        date: string;
        node: string;
        pulumi: string;
        platform: string;
        cpus: number;
        cpuModel: string;
        totalSeconds: number;
        /** os.loadavg() (1, 5, 15 min) when the run started and ended: other load on the machine skews timings. */
        loadAverage: { start: number[]; end: number[] };
    };
}

// ------------------------------------------------------------------------------------------------ helpers

export function stats(samples: number[]): Stats {
    if (samples.length === 0) throw new Error("no samples");
    const s = [...samples].sort((a, b) => a - b);
    const mid = Math.floor(s.length / 2);
    const median = s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
    return { n: s.length, median, min: s[0], max: s[s.length - 1] };
}

function compare(ours: number[], baseline: number[], ourLabel: string, baselineLabel: string): Comparison {
    const a = stats(ours);
    const b = stats(baseline);
    return { ratio: a.median / b.median, addedMs: a.median - b.median, ours: a, baseline: b, ourLabel, baselineLabel };
}

async function timed(op: () => Promise<unknown>): Promise<number> {
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
async function interleave(
    a: (i: number) => Promise<number>,
    b: (i: number) => Promise<number>,
    plan: { warmup: number; samples: number },
): Promise<{ a: number[]; b: number[] }> {
    const out = { a: [] as number[], b: [] as number[] };
    for (let i = 0; i < plan.warmup + plan.samples; i++) {
        const keep = i >= plan.warmup;
        const runA = async () => { const t = await a(i); if (keep) out.a.push(t); };
        const runB = async () => { const t = await b(i); if (keep) out.b.push(t); };
        if (i % 2 === 0) { await runA(); await runB(); } else { await runB(); await runA(); }
    }
    return out;
}

function emulatorToken(): string {
    return `bench-${randomUUID()}`;
}

/** The environment without LOGZIO_* variables: only what the benchmark configures is used. */
function hostEnv(): Record<string, string | undefined> {
    const env: Record<string, string | undefined> = {};
    for (const k of Object.keys(process.env)) if (k.startsWith("LOGZIO_")) env[k] = undefined;
    return env;
}

function stackConfig(emulator: LogzioEmulator, extra: Record<string, string> = {}): Record<string, string> {
    return { "logzio:customApiUrl": emulator.url, "logzio:apiToken": emulator.token, ...extra };
}

/** A host configured the way the engine configures it (the token as a secret). */
async function startHost(emulator: LogzioEmulator, extra: Record<string, string> = {}): Promise<ProviderHost> {
    const host = await ProviderHost.start({ cwd: REPO_ROOT, env: hostEnv() });
    try {
        await host.configure(stackConfig(emulator, extra), ["logzio:apiToken"]);
        return host;
    } catch (e) {
        await host.stop();
        throw e;
    }
}

/** An emulator and a host configured against it; both are closed when `use` settles. */
async function withHost<A>(
    emulatorOptions: Omit<EmulatorOptions, "token">,
    extraConfig: Record<string, string>,
    use: (emulator: LogzioEmulator, host: ProviderHost) => Promise<A>,
): Promise<A> {
    const emulator = await LogzioEmulator.start({ token: emulatorToken(), ...emulatorOptions });
    try {
        const host = await startHost(emulator, extraConfig);
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
function resetWith(emulator: LogzioEmulator, n: number): void {
    emulator.reset();
    for (let i = 0; i < n; i++) {
        emulator.addAccount({ accountName: `existing-${i}`, type: i % 3 === 0 ? "SECURITY_ACCOUNT" : "SUB_ACCOUNT", createdAt: "2020-01-01T00:00:00Z" });
    }
}

/** Every create of the A/B benchmarks must have made exactly these requests, or the comparison is void. */
function expectRequests(emulator: LogzioEmulator, who: string, lists: number, posts: number): void {
    const l = emulator.count(LIST);
    const p = emulator.count(CREATE);
    if (l !== lists || p !== posts || emulator.requests.some((r) => r.status !== 200)) {
        const seen = emulator.requests.map((r) => `${r.method} ${r.path} ${r.status}`).join(", ");
        throw new Error(`${who}: expected ${lists} list call(s) and ${posts} POST(s), the emulator saw: ${seen}`);
    }
}

/** CPU time (user + system) a process has used so far, from /proc (Linux); undefined elsewhere. */
function processCpuMs(pid: number): number | undefined {
    try {
        // Fields after the command name: state is field 3, utime 14 and stime 15 (in clock ticks, 100 per second).
        const fields = fs.readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
        return (Number(fields[11]) + Number(fields[12])) * 10;
    } catch {
        return undefined;
    }
}

function errorText(e: unknown): string {
    return e instanceof HostCallError ? e.details : e instanceof Error ? e.message : String(e);
}

// ------------------------------------------------------------------------------------------------ providers

export interface SerializedProviders {
    /** The `__provider` text of a SiemAccount. */
    siem: string;
    /** MinimalProvider with the duplicate-guard GET: the same requests as SiemAccount's create. */
    minimal: string;
    /** MinimalProvider that only POSTs. */
    postOnly: string;
}

/** Serializes all three providers the way `pulumi up` does, under runtime mocks. */
export async function serializeProviders(): Promise<SerializedProviders> {
    const captured = await captureResources(() => {
        new SiemAccount("probe", { accountName: "probe", email: "probe@example.com" });
        new MinimalAccount(new MinimalProvider(true), "minimal", { accountName: "probe", email: "probe@example.com" });
        new MinimalAccount(new MinimalProvider(false), "postOnly", { accountName: "probe", email: "probe@example.com" });
    });
    const text = (name: string, type: string): string => {
        const r = captured.find((c) => c.name === name);
        if (!r || r.type !== type || typeof r.inputs.__provider !== "string") throw new Error(`no serialized provider for ${name} (${type})`);
        return r.inputs.__provider;
    };
    return { siem: text("probe", SIEM_TYPE), minimal: text("minimal", MINIMAL_TYPE), postOnly: text("postOnly", MINIMAL_TYPE) };
}

const bytes = (s: string): number => Buffer.byteLength(s, "utf8");

// ------------------------------------------------------------------------------------------------ createOverhead

/**
 * A: `provider.create` of provider/runtime, in this process, configured like the host configures it.
 * B: the requests that create makes (GET /v1/associated-accounts, the duplicate guard, then the POST),
 *    made with bare node-fetch, bodies read and parsed.
 *
 * Like with like: the runtime's duplicate guard reads a list requested after the create was asked, so
 * every create of this loop makes its own list call, as B does; no cache is hit on either side (the
 * runtime's one GET /v2/whoami per main account happens in the warm-up). That is checked on every sample
 * (expectRequests), and the emulator is reset to the same seeded accounts before each one so both sides read lists of one size.
 * The emulator answers at once (latency 0): the wire is as cheap as it gets, which makes the ratio the
 * strictest it can be; any real latency only dilutes it.
 */
export async function measureCreateOverhead(plan: Plan["createOverhead"], seeded: number): Promise<Comparison> {
    const emulator = await LogzioEmulator.start({ token: emulatorToken() });
    try {
        const config = stackConfig(emulator);
        runtime.configure((key) => config[key]);
        const run = randomUUID().slice(0, 8);

        const ours = async (i: number) => {
            resetWith(emulator, seeded);
            const inputs = { accountName: `bench-${run}-a${i}`, email: "bench@example.com" };
            const t = await timed(() => runtime.provider.create(inputs));
            expectRequests(emulator, "provider create", 1, 1);
            return t;
        };
        const headers = { "X-API-TOKEN": emulator.token, Accept: "application/json", "Content-Type": "application/json" };
        const bare = async (i: number) => {
            resetWith(emulator, seeded);
            const name = `bench-${run}-b${i}`;
            const t = await timed(async () => {
                const list = await fetch(`${emulator.url}/v1/associated-accounts`, { headers });
                const accounts = (await list.json()) as { accountName: string; type: string }[];
                if (!list.ok || accounts.some((a) => a.type === "SECURITY_ACCOUNT" && a.accountName === name)) throw new Error("bare list failed");
                const res = await fetch(`${emulator.url}/v2/account-management/siem`, {
                    method: "POST",
                    headers,
                    body: JSON.stringify({ accountName: name, email: "bench@example.com" }),
                });
                const created = (await res.json()) as { accountId?: number };
                if (!res.ok || typeof created.accountId !== "number") throw new Error(`bare POST failed: ${res.status}`);
            });
            expectRequests(emulator, "bare node-fetch", 1, 1);
            return t;
        };
        const r = await interleave(ours, bare, plan);
        return compare(r.a, r.b, "SiemAccountProvider.create, in-process", "bare node-fetch GET list + POST");
    } finally {
        runtime.configure(() => undefined); // back to "environment only", as before any configure
        await emulator.close();
    }
}

// ------------------------------------------------------------------------------------------------ hostOverhead

/**
 * One host, configured once, serving three providers (it caches each `__provider` text): SiemAccount,
 * the minimal provider making the same GET + POST, and the POST-only one. Each sample is one resource:
 * check (untimed, as the engine does before a create), then the timed Create RPC. Emulator latency 0.
 */
export async function measureHostOverhead(
    providers: SerializedProviders,
    plan: Plan["hostOverhead"],
    seeded: number,
): Promise<{ main: Comparison; postOnly: Comparison }> {
    return withHost({}, {}, async (emulator, host) => {
        const run = randomUUID().slice(0, 8);
        let serial = 0; // names stay distinct across both interleavings: the provider refuses a name twice
        const createThrough = (provider: string, type: string, tag: string, lists: number) => async () => {
            resetWith(emulator, seeded);
            const name = `bench-${run}-${tag}${serial++}`;
            const urn = urnFor(name, type);
            const checked = await host.check(urn, {}, { __provider: provider, accountName: name, email: "bench@example.com" });
            if (checked.failures.length > 0) throw new Error(`check failed: ${JSON.stringify(checked.failures)}`);
            const t = await timed(() => host.create(urn, checked.inputs));
            expectRequests(emulator, `${tag} through the host`, lists, 1);
            return t;
        };
        const ours = createThrough(providers.siem, SIEM_TYPE, "s", 1);
        const minimal = createThrough(providers.minimal, MINIMAL_TYPE, "m", 1);
        const postOnly = createThrough(providers.postOnly, MINIMAL_TYPE, "p", 0);
        const main = await interleave(ours, minimal, plan);
        const info = await interleave(ours, postOnly, { warmup: Math.min(plan.warmup, 10), samples: Math.max(10, Math.floor(plan.samples / 3)) });
        return {
            main: compare(main.a, main.b, "SiemAccount create via host", "minimal provider (GET list + POST) via host"),
            postOnly: compare(info.a, info.b, "SiemAccount create via host", "minimal provider (POST only) via host"),
        };
    });
}

// ------------------------------------------------------------------------------------------------ coldStart

/**
 * From spawning a fresh host to the answer of its first Check (Configure in between, as the engine does).
 * That first Check is where the host deserializes the provider and runs its configure: for SiemAccount
 * the shim loads the runtime (fp-ts, io-ts, node-fetch, the client) and checks the token once per host
 * (GET /v2/whoami, so a wrong token fails at preview); the minimal provider loads nothing and calls nothing.
 */
export async function measureColdStart(providers: SerializedProviders, plan: Plan["coldStart"]): Promise<Comparison> {
    const emulator = await LogzioEmulator.start({ token: emulatorToken() });
    try {
        const coldCheck = (provider: string, type: string) => async () => {
            const t0 = performance.now();
            const host = await startHost(emulator);
            try {
                const checked = await host.check(urnFor("cold", type), {}, { __provider: provider, accountName: "cold", email: "cold@example.com" });
                const t = performance.now() - t0;
                if (checked.failures.length > 0) throw new Error(`check failed: ${JSON.stringify(checked.failures)}`);
                return t;
            } finally {
                await host.stop();
            }
        };
        const r = await interleave(coldCheck(providers.siem, SIEM_TYPE), coldCheck(providers.minimal, MINIMAL_TYPE), plan);
        if (emulator.requests.some((r) => r.path !== "/v2/whoami")) throw new Error("a check called the API beyond its token check");
        return compare(r.a, r.b, "spawn → first check, SiemAccount", "spawn → first check, minimal provider");
    } finally {
        await emulator.close();
    }
}

// ------------------------------------------------------------------------------------------------ scale

/**
 * n SiemAccounts created at once through one host (as `pulumi up` creates independent resources), against
 * an emulator with `latencyMs` per request that answers 429 past `maxInFlight` requests in flight. All n
 * checks are made first (untimed); wallMs is from the first Create RPC sent to the last answer.
 */
export async function measureScale(providers: SerializedProviders, plan: Plan["scale"], cap: number | undefined): Promise<ScaleResult> {
    const effectiveCap = cap ?? DEFAULTS.maxConcurrency;
    const runs: ScaleResult["runs"] = [];
    let emulatorMax = 0;
    let firstFailure: string | undefined;
    /** n checks (untimed), then n Create RPCs at once; the wall time, CPU used, and how each create ended. */
    const burst = async (host: ProviderHost, provider: string, type: string, tag: string) => {
        const names = Array.from({ length: plan.n }, (_, i) => `scale-${tag}-${i}`);
        const checked = await Promise.all(
            names.map((name) => host.check(urnFor(name, type), {}, { __provider: provider, accountName: name, email: `${name}@example.com` })),
        );
        const hostCpu0 = processCpuMs(host.pid);
        const driverCpu0 = process.cpuUsage();
        const t0 = performance.now();
        const settled = await Promise.allSettled(names.map((name, i) => host.create(urnFor(name, type), checked[i].inputs)));
        const wallMs = performance.now() - t0;
        const driver = process.cpuUsage(driverCpu0);
        const hostCpu1 = processCpuMs(host.pid);
        const cpu = {
            hostMs: hostCpu0 === undefined || hostCpu1 === undefined ? undefined : hostCpu1 - hostCpu0,
            driverMs: (driver.user + driver.system) / 1000,
        };
        return { wallMs, settled, cpu };
    };
    const floor = (r: number) =>
        withHost({ latencyMs: plan.latencyMs }, {}, async (_emulator, host) => {
            const { wallMs, settled, cpu } = await burst(host, providers.postOnly, MINIMAL_TYPE, `floor${r}`);
            const failed = settled.find((x): x is PromiseRejectedResult => x.status === "rejected");
            if (failed) throw new Error(`the minimal provider failed at scale: ${errorText(failed.reason)}`);
            return { wallMs, cpu };
        });
    const config: Record<string, string> = cap === undefined ? {} : { "logzio-siem:maxConcurrency": String(cap) };
    for (let r = 0; r < plan.runs; r++) {
        // The floor run goes first on even runs and last on odd ones, like the A/B pairs.
        const floorFirst = r % 2 === 0 ? await floor(r) : undefined;
        const run = await withHost({ latencyMs: plan.latencyMs, maxInFlight: plan.maxInFlight }, config, async (emulator, host) => {
            const { wallMs, settled, cpu } = await burst(host, providers.siem, SIEM_TYPE, String(r));
            const failed = settled.filter((s): s is PromiseRejectedResult => s.status === "rejected");
            if (failed.length > 0) firstFailure ??= errorText(failed[0].reason);
            const ids = settled.flatMap((s) => (s.status === "fulfilled" ? [s.value.id] : []));
            const siem = emulator.siemAccounts();
            const duplicates = siem.length - new Set(siem.map((a) => a.accountName)).size + (ids.length - new Set(ids).size);
            const st = emulator.stats;
            emulatorMax = Math.max(emulatorMax, st.maxInFlight);
            return {
                wallMs,
                requests: emulator.requests.length,
                posts: emulator.count(CREATE),
                listCalls: emulator.count(LIST),
                maxInFlight: st.maxInFlight,
                rejected429: st.rejected429,
                failures: failed.length,
                duplicates,
                cpu,
            };
        });
        const floorRun = floorFirst ?? (await floor(r));
        runs.push({ ...run, hostFloorMs: floorRun.wallMs, floorCpu: floorRun.cpu });
    }
    const byWall = [...runs].sort((a, b) => a.wallMs - b.wallMs);
    const median = byWall[Math.floor((byWall.length - 1) / 2)];
    const wall = stats(runs.map((x) => x.wallMs));
    return {
        n: plan.n,
        wallMs: wall.median,
        idealMs: (plan.n * plan.latencyMs) / effectiveCap,
        maxInFlight: emulatorMax,
        requests: median.requests,
        cap: effectiveCap,
        capSource: cap === undefined ? "default" : "logzio-siem:maxConcurrency",
        latencyMs: plan.latencyMs,
        emulatorMaxInFlight: plan.maxInFlight,
        wallMsMin: wall.min,
        wallMsMax: wall.max,
        posts: median.posts,
        listCalls: median.listCalls,
        rejected429: Math.max(...runs.map((x) => x.rejected429)),
        failures: runs.reduce((s, x) => s + x.failures, 0),
        duplicates: runs.reduce((s, x) => s + x.duplicates, 0),
        hostFloorMs: stats(runs.map((x) => x.hostFloorMs)).median,
        runs,
        ...(firstFailure === undefined ? {} : { firstFailure }),
    };
}

// ------------------------------------------------------------------------------------------------ refresh

/**
 * `pulumi refresh` of n SiemAccounts: n Read RPCs at once through one fresh host, each with the state a
 * create left (created long ago, so none is "still provisioning"). Logz.io has no GET for one SIEM account,
 * so every read needs the account list; the question is how many times it is fetched.
 */
export async function measureRefresh(providers: SerializedProviders, plan: Plan["refresh"]): Promise<RefreshResult> {
    const runs: RefreshResult["runs"] = [];
    for (let r = 0; r < plan.runs; r++) {
        await withHost({ latencyMs: plan.latencyMs, maxInFlight: plan.maxInFlight }, {}, async (emulator, host) => {
            const accounts = Array.from({ length: plan.n }, (_, i) =>
                emulator.addAccount({ accountName: `refresh-${i}`, email: `r${i}@example.com`, createdAt: "2020-01-01T00:00:00Z" }),
            );
            const t0 = performance.now();
            const read = await Promise.all(
                accounts.map((a) =>
                    host.read(String(a.accountId), urnFor(a.accountName), {
                        __provider: providers.siem,
                        accountId: a.accountId,
                        accountName: a.accountName,
                        email: a.email,
                        accountsToScan: a.accountsToScan,
                        isUsingRepositoryAccount: a.isUsingRepositoryAccount,
                        createdAt: a.createdAt,
                    }),
                ),
            );
            const wallMs = performance.now() - t0;
            const misses = read.filter((x, i) => x.id !== String(accounts[i].accountId) || x.properties.accountName !== accounts[i].accountName).length;
            runs.push({ wallMs, listCalls: emulator.count(LIST), misses });
        });
    }
    const wall = stats(runs.map((x) => x.wallMs));
    return {
        n: plan.n,
        listCalls: Math.max(...runs.map((x) => x.listCalls)),
        wallMs: wall.median,
        wallMsMin: wall.min,
        wallMsMax: wall.max,
        latencyMs: plan.latencyMs,
        misses: runs.reduce((s, x) => s + x.misses, 0),
        runs,
    };
}

// ------------------------------------------------------------------------------------------------ all of it

export async function runBenchmarks(opts: BenchOptions = {}): Promise<BenchResults> {
    const plan = opts.quick ? QUICK : FULL;
    const log = opts.log ?? (() => undefined);
    const started = performance.now();
    const loadAtStart = os.loadavg();

    log("serializing the providers under runtime mocks ...");
    const providers = await serializeProviders();
    log(`createOverhead: ${plan.createOverhead.warmup} + ${plan.createOverhead.samples} interleaved pairs ...`);
    const createOverhead = await measureCreateOverhead(plan.createOverhead, plan.seededAccounts);
    log(`hostOverhead: ${plan.hostOverhead.warmup} + ${plan.hostOverhead.samples} interleaved pairs through one host ...`);
    const host = await measureHostOverhead(providers, plan.hostOverhead, plan.seededAccounts);
    log(`coldStart: ${plan.coldStart.warmup} + ${plan.coldStart.samples} interleaved pairs of fresh hosts ...`);
    const coldStart = await measureColdStart(providers, plan.coldStart);
    log(`scale: ${plan.scale.runs} run(s) of ${plan.scale.n} concurrent creates ...`);
    const scale = await measureScale(providers, plan.scale, opts.scaleConcurrency);
    log(`refresh: ${plan.refresh.runs} run(s) of ${plan.refresh.n} concurrent reads ...`);
    const refresh = await measureRefresh(providers, plan.refresh);

    const cpus = os.cpus();
    const partial: Omit<BenchResults, "goals"> = {
        providerBytes: bytes(providers.siem),
        createOverhead: createOverhead.ratio,
        hostOverhead: host.main.ratio,
        coldStart: coldStart.ratio,
        scale,
        refresh,
        details: {
            minimalProviderBytes: bytes(providers.minimal),
            createOverhead,
            hostOverhead: host.main,
            hostOverheadVsPostOnly: host.postOnly,
            coldStart,
        },
        meta: {
            mode: opts.quick ? "quick" : "full",
            date: new Date().toISOString(),
            node: process.version,
            pulumi: (require("@pulumi/pulumi/package.json") as { version: string }).version,
            platform: `${os.platform()} ${os.release()} ${os.arch()}`,
            cpus: cpus.length,
            cpuModel: cpus[0]?.model ?? "unknown",
            totalSeconds: (performance.now() - started) / 1000,
            loadAverage: { start: loadAtStart, end: os.loadavg() },
        },
    };
    return { ...partial, goals: evaluateGoals(partial) };
}

export function evaluateGoals(r: Omit<BenchResults, "goals">): GoalRow[] {
    const x = (v: number) => `${v.toFixed(3)}x`;
    const s = r.scale;
    return [
        { metric: "providerBytes", value: `${r.providerBytes} B`, goal: `<= ${GOALS.providerBytes} B`, met: r.providerBytes <= GOALS.providerBytes },
        { metric: "createOverhead", value: x(r.createOverhead), goal: `<= ${GOALS.createOverhead}x`, met: r.createOverhead <= GOALS.createOverhead },
        { metric: "hostOverhead", value: x(r.hostOverhead), goal: `<= ${GOALS.hostOverhead}x`, met: r.hostOverhead <= GOALS.hostOverhead },
        { metric: "coldStart", value: x(r.coldStart), goal: `<= ${GOALS.coldStart}x`, met: r.coldStart <= GOALS.coldStart },
        {
            metric: "scale",
            value: `${Math.round(s.wallMs)} ms = ${(s.wallMs / s.idealMs).toFixed(2)}x ideal; ${s.failures} failed, ${s.duplicates} dup, max ${s.maxInFlight} in flight`,
            goal: `<= ${GOALS.scaleWallOverIdeal}x ideal, 0 failed, 0 dup, <= ${GOALS.scaleMaxInFlight} in flight`,
            met:
                s.wallMs <= GOALS.scaleWallOverIdeal * s.idealMs &&
                s.failures === 0 &&
                s.duplicates === 0 &&
                s.maxInFlight <= GOALS.scaleMaxInFlight,
        },
        { metric: "refresh", value: `${r.refresh.listCalls} list call(s), ${r.refresh.misses} missed`, goal: `<= ${GOALS.refreshListCalls} list calls`, met: r.refresh.listCalls <= GOALS.refreshListCalls && r.refresh.misses === 0 },
    ];
}

// ------------------------------------------------------------------------------------------------ the table

const ms = (v: number): string => (Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 10 ? v.toFixed(1) : v.toFixed(2));
const spread = (s: Stats): string => `${ms(s.median)} ms [${ms(s.min)}–${ms(s.max)}] n=${s.n}`;

function pad(rows: string[][]): string {
    const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => (r[c] ?? "").length)));
    return rows.map((r) => r.map((cell, c) => cell.padEnd(widths[c])).join("  ").trimEnd()).join("\n");
}

function medianCpu(cpus: CpuUse[]): CpuUse {
    const host = cpus.flatMap((c) => (c.hostMs === undefined ? [] : [c.hostMs]));
    return { hostMs: host.length > 0 ? stats(host).median : undefined, driverMs: stats(cpus.map((c) => c.driverMs)).median };
}

function cpuText(c: CpuUse): string {
    return `host ${c.hostMs === undefined ? "?" : Math.round(c.hostMs)} ms + driver ${Math.round(c.driverMs)} ms`;
}

export function formatTable(r: BenchResults): string {
    const goal = (metric: string) => r.goals.find((g) => g.metric === metric)!;
    const met = (metric: string) => (goal(metric).met ? "met" : "MISSED");
    const d = r.details;
    const s = r.scale;
    const ratioRow = (metric: string, c: Comparison): string[] => [metric, `${c.ratio.toFixed(3)}x`, spread(c.ours), spread(c.baseline), goal(metric).goal, met(metric)];
    const main = pad([
        ["metric", "result", "ours: median [min–max]", "baseline: median [min–max]", "goal", ""],
        ["providerBytes", `${r.providerBytes} B`, "SiemAccount __provider", `minimal provider: ${d.minimalProviderBytes} B`, goal("providerBytes").goal, met("providerBytes")],
        ratioRow("createOverhead", d.createOverhead),
        ratioRow("hostOverhead", d.hostOverhead),
        ratioRow("coldStart", d.coldStart),
        [
            "scale",
            `${ms(s.wallMs)} ms`,
            `wall [${ms(s.wallMsMin)}–${ms(s.wallMsMax)}] over ${s.runs.length} run(s)`,
            `ideal ${ms(s.idealMs)} ms = ${s.n} x ${s.latencyMs} ms / cap ${s.cap}`,
            `<= ${ms(GOALS.scaleWallOverIdeal * s.idealMs)} ms`,
            met("scale"),
        ],
        ["refresh", `${r.refresh.listCalls} list call(s)`, `wall ${ms(r.refresh.wallMs)} ms [${ms(r.refresh.wallMsMin)}–${ms(r.refresh.wallMsMax)}]`, `${r.refresh.n} reads, ${r.refresh.latencyMs} ms latency`, goal("refresh").goal, met("refresh")],
    ]);
    const notes = [
        `createOverhead  A = ${d.createOverhead.ourLabel}; B = ${d.createOverhead.baselineLabel} (emulator latency 0); ` +
            `A adds ${ms(d.createOverhead.addedMs)} ms per create`,
        `hostOverhead    A = ${d.hostOverhead.ourLabel}; B = ${d.hostOverhead.baselineLabel} (emulator latency 0); ` +
            `A adds ${ms(d.hostOverhead.addedMs)} ms per create`,
        `                info: vs a POST-only minimal provider ${d.hostOverheadVsPostOnly.ratio.toFixed(3)}x ` +
            `(${spread(d.hostOverheadVsPostOnly.ours)} vs ${spread(d.hostOverheadVsPostOnly.baseline)}): the duplicate guard's own round trip`,
        `scale           n=${s.n}, cap ${s.cap} (${s.capSource}), emulator ${s.latencyMs} ms latency, 429 past ${s.emulatorMaxInFlight} in flight: ` +
            `${s.requests} requests (${s.posts} POST, ${s.listCalls} list), max ${s.maxInFlight} in flight, ${s.rejected429} x 429, ` +
            `${s.failures} failed, ${s.duplicates} duplicate(s)${s.firstFailure ? `; first failure: ${s.firstFailure}` : ""}`,
        `                host floor: the POST-only minimal provider, uncapped, needs ${ms(s.hostFloorMs)} ms for the same ${s.n} creates through the same host ` +
            `(${(s.hostFloorMs / s.idealMs).toFixed(2)}x ideal)`,
        `                CPU during the burst, median run: ${cpuText(medianCpu(s.runs.map((x) => x.cpu)))} (SiemAccount); ` +
            `${cpuText(medianCpu(s.runs.map((x) => x.floorCpu)))} (minimal)`,
        `coldStart       A = ${d.coldStart.ourLabel}; B = ${d.coldStart.baselineLabel}; A adds ${ms(d.coldStart.addedMs)} ms`,
        `refresh         per run list calls: ${r.refresh.runs.map((x) => x.listCalls).join(", ")}; ${r.refresh.misses} read(s) missed their account`,
        `machine         ${r.meta.cpus} x ${r.meta.cpuModel}, node ${r.meta.node}, @pulumi/pulumi ${r.meta.pulumi}, ${r.meta.mode} mode, ${r.meta.totalSeconds.toFixed(1)} s, ` +
            `load average ${r.meta.loadAverage.start.map((l) => l.toFixed(1)).join("/")} at start, ${r.meta.loadAverage.end.map((l) => l.toFixed(1)).join("/")} at end`,
    ];
    return `${main}\n\n${notes.join("\n")}`;
}
