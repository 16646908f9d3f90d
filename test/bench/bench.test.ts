// The quick mode of `npm run bench`, so the benchmark itself cannot rot. Only the goals that do not depend on
// timing are asserted here (size, list calls, correctness at scale, the requests each engine command makes);
// the timing ratios are measured and judged by `npm run bench`, not by a timed unit test on a shared machine.
import { expect } from "chai";
import { BenchResults, GOALS, formatTable, runBenchmarks } from "../../bench/benchmarks";
import { ENGINE_OPS, PLUGIN_OPS, PluginOp } from "../../bench/engine";

describe("bench: quick mode of npm run bench", function () {
    this.timeout(120_000);
    let results: BenchResults;

    before(async function () {
        // The engine part (5 resources per side, one round per latency) installs the packed package once and runs
        // 12 commands per latency: the dynamic provider, the minimal one and the plugin.
        this.timeout(600_000);
        results = await runBenchmarks({ quick: true });
    });

    it("returns every key of bench/results.json, as finite numbers, and survives JSON", () => {
        for (const key of ["providerBytes", "createOverhead", "hostOverhead", "coldStart", "pluginColdStart"] as const) {
            expect(results[key], key).to.be.a("number").and.satisfy(Number.isFinite).and.be.greaterThan(0);
        }
        for (const key of ["n", "wallMs", "floorMs", "ratioToFloor", "idealMs", "maxInFlight", "requests", "listCalls"] as const) {
            expect(results.scale[key], `scale.${key}`).to.be.a("number").and.satisfy(Number.isFinite);
        }
        expect(results.scale.ratioToFloor).to.be.closeTo(results.scale.wallMs / results.scale.floorMs, 1e-9);
        for (const key of ["n", "listCalls", "wallMs"] as const) {
            expect(results.refresh[key], `refresh.${key}`).to.be.a("number").and.satisfy(Number.isFinite);
        }
        for (const op of ENGINE_OPS) {
            // A number when the engine part ran, null (with the reason in results.engine) when it could not.
            if (results.engine.available) {
                expect(results[op], op).to.be.a("number").and.satisfy(Number.isFinite).and.be.greaterThan(0);
                // The top-level ratio is the worse of the latencies measured (30 and 150 ms).
                expect(Object.keys(results.engine.figures)).to.deep.equal(["30", "150"]);
                const per = Object.values(results.engine.figures).map((f) => f[op].ratio);
                expect(results[op], op).to.equal(Math.max(...per));
            } else expect(results[op], op).to.equal(null);
        }
        for (const name of Object.keys(PLUGIN_OPS) as PluginOp[]) {
            if (results.engine.available) {
                expect(results[name], name).to.be.a("number").and.satisfy(Number.isFinite).and.be.greaterThan(0);
                expect(Object.keys(results.engine.plugin)).to.deep.equal(["30", "150"]);
                const per = Object.values(results.engine.plugin).map((f) => f[PLUGIN_OPS[name]].ratio);
                expect(results[name], name).to.equal(Math.max(...per));
            } else expect(results[name], name).to.equal(null);
        }
        expect(results.meta.mode).to.equal("quick");
        // Ratios are ratios of the medians that are reported with them.
        const comparisons = [
            results.details.createOverhead,
            results.details.hostOverhead,
            results.details.coldStart,
            results.details.pluginColdStart,
        ];
        expect(results.pluginColdStart).to.equal(results.details.pluginColdStart.ratio);
        if (results.engine.available)
            comparisons.push(
                ...[...Object.values(results.engine.figures), ...Object.values(results.engine.plugin)].flatMap((f) =>
                    ENGINE_OPS.map((op) => f[op]),
                ),
            );
        for (const c of comparisons) {
            expect(c.ratio).to.be.closeTo(c.ours.median / c.baseline.median, 1e-9);
            expect(c.ours.min).to.be.at.most(c.ours.median).and.greaterThan(0);
            expect(c.baseline.max).to.be.at.least(c.baseline.median);
        }
        expect(JSON.parse(JSON.stringify(results))).to.deep.equal(results);
        expect(results.goals.map((g) => g.metric)).to.deep.equal([
            "providerBytes",
            "createOverhead",
            "hostOverhead",
            "coldStart",
            "scale",
            "scaleCalls",
            "fleet",
            "fleetCalls",
            "refresh",
            ...ENGINE_OPS,
            "engineRefreshCalls",
            "enginePreviewCalls",
            ...Object.keys(PLUGIN_OPS),
        ]);
        // A goal that was not measured is never reported as met.
        for (const g of results.goals)
            if (!results.engine.available && (g.metric.startsWith("engine") || g.metric.startsWith("plugin")))
                expect(g.met, g.metric).to.equal(null);
        const table = formatTable(results);
        for (const g of results.goals) expect(table).to.include(g.metric);
        expect(table).to.include("pluginColdStart");
    });

    it(`keeps the serialized provider at ${GOALS.providerBytes} bytes or less`, () => {
        expect(results.providerBytes).to.be.at.most(GOALS.providerBytes);
    });

    it(`refreshes n accounts with ${GOALS.refreshListCalls} list calls or fewer, finding every one`, () => {
        expect(results.refresh.n).to.be.greaterThan(1);
        expect(results.refresh.listCalls).to.be.at.least(1).and.at.most(GOALS.refreshListCalls);
        expect(results.refresh.misses).to.equal(0);
    });

    it(`creates n accounts at once with ${GOALS.scaleListCalls} list calls or fewer, no failure, no duplicate, never past the cap`, () => {
        const s = results.scale;
        expect(s.firstFailure, "first failure").to.equal(undefined);
        expect(s.failures).to.equal(0);
        expect(s.duplicates).to.equal(0);
        expect(s.posts).to.equal(s.n);
        expect(s.listCalls).to.be.at.least(1).and.at.most(GOALS.scaleListCalls);
        expect(s.rejected429).to.equal(0);
        expect(s.maxInFlight).to.be.at.most(GOALS.scaleMaxInFlight).and.at.most(s.cap);
        // The floor queues through the same cap, so the ratio compares like with like.
        for (const run of s.runs) expect(run.floorMaxInFlight).to.be.at.most(s.cap);
        expect(s.idealMs).to.equal((s.n * s.latencyMs) / s.cap);
    });

    it(`a fleet of 8 hosts against Logz.io's 100 in flight: every account once, no failure, never above 100, a POST repeated only after a 429`, () => {
        expect(results.fleet.map((f) => f.plan.latencyMs)).to.deep.equal([30, 300]);
        for (const f of [...results.fleet, ...results.fleetOfOne]) {
            expect(f.n).to.equal(f.plan.workers * f.plan.perWorker);
            expect(f.figures.map((g) => g.variant)).to.include("aimd");
            for (const g of f.figures) {
                const at = `${g.variant} @${f.plan.latencyMs}ms`;
                expect(g.firstFailure, `${at}: first failure`).to.equal(undefined);
                expect(g.failures, at).to.equal(0);
                expect(g.duplicates, at).to.equal(0);
                expect(g.repeatsNot429, `${at}: POSTs repeated without a 429`).to.equal(0);
                expect(g.share429, at).to.be.at.least(0).and.below(1);
                expect(g.ratioToFloor, at).to.be.closeTo(g.wallMs / f.floorMs, 1e-9);
                if (g.variant !== "noLimit") expect(g.maxInFlightPerAccount, at).to.be.at.most(f.plan.maxInFlight);
            }
        }
        expect(results.fleet[0].n).to.equal(200);
    });

    it(`through the engine, at each latency: refresh with at most one list call per read, a no-change preview with at most one token check`, function () {
        if (!results.engine.available) {
            console.log(`      (skipped: ${results.engine.reason})`);
            this.skip();
        }
        const e = results.engine;
        for (const [latency, f] of Object.entries(e.figures)) {
            const at = `${latency} ms`;
            // How many reads share a list depends on how the engine spaces them on a busy machine: the goal
            // (engineRefreshListLimit) is judged by `npm run bench`; here, only that no read needs two.
            expect(f.engineRefresh.calls.ours.list, at).to.be.at.least(1).and.at.most(e.count);
            const preview = f.enginePreview.calls.ours;
            expect(preview.whoami, at).to.be.at.most(GOALS.enginePreviewWhoami);
            expect(preview.list + preview.create + preview.other, at).to.equal(0);
            // Every create reached Logz.io exactly once on both sides; destroy (retainOnDelete) called nothing.
            expect(f.engineUp.calls.ours.create, at).to.equal(e.count);
            expect(f.engineUp.calls.baseline.create, at).to.equal(e.count);
            expect(f.engineDestroyRetained.calls.ours, at).to.deep.equal({ list: 0, create: 0, whoami: 0, other: 0 });
            // Every lookup of refresh was traced, with its wait beyond its own list's round trip.
            expect(f.engineRefresh.lookups.lookups, at).to.equal(e.count);
            expect(f.engineRefresh.lookups.waitBeyondMs, at).to.not.equal(null);
        }
    });

    it("through the plugin, at each latency: every create reached Logz.io exactly once, destroy (retainOnDelete) called nothing", function () {
        if (!results.engine.available) {
            console.log(`      (skipped: ${results.engine.reason})`);
            this.skip();
        }
        const e = results.engine;
        for (const [latency, f] of Object.entries(e.plugin)) {
            const at = `${latency} ms`;
            // ours = the plugin, baseline = the dynamic provider: both created each account once.
            expect(f.engineUp.calls.ours.create, at).to.equal(e.count);
            expect(f.engineUp.calls.baseline.create, at).to.equal(e.count);
            expect(f.engineRefresh.calls.ours.create, at).to.equal(0);
            expect(f.engineRefresh.calls.ours.list, at).to.be.at.least(1);
            expect(f.enginePreview.calls.ours.create, at).to.equal(0);
            expect(f.engineDestroyRetained.calls.ours, at).to.deep.equal({ list: 0, create: 0, whoami: 0, other: 0 });
        }
    });
});
