// The goals, the verdicts, and the table `npm run bench` prints.
import type { BenchResults } from "./benchmarks";
import type { CpuUse } from "./atScale";
import type { Comparison, Stats } from "./common";
import type { FleetFigure, FleetResult } from "./fleet";
import { ENGINE_OPS, EngineOp, PLUGIN_OPS, PluginOp } from "./engine";
import { formatProfile } from "./profiling/profile";

export const GOALS = {
    providerBytes: 4096,
    createOverhead: 1.15,
    hostOverhead: 1.2,
    coldStart: 1.3,
    /** scale.wallMs at most this many times the floor's (the minimal provider with the same cap). */
    scaleRatioToFloor: 1.2,
    /** List calls for the n creates of one scale run (the duplicate guard shares lists). */
    scaleListCalls: 5,
    /** Logz.io's own limit on requests in flight per account. */
    scaleMaxInFlight: 100,
    /** The fleet (8 hosts x 25 creates, maxConcurrency 25 each, Logz.io's 100): wall time at most this many times the floor. */
    fleetRatioToFloor: 1.3,
    /** ...and under this share of its requests answered 429. */
    fleetShare429: 0.05,
    /** 500 lookups at once through one host. */
    refreshListCalls: 3,
    engineUp: 1.1,
    engineRefresh: 1.1,
    enginePreview: 1.1,
    engineDestroyRetained: 1.1,
    /**
     * List calls of one `pulumi refresh` per resource: at most 2 per wave of the engine's 8 operations at a time
     * (30 for 100 resources).
     */
    engineRefreshListCallsPerResource: 0.3,
    /** Requests of a no-change `pulumi preview`: the token check (GET /v2/whoami) at most, once per host. */
    enginePreviewWhoami: 1,
    /**
     * `pulumi up` / `pulumi refresh` of n SiemAccounts through the resource provider plugin ÷ the same through the
     * dynamic provider, at every latency: no serialized provider in each resource's state, no closure per resource.
     */
    pluginUp: 1.0,
    pluginRefresh: 1.0,
} as const;

/** met: null when the figure was not measured (the engine part skipped); `value` then says why. */
export interface GoalRow {
    metric: string;
    value: string;
    goal: string;
    met: boolean | null;
}

const x = (v: number) => `${v.toFixed(3)}x`;

/** The most list calls a `pulumi refresh` of `count` resources may make. */
export function engineRefreshListLimit(count: number): number {
    return Math.max(2, Math.ceil(count * GOALS.engineRefreshListCallsPerResource));
}

