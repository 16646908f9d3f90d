// The engine figures: `pulumi up`, a no-change `pulumi preview`, `pulumi refresh` and `pulumi destroy` (every
// resource with retainOnDelete) of n SiemAccounts, each divided by the same command for n resources of the
// minimal provider. Same CLI, same engine, same dynamic-provider host, an emulator of its own per side with the
// same settings. A third side runs the same commands for n SiemAccounts through the resource provider plugin
// (bin/pulumi-resource-logzio-siem from the packed install, named by Pulumi.yaml's plugins.providers path), from the
// same Node.js program (a raw CustomResource of type logzio-siem:index:SiemAccount): the same language host as the
// dynamic side, so plugin / dynamic provider (pluginUp, pluginRefresh) differ by the provider alone. It uses the e2e harness (harness/e2e): the package as a user installs it (npm pack), a local
// backend, and `pulumi up` in a project folder through the CLI's Node.js language host, as users run it.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { performance } from "node:perf_hooks";
import { LogzioEmulator } from "../emulator";
import { consumerInstall } from "../harness/packed";
import { existingPulumiCli, PulumiCli } from "../harness/e2e/pulumiCli";
import { E2EStack, RunResult, stepsFor } from "../harness/e2e/stack";
import { CREATE, Comparison, LIST, MINIMAL_TYPE, REPO_ROOT, SIEM_TYPE, URL_KEY, WHOAMI, compare, emulatorToken } from "./common";
import { LookupWaits, summarizeLookups, takeTrace, traceDir, tracingEngineEnv } from "./profiling/lookupTrace";
import { ProfileSummary, collectProfile, profilingEngineEnv } from "./profiling/profile";

export interface EnginePlan {
    /** Resources per stack. */
    count: number;
    /** Rounds thrown away, then rounds kept: a round is up, preview, refresh and destroy of each side. */
    warmup: number;
    samples: number;
    /** Each latency gets its own warm-up and rounds; the top-level ratios are the worse of them. */
    latenciesMs: number[];
    maxInFlight: number;
}

export const ENGINE_OPS = ["engineUp", "enginePreview", "engineRefresh", "engineDestroyRetained"] as const;
export type EngineOp = (typeof ENGINE_OPS)[number];
/** The plugin's figures with a goal: its command / the dynamic provider's (SiemAccount), same latency. */
export const PLUGIN_OPS = { pluginUp: "engineUp", pluginRefresh: "engineRefresh" } as const;
export type PluginOp = keyof typeof PLUGIN_OPS;
export const PLUGIN_TYPE = "logzio-siem:index:SiemAccount";

/** Requests one command made to its emulator; the most any kept round made. */
export interface Calls {
    list: number;
    create: number;
    whoami: number;
    other: number;
}

export interface EngineComparison extends Comparison {
    calls: { ours: Calls; baseline: Calls };
    /** SiemAccount's lookups in the kept rounds: how long they waited beyond their own list's round trip. */
    lookups: LookupWaits;
}

/** The engine figures of one bench run. */
export interface EngineRun {
    available: true;
    cli: { version: string; languageHost: PulumiCli["languageHost"] };
    count: number;
    latenciesMs: number[];
    emulatorMaxInFlight: number;
    warmup: number;
    /** Per latency (its ms as the key). */
    figures: Record<string, Record<EngineOp, EngineComparison>>;
    /** Per command, the worse ratio of the latencies. */
    worst: Record<EngineOp, number>;
    /**
     * Per latency: each command through the plugin / the same command through the dynamic provider (SiemAccount);
     * `ours` is the plugin, `baseline` the dynamic provider. Only up and refresh have goals (PLUGIN_OPS).
     */
    plugin: Record<string, Record<EngineOp, EngineComparison>>;
    /** pluginUp and pluginRefresh: the worse ratio of the latencies. */
    pluginWorst: Record<PluginOp, number>;
}
export interface EngineSkipped {
    available: false;
    reason: string;
}
export type EngineResult = (EngineRun & { profiles?: { siem: ProfileSummary; minimal: ProfileSummary } }) | EngineSkipped;

const LABELS: Record<EngineOp, string> = {
    engineUp: "pulumi up (creates)",
    enginePreview: "pulumi preview (no changes)",
    engineRefresh: "pulumi refresh",
    engineDestroyRetained: "pulumi destroy (retainOnDelete)",
};

/**
 * The project folder of one side: the program, the minimal provider next to it, and a Pulumi.yaml pointing at it;
 * the plugin side's also names the folder of the installed launcher, as docs/plugin.md tells users to.
 */
function projectFiles(kind: Side["kind"], consumer: string): Record<string, string> {
    const plugins =
        kind === "plugin"
            ? `plugins:\n  providers:\n    - name: logzio-siem\n      path: ${path.join(consumer, "node_modules", ".bin")}\n`
            : "";
    return {
        "Pulumi.yaml": `name: bench-engine\nruntime: nodejs\nmain: engine-program/index.ts\n${plugins}`,
        "engine-program/index.ts": fs.readFileSync(path.join(REPO_ROOT, "bench", "engine-program", "index.ts"), "utf8"),
        "minimalProvider.ts": fs.readFileSync(path.join(REPO_ROOT, "bench", "minimalProvider.ts"), "utf8"),
    };
}

