// Many resources at once through one host: n creates against a floor with the same cap (scale), n reads
// (refresh). The emulator has real latency (30 ms) and refuses past Logz.io's 100 requests in flight.
import * as fs from "node:fs";
import { performance } from "node:perf_hooks";
import { ProviderHost, urnFor } from "../testing/runner/hostDriver";
import { CREATE, LIST, MINIMAL_TYPE, SIEM_TYPE, errorText, processCpuMs, stats, withHost } from "./common";
import { SerializedProviders } from "./perCreate";
import { LookupWaits, summarizeLookups, takeTrace, traceDir, tracingExtras } from "./profiling/lookupTrace";

export interface ScalePlan {
    n: number;
    runs: number;
    latencyMs: number;
    maxInFlight: number;
}

export interface CpuUse {
    hostMs?: number;
    driverMs: number;
}

export interface ScaleResult {
    n: number;
    /** Median over the runs. */
    wallMs: number;
    /**
     * Median wall time of the floor: the same n creates through the same kind of host and driver, by the
     * POST-only minimal provider capped at the same cap, against the same emulator settings.
     */
    floorMs: number;
    /** wallMs / floorMs: what SiemAccount adds to what the host, the driver and the cap cost anyway. */
    ratioToFloor: number;
    /** Informational: n x latencyMs / cap, every POST queued through the cap and nothing else. */
    idealMs: number;
    /** Highest number of requests the emulator ever had in flight, over all SiemAccount runs. */
    maxInFlight: number;
    /** Requests the emulator received in the median run (POSTs, list calls, refused ones). */
    requests: number;
    cap: number;
    capSource: "default" | "logzio-siem:maxConcurrency";
    latencyMs: number;
    emulatorMaxInFlight: number;
    wallMsMin: number;
    wallMsMax: number;
    floorMsMin: number;
    floorMsMax: number;
    posts: number;
    /** Most list calls any run made for its n creates. */
    listCalls: number;
    rejected429: number;
    /** Creates that failed, over all runs. */
    failures: number;
    /** Names created more than once plus ids handed out more than once, over all runs. */
    duplicates: number;
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
        floorMs: number;
        floorCpu: CpuUse;
        floorMaxInFlight: number;
    }[];
    firstFailure?: string;
}

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
    /** The reads of every run as the host's directory saw them: waits beyond their list's round trip, arrival gaps. */
    lookups: LookupWaits;
}

interface Burst {
    wallMs: number;
    settled: PromiseSettledResult<{ id: string }>[];
    cpu: CpuUse;
}

/**
 * n checks (untimed, as the engine checks before it creates), then n Create RPCs at once: the wall time from
 * the first Create sent to the last answer, the CPU used, and how each create ended. `beforeCreates` runs
 * between the two (the profiled run, profiling/scaleProfile.ts, restarts the profiler there).
 */
export async function burst(
    host: ProviderHost,
    provider: string,
    type: string,
    n: number,
    tag: string,
    beforeCreates?: () => Promise<void>,
): Promise<Burst> {
    const names = Array.from({ length: n }, (_, i) => `scale-${tag}-${i}`);
    const checked = await Promise.all(
        names.map((name) => host.check(urnFor(name, type), {}, { __provider: provider, accountName: name, email: `${name}@example.com` })),
    );
    await beforeCreates?.();
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
}

/**
 * n SiemAccounts created at once through one host (as `pulumi up` creates independent resources), against an
 * emulator with `latencyMs` per request that answers 429 past `maxInFlight` requests in flight. Each run is
 * paired, in alternating order, with a floor run: the POST-only minimal provider capped at the same cap,
 * through a fresh host of its own against the same emulator settings. Both sides queue their n POSTs through
 * the same number of slots, so the ratio is what SiemAccount adds (its duplicate guard's list calls, its
 * validation and client), not the cap.
 */