export function evaluateGoals(r: Omit<BenchResults, "goals">): GoalRow[] {
    const s = r.scale;
    const rows: GoalRow[] = [
        {
            metric: "providerBytes",
            value: `${r.providerBytes} B`,
            goal: `<= ${GOALS.providerBytes} B`,
            met: r.providerBytes <= GOALS.providerBytes,
        },
        {
            metric: "createOverhead",
            value: x(r.createOverhead),
            goal: `<= ${GOALS.createOverhead}x`,
            met: r.createOverhead <= GOALS.createOverhead,
        },
        { metric: "hostOverhead", value: x(r.hostOverhead), goal: `<= ${GOALS.hostOverhead}x`, met: r.hostOverhead <= GOALS.hostOverhead },
        { metric: "coldStart", value: x(r.coldStart), goal: `<= ${GOALS.coldStart}x`, met: r.coldStart <= GOALS.coldStart },
        {
            metric: "scale",
            value: `${x(s.ratioToFloor)} floor (${Math.round(s.wallMs)} / ${Math.round(s.floorMs)} ms)`,
            goal: `<= ${GOALS.scaleRatioToFloor}x floor`,
            met: s.ratioToFloor <= GOALS.scaleRatioToFloor,
        },
        {
            metric: "scaleCalls",
            value: `${s.listCalls} list call(s), ${s.failures} failed, ${s.duplicates} dup, max ${s.maxInFlight} in flight, ${s.rejected429} x 429`,
            goal: `<= ${GOALS.scaleListCalls} list calls, 0 failed, 0 dup, <= cap ${s.cap} in flight`,
            met:
                s.listCalls <= GOALS.scaleListCalls &&
                s.failures === 0 &&
                s.duplicates === 0 &&
                s.rejected429 === 0 &&
                s.maxInFlight <= Math.min(s.cap, GOALS.scaleMaxInFlight),
        },
        ...fleetRows(r.fleet),
        {
            metric: "refresh",
            value: `${r.refresh.listCalls} list call(s), ${r.refresh.misses} missed`,
            goal: `<= ${GOALS.refreshListCalls} list calls`,
            met: r.refresh.listCalls <= GOALS.refreshListCalls && r.refresh.misses === 0,
        },
    ];
    const e = r.engine;
    for (const op of ENGINE_OPS) {
        rows.push(
            e.available
                ? {
                      metric: op,
                      value: `${x(e.worst[op])} (${e.latenciesMs.map((l) => `${l} ms: ${x(e.figures[String(l)][op].ratio)}`).join(", ")})`,
                      goal: `<= ${GOALS[op]}x at every latency`,
                      met: e.worst[op] <= GOALS[op],
                  }
                : { metric: op, value: `not measured: ${e.reason}`, goal: `<= ${GOALS[op]}x`, met: null },
        );
    }
    // The call counts at every latency measured: the worst of them decides.
    const figures = e.available ? Object.values(e.figures) : [];
    const refreshLists = figures.length > 0 ? Math.max(...figures.map((f) => f.engineRefresh.calls.ours.list)) : undefined;
    const refreshLimit = e.available ? engineRefreshListLimit(e.count) : undefined;
    rows.push({
        metric: "engineRefreshCalls",
        value: refreshLists !== undefined ? `${refreshLists} list call(s)` : "not measured",
        goal: refreshLimit !== undefined ? `<= ${refreshLimit} list calls` : `<= ${GOALS.engineRefreshListCallsPerResource} per resource`,
        met: refreshLists !== undefined && refreshLimit !== undefined ? refreshLists <= refreshLimit : null,
    });
    const previewCalls =
        figures.length > 0
            ? figures
                  .map((f) => f.enginePreview.calls.ours)
                  .reduce((a, b) => ({
                      list: Math.max(a.list, b.list),
                      create: Math.max(a.create, b.create),
                      whoami: Math.max(a.whoami, b.whoami),
                      other: Math.max(a.other, b.other),
                  }))
            : undefined;
    rows.push({
        metric: "enginePreviewCalls",
        value: previewCalls
            ? `${previewCalls.whoami} token check(s), ${previewCalls.list + previewCalls.create + previewCalls.other} other call(s)`
            : "not measured",
        goal: `<= ${GOALS.enginePreviewWhoami} token check, no other call`,
        met: previewCalls
            ? previewCalls.whoami <= GOALS.enginePreviewWhoami && previewCalls.list + previewCalls.create + previewCalls.other === 0
            : null,
    });
    for (const name of Object.keys(PLUGIN_OPS) as PluginOp[]) {
        const op = PLUGIN_OPS[name];
        rows.push(
            e.available
                ? {
                      metric: name,
                      value: `${x(e.pluginWorst[name])} (${e.latenciesMs.map((l) => `${l} ms: ${x(e.plugin[String(l)][op].ratio)}`).join(", ")})`,
                      goal: `<= ${GOALS[name]}x the dynamic provider at every latency`,
                      met: e.pluginWorst[name] <= GOALS[name],
                  }
                : { metric: name, value: `not measured: ${e.reason}`, goal: `<= ${GOALS[name]}x`, met: null },
        );
    }
    return rows;
}