interface Side {
    kind: "siem" | "minimal" | "plugin";
    type: string;
    stack: E2EStack;
    emulator: LogzioEmulator;
    samples: Record<EngineOp, number[]>;
    calls: Record<EngineOp, Calls>;
    lookups: Record<EngineOp, Parameters<typeof summarizeLookups>[0]>;
}

const noCalls = (): Calls => ({ list: 0, create: 0, whoami: 0, other: 0 });
function perOp<A>(make: (op: EngineOp) => A): Record<EngineOp, A> {
    return Object.fromEntries(ENGINE_OPS.map((op) => [op, make(op)])) as Record<EngineOp, A>;
}

function callsOf(emulator: LogzioEmulator): Calls {
    const list = emulator.count(LIST);
    const create = emulator.count(CREATE);
    const whoami = emulator.count(WHOAMI);
    return { list, create, whoami, other: emulator.requests.length - list - create - whoami };
}

const minus = (a: Calls, b: Calls): Calls => ({
    list: a.list - b.list,
    create: a.create - b.create,
    whoami: a.whoami - b.whoami,
    other: a.other - b.other,
});
const most = (a: Calls, b: Calls): Calls => ({
    list: Math.max(a.list, b.list),
    create: Math.max(a.create, b.create),
    whoami: Math.max(a.whoami, b.whoami),
    other: Math.max(a.other, b.other),
});

/** Runs one command of one side, checks that it did what it must, and returns its wall time and requests. */
async function runOp(side: Side, op: EngineOp, count: number, engineEnv?: Record<string, string>): Promise<{ ms: number; calls: Calls }> {
    const env = { engineEnv };
    const before = callsOf(side.emulator);
    const t0 = performance.now();
    let result: RunResult;
    if (op === "engineUp") result = await side.stack.up(env);
    else if (op === "enginePreview") result = await side.stack.preview({ expectNoChanges: true, ...env });
    else if (op === "engineRefresh") result = await side.stack.refresh(env);
    else result = await side.stack.destroy(env);
    const ms = performance.now() - t0;
    const calls = minus(callsOf(side.emulator), before);
    const fail = (why: string): never => {
        throw new Error(`${LABELS[op]} of ${count} ${side.kind} resources: ${why}\n${result.output.slice(-4000)}`);
    };
    if (!result.ok) fail(`exited ${result.code}`);
    const steps = stepsFor(result, side.type);
    const expected = { engineUp: "create", enginePreview: "same", engineRefresh: "refresh", engineDestroyRetained: "delete" }[op];
    if (steps.length !== count || steps.some((s) => s !== expected))
        fail(`expected ${count} × ${expected}, the engine did ${steps.join(", ") || "nothing"}`);
    if (op === "engineUp" && calls.create !== count) fail(`${calls.create} POSTs reached the emulator`);
    if (op !== "engineUp" && calls.create !== 0) fail(`${calls.create} POSTs reached the emulator`);
    return { ms, calls };
}

/**
 * Interleaved rounds: each round resets the emulators, then runs up, preview, refresh and destroy; for each
 * command the three sides (dynamic, minimal, plugin) run back to back, the first rotating from one command and one
 * round to the next.
 * destroy leaves the stacks empty (the accounts stay in the emulator, retained), so every round starts alike.
 */
