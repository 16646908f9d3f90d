// What the provider costs on top of the Logz.io API, measured against the loopback emulator.
//
//   providerBytes   size of the `__provider` text a SiemAccount puts in state
//   createOverhead  create() called in-process / the same HTTP requests made with bare node-fetch
//   hostOverhead    create through Pulumi's dynamic-provider host / a minimal node-fetch provider, same host
//   coldStart       spawn of the host to its first check answer, ours / the minimal provider's
//   scale           n concurrent creates through one host / the same by a minimal provider with the same cap
//   refresh         n concurrent reads through one host: how many list calls they cost
//   fleet           200 creates by 8 hosts (25 each, maxConcurrency 25) against Logz.io's 100 in flight per account:
//                   wall time / floor, 429s, requests per account, RSS per worker; AIMD against a fixed cap (fleet.ts)
//   engine*         pulumi up / preview / refresh / destroy (retained) of n SiemAccounts / n minimal resources,
//                   through the real CLI and engine (skipped, with the reason, where the CLI is not there)
//   pluginUp        pulumi up / pulumi refresh of n SiemAccounts through the resource provider plugin / the same
//   pluginRefresh   through the dynamic provider, same CLI, program, language host and latency (engine.ts)
//   pluginColdStart spawn to the first RPC answered (GetPluginInfo), the plugin / the dynamic-provider host (stated)
//
// Ratios come from A/B runs interleaved in this one process, after a warm-up, as ratios of medians; each
// side's median and min-max are kept so a reader can see the spread. Nothing here asserts: the numbers
// are returned (runBenchmarks) and judged against GOALS by evaluateGoals (report.ts).
import * as os from "node:os";
import * as path from "node:path";
import { performance } from "node:perf_hooks";
import { DEFAULTS } from "../provider/config/settings";
import { RefreshResult, ScalePlan, ScaleResult, measureRefresh, measureScale } from "./atScale";
import { Comparison, bytes } from "./common";
import { EngineOp, EnginePlan, EngineRun, EngineSkipped, PluginOp, measureEngine } from "./engine";
import { FleetPlan, FleetResult, FleetVariant, measureFleet } from "./fleet";
import {
    ABPlan,
    measureColdStart,
    measureCreateOverhead,
    measureHostOverhead,
    measurePluginColdStart,
    serializeProviders,
} from "./perCreate";
import { ProfileSummary } from "./profiling/profile";
import { profileScale } from "./profiling/scaleProfile";
import { GoalRow, evaluateGoals } from "./report";

export { REPO_ROOT } from "./common";
export { stats } from "./common";
export type { Comparison, Stats } from "./common";
export type { CpuUse, RefreshResult, ScaleResult } from "./atScale";
export type { EngineComparison, EngineOp, EngineRun, EngineSkipped, PluginOp } from "./engine";
export type { FleetFigure, FleetResult, FleetVariant } from "./fleet";
export { GOALS, evaluateGoals, formatTable } from "./report";
export type { GoalRow } from "./report";

export interface BenchOptions {
    /** Small n and few iterations: what the test suite runs so the benchmark cannot rot. */
    quick?: boolean;
    /** logzio-siem:maxConcurrency for the scale run; undefined = the provider's default (DEFAULTS.maxConcurrency). */
    scaleConcurrency?: number;
    /** false: leave out the engine figures (they need the Pulumi CLI and take minutes in full mode). */
    engine?: boolean;
    /** Also profile the host (untimed runs) during the scale burst and engineUp; .cpuprofile files go here. */
    profileDir?: string;
    /** Progress lines (the table is printed by the caller). */
    log?: (line: string) => void;
}

interface Plan {
    createOverhead: ABPlan;
    hostOverhead: ABPlan;
    coldStart: ABPlan;
    pluginColdStart: ABPlan;
    scale: ScalePlan;
    refresh: ScalePlan;
    engine: EnginePlan;
    /** The fleet against Logz.io's cap, the variants compared in it, and the latencies it is measured at. */
    fleet: Omit<FleetPlan, "latencyMs"> & { variants: FleetVariant[]; latenciesMs: number[] };
    /** One host alone: what starting the adaptive cap at half of the ceiling costs a host that meets no 429. */
    fleetOfOne: Omit<FleetPlan, "latencyMs"> & { variants: FleetVariant[]; latenciesMs: number[] };
    /** Accounts already under the main account during the create benchmarks (the list each create reads). */
    seededAccounts: number;
}

