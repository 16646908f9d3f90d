// Diff through Pulumi's real dynamic-provider host: Logz.io has no update call, so a change to any input replaces
// exactly that input, deleting first; an unchanged program, a reordered accountsToScan, a removed optional input and
// existingAccountId of the managed account itself are no change; an unknown value at preview is a replacement of that
// property. Diff calls no Logz.io API. (What Logz.io stored never counts: diffIntentions.test.ts.)
import { expect } from "chai";
import { LogzioEmulator } from "../../emulator";
import { ProviderHost, UNKNOWN } from "../../testing/runner/hostDriver";
import { Obj, OWNER_ID, lifecycleHosts } from "../helpers/lifecycleHosts";

describe("every change is a replacement, through the host", function () {
    const lc = lifecycleHosts(0);
    let emulator: LogzioEmulator;
    let host: ProviderHost;
    before(() => ({ emulator, host } = lc));
    const { uniqueName, posts, up, diffAgainst } = lc;

    describe("diff: no update call, so every change is a replacement", () => {
        const base = { email: "diff@example.com", accountsToScan: [OWNER_ID], isUsingRepositoryAccount: false };
        const changes: { property: string; value: unknown }[] = [
            { property: "accountName", value: "another-name" },
            { property: "email", value: "other@example.com" },
            { property: "accountsToScan", value: [OWNER_ID, 5] },
            { property: "isUsingRepositoryAccount", value: true },
        ];

        it("an unchanged program is no change, and diff calls no Logz.io API", async () => {
            const args = { accountName: uniqueName("same"), ...base };
            const m = await up(host, "same", args);
            const requests = emulator.requests.length;
            expect(await diffAgainst(host, m, m.outs, args)).to.deep.equal({ changes: "none", replaces: [], deleteBeforeReplace: true });
            expect(emulator.requests).to.have.length(requests);
            expect(emulator.siemAccounts()).to.have.length(1);
        });

        for (const c of changes) {
            it(`a change to ${c.property} alone replaces exactly ${c.property}, deleting first`, async () => {
                const args = { accountName: uniqueName(`chg-${c.property}`), ...base };
                const m = await up(host, `chg-${c.property}`, args);
                const requests = emulator.requests.length;
                const d = await diffAgainst(host, m, m.outs, { ...args, [c.property]: c.value });
                expect(d).to.deep.equal({ changes: "some", replaces: [c.property], deleteBeforeReplace: true });
                expect(emulator.requests).to.have.length(requests);
                expect(posts()).to.equal(1);
                expect(emulator.siemAccounts()).to.have.length(1);
            });
        }

        it("several changes at once name exactly those properties", async () => {
            const args = { accountName: uniqueName("multi"), ...base };
            const m = await up(host, "multi", args);
            const d = await diffAgainst(host, m, m.outs, { ...args, email: "x@example.com", isUsingRepositoryAccount: true });
            expect(d.changes).to.equal("some");
            expect([...d.replaces].sort()).to.deep.equal(["email", "isUsingRepositoryAccount"]);
            expect(posts()).to.equal(1);
        });

        it("accountsToScan is a set: reordering or repeating ids is no change", async () => {
            const sub = emulator.addAccount({ accountName: "logs-sub", type: "SUB_ACCOUNT" });
            const args = { accountName: uniqueName("set"), email: "set@example.com", accountsToScan: [sub.accountId, OWNER_ID] };
            const m = await up(host, "set", args);
            expect(emulator.siemAccounts()[0].accountsToScan.sort()).to.deep.equal([OWNER_ID, sub.accountId].sort());
            for (const reordered of [
                [OWNER_ID, sub.accountId],
                [sub.accountId, OWNER_ID, sub.accountId],
                [OWNER_ID, OWNER_ID, sub.accountId],
            ]) {
                const d = await diffAgainst(host, m, m.outs, { ...args, accountsToScan: reordered });
                expect(d, JSON.stringify(reordered)).to.deep.include({ changes: "none", replaces: [] });
            }
            const fewer = await diffAgainst(host, m, m.outs, { ...args, accountsToScan: [OWNER_ID, OWNER_ID] });
            expect(fewer).to.deep.equal({ changes: "some", replaces: ["accountsToScan"], deleteBeforeReplace: true });
            expect(posts()).to.equal(1);
        });

        it("removing an optional input is not a change (Logz.io's default never replaces a billed account)", async () => {
            const args: Obj = {
                accountName: uniqueName("opt"),
                email: "opt@example.com",
                accountsToScan: [OWNER_ID],
                isUsingRepositoryAccount: true,
            };
            const m = await up(host, "opt", args);
            for (const removed of ["accountsToScan", "isUsingRepositoryAccount"]) {
                const { [removed]: _gone, ...rest } = args;
                const d = await diffAgainst(host, m, m.outs, rest);
                expect(d, removed).to.deep.include({ changes: "none", replaces: [] });
            }
            const bare = await diffAgainst(host, m, m.outs, { accountName: args.accountName, email: args.email });
            expect(bare.changes).to.equal("none");
            expect(posts()).to.equal(1);
        });

        it("existingAccountId equal to the managed id is no change; a different id replaces existingAccountId", async () => {
            const args = { accountName: uniqueName("eid"), email: "eid@example.com" };
            const m = await up(host, "eid", args);
            const same = await diffAgainst(host, m, m.outs, { ...args, existingAccountId: Number(m.id) });
            expect(same).to.deep.include({ changes: "none", replaces: [] });
            const other = await diffAgainst(host, m, m.outs, { ...args, existingAccountId: Number(m.id) + 1 });
            expect(other).to.deep.equal({ changes: "some", replaces: ["existingAccountId"], deleteBeforeReplace: true });
            expect(posts()).to.equal(1);
            expect(emulator.siemAccounts()).to.have.length(1);
        });

        it("preview: an unknown value is a replacement of exactly that property, and calls no Logz.io API", async () => {
            const args = {
                accountName: uniqueName("preview"),
                email: "p@example.com",
                accountsToScan: [OWNER_ID],
                isUsingRepositoryAccount: false,
            };
            const m = await up(host, "preview", args);
            const requests = emulator.requests.length;
            const table: [Obj, string[]][] = [
                [{ email: UNKNOWN }, ["email"]],
                [{ accountName: UNKNOWN }, ["accountName"]],
                [{ accountsToScan: UNKNOWN }, ["accountsToScan"]],
                [{ accountsToScan: [OWNER_ID, UNKNOWN] }, ["accountsToScan"]],
                [{ isUsingRepositoryAccount: UNKNOWN }, ["isUsingRepositoryAccount"]],
                [{ existingAccountId: UNKNOWN }, ["existingAccountId"]],
            ];
            for (const [change, replaces] of table) {
                const d = await diffAgainst(host, m, m.outs, { ...args, ...change });
                expect(d, JSON.stringify(change)).to.deep.equal({ changes: "some", replaces, deleteBeforeReplace: true });
            }
            expect(emulator.requests).to.have.length(requests);
            expect(emulator.siemAccounts()).to.have.length(1);
        });
    });
});
