// A fleet: n accounts created by `workers` provider hosts at once (each Pulumi's real dynamic-provider host, a process
// of its own with its own runtime, so its own cap, as a fleet of CI workers or machines would run), with
// logzio-siem:maxConcurrency 25 each, against one emulator that allows Logz.io's 100 requests in flight per main
// account. Their caps add up to more than Logz.io allows; the question is what the adaptive cap (AIMD,
// provider/logzio/aimd.ts) buys: wall time against the floor, 429s, requests per account. Compared in the same run
// with the same fleet with a fixed cap (no adaptation), with AIMD started at the ceiling instead of half of it, and, for
// reference, with a Logz.io that sets no limit the fleet can reach (the cost of hosts, driver and emulator alone).
import * as fs from "node:fs";
import { performance } from "node:perf_hooks";
import { LogzioEmulator } from "../emulator/server";
import { ProviderHost, urnFor } from "../testing/runner/hostDriver";
import { CREATE, LIST, SIEM_TYPE, emulatorToken, errorText, startHost, stats } from "./common";

/** How each worker's cap behaves (PULUMI_LOGZIO_SIEM_CAP in the host, see capAdaptation in logzioClient.ts). */
export const FLEET_VARIANTS = ["aimd", "aimdFromCeiling", "fixed", "noLimit"] as const;
export type FleetVariant = (typeof FLEET_VARIANTS)[number];

const CAP_ENV: Record<FleetVariant, string | undefined> = {
    aimd: undefined,
    aimdFromCeiling: "fromCeiling",
    fixed: "fixed",
    noLimit: "fixed",
};

export interface FleetPlan {
    workers: number;
    perWorker: number;
    /** logzio-siem:maxConcurrency of each worker. */
    maxConcurrency: number;
    latencyMs: number;
    /** Logz.io's cap per main account (the emulator's). */
    maxInFlight: number;
    /** Runs per variant, interleaved (aimd, fixed, ..., then again). */
    runs: number;
}

export interface FleetRun {
    wallMs: number;
    requests: number;
    posts: number;
    lists: number;
    rejected429: number;
    maxInFlightPerAccount: number;
    failures: number;
    duplicates: number;
    /** POSTs sent again although the earlier one was not answered 429 (must be 0: postRepeat.ts). */
    repeatsNot429: number;
    /** Peak RSS of each worker host process (VmHWM, MB; Linux /proc only). */
    workerRssMb: number[];
}

export interface FleetFigure {
    variant: FleetVariant;
    /** Median over the runs. */
    wallMs: number;
    wallMsMin: number;
    wallMsMax: number;
    /** wallMs / the plan's floorMs. */
    ratioToFloor: number;
    /** 429s answered / requests received, median run. */
    share429: number;
    /** Requests received / accounts created, median run. */
    requestsPerAccount: number;
    /** Median over runs and workers of each worker's peak RSS, MB. */
    rssMbPerWorker: number | null;
    /** Over all runs: the worst. */
    maxInFlightPerAccount: number;
    failures: number;
    duplicates: number;
    repeatsNot429: number;
    runs: FleetRun[];
    firstFailure?: string;
}

export interface FleetResult {
    plan: FleetPlan;
    n: number;
    /**
     * The floor: latencyMs x (ceil(workers / cap) + ceil(n / cap)), cap = min(maxInFlight, workers x maxConcurrency)
     * (100 for the fleet, 25 for one host). A create must look its name up (one fresh account list per host, coalesced:
     * one round trip, the workers' lists fitting in the cap) before its POST, and the n POSTs need at least n / cap
     * round trips. The token check (whoami) is made at
     * check, before the timed creates, as the engine checks before it creates. No CPU time is counted in it.
     */
    floorMs: number;
    /** One per variant measured, in FLEET_VARIANTS order. */
    figures: FleetFigure[];
}

export function fleetFloorMs(plan: FleetPlan): number {
    const n = plan.workers * plan.perWorker;
    const cap = Math.min(plan.maxInFlight, plan.workers * plan.maxConcurrency);
    return plan.latencyMs * (Math.ceil(plan.workers / cap) + Math.ceil(n / cap));
}

function peakRssMb(pid: number): number | undefined {
    try {
        const m = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"));
        return m ? Number(m[1]) / 1024 : undefined;
    } catch {
        return undefined;
    }
}