// 8 workers x 25 creates, each host capped at 25, against Logz.io's 100 in flight; at 30 ms (the figure) and
// at 300 ms, where the 8 hosts' requests overlap on a 2-core machine (at 30 ms they are bound by CPU, not by the cap).
const FLEET = { workers: 8, perWorker: 25, maxConcurrency: 25, maxInFlight: 100, latenciesMs: [30, 300] };

// Samples are A/B pairs (engine: rounds of four commands per side); warm-up ones are run and thrown away.
const FULL: Plan = {
    createOverhead: { warmup: 100, samples: 400 },
    hostOverhead: { warmup: 50, samples: 300 },
    coldStart: { warmup: 2, samples: 12 },
    pluginColdStart: { warmup: 2, samples: 12 },
    scale: { n: 500, runs: 3, latencyMs: 30, maxInFlight: 100 },
    refresh: { n: 500, runs: 3, latencyMs: 30, maxInFlight: 100 },
    engine: { count: 100, warmup: 1, samples: 5, latenciesMs: [30, 150], maxInFlight: 100 },
    fleet: { ...FLEET, runs: 3, variants: ["aimd", "aimdFromCeiling", "fixed", "noLimit"] },
    fleetOfOne: { ...FLEET, workers: 1, perWorker: 100, runs: 3, variants: ["aimd", "aimdFromCeiling"] },
    seededAccounts: 25,
};
const QUICK: Plan = {
    createOverhead: { warmup: 10, samples: 30 },
    hostOverhead: { warmup: 5, samples: 20 },
    coldStart: { warmup: 0, samples: 2 },
    pluginColdStart: { warmup: 0, samples: 2 },
    scale: { n: 100, runs: 1, latencyMs: 30, maxInFlight: 100 },
    refresh: { n: 100, runs: 1, latencyMs: 30, maxInFlight: 100 },
    engine: { count: 5, warmup: 0, samples: 1, latenciesMs: [30, 150], maxInFlight: 100 },
    fleet: { ...FLEET, runs: 1, variants: ["aimd", "fixed"] },
    fleetOfOne: { ...FLEET, workers: 1, perWorker: 50, runs: 1, variants: ["aimd", "aimdFromCeiling"] },
    seededAccounts: 25,
};