/** The adaptive cap's figure in a fleet result. */
export function aimdFigure(f: FleetResult): FleetFigure {
    const a = f.figures.find((x) => x.variant === "aimd");
    if (a === undefined) throw new Error("the fleet was measured without the adaptive cap");
    return a;
}

const pct = (v: number) => `${(v * 100).toFixed(1)}%`;

export function fleetRows(fs: FleetResult[]): GoalRow[] {
    const at = (f: FleetResult) => `${f.plan.latencyMs} ms`;
    return [
        {
            metric: "fleet",
            value: fs
                .map(
                    (f) => `${at(f)}: ${x(aimdFigure(f).ratioToFloor)} (${Math.round(aimdFigure(f).wallMs)} / ${Math.round(f.floorMs)} ms)`,
                )
                .join(", "),
            goal: `<= ${GOALS.fleetRatioToFloor}x floor at every latency`,
            met: fs.every((f) => aimdFigure(f).ratioToFloor <= GOALS.fleetRatioToFloor),
        },
        {
            metric: "fleetCalls",
            value: fs
                .map((f) => {
                    const a = aimdFigure(f);
                    return `${at(f)}: ${pct(a.share429)} x 429, ${a.requestsPerAccount.toFixed(2)} req/account, max ${a.maxInFlightPerAccount} in flight`;
                })
                .join("; "),
            goal: `< ${pct(GOALS.fleetShare429)} x 429; every variant: 0 failed, 0 dup, 0 POST repeated without a 429, <= cap in flight`,
            met: fs.every(
                (f) =>
                    aimdFigure(f).share429 < GOALS.fleetShare429 &&
                    f.figures.every(
                        (g) =>
                            g.failures === 0 &&
                            g.duplicates === 0 &&
                            g.repeatsNot429 === 0 &&
                            (g.variant === "noLimit" || g.maxInFlightPerAccount <= f.plan.maxInFlight),
                    ),
            ),
        },
    ];
}

export function fleetNotes(fs: FleetResult[], ones: FleetResult[]): string[] {
    const line = (g: FleetFigure, base: number) =>
        `                ${g.variant.padEnd(15)} ${ms(g.wallMs)} ms [${ms(g.wallMsMin)}–${ms(g.wallMsMax)}] n=${g.runs.length}, ` +
        `${x(g.wallMs / base)} floor, ${pct(g.share429)} x 429 (${g.runs.map((r) => r.rejected429).join(", ")} per run), ` +
        `${g.requestsPerAccount.toFixed(2)} requests/account, max ${g.maxInFlightPerAccount} in flight, ` +
        `RSS ${g.rssMbPerWorker === null ? "?" : g.rssMbPerWorker.toFixed(0)} MB/worker, ${g.failures} failed, ${g.duplicates} dup, ` +
        `${g.repeatsNot429} repeated${g.firstFailure ? `; first failure: ${g.firstFailure}` : ""}`;
    const notes: string[] = [];
    const p = fs[0]?.plan;
    if (p)
        notes.push(
            `fleet           ${p.workers} hosts x ${p.perWorker} creates, logzio-siem:maxConcurrency ${p.maxConcurrency} each, 429 past ${p.maxInFlight} ` +
                `in flight per main account; floor = latency x (1 list round trip + ${p.workers * p.perWorker} POSTs / ${p.maxInFlight}), no CPU time; ` +
                `aimd = the adaptive cap (from half), aimdFromCeiling = AIMD from the ceiling, fixed = no adaptation, ` +
                `noLimit = fixed against a Logz.io without a reachable limit (the hosts, driver and emulator alone)`,
        );
    for (const f of fs) notes.push(`  @${f.plan.latencyMs}ms, floor ${ms(f.floorMs)} ms:`, ...f.figures.map((g) => line(g, f.floorMs)));
    for (const f of ones)
        notes.push(
            `fleet of one @${f.plan.latencyMs}ms: 1 host x ${f.plan.perWorker} creates (what the slow start costs a host that meets no 429), floor ${ms(f.floorMs)} ms:`,
            ...f.figures.map((g) => line(g, f.floorMs)),
        );
    return notes;
}

