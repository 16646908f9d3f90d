// Journey: 50 SiemAccounts through the real engine with `--parallel 64` and `--parallel 1`, `pulumi up --refresh`
// and `pulumi up --target`: every account once, no duplicate, and the account-list calls within bounds taken from
// bench/README.md. Reads the engine sends at once share lists, at most one per read (how few is the benchmark's
// to measure: it depends on how the engine spaces them). Creates reach
// the provider one by one, behind the engine's checks (which run one at a time), a few milliseconds apart: against
// an emulator that answers at once, a create's list has ended before the next create asks, and a list requested
// before a lookup asked never serves it, so creates may each need their own list (the directory no longer holds
// a create back to gather others: a lone lookup waits for nothing). The bound is one list per create, plus the
// checks' duplicate lookup at preview (one list shared by up to 10 s of checks; two if they take longer). Operations run one at a time (`--parallel 1`) cannot share
// a list at all: one list each.
import { expect } from "chai";
import { LogzioEmulator } from "../../emulator";
import { ROUTES } from "../../emulator/server";
import { E2EStack, changesOf, stepsFor } from "../../harness/e2e/stack";
import { Declared, SIEM_PROGRAM } from "./journeySupport";
import { SIEM_TYPE, e2eDescribe, emulatorPerTest, expectOk, initAgainst } from "./support";

const N = 50;
const declare = (n: number): Declared[] =>
    Array.from({ length: n }, (_, i) => ({ resourceName: `siem-${i}`, accountName: `scale-${i}`, email: `s${i}@example.com` }));

e2eDescribe("journeys: 50 resources, --parallel, --refresh, --target", (ctx) => {
    let emulator: LogzioEmulator;
    emulatorPerTest((e) => (emulator = e));

    /** What one command sent: list calls and POSTs. */
    async function counting(run: () => Promise<void>): Promise<{ lists: number; posts: number }> {
        const [lists, posts] = [emulator.count(ROUTES.list), emulator.count(ROUTES.create)];
        await run();
        return { lists: emulator.count(ROUTES.list) - lists, posts: emulator.count(ROUTES.create) - posts };
    }

    async function expectInStateAndLogzio(stack: E2EStack, declared: Declared[]): Promise<void> {
        const names = emulator.siemAccounts().map((a) => a.accountName);
        expect(names, "no duplicate").to.have.members(declared.map((d) => d.accountName));
        const resources = await stack.siemResources();
        expect(resources).to.have.length(declared.length);
        const byName = new Map(emulator.siemAccounts().map((a) => [a.accountName, String(a.accountId)]));
        for (const r of resources) expect(r.id, r.urn).to.equal(byName.get(r.outputs.accountName));
    }

    it("--parallel 64, then `up --refresh --parallel 64`, `--target`, `up --refresh --parallel 1`: each account once, lists bounded", async () => {
        const stack = ctx.project(SIEM_PROGRAM);
        await initAgainst(stack, emulator, { accounts: JSON.stringify(declare(N)) });

        const created = await counting(async () => {
            const up = await stack.up({ flags: ["--parallel", "64"] });
            expectOk(up, "pulumi up --parallel 64");
            expect(changesOf(up).create).to.equal(N + 1); // and the stack
        });
        expect(created.posts).to.equal(N);
        expect(created.lists, "list calls of 50 creates").to.be.at.most(N + 2);
        await expectInStateAndLogzio(stack, declare(N));

        const refreshed = await counting(async () => {
            const up = await stack.up({ refresh: true, flags: ["--parallel", "64"] });
            expectOk(up, "pulumi up --refresh --parallel 64");
            expect(stepsFor(up).filter((s) => s === "refresh")).to.have.length(N);
            expect(stepsFor(up).filter((s) => s !== "refresh")).to.deep.equal(Array(N).fill("same"));
        });
        expect(refreshed.posts).to.equal(0);
        // Reads that overlap share one list; how many overlap depends on how the engine spaces them on a busy machine
        // (9 for 50 on two loaded cores, 2 or 3 idle), so only the bound that cannot vary is asserted here: never more
        // than one list per read. The benchmark measures the sharing (engineRefresh's list calls).
        expect(refreshed.lists, "list calls of 50 reads at once").to.be.at.least(1).and.at.most(N);

        // Two more declared; only the targeted one is created, and nothing else is asked of Logz.io for the rest.
        const more = declare(N + 2);
        await stack.setConfig("accounts", JSON.stringify(more));
        const target = `urn:pulumi:${stack.stackName}::siem-accounts::${SIEM_TYPE}::siem-${N}`;
        const targeted = await counting(async () => {
            const up = await stack.up({ flags: ["--target", target] });
            expectOk(up, "pulumi up --target");
            expect(stepsFor(up).filter((s) => s !== "same")).to.deep.equal(["create"]);
        });
        expect(targeted.posts).to.equal(1);
        // The create's guard, and the check's duplicate lookup when no list of the last 10 s is at hand.
        expect(targeted.lists).to.be.within(1, 2);
        await expectInStateAndLogzio(stack, more.slice(0, N + 1));

        const serial = await counting(async () => {
            const up = await stack.up({ refresh: true, flags: ["--parallel", "1"] });
            expectOk(up, "pulumi up --refresh --parallel 1");
            expect(stepsFor(up).filter((s) => s === "create")).to.have.length(1);
            expect(stepsFor(up).filter((s) => s === "refresh")).to.have.length(N + 1);
        });
        expect(serial.posts).to.equal(1);
        expect(serial.lists, "one list at most per operation run one at a time").to.be.at.most(N + 2);
        await expectInStateAndLogzio(stack, more);
        console.log(
            `      list calls: ${N} creates at --parallel 64: ${created.lists}; ${N} reads at --parallel 64: ${refreshed.lists}; ` +
                `${N + 1} reads and 1 create at --parallel 1: ${serial.lists}`,
        );
        expect(emulator.stats.rejected429).to.equal(0);
    });
});
