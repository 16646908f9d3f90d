// What lookupTracePreload.ts recorded in a host: how long each lookup waited beyond its own list's round trip,
// and the gaps between the moments lookups were asked (how far apart the requests of one burst reach the host).
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

const PRELOAD = path.join(__dirname, "lookupTracePreload.js");

/** One lookup as the directory publishes it (LookupRecord in provider/lookups/accountDirectory.ts). */
interface Lookup {
    asked: number;
    listStarted: number;
    listEnded: number;
    answered: number;
    /** The list's number in its host's directory; takeTrace prefixes the host's file, so hosts never mix. */
    list: number | string;
    fresh?: boolean;
}

export interface LookupWaits {
    lookups: number;
    /** Distinct lists those lookups used. */
    lists: number;
    /** (answered - asked) - (listEnded - listStarted): time not spent in its own list's round trip. */
    waitBeyondMs: { median: number; worst: number } | null;
    /**
     * Gaps between consecutive moments lookups were asked: counts per bucket (upper bounds in ms) and, for the
     * gaps under 20 ms (inside one burst: below the smallest latency benchmarked), the median, 90th percentile
     * and largest.
     */
    gapsMs: { buckets: Record<string, number>; inBurst: { n: number; median: number; p90: number; max: number } | null };
}

export function tracingExtras(dir: string): { nodeArgs: string[]; env: Record<string, string> } {
    return { nodeArgs: ["--require", PRELOAD], env: { BENCH_LOOKUP_TRACE_DIR: dir } };
}

/** For the engine's environment (NODE_OPTIONS reaches the host through the provider launcher). */
export function tracingEngineEnv(dir: string): Record<string, string> {
    return { NODE_OPTIONS: `--require ${PRELOAD}`, BENCH_LOOKUP_TRACE_DIR: dir };
}

export function traceDir(): string {
    return fs.mkdtempSync(path.join(os.tmpdir(), "bench-lookups-"));
}

/** Reads and removes every trace file in `dir` (one per host that ended since the last call). */
export function takeTrace(dir: string): Lookup[] {
    const out: Lookup[] = [];
    for (const f of fs.readdirSync(dir).filter((x) => /^lookups-\d+\.json$/.test(x))) {
        const file = path.join(dir, f);
        out.push(...(JSON.parse(fs.readFileSync(file, "utf8")) as Lookup[]).map((r) => ({ ...r, list: `${f}:${r.list}` })));
        fs.rmSync(file);
    }
    return out;
}

const BUCKETS = [0.5, 1, 2, 3, 5, 10, 20, 50, Infinity];

function quantile(sorted: number[], q: number): number {
    return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

/** Only the lookups that must use a list requested after they asked (not the check's early warning). */
export function summarizeLookups(all: Lookup[]): LookupWaits {
    const records = all.filter((r) => r.fresh !== false);
    const beyond = records.map((r) => r.answered - r.asked - (r.listEnded - r.listStarted)).sort((a, b) => a - b);
    const asked = records.map((r) => r.asked).sort((a, b) => a - b);
    const gaps = asked.slice(1).map((t, i) => t - asked[i]);
    const buckets: Record<string, number> = {};
    for (const b of BUCKETS) buckets[b === Infinity ? ">50" : `<${b}`] = 0;
    for (const g of gaps) {
        const b = BUCKETS.find((x) => g < x)!;
        buckets[b === Infinity ? ">50" : `<${b}`]++;
    }
    const inBurst = gaps.filter((g) => g < 20).sort((a, b) => a - b);
    return {
        lookups: records.length,
        lists: new Set(records.map((r) => r.list)).size,
        waitBeyondMs: beyond.length === 0 ? null : { median: quantile(beyond, 0.5), worst: beyond[beyond.length - 1] },
        gapsMs: {
            buckets,
            inBurst:
                inBurst.length === 0
                    ? null
                    : { n: inBurst.length, median: quantile(inBurst, 0.5), p90: quantile(inBurst, 0.9), max: inBurst[inBurst.length - 1] },
        },
    };
}