// ------------------------------------------------------------------------------------------------ the table

const ms = (v: number): string => (Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 10 ? v.toFixed(1) : v.toFixed(2));
const spread = (s: Stats): string => `${ms(s.median)} ms [${ms(s.min)}–${ms(s.max)}] n=${s.n}`;

function pad(rows: string[][]): string {
    const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => (r[c] ?? "").length)));
    return rows
        .map((r) =>
            r
                .map((cell, c) => cell.padEnd(widths[c]))
                .join("  ")
                .trimEnd(),
        )
        .join("\n");
}

function medianOf(values: number[]): number {
    const s = [...values].sort((a, b) => a - b);
    const mid = Math.floor(s.length / 2);
    return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

function medianCpu(cpus: CpuUse[]): CpuUse {
    const host = cpus.flatMap((c) => (c.hostMs === undefined ? [] : [c.hostMs]));
    return { hostMs: host.length > 0 ? medianOf(host) : undefined, driverMs: medianOf(cpus.map((c) => c.driverMs)) };
}

function cpuText(c: CpuUse): string {
    return `host ${c.hostMs === undefined ? "?" : Math.round(c.hostMs)} ms + driver ${Math.round(c.driverMs)} ms`;
}

const verdict = (g: GoalRow): string => (g.met === null ? "not measured" : g.met ? "met" : "MISSED");

export function formatTable(r: BenchResults): string {
    const goal = (metric: string) => r.goals.find((g) => g.metric === metric)!;
    const met = (metric: string) => verdict(goal(metric));
    const d = r.details;
    const s = r.scale;
    const ratioRow = (metric: string, c: Comparison): string[] => [
        metric,
        `${c.ratio.toFixed(3)}x`,
        spread(c.ours),
        spread(c.baseline),
        goal(metric).goal,
        met(metric),
    ];
    const rows: string[][] = [
        ["metric", "result", "ours: median [min–max]", "baseline: median [min–max]", "goal", ""],
        [
            "providerBytes",
            `${r.providerBytes} B`,
            "SiemAccount __provider",
            `minimal provider: ${d.minimalProviderBytes} B`,
            goal("providerBytes").goal,
            met("providerBytes"),
        ],
        ratioRow("createOverhead", d.createOverhead),
        ratioRow("hostOverhead", d.hostOverhead),
        ratioRow("coldStart", d.coldStart),
        [
            "scale",
            `${s.ratioToFloor.toFixed(3)}x`,
            `${ms(s.wallMs)} ms [${ms(s.wallMsMin)}–${ms(s.wallMsMax)}] n=${s.runs.length}`,
            `floor ${ms(s.floorMs)} ms [${ms(s.floorMsMin)}–${ms(s.floorMsMax)}]`,
            goal("scale").goal,
            met("scale"),
        ],
        [
            "scaleCalls",
            `${s.listCalls} list call(s)`,
            `${s.posts} POSTs, max ${s.maxInFlight} in flight`,
            `cap ${s.cap}`,
            goal("scaleCalls").goal,
            met("scaleCalls"),
        ],
        ...r.fleet.map((f) => [
            `fleet @${f.plan.latencyMs}ms`,
            `${aimdFigure(f).ratioToFloor.toFixed(3)}x`,
            `aimd ${ms(aimdFigure(f).wallMs)} ms [${ms(aimdFigure(f).wallMsMin)}–${ms(aimdFigure(f).wallMsMax)}]`,
            `floor ${ms(f.floorMs)} ms`,
            goal("fleet").goal,
            met("fleet"),
        ]),
        ["fleetCalls", goal("fleetCalls").value, "", "", goal("fleetCalls").goal, met("fleetCalls")],
        [
            "refresh",
            `${r.refresh.listCalls} list call(s)`,
            `wall ${ms(r.refresh.wallMs)} ms [${ms(r.refresh.wallMsMin)}–${ms(r.refresh.wallMsMax)}]`,
            `${r.refresh.n} reads, ${r.refresh.latencyMs} ms latency`,
            goal("refresh").goal,
            met("refresh"),
        ],
    ];
    const e = r.engine;
    for (const op of ENGINE_OPS) {
        if (!e.available) rows.push([op, "-", goal(op).value, "", goal(op).goal, met(op)]);
        else
            for (const l of e.latenciesMs) {
                const c = e.figures[String(l)][op];
                rows.push([`${op} @${l}ms`, `${c.ratio.toFixed(3)}x`, spread(c.ours), spread(c.baseline), goal(op).goal, met(op)]);
            }
    }
    for (const metric of ["engineRefreshCalls", "enginePreviewCalls"])
        rows.push([metric, goal(metric).value, "", "", goal(metric).goal, met(metric)]);
    for (const name of Object.keys(PLUGIN_OPS) as PluginOp[]) {
        if (!e.available) rows.push([name, "-", goal(name).value, "", goal(name).goal, met(name)]);
        else
            for (const l of e.latenciesMs) {
                const c = e.plugin[String(l)][PLUGIN_OPS[name]];
                rows.push([`${name} @${l}ms`, `${c.ratio.toFixed(3)}x`, spread(c.ours), spread(c.baseline), goal(name).goal, met(name)]);
            }
    }
    // Stated, with no goal: what a program waits for the plugin before its first call, beside the dynamic host.
    rows.push([
        "pluginColdStart",
        `${d.pluginColdStart.ratio.toFixed(3)}x`,
        spread(d.pluginColdStart.ours),
        spread(d.pluginColdStart.baseline),
        "stated",
        "",
    ]);

    const notes = [
        `createOverhead  A = ${d.createOverhead.ourLabel}; B = ${d.createOverhead.baselineLabel} (emulator latency 0); ` +
            `A adds ${ms(d.createOverhead.addedMs)} ms per create`,
        `hostOverhead    A = ${d.hostOverhead.ourLabel}; B = ${d.hostOverhead.baselineLabel} (emulator latency 0); ` +
            `A adds ${ms(d.hostOverhead.addedMs)} ms per create`,
        `                info: vs a POST-only minimal provider ${d.hostOverheadVsPostOnly.ratio.toFixed(3)}x ` +
            `(${spread(d.hostOverheadVsPostOnly.ours)} vs ${spread(d.hostOverheadVsPostOnly.baseline)}): the duplicate guard's own round trip`,
        `scale           n=${s.n}, cap ${s.cap} (${s.capSource}), emulator ${s.latencyMs} ms latency, 429 past ${s.emulatorMaxInFlight} in flight: ` +
            `median run ${s.requests} requests (${s.posts} POST), list calls per run ${s.runs.map((x) => x.listCalls).join(", ")}, ` +
            `max ${s.maxInFlight} in flight, ${s.rejected429} x 429, ${s.failures} failed, ${s.duplicates} duplicate(s)${s.firstFailure ? `; first failure: ${s.firstFailure}` : ""}`,
        `                floor: the POST-only minimal provider capped at ${s.cap}, same host and emulator settings (max ${Math.max(...s.runs.map((x) => x.floorMaxInFlight))} in flight); ` +
            `info: ideal ${ms(s.idealMs)} ms = ${s.n} x ${s.latencyMs} ms / ${s.cap} (ours ${(s.wallMs / s.idealMs).toFixed(2)}x, floor ${(s.floorMs / s.idealMs).toFixed(2)}x)`,
        `                CPU during the burst, median run: ${cpuText(medianCpu(s.runs.map((x) => x.cpu)))} (SiemAccount); ` +
            `${cpuText(medianCpu(s.runs.map((x) => x.floorCpu)))} (floor)`,
        `coldStart       A = ${d.coldStart.ourLabel}; B = ${d.coldStart.baselineLabel}; A adds ${ms(d.coldStart.addedMs)} ms`,
        `pluginColdStart A = ${d.pluginColdStart.ourLabel}; B = ${d.pluginColdStart.baselineLabel}; A adds ${ms(d.pluginColdStart.addedMs)} ms`,
        ...fleetNotes(r.fleet, r.fleetOfOne),
        `refresh         per run list calls: ${r.refresh.runs.map((x) => x.listCalls).join(", ")}; ${r.refresh.misses} read(s) missed their account`,
    ];
    if (e.available) {
        const calls = (l: number, op: EngineOp, side: "ours" | "baseline") => {
            const c = e.figures[String(l)][op].calls[side];
            return `${c.list} list/${c.create} POST/${c.whoami} whoami${c.other ? `/${c.other} other` : ""}`;
        };
        notes.push(
            `engine          Pulumi CLI ${e.cli.version} (pulumi up/preview through the Node.js language host), ` +
                `${e.count} resources per stack, emulator ${e.latenciesMs.join(" and ")} ms latency, ${e.warmup} warm-up round(s) each; wall time of each command`,
            ...e.latenciesMs.flatMap((l) =>
                ENGINE_OPS.map((op) => {
                    const f = e.figures[String(l)][op];
                    const w = f.lookups.waitBeyondMs;
                    const waits = w
                        ? `; lookups waited beyond their list's round trip: median ${ms(w.median)} ms, worst ${ms(w.worst)} ms`
                        : "";
                    const gaps = f.lookups.gapsMs.inBurst;
                    const gapText = gaps
                        ? `; gaps between lookups in a burst: median ${ms(gaps.median)}, p90 ${ms(gaps.p90)}, max ${ms(gaps.max)} ms`
                        : "";
                    return `                @${l}ms ${op}: requests (most in a round) ours ${calls(l, op, "ours")}; minimal ${calls(l, op, "baseline")}; ours adds ${ms(f.addedMs)} ms${waits}${gapText}`;
                }),
            ),
            `plugin          the same ${e.count} SiemAccounts through the resource provider plugin (a Node.js program, raw CustomResource of ` +
                `type logzio-siem:index:SiemAccount) / through the dynamic provider; requests (most in a round) of the plugin side:`,
            ...e.latenciesMs.flatMap((l) =>
                ENGINE_OPS.map((op) => {
                    const c = e.plugin[String(l)][op];
                    const k = c.calls.ours;
                    return `                @${l}ms ${op}: ${c.ratio.toFixed(3)}x, ${k.list} list/${k.create} POST/${k.whoami} whoami${k.other ? `/${k.other} other` : ""}; the plugin adds ${ms(c.addedMs)} ms`;
                }),
            ),
        );
    } else notes.push(`engine          not measured: ${e.reason}`);
    notes.push(
        `machine         ${r.meta.cpus} x ${r.meta.cpuModel}, node ${r.meta.node}, @pulumi/pulumi ${r.meta.pulumi}, ${r.meta.mode} mode, ${r.meta.totalSeconds.toFixed(1)} s, ` +
            `load average ${r.meta.loadAverage.start.map((l) => l.toFixed(1)).join("/")} at start, ${r.meta.loadAverage.end.map((l) => l.toFixed(1)).join("/")} at end`,
    );
    const profiles: string[] = [];
    if (r.profiles) {
        profiles.push(
            formatProfile("profile: host, scale burst, SiemAccount", r.profiles.scale.siem),
            formatProfile("profile: host, scale burst, floor", r.profiles.scale.floor),
        );
        if (r.profiles.engineUp) {
            profiles.push(
                formatProfile("profile: host, engineUp, SiemAccount", r.profiles.engineUp.siem),
                formatProfile("profile: host, engineUp, minimal", r.profiles.engineUp.minimal),
            );
        }
    }
    return [pad(rows), notes.join("\n"), ...profiles].join("\n\n");
}