export async function measureScale(
    providers: SerializedProviders,
    plan: ScalePlan,
    cap: number | undefined,
    effectiveCap: number,
): Promise<ScaleResult> {
    if (providers.floorCap !== effectiveCap)
        throw new Error(`the floor is capped at ${providers.floorCap}, SiemAccount at ${effectiveCap}`);
    const runs: ScaleResult["runs"] = [];
    const emulatorOptions = { latencyMs: plan.latencyMs, maxInFlight: plan.maxInFlight };
    const config: Record<string, string> = cap === undefined ? {} : { "logzio-siem:maxConcurrency": String(cap) };
    let emulatorMax = 0;
    let firstFailure: string | undefined;
    const floor = (r: number) =>
        withHost(emulatorOptions, {}, async (emulator, host) => {
            const b = await burst(host, providers.floor, MINIMAL_TYPE, plan.n, `floor${r}`);
            const failed = b.settled.find((x): x is PromiseRejectedResult => x.status === "rejected");
            if (failed) throw new Error(`the minimal provider failed at scale: ${errorText(failed.reason)}`);
            return { wallMs: b.wallMs, cpu: b.cpu, maxInFlight: emulator.stats.maxInFlight };
        });
    for (let r = 0; r < plan.runs; r++) {
        const floorFirst = r % 2 === 0 ? await floor(r) : undefined;
        const run = await withHost(emulatorOptions, config, async (emulator, host) => {
            const b = await burst(host, providers.siem, SIEM_TYPE, plan.n, String(r));
            const failed = b.settled.filter((s): s is PromiseRejectedResult => s.status === "rejected");
            if (failed.length > 0) firstFailure ??= errorText(failed[0].reason);
            const ids = b.settled.flatMap((s) => (s.status === "fulfilled" ? [s.value.id] : []));
            const siem = emulator.siemAccounts();
            const duplicates = siem.length - new Set(siem.map((a) => a.accountName)).size + (ids.length - new Set(ids).size);
            const st = emulator.stats;
            emulatorMax = Math.max(emulatorMax, st.maxInFlight);
            return {
                wallMs: b.wallMs,
                requests: emulator.requests.length,
                posts: emulator.count(CREATE),
                listCalls: emulator.count(LIST),
                maxInFlight: st.maxInFlight,
                rejected429: st.rejected429,
                failures: failed.length,
                duplicates,
                cpu: b.cpu,
            };
        });
        const floorRun = floorFirst ?? (await floor(r));
        runs.push({ ...run, floorMs: floorRun.wallMs, floorCpu: floorRun.cpu, floorMaxInFlight: floorRun.maxInFlight });
    }
    const byWall = [...runs].sort((a, b) => a.wallMs - b.wallMs);
    const median = byWall[Math.floor((byWall.length - 1) / 2)];
    const wall = stats(runs.map((x) => x.wallMs));
    const floorWall = stats(runs.map((x) => x.floorMs));
    return {
        n: plan.n,
        wallMs: wall.median,
        floorMs: floorWall.median,
        ratioToFloor: wall.median / floorWall.median,
        idealMs: (plan.n * plan.latencyMs) / effectiveCap,
        maxInFlight: emulatorMax,
        requests: median.requests,
        cap: effectiveCap,
        capSource: cap === undefined ? "default" : "logzio-siem:maxConcurrency",
        latencyMs: plan.latencyMs,
        emulatorMaxInFlight: plan.maxInFlight,
        wallMsMin: wall.min,
        wallMsMax: wall.max,
        floorMsMin: floorWall.min,
        floorMsMax: floorWall.max,
        posts: median.posts,
        listCalls: Math.max(...runs.map((x) => x.listCalls)),
        rejected429: Math.max(...runs.map((x) => x.rejected429)),
        failures: runs.reduce((s, x) => s + x.failures, 0),
        duplicates: runs.reduce((s, x) => s + x.duplicates, 0),
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
export async function measureRefresh(providers: SerializedProviders, plan: ScalePlan): Promise<RefreshResult> {
    const runs: RefreshResult["runs"] = [];
    const traces = traceDir();
    const seen: ReturnType<typeof takeTrace> = [];
    for (let r = 0; r < plan.runs; r++) {
        await withHost(
            { latencyMs: plan.latencyMs, maxInFlight: plan.maxInFlight },
            {},
            async (emulator, host) => {
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
                const misses = read.filter(
                    (x, i) => x.id !== String(accounts[i].accountId) || x.properties.accountName !== accounts[i].accountName,
                ).length;
                runs.push({ wallMs, listCalls: emulator.count(LIST), misses });
            },
            tracingExtras(traces),
        );
        seen.push(...takeTrace(traces));
    }
    fs.rmSync(traces, { recursive: true, force: true });
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
        lookups: summarizeLookups(seen),
    };
}
