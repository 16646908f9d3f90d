// CPU profiles of the provider host: where its time goes, summarized from a .cpuprofile (Chrome DevTools format;
// open the file itself in DevTools or speedscope for the whole picture).
import * as fs from "node:fs";
import * as path from "node:path";

export const PRELOAD = path.join(__dirname, "cpuProfilePreload.js");

/** Node flags and environment that make a host write its profile into `dir` (see cpuProfilePreload.ts). */
export function profilingExtras(dir: string): { nodeArgs: string[]; env: Record<string, string> } {
    return { nodeArgs: ["--require", PRELOAD], env: { BENCH_CPU_PROFILE_DIR: dir } };
}

/** NODE_OPTIONS for the engine's environment: its provider launcher runs `node`, which reads them. */
export function profilingEngineEnv(dir: string): Record<string, string> {
    return { NODE_OPTIONS: `--require ${PRELOAD}`, BENCH_CPU_PROFILE_DIR: dir };
}

/**
 * Moves the one profile a host wrote into `dir` to `dir/<name>.cpuprofile` and summarizes it. Fails if there
 * is not exactly one (the profiled run then did not run one host, and the summary would mix things up).
 */
export function collectProfile(dir: string, name: string): ProfileSummary {
    const written = fs.readdirSync(dir).filter((f) => /^host-\d+\.cpuprofile$/.test(f));
    if (written.length !== 1) throw new Error(`expected one host profile in ${dir}, found ${written.length}: ${written.join(", ")}`);
    const file = path.join(dir, `${name}.cpuprofile`);
    fs.renameSync(path.join(dir, written[0]), file);
    return summarizeProfile(file);
}

interface CallFrame {
    functionName: string;
    url: string;
    lineNumber: number;
}
interface ProfileNode {
    id: number;
    callFrame: CallFrame;
}
interface CpuProfile {
    nodes: ProfileNode[];
    samples: number[];
    timeDeltas: number[];
}

export interface ProfileItem {
    name: string;
    ms: number;
    pct: number;
}
export interface ProfileSummary {
    file: string;
    /** Sampled wall time of the profile (ms), idle included. */
    sampledMs: number;
    /** Time the host was busy: not idle. pct below is of this. */
    busyMs: number;
    idleMs: number;
    /** Self time by where the code lives: a package, a Node.js subsystem, the garbage collector, ... */
    byPlace: ProfileItem[];
    /** Self time of the busiest functions, "name (place:line)". */
    topFunctions: ProfileItem[];
}

/** Where a frame's code lives, coarse enough to add up: "@grpc/grpc-js", "node:http2", "(garbage collector)". */
export function placeOf(frame: CallFrame): string {
    const { url, functionName } = frame;
    if (url === "") return functionName.startsWith("(") ? functionName : "(native)";
    if (url.startsWith("node:")) {
        const parts = url.slice(5).split("/");
        return `node:${parts[0] === "internal" ? (parts[1] ?? "internal") : parts[0]}`;
    }
    const nm = url.lastIndexOf("/node_modules/");
    if (nm >= 0) {
        const rest = url.slice(nm + "/node_modules/".length).split("/");
        return rest[0].startsWith("@") ? `${rest[0]}/${rest[1]}` : rest[0];
    }
    // This repository's build (the host-level benchmark loads the runtime from dist/provider).
    const dist = url.lastIndexOf("/dist/");
    if (dist >= 0)
        return `pulumi-logzio-siem (${url
            .slice(dist + 1)
            .split("/")
            .slice(0, 2)
            .join("/")})`;
    return path.basename(url);
}

export function summarizeProfile(file: string, top = 12): ProfileSummary {
    const profile = JSON.parse(fs.readFileSync(file, "utf8")) as CpuProfile;
    const byId = new Map(profile.nodes.map((n) => [n.id, n]));
    const self = new Map<number, number>();
    // timeDeltas[i] is the time before sample i; attributing it to sample i is how DevTools does it too.
    profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + Math.max(0, profile.timeDeltas[i] ?? 0)));
    const places = new Map<string, number>();
    const functions = new Map<string, number>();
    let total = 0;
    let idle = 0;
    for (const [id, us] of self) {
        const frame = byId.get(id)!.callFrame;
        total += us;
        if (frame.functionName === "(idle)") {
            idle += us;
            continue;
        }
        const place = placeOf(frame);
        places.set(place, (places.get(place) ?? 0) + us);
        const where = frame.url === "" ? place : `${place}:${frame.lineNumber + 1}`;
        const fn = `${frame.functionName || "(anonymous)"} (${where})`;
        functions.set(fn, (functions.get(fn) ?? 0) + us);
    }
    const busy = total - idle;
    const items = (m: Map<string, number>): ProfileItem[] =>
        [...m]
            .sort((a, b) => b[1] - a[1])
            .slice(0, top)
            .map(([name, us]) => ({ name, ms: us / 1000, pct: busy > 0 ? (100 * us) / busy : 0 }));
    return {
        file,
        sampledMs: total / 1000,
        busyMs: busy / 1000,
        idleMs: idle / 1000,
        byPlace: items(places),
        topFunctions: items(functions),
    };
}

export function formatProfile(label: string, s: ProfileSummary, top = 8): string {
    const row = (i: ProfileItem) => `    ${i.ms.toFixed(0).padStart(6)} ms ${i.pct.toFixed(1).padStart(5)}%  ${i.name}`;
    return [
        `${label}: busy ${s.busyMs.toFixed(0)} ms of ${s.sampledMs.toFixed(0)} ms sampled (${path.basename(s.file)})`,
        "  self time by place:",
        ...s.byPlace.slice(0, top).map(row),
        "  busiest functions (self time):",
        ...s.topFunctions.slice(0, top).map(row),
    ].join("\n");
}
