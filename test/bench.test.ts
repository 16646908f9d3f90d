// The quick mode of `npm run bench`, so the benchmark itself cannot rot. Only the goals that do not depend on
// timing are asserted here (size, list calls, correctness at scale); the timing ratios are measured and
// judged by `npm run bench`, not by a timed unit test on a shared machine.
import { expect } from "chai";
import { BenchResults, GOALS, formatTable, runBenchmarks } from "../bench/benchmarks";

describe("bench: quick mode of npm run bench", function () {
    this.timeout(120_000);
    let results: BenchResults;

    before(async () => {
        results = await runBenchmarks({ quick: true });
    });

    it("returns every key of bench/results.json, as finite numbers, and survives JSON", () => {
        for (const key of ["providerBytes", "createOverhead", "hostOverhead", "coldStart"] as const) {
            expect(results[key], key).to.be.a("number").and.satisfy(Number.isFinite).and.be.greaterThan(0);
        }
        for (const key of ["n", "wallMs", "idealMs", "maxInFlight", "requests"] as const) {
            expect(results.scale[key], `scale.${key}`).to.be.a("number").and.satisfy(Number.isFinite);
        }
        for (const key of ["n", "listCalls", "wallMs"] as const) {
            expect(results.refresh[key], `refresh.${key}`).to.be.a("number").and.satisfy(Number.isFinite);
        }
        expect(results.meta.mode).to.equal("quick");
        // Ratios are ratios of the medians that are reported with them.
        for (const c of [results.details.createOverhead, results.details.hostOverhead, results.details.coldStart]) {
            expect(c.ratio).to.be.closeTo(c.ours.median / c.baseline.median, 1e-9);
            expect(c.ours.min).to.be.at.most(c.ours.median).and.greaterThan(0);
            expect(c.baseline.max).to.be.at.least(c.baseline.median);
        }
        expect(JSON.parse(JSON.stringify(results))).to.deep.equal(results);
        expect(results.goals.map((g) => g.metric)).to.deep.equal(["providerBytes", "createOverhead", "hostOverhead", "coldStart", "scale", "refresh"]);
        const table = formatTable(results);
        for (const g of results.goals) expect(table).to.include(g.metric);
    });

    it(`keeps the serialized provider at ${GOALS.providerBytes} bytes or less`, () => {
        expect(results.providerBytes).to.be.at.most(GOALS.providerBytes);
    });

    it(`refreshes n accounts with ${GOALS.refreshListCalls} list calls or fewer, finding every one`, () => {
        expect(results.refresh.n).to.be.greaterThan(1);
        expect(results.refresh.listCalls).to.be.at.least(1).and.at.most(GOALS.refreshListCalls);
        expect(results.refresh.misses).to.equal(0);
    });

    it("creates n accounts at once with no failure, no duplicate and never more than 100 requests in flight", () => {
        const s = results.scale;
        expect(s.firstFailure, "first failure").to.equal(undefined);
        expect(s.failures).to.equal(0);
        expect(s.duplicates).to.equal(0);
        expect(s.posts).to.equal(s.n);
        expect(s.rejected429).to.equal(0);
        expect(s.maxInFlight).to.be.at.most(GOALS.scaleMaxInFlight).and.at.most(s.cap);
        expect(s.idealMs).to.equal((s.n * s.latencyMs) / s.cap);
    });
});