export async function measureEngine(
    plan: EnginePlan,
    opts: { log?: (line: string) => void; profileDir?: string } = {},
): Promise<EngineResult> {
    const lookup = existingPulumiCli();
    if (!lookup.ok) return { available: false, reason: lookup.reason };
    const cli = lookup.cli;
    const log = opts.log ?? (() => undefined);
    log(`engine: Pulumi CLI ${cli.version} with the Node.js language host; installing the packed package ...`);
    const consumer = consumerInstall();
    const sides: Side[] = [];
    // Both sides' hosts load the tracing preload (the minimal one publishes nothing), so neither pays alone.
    const traces = traceDir();
    const tracing = tracingEngineEnv(traces);
    try {
        for (const kind of ["siem", "minimal", "plugin"] as const) {
            const emulator = await LogzioEmulator.start({ token: emulatorToken(), maxInFlight: plan.maxInFlight });
            const stack = new E2EStack({ cli, consumer, files: projectFiles(kind, consumer), stack: kind, timeoutMs: 600_000 });
            const side: Side = {
                kind,
                type: kind === "siem" ? SIEM_TYPE : kind === "minimal" ? MINIMAL_TYPE : PLUGIN_TYPE,
                stack,
                emulator,
                samples: perOp(() => []),
                calls: perOp(noCalls),
                lookups: perOp(() => []),
            };
            sides.push(side);
            // The plugin reads the plugin's namespace (logzio-siem:), the dynamic provider its own (logzio:).
            const ns = kind === "plugin" ? "logzio-siem" : "logzio";
            await stack.init(
                { kind, count: String(plan.count), [kind === "plugin" ? `${ns}:customApiUrl` : URL_KEY]: emulator.url },
                { [`${ns}:apiToken`]: emulator.token },
            );
        }
        const [ours, minimal, plugin] = sides;
        const pluginByLatency: Record<string, Record<EngineOp, EngineComparison>> = {};
        const figuresByLatency: Record<string, Record<EngineOp, EngineComparison>> = {};
        for (const latencyMs of plan.latenciesMs) {
            for (const side of sides) {
                side.emulator.setLatency(latencyMs);
                side.samples = perOp(() => []);
                side.calls = perOp(noCalls);
                side.lookups = perOp(() => []);
            }
            for (let round = 0; round < plan.warmup + plan.samples; round++) {
                const keep = round >= plan.warmup;
                log(`engine: ${latencyMs} ms latency, round ${round + 1} of ${plan.warmup + plan.samples}${keep ? "" : " (warm-up)"} ...`);
                for (const side of sides) side.emulator.reset();
                for (const [k, op] of ENGINE_OPS.entries()) {
                    // The three sides back to back, the first one rotating from one command and one round to the next.
                    const first = (round + k) % 3;
                    const order = [0, 1, 2].map((i) => sides[(first + i) % 3]);
                    for (const side of order) {
                        takeTrace(traces);
                        const r = await runOp(side, op, plan.count, tracing);
                        const seen = takeTrace(traces);
                        if (!keep) continue;
                        side.samples[op].push(r.ms);
                        side.calls[op] = most(side.calls[op], r.calls);
                        side.lookups[op].push(...seen);
                    }
                }
            }
            const figures = {} as Record<EngineOp, EngineComparison>;
            for (const op of ENGINE_OPS) {
                const c = compare(
                    ours.samples[op],
                    minimal.samples[op],
                    `${LABELS[op]}, ${plan.count} SiemAccounts, ${latencyMs} ms latency`,
                    `${LABELS[op]}, ${plan.count} minimal resources, ${latencyMs} ms latency`,
                );
                figures[op] = {
                    ...c,
                    calls: { ours: ours.calls[op], baseline: minimal.calls[op] },
                    lookups: summarizeLookups(ours.lookups[op]),
                };
            }
            figuresByLatency[String(latencyMs)] = figures;
            const viaPlugin = {} as Record<EngineOp, EngineComparison>;
            for (const op of ENGINE_OPS) {
                const c = compare(
                    plugin.samples[op],
                    ours.samples[op],
                    `${LABELS[op]}, ${plan.count} SiemAccounts through the plugin, ${latencyMs} ms latency`,
                    `${LABELS[op]}, ${plan.count} SiemAccounts through the dynamic provider, ${latencyMs} ms latency`,
                );
                viaPlugin[op] = {
                    ...c,
                    calls: { ours: plugin.calls[op], baseline: ours.calls[op] },
                    lookups: summarizeLookups(plugin.lookups[op]),
                };
            }
            pluginByLatency[String(latencyMs)] = viaPlugin;
        }
        const worst = perOp((op) => Math.max(...Object.values(figuresByLatency).map((f) => f[op].ratio)));
        const pluginWorst = Object.fromEntries(
            Object.entries(PLUGIN_OPS).map(([name, op]) => [name, Math.max(...Object.values(pluginByLatency).map((f) => f[op].ratio))]),
        ) as Record<PluginOp, number>;
        let profiles: { siem: ProfileSummary; minimal: ProfileSummary } | undefined;
        if (opts.profileDir) {
            log("engine: one more pulumi up of each side with the provider host under the CPU profiler ...");
            const profileOne = async (side: Side): Promise<ProfileSummary> => {
                const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-profile-"));
                try {
                    side.emulator.reset();
                    side.emulator.setLatency(plan.latenciesMs[0]);
                    await runOp(side, "engineUp", plan.count, profilingEngineEnv(dir));
                    const summary = collectProfile(dir, `engineUp-${side.kind}`);
                    fs.mkdirSync(opts.profileDir!, { recursive: true });
                    const kept = path.join(opts.profileDir!, path.basename(summary.file));
                    fs.copyFileSync(summary.file, kept);
                    return { ...summary, file: kept };
                } finally {
                    fs.rmSync(dir, { recursive: true, force: true });
                }
            };
            profiles = { siem: await profileOne(ours), minimal: await profileOne(minimal) };
        }
        return {
            available: true,
            cli: { version: cli.version, languageHost: cli.languageHost },
            count: plan.count,
            latenciesMs: plan.latenciesMs,
            emulatorMaxInFlight: plan.maxInFlight,
            warmup: plan.warmup,
            figures: figuresByLatency,
            worst,
            plugin: pluginByLatency,
            pluginWorst,
            ...(profiles ? { profiles } : {}),
        };
    } finally {
        for (const side of sides) {
            side.stack.cleanup();
            await side.emulator.close();
        }
        fs.rmSync(traces, { recursive: true, force: true });
    }
}