export interface BenchResults {
    providerBytes: number;
    createOverhead: number;
    hostOverhead: number;
    coldStart: number;
    scale: ScaleResult;
    refresh: RefreshResult;
    /** The fleet at each latency: the adaptive cap (aimd) and the variants it is compared with. */
    fleet: FleetResult[];
    /** One host alone at each latency, for the cost of the slow start. */
    fleetOfOne: FleetResult[];
    /**
     * Engine ratios (median ours / median minimal), the worse of the latencies measured; null when the engine part
     * did not run (engine.reason says why).
     */
    engineUp: number | null;
    engineRefresh: number | null;
    enginePreview: number | null;
    engineDestroyRetained: number | null;
    /**
     * pulumi up / pulumi refresh through the plugin ÷ the same through the dynamic provider (median over median,
     * same latency), the worse of the latencies; null when the engine part did not run.
     */
    pluginUp: number | null;
    pluginRefresh: number | null;
    /** Spawn → GetPluginInfo answered: the plugin ÷ the dynamic-provider host (details.pluginColdStart has both). */
    pluginColdStart: number;
    /** The engine comparisons in full (medians, min-max, requests per command), or why they were skipped. */
    engine: EngineRun | EngineSkipped;
    details: {
        minimalProviderBytes: number;
        createOverhead: Comparison;
        hostOverhead: Comparison;
        /** Informational: ours against a provider that only POSTs (no duplicate guard), through the host. */
        hostOverheadVsPostOnly: Comparison;
        coldStart: Comparison;
        /** ours = the plugin, baseline = the dynamic-provider host: spawn to GetPluginInfo answered. */
        pluginColdStart: Comparison;
    };
    /** Summaries of the CPU profiles (only with BenchOptions.profileDir). */
    profiles?: {
        scale: { siem: ProfileSummary; floor: ProfileSummary };
        engineUp?: { siem: ProfileSummary; minimal: ProfileSummary };
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

export async function runBenchmarks(opts: BenchOptions = {}): Promise<BenchResults> {
    const plan = opts.quick ? QUICK : FULL;
    const log = opts.log ?? (() => undefined);
    const started = performance.now();
    const loadAtStart = os.loadavg();
    const cap = opts.scaleConcurrency ?? DEFAULTS.maxConcurrency;

    log("serializing the providers under runtime mocks ...");
    const providers = await serializeProviders(cap);
    log(`createOverhead: ${plan.createOverhead.warmup} + ${plan.createOverhead.samples} interleaved pairs ...`);
    const createOverhead = await measureCreateOverhead(plan.createOverhead, plan.seededAccounts);
    log(`hostOverhead: ${plan.hostOverhead.warmup} + ${plan.hostOverhead.samples} interleaved pairs through one host ...`);
    const host = await measureHostOverhead(providers, plan.hostOverhead, plan.seededAccounts);
    log(`coldStart: ${plan.coldStart.warmup} + ${plan.coldStart.samples} interleaved pairs of fresh hosts ...`);
    const coldStart = await measureColdStart(providers, plan.coldStart);
    log(
        `pluginColdStart: ${plan.pluginColdStart.warmup} + ${plan.pluginColdStart.samples} interleaved pairs of fresh plugin and host processes ...`,
    );
    const pluginColdStart = await measurePluginColdStart(plan.pluginColdStart);
    log(`scale: ${plan.scale.runs} run(s) of ${plan.scale.n} concurrent creates, each paired with the floor capped at ${cap} ...`);
    const scale = await measureScale(providers, plan.scale, opts.scaleConcurrency, cap);
    log(`refresh: ${plan.refresh.runs} run(s) of ${plan.refresh.n} concurrent reads ...`);
    const refresh = await measureRefresh(providers, plan.refresh);
    const fleets = async (p: Plan["fleet"]): Promise<FleetResult[]> => {
        const { variants, latenciesMs, ...rest } = p;
        const out: FleetResult[] = [];
        for (const latencyMs of latenciesMs) {
            log(
                `fleet: ${rest.runs} run(s) of ${rest.workers} host(s) x ${rest.perWorker} creates at ${latencyMs} ms, each of ${variants.join(", ")} ...`,
            );
            out.push(await measureFleet(providers.siem, { ...rest, latencyMs }, variants, log));
        }
        return out;
    };
    const fleet = await fleets(plan.fleet);
    const fleetOfOne = await fleets(plan.fleetOfOne);
    let scaleProfiles: { siem: ProfileSummary; floor: ProfileSummary } | undefined;
    if (opts.profileDir) {
        log("scale: one more burst of each side with the host under the CPU profiler ...");
        scaleProfiles = await profileScale(providers, plan.scale, opts.scaleConcurrency, path.resolve(opts.profileDir));
    }
    let engine: BenchResults["engine"];
    let engineProfiles: { siem: ProfileSummary; minimal: ProfileSummary } | undefined;
    if (opts.engine === false) engine = { available: false, reason: "left out (--no-engine)" };
    else {
        log(
            `engine: at ${plan.engine.latenciesMs.join(" and ")} ms latency, ${plan.engine.warmup} + ${plan.engine.samples} interleaved round(s) each of up, preview, refresh, destroy of ${plan.engine.count} resources per side (dynamic, minimal, plugin) ...`,
        );
        const r = await measureEngine(plan.engine, { log, profileDir: opts.profileDir && path.resolve(opts.profileDir) });
        if (r.available) {
            const { profiles, ...rest } = r;
            engine = rest;
            engineProfiles = profiles;
        } else {
            engine = r;
            log(`engine: skipped: ${r.reason}`);
        }
    }
    const ratio = (op: EngineOp): number | null => (engine.available ? engine.worst[op] : null);
    const pluginRatio = (op: PluginOp): number | null => (engine.available ? engine.pluginWorst[op] : null);

    const cpus = os.cpus();
    const partial: Omit<BenchResults, "goals"> = {
        providerBytes: bytes(providers.siem),
        createOverhead: createOverhead.ratio,
        hostOverhead: host.main.ratio,
        coldStart: coldStart.ratio,
        scale,
        refresh,
        fleet,
        fleetOfOne,
        engineUp: ratio("engineUp"),
        engineRefresh: ratio("engineRefresh"),
        enginePreview: ratio("enginePreview"),
        engineDestroyRetained: ratio("engineDestroyRetained"),
        pluginUp: pluginRatio("pluginUp"),
        pluginRefresh: pluginRatio("pluginRefresh"),
        pluginColdStart: pluginColdStart.ratio,
        engine,
        details: {
            minimalProviderBytes: bytes(providers.minimal),
            createOverhead,
            hostOverhead: host.main,
            hostOverheadVsPostOnly: host.postOnly,
            coldStart,
            pluginColdStart,
        },
        ...(scaleProfiles ? { profiles: { scale: scaleProfiles, ...(engineProfiles ? { engineUp: engineProfiles } : {}) } } : {}),
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