/** One run: a fresh emulator and `workers` fresh hosts; untimed checks, then every create at once. */
async function fleetRun(
    provider: string,
    plan: FleetPlan,
    variant: FleetVariant,
    tag: string,
): Promise<FleetRun & { firstFailure?: string }> {
    const maxInFlight = variant === "noLimit" ? plan.workers * plan.maxConcurrency : plan.maxInFlight;
    const emulator = await LogzioEmulator.start({ token: emulatorToken(), latencyMs: plan.latencyMs, maxInFlight });
    const hosts: ProviderHost[] = [];
    try {
        const cap = CAP_ENV[variant];
        const env: Record<string, string> = cap === undefined ? {} : { PULUMI_LOGZIO_SIEM_CAP: cap };
        const config = { "logzio-siem:maxConcurrency": String(plan.maxConcurrency) };
        hosts.push(...(await Promise.all(Array.from({ length: plan.workers }, () => startHost(emulator, config, { env })))));
        const names = hosts.map((_, w) => Array.from({ length: plan.perWorker }, (_, i) => `fleet-${tag}-${w}-${i}`));
        const inputs = await Promise.all(
            hosts.map((host, w) =>
                Promise.all(
                    names[w].map(
                        async (name) =>
                            (
                                await host.check(
                                    urnFor(name, SIEM_TYPE),
                                    {},
                                    { __provider: provider, accountName: name, email: `${name}@example.com` },
                                )
                            ).inputs,
                    ),
                ),
            ),
        );
        emulator.reset(); // the checks' requests are not the creates'
        const t0 = performance.now();
        const settled = await Promise.allSettled(
            hosts.flatMap((host, w) => names[w].map((name, i) => host.create(urnFor(name, SIEM_TYPE), inputs[w][i]))),
        );
        const wallMs = performance.now() - t0;
        const failed = settled.filter((s): s is PromiseRejectedResult => s.status === "rejected");
        const siem = emulator.siemAccounts();
        const ids = settled.flatMap((s) => (s.status === "fulfilled" ? [s.value.id] : []));
        const duplicates = siem.length - new Set(siem.map((a) => a.accountName)).size + (ids.length - new Set(ids).size);
        const byName = new Map<string, number[]>();
        for (const r of emulator.requestsTo(CREATE)) {
            const name = String((r.body as { accountName?: unknown }).accountName);
            byName.set(name, [...(byName.get(name) ?? []), r.status]);
        }
        const repeatsNot429 = [...byName.values()].reduce((sum, st) => sum + st.slice(0, -1).filter((s) => s !== 429).length, 0);
        const st = emulator.stats;
        return {
            wallMs,
            requests: emulator.requests.length,
            posts: emulator.count(CREATE),
            lists: emulator.count(LIST),
            rejected429: st.rejected429,
            maxInFlightPerAccount: st.maxInFlightPerAccount,
            failures: failed.length,
            duplicates,
            repeatsNot429,
            workerRssMb: hosts.flatMap((h) => {
                const mb = peakRssMb(h.pid);
                return mb === undefined ? [] : [mb];
            }),
            ...(failed.length > 0 ? { firstFailure: errorText(failed[0].reason) } : {}),
        };
    } finally {
        await Promise.all(hosts.map((h) => h.stop()));
        await emulator.close();
    }
}

function median(values: number[]): number {
    const s = [...values].sort((a, b) => a - b);
    return s[Math.floor((s.length - 1) / 2)];
}

/** Every variant `plan.runs` times, interleaved, so load on the machine falls on all of them alike. */
export async function measureFleet(
    provider: string,
    plan: FleetPlan,
    variants: readonly FleetVariant[] = FLEET_VARIANTS,
    log: (line: string) => void = () => undefined,
): Promise<FleetResult> {
    const n = plan.workers * plan.perWorker;
    const floorMs = fleetFloorMs(plan);
    const runs = new Map<FleetVariant, (FleetRun & { firstFailure?: string })[]>(variants.map((v) => [v, []]));
    for (let r = 0; r < plan.runs; r++) {
        const order = r % 2 === 0 ? variants : [...variants].reverse();
        for (const variant of order) {
            const run = await fleetRun(provider, plan, variant, `${variant}${r}`);
            log(
                `fleet ${plan.workers}x${plan.perWorker} ${variant} run ${r + 1}: ${Math.round(run.wallMs)} ms, ${run.requests} requests, ${run.rejected429} x 429`,
            );
            runs.get(variant)!.push(run);
        }
    }
    const figure = (variant: FleetVariant): FleetFigure => {
        const rs = runs.get(variant)!;
        const wall = stats(rs.map((x) => x.wallMs));
        const mid = [...rs].sort((a, b) => a.wallMs - b.wallMs)[Math.floor((rs.length - 1) / 2)];
        const rss = rs.flatMap((x) => x.workerRssMb);
        const firstFailure = rs.find((x) => x.firstFailure !== undefined)?.firstFailure;
        return {
            variant,
            wallMs: wall.median,
            wallMsMin: wall.min,
            wallMsMax: wall.max,
            ratioToFloor: wall.median / floorMs,
            share429: mid.rejected429 / mid.requests,
            requestsPerAccount: mid.requests / n,
            rssMbPerWorker: rss.length > 0 ? median(rss) : null,
            maxInFlightPerAccount: Math.max(...rs.map((x) => x.maxInFlightPerAccount)),
            failures: rs.reduce((s, x) => s + x.failures, 0),
            duplicates: rs.reduce((s, x) => s + x.duplicates, 0),
            repeatsNot429: rs.reduce((s, x) => s + x.repeatsNot429, 0),
            runs: rs.map(({ firstFailure: _f, ...x }) => x),
            ...(firstFailure === undefined ? {} : { firstFailure }),
        };
    };
    return { plan, n, floorMs, figures: variants.map(figure) };
}
