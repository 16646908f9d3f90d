// Lifecycle at host level: refresh and drift, replacement, honest delete, adoption and the duplicate guard,
// through Pulumi's real dynamic-provider host driven over gRPC with the engine's data flow:
//   check(olds inputs, program) -> create(checked inputs) -> outputs (+ __provider) become state;
//   diff(id, state, check(...).inputs); read(id, state, inputs) on refresh; delete(id, state).
//
// Every lookup asks for a list requested at or after the moment it was asked, so tests may share a host; a
// host asks Logz.io who its main account is once (GET /v2/whoami) and keeps the answer.
import { expect } from "chai";
import { EmulatedAccount, LogzioEmulator } from "../../emulator";
import { ProviderHost, UNKNOWN, urnFor } from "../../testing/runner/hostDriver";
import { contractChecker } from "../helpers/logzioContract";
import { hostError, serializedProvider, startEmulator, startHost } from "../helpers/support";

type Obj = Record<string, unknown>;

const CREATE = "POST /v2/account-management/siem";
const LIST = "GET /v1/associated-accounts";
const OWNER_ID = 100000;
const LONG_AGO = "2024-01-02T03:04:05Z";
const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000).toISOString().replace(/\.\d{3}Z$/, "Z");

/** What the engine keeps for a resource: its id, the outputs of create (state) and the checked inputs. */
interface Managed {
    urn: string;
    id: string;
    outs: Obj;
    inputs: Obj;
}

describe("lifecycle through Pulumi's dynamic-provider host", function () {
    let provider: string;
    let emulator: LogzioEmulator;
    /** Checks what the provider sent and the emulator answered since the last test against Logz.io's spec. */
    let afterEachCheck: () => void = () => undefined;
    /** The default host: 15 minutes of provisioning grace. */
    let host: ProviderHost;
    let graceZero: ProviderHost;
    let graceThirty: ProviderHost;
    /** Hosts that have not talked to Logz.io yet, one per test that needs an empty list cache (started in the background). */
    const spare: Promise<ProviderHost>[] = [];
    const started: Promise<ProviderHost>[] = [];

    let serial = 0;
    /** accountNames are unique across the file: claims and cached lists of a shared host never collide. */
    const uniqueName = (base: string) => `${base}-${++serial}`;
    let nextSeedId = 700_000;
    /** Seeded ids never repeat (POSTs after a seed take seedId + 1.., hence the stride). */
    const seedId = () => (nextSeedId += 1000);

    const lists = () => emulator.count(LIST);
    const posts = () => emulator.count(CREATE);

    before(async () => {
        provider = await serializedProvider();
        // Every request of these flows, and every answer, is checked against Logz.io's OpenAPI document after each test.
        emulator = await startEmulator({ recordAnswers: true });
        afterEachCheck = contractChecker(emulator);
        const shared = [
            startHost(emulator),
            startHost(emulator, { config: { "logzio-siem:provisioningGraceMinutes": "0" } }),
            startHost(emulator, { config: { "logzio-siem:provisioningGraceMinutes": "30" } }),
        ];
        started.push(...shared);
        [host, graceZero, graceThirty] = await Promise.all(shared);
        for (let i = 0; i < 5; i++) {
            const h = startHost(emulator);
            h.catch(() => undefined); // reported by the test that takes it
            spare.push(h);
            started.push(h);
        }
    });
    after(async () => {
        const hosts = await Promise.allSettled(started);
        await Promise.all(hosts.map((h) => (h.status === "fulfilled" ? h.value.stop() : undefined)));
        await emulator?.close();
    });
    beforeEach(() => {
        emulator.reset();
        emulator.setProvisioningMs(0);
    });
    afterEach(() => emulator.setProvisioningMs(0));
    afterEach(() => afterEachCheck());

    async function freshHost(): Promise<ProviderHost> {
        const h = spare.shift();
        if (!h) throw new Error("no spare host left: start another one in before()");
        return h;
    }

    /** The engine's check for a program's args (olds = the previous inputs, if any). */
    async function checked(h: ProviderHost, urn: string, args: Obj, oldInputs: Obj = {}): Promise<Obj> {
        const res = await h.check(urn, oldInputs, { __provider: provider, ...args });
        expect(res.failures, "check failures").to.deep.equal([]);
        return res.inputs;
    }

    /** `pulumi up` of a new resource: check then create; the outputs are what state keeps. */
    async function up(h: ProviderHost, resource: string, args: Obj): Promise<Managed> {
        const urn = urnFor(resource);
        const inputs = await checked(h, urn, args);
        const res = await h.create(urn, inputs);
        expect(res.properties.__provider, "create echoes __provider into state").to.equal(provider);
        return { urn, id: res.id, outs: res.properties, inputs };
    }

    /** An account that exists in Logz.io since long ago (made by hand, or by an earlier run of the stack). */
    function seed(accountName: string, extra: Partial<EmulatedAccount> = {}): EmulatedAccount {
        return emulator.addAccount({ accountId: seedId(), accountName, email: "seed@example.com", createdAt: LONG_AGO, ...extra });
    }

    /** The state an earlier `pulumi up` would have stored for an account. */
    function stateOf(a: EmulatedAccount, resource: string): Managed {
        const inputs = { __provider: provider, accountName: a.accountName, email: a.email ?? "seed@example.com" };
        const outs = {
            ...inputs,
            accountId: a.accountId,
            accountsToScan: a.accountsToScan,
            isUsingRepositoryAccount: a.isUsingRepositoryAccount,
            createdAt: a.createdAt,
        };
        return { urn: urnFor(resource), id: String(a.accountId), outs, inputs };
    }

    const refresh = (h: ProviderHost, m: Managed) => h.read(m.id, m.urn, m.outs, m.inputs);

    /** The engine's diff for a program run: news come from check. */
    async function diffAgainst(h: ProviderHost, m: Managed, state: Obj, args: Obj) {
        return h.diff(m.id, m.urn, state, await checked(h, m.urn, args, m.inputs));
    }

    // ---------------------------------------------------------------------------------------------------

    describe("read (refresh)", () => {
        it("shows a rename in the Logz.io UI as drift, keeps the fields the list lacks, and diff then replaces accountName", async () => {
            const name = uniqueName("rename");
            const args = { accountName: name, email: "ren@example.com", accountsToScan: [OWNER_ID], isUsingRepositoryAccount: true };
            const m = await up(host, "rename", args);
            const listsAfterCreate = lists();

            expect(emulator.renameAccount(Number(m.id), `${name} renamed`)).to.equal(true);
            const refreshed = await refresh(host, m);

            expect(refreshed.id).to.equal(m.id);
            // Only the name comes from Logz.io: email, accountsToScan, isUsingRepositoryAccount, createdAt stay from state.
            expect(refreshed.properties).to.deep.equal({ ...m.outs, accountName: `${name} renamed` });
            expect(lists() - listsAfterCreate, "one list request for the refresh").to.equal(1);

            // The next `pulumi up` of the unchanged program: the account must be replaced to get its name back.
            const drift = await diffAgainst(host, m, refreshed.properties, args);
            expect(drift).to.deep.equal({ changes: "some", replaces: ["accountName"], deleteBeforeReplace: true });
            // A program that takes the new name over has no change left.
            const accepted = await diffAgainst(host, m, refreshed.properties, { ...args, accountName: `${name} renamed` });
            expect(accepted.changes).to.equal("none");
            expect(accepted.replaces).to.deep.equal([]);

            expect(posts()).to.equal(1);
            expect(emulator.siemAccounts().map((a) => a.accountName)).to.deep.equal([`${name} renamed`]);
        });

        it("keeps a just-created account that Logz.io does not list yet (still provisioning)", async () => {
            emulator.setProvisioningMs(10 * 60_000);
            const m = await up(host, "fresh", { accountName: uniqueName("fresh"), email: "fresh@example.com" });
            const listsAfterCreate = lists();

            const refreshed = await refresh(host, m);

            expect(refreshed.id).to.equal(m.id);
            expect(refreshed.properties).to.deep.equal(m.outs);
            expect(lists() - listsAfterCreate).to.equal(1);
            expect(posts()).to.equal(1);
            expect(emulator.siemAccounts()).to.have.length(1);
        });

        it("drops an account deleted in the UI once the grace period after its createdAt is over", async () => {
            const gone = stateOf(seed(uniqueName("old-gone")), "old-gone");
            expect(emulator.deleteAccount(Number(gone.id))).to.equal(true);

            const refreshed = await refresh(host, gone);

            expect(refreshed.id, "no id: the engine removes the resource from state").to.equal("");
            // The id is used by no other test, so a list this host cached a moment ago gives the same answer.
            expect(lists()).to.be.at.most(1);
            expect(posts()).to.equal(0);
            expect(emulator.siemAccounts()).to.have.length(0);
        });

        it("with logzio-siem:provisioningGraceMinutes 0, a just-created account missing from the list is dropped at once", async () => {
            const m = await up(graceZero, "grace0", { accountName: uniqueName("grace0"), email: "g0@example.com" });
            const listsAfterCreate = lists();
            expect(emulator.deleteAccount(Number(m.id))).to.equal(true);

            const refreshed = await refresh(graceZero, m);

            expect(refreshed.id).to.equal("");
            expect(lists() - listsAfterCreate).to.equal(1);
            expect(posts()).to.equal(1);
            expect(emulator.siemAccounts()).to.have.length(0);
        });

        it("honours a custom logzio-siem:provisioningGraceMinutes: missing 20 minutes after createdAt is kept with 30, dropped with the default 15", async () => {
            const m = stateOf(seed(uniqueName("twenty"), { createdAt: minutesAgo(20) }), "twenty");
            expect(emulator.deleteAccount(Number(m.id))).to.equal(true);

            const kept = await refresh(graceThirty, m);
            expect(kept.id).to.equal(m.id);
            expect(kept.properties).to.deep.equal(m.outs);

            const dropped = await refresh(host, m);
            expect(dropped.id).to.equal("");

            expect(lists()).to.be.within(0, 2);
            expect(posts()).to.equal(0);
            expect(emulator.siemAccounts()).to.have.length(0);
        });
    });

    describe("refresh through one host: lookups share list requests, and see Logz.io as of when they were asked", () => {
        it("refreshes 500 accounts concurrently with shared list calls, all found, UI renames included", async () => {
            const states = Array.from({ length: 500 }, (_, i) => stateOf(seed(`bulk-${String(i).padStart(3, "0")}`), `bulk-${i}`));
            const renamed = new Set([7, 250, 499]);
            for (const i of renamed) emulator.renameAccount(Number(states[i].id), `bulk-${i}-renamed`);
            const h = await freshHost();

            const results = await Promise.all(states.map((m) => refresh(h, m)));

            // How many lists 500 reads need depends on how fast the host takes the RPCs in (a starved machine spreads
            // them past the gathering window), so the count is the benchmark's to judge (goal: 3). What cannot vary:
            // reads shared lists, so there were fewer lists than reads.
            expect(lists(), "list calls for 500 reads").to.be.at.least(1).and.below(states.length);
            expect(posts()).to.equal(0);
            // Besides lists, only the host's one question about its main account.
            expect(emulator.requests.filter((r) => `${r.method} ${r.path}` !== LIST).map((r) => r.path)).to.deep.equal(["/v2/whoami"]);
            results.forEach((r, i) => {
                expect(r.id, `bulk-${i} found`).to.equal(states[i].id);
                const name = renamed.has(i) ? `bulk-${i}-renamed` : states[i].outs.accountName;
                // State written before owners were recorded: read as before, and the owner recorded now that it is listed.
                expect(r.properties).to.deep.equal({ ...states[i].outs, accountName: name, mainAccountId: OWNER_ID, apiUrl: emulator.url });
            });
            expect(emulator.siemAccounts()).to.have.length(500);
        });

        it("each sequential read asks Logz.io again, so a UI rename made just before it is seen", async () => {
            const a = await up(host, "fresh-a", { accountName: uniqueName("fresh-a"), email: "a@example.com" });
            const base = lists();

            expect((await refresh(host, a)).id).to.equal(a.id);
            emulator.renameAccount(Number(a.id), "fresh-a renamed in the UI");
            const again = await refresh(host, a);
            expect(again.properties.accountName, "a list fetched moments earlier is not reused").to.equal("fresh-a renamed in the UI");
            expect(lists() - base).to.equal(2);
            expect(posts()).to.equal(1);
        });
    });

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

    describe("delete: no delete call, so it only confirms the account is gone", () => {
        it("a live account: fails naming it, with the UI steps, `pulumi refresh` and retainOnDelete, and changes nothing", async () => {
            const name = uniqueName("live");
            const m = await up(host, "live", { accountName: name, email: "live@example.com" });
            const listsAfterCreate = lists();
            const stderrBefore = host.stderr().length;

            const err = await hostError(host.delete(m.id, m.urn, m.outs));

            expect(err.message).to.include(`SIEM account ${m.id} ("${name}")`);
            // The host prints a failed delete on its stderr too, which the engine would show under the stack: the
            // runtime drops that echo of its own error, so the engine shows the failure once. Others' echoes remain.
            const printed = await stderrUpToForeignFailure(host, stderrBefore);
            expect(printed).to.not.include(`("${name}")`);
            expect(err.message).to.include("Settings > Manage accounts");
            expect(err.message).to.include("pulumi refresh");
            expect(err.message).to.include("retainOnDelete: true");
            expect(lists() - listsAfterCreate).to.equal(1);
            expect(posts()).to.equal(1);
            expect(emulator.siemAccounts().map((a) => String(a.accountId))).to.deep.equal([m.id]);
            // Still managed: a refresh keeps it.
            expect((await refresh(host, m)).id).to.equal(m.id);
        });

        it("a renamed live account: the message names it by its current name", async () => {
            const m = await up(host, "live-renamed", { accountName: uniqueName("live-renamed"), email: "lr@example.com" });
            emulator.renameAccount(Number(m.id), "renamed in the UI");
            const refreshed = await refresh(host, m);
            const err = await hostError(host.delete(m.id, m.urn, refreshed.properties));
            expect(err.message).to.include(`SIEM account ${m.id} ("renamed in the UI")`);
            expect(emulator.siemAccounts()).to.have.length(1);
        });

        it("an account deleted in the UI (created long ago): succeeds", async () => {
            const gone = stateOf(seed(uniqueName("deleted")), "deleted");
            expect(emulator.deleteAccount(Number(gone.id))).to.equal(true);

            await host.delete(gone.id, gone.urn, gone.outs);

            // It looked: a list requested after the delete was asked showed the account gone.
            expect(lists()).to.equal(1);
            expect(posts()).to.equal(0);
            expect(emulator.siemAccounts()).to.have.length(0);
        });

        it("a just-created account Logz.io does not list yet: fails saying it is still provisioning", async () => {
            emulator.setProvisioningMs(10 * 60_000);
            const name = uniqueName("provisioning");
            const m = await up(host, "provisioning", { accountName: name, email: "prov@example.com" });
            const listsAfterCreate = lists();
            const stderrBefore = host.stderr().length;

            const err = await hostError(host.delete(m.id, m.urn, m.outs));

            expect(err.message).to.include(`SIEM account ${m.id} ("${name}")`);
            // The host prints a failed delete on its stderr too, which the engine would show under the stack: the
            // runtime drops that echo of its own error, so the engine shows the failure once. Others' echoes remain.
            const printed = await stderrUpToForeignFailure(host, stderrBefore);
            expect(printed).to.not.include(`("${name}")`);
            expect(err.message).to.include("does not list it yet");
            expect(err.message).to.include(String(m.outs.createdAt));
            expect(err.message).to.include("retainOnDelete: true");
            expect(lists() - listsAfterCreate).to.equal(1);
            expect(posts()).to.equal(1);
            expect(emulator.siemAccounts()).to.have.length(1);
        });

        it("replacement in one host: once the old account is deleted in the UI, delete then create of the same name succeeds", async () => {
            const name = uniqueName("replace");
            const args = { accountName: name, email: "before@example.com" };
            const m = await up(graceZero, "replace", args);

            const news = await checked(graceZero, m.urn, { ...args, email: "after@example.com" }, m.inputs);
            const d = await graceZero.diff(m.id, m.urn, m.outs, news);
            expect(d).to.deep.equal({ changes: "some", replaces: ["email"], deleteBeforeReplace: true });

            expect(emulator.deleteAccount(Number(m.id))).to.equal(true); // the user deletes it in the UI
            await graceZero.delete(m.id, m.urn, m.outs);
            const replacement = await graceZero.create(m.urn, news);

            expect(replacement.id).to.not.equal(m.id);
            expect(replacement.properties).to.include({ accountName: name, email: "after@example.com" });
            expect(posts()).to.equal(2);
            expect(emulator.siemAccounts().map((a) => [String(a.accountId), a.accountName, a.email])).to.deep.equal([
                [replacement.id, name, "after@example.com"],
            ]);
        });

        it("a name this host created is free again once that account is gone, even after a UI rename and refresh", async () => {
            const name = uniqueName("renamed-away");
            const m = await up(graceZero, "renamed-away", { accountName: name, email: "r@example.com" });
            emulator.renameAccount(Number(m.id), `${name}-ui`);
            const refreshed = await refresh(graceZero, m);
            expect(refreshed.properties.accountName).to.equal(`${name}-ui`);
            emulator.deleteAccount(Number(m.id));
            await graceZero.delete(m.id, m.urn, refreshed.properties);
            const again = await up(graceZero, "renamed-away-2", { accountName: name, email: "r@example.com" });
            expect(again.id).to.not.equal(m.id);
            expect(posts()).to.equal(2);
            expect(emulator.siemAccounts().map((a) => [String(a.accountId), a.accountName])).to.deep.equal([[again.id, name]]);
        });
    });

    describe("update: only the engine's retry of a partial create", () => {
        it("keeps accountId and the rest of the state, refreshed from the list, without a POST", async () => {
            const name = uniqueName("partial");
            const m = await up(host, "partial", { accountName: name, email: "p@example.com" });
            emulator.renameAccount(Number(m.id), `${name}-ui`);
            const updated = await host.update(m.id, m.urn, m.outs, m.inputs);
            expect(updated.properties).to.include({ accountId: Number(m.id), accountName: `${name}-ui`, email: "p@example.com" });
            expect(updated.properties.createdAt).to.equal(m.outs.createdAt);
            expect(posts()).to.equal(1);
        });
    });

    describe("adoption: existingAccountId", () => {
        it("adopts an existing SIEM account without a POST, and manages it from then on", async () => {
            const name = uniqueName("adopt");
            const existing = seed(name);
            const h = await freshHost();

            const m = await up(h, "adopt", { accountName: name, email: "adopt@example.com", existingAccountId: existing.accountId });

            expect(m.id).to.equal(String(existing.accountId));
            expect(m.outs).to.include({
                accountId: existing.accountId,
                accountName: name,
                email: "adopt@example.com",
                existingAccountId: existing.accountId,
            });
            expect(posts(), "no POST").to.equal(0);
            expect(lists()).to.equal(1);
            expect(emulator.siemAccounts()).to.have.length(1);

            // Refresh finds it; the unchanged program is no change; destroy refuses while it is live.
            expect((await refresh(h, m)).properties).to.deep.equal(m.outs);
            const d = await diffAgainst(h, m, m.outs, {
                accountName: name,
                email: "adopt@example.com",
                existingAccountId: existing.accountId,
            });
            expect(d.changes).to.equal("none");
            const err = await hostError(h.delete(m.id, m.urn, m.outs));
            expect(err.message).to.include(`SIEM account ${m.id} ("${name}")`);
            expect(posts()).to.equal(0);
            expect(emulator.siemAccounts()).to.have.length(1);
        });

        it("an unknown id fails clearly, without a POST", async () => {
            const unknownId = seedId(); // never added: no account has it
            const err = await hostError(
                up(host, "adopt-unknown", {
                    accountName: uniqueName("adopt-unknown"),
                    email: "u@example.com",
                    existingAccountId: unknownId,
                }),
            );
            expect(err.message).to.include(`existingAccountId ${unknownId}`).and.include("no account with that id");
            expect(err.message).to.include("Settings > Manage accounts");
            expect(posts()).to.equal(0);
            expect(lists()).to.be.at.most(1);
            expect(emulator.siemAccounts()).to.have.length(0);
        });

        it("a non-SIEM account (the main account) fails, naming its type", async () => {
            const err = await hostError(
                up(host, "adopt-owner", { accountName: "main-account", email: "o@example.com", existingAccountId: OWNER_ID }),
            );
            expect(err.message).to.include(`existingAccountId ${OWNER_ID}`).and.include("OWNER_ACCOUNT").and.include("not a SIEM account");
            expect(posts()).to.equal(0);
            expect(emulator.siemAccounts()).to.have.length(0);
        });

        it("a SIEM account with another name fails, naming both names", async () => {
            const real = await up(host, "adopt-real", { accountName: uniqueName("adopt-real"), email: "r@example.com" });
            const realName = String(real.outs.accountName);
            const wrong = uniqueName("adopt-wrong");
            const err = await hostError(
                up(host, "adopt-wrong", { accountName: wrong, email: "r@example.com", existingAccountId: Number(real.id) }),
            );
            expect(err.message).to.include(`existingAccountId ${real.id}`).and.include(`"${realName}"`).and.include(`"${wrong}"`);
            expect(err.message, "tells the name to use").to.include(`Set accountName: "${realName}"`);
            expect(posts()).to.equal(1);
            expect(emulator.siemAccounts()).to.have.length(1);
        });
    });

    describe("duplicate guard: one accountName, one account", () => {
        it("after lost state a re-run is refused with the id and the existingAccountId line, which then adopts it", async () => {
            const name = uniqueName("lost");
            const args = { accountName: name, email: "lost@example.com" };
            const first = await up(host, "lost", args);
            expect(posts()).to.equal(1);

            // State is lost: a new `pulumi up` (a new host) creates the same resource again. Its check already
            // fails, so `pulumi preview` shows it; and the guard before the POST refuses it on its own too.
            const rerun = await freshHost();
            const urn = urnFor("lost");
            const check = await rerun.check(urn, {}, { __provider: provider, ...args });
            expect(check.failures.map((f) => f.reason).join("\n")).to.include(`"${name}" already exists (accountId ${first.id})`);
            const err = await hostError(rerun.create(urn, check.inputs));
            expect(err.message).to.include(`"${name}" already exists (accountId ${first.id})`);
            expect(err.message).to.include(`existingAccountId: ${first.id}`);
            expect(err.message).to.equal(`provider host create failed: ${check.failures[0].reason}`);
            expect(posts(), "no second POST").to.equal(1);
            expect(emulator.siemAccounts()).to.have.length(1);

            // The line the message offers adopts the account, still without a POST.
            const adopted = await up(rerun, "lost", { ...args, existingAccountId: Number(first.id) });
            expect(adopted.id).to.equal(first.id);
            expect(posts()).to.equal(1);
            expect(emulator.siemAccounts().map((a) => String(a.accountId))).to.deep.equal([first.id]);
        });

        it("an account of that name made in the UI blocks the create, in a host that never saw it", async () => {
            const name = uniqueName("handmade");
            const handmade = seed(name);
            const h = await freshHost();
            const urn = urnFor("handmade");
            const check = await h.check(urn, {}, { __provider: provider, accountName: name, email: "h@example.com" });
            expect(check.failures.map((f) => f.reason).join("\n")).to.include(`existingAccountId: ${handmade.accountId}`);
            // Past the check (the engine creates what it checked), the guard before the POST refuses on its own.
            const err = await hostError(h.create(urn, check.inputs));
            expect(err.message).to.include(`"${name}" already exists (accountId ${handmade.accountId})`);
            expect(err.message).to.include(`existingAccountId: ${handmade.accountId}`);
            expect(posts()).to.equal(0);
            // One list for the check, one requested after the create was asked for the guard.
            expect(lists()).to.equal(2);
            expect(emulator.siemAccounts()).to.have.length(1);
        });

        it("two concurrent creates of the same name in one host make one account", async () => {
            const name = uniqueName("twin");
            const args = { accountName: name, email: "twin@example.com" };
            const [one, two] = await Promise.allSettled([up(host, "twin-1", args), up(host, "twin-2", args)]);
            const ok = [one, two].filter((r): r is PromiseFulfilledResult<Managed> => r.status === "fulfilled");
            const failed = [one, two].filter((r): r is PromiseRejectedResult => r.status === "rejected");
            expect(ok).to.have.length(1);
            expect(failed).to.have.length(1);
            expect(String(failed[0].reason.message)).to.include(`"${name}"`);
            expect(posts()).to.equal(1);
            expect(emulator.siemAccounts().map((a) => [String(a.accountId), a.accountName])).to.deep.equal([[ok[0].value.id, name]]);
        });

        it("each refusal names the other accounts of the run that Logz.io already lists, so one round adopts them all", async () => {
            const names = [uniqueName("round-a"), uniqueName("round-b")];
            const h = await freshHost();
            // Both pass their checks (Logz.io lists neither yet); then both are made in the UI before the creates.
            const checked = await Promise.all(
                names.map((n, i) => h.check(urnFor(`round-${i}`), {}, { __provider: provider, accountName: n, email: "r@example.com" })),
            );
            for (const c of checked) expect(c.failures).to.deep.equal([]);
            const [a, b] = names.map((n) => seed(n));
            const first = await hostError(h.create(urnFor("round-0"), checked[0].inputs));
            expect(first.message).to.include(`existingAccountId: ${a.accountId}`).and.not.include(String(b.accountId));
            const second = await hostError(h.create(urnFor("round-1"), checked[1].inputs));
            const [happened, advice] = second.message.split("\n");
            expect(happened).to.include(`"${names[1]}" already exists (accountId ${b.accountId})`);
            // The advice names the one found before it too, with the line that adopts it.
            expect(advice).to.include(`existingAccountId: ${b.accountId}`).and.include(`"${names[0]}" (existingAccountId: ${a.accountId})`);
            expect(posts()).to.equal(0);
        });

        it("a second resource with an accountName this host already created is refused, no second POST", async () => {
            const name = uniqueName("again");
            await up(host, "again-1", { accountName: name, email: "a@example.com" });
            const first = emulator.siemAccounts()[0];
            const err = await hostError(up(host, "again-2", { accountName: name, email: "a@example.com" }));
            // Another resource of this stack manages it: named, never offered for adoption (two resources would manage one account).
            expect(err.message)
                .to.include(`"${name}"`)
                .and.include(`SIEM account ${first.accountId}, which another resource of this stack manages`);
            expect(err.message).to.not.include("existingAccountId");
            expect(posts()).to.equal(1);
            expect(emulator.siemAccounts()).to.have.length(1);
        });
    });
});

/** Polls `read` until `done` holds (the host's stderr arrives after its gRPC answer), for up to 5 s. */
/**
 * The host's stderr since `from`, up to the echo of a failure that is not this package's (a __provider that does
 * not load): the host prints it after everything asked before, so what precedes it is all it printed meanwhile.
 */
async function stderrUpToForeignFailure(host: ProviderHost, from: number): Promise<string> {
    await hostError(host.delete("1", "urn:pulumi:test::test::pulumi-nodejs:dynamic:Resource::foreign", { __provider: "not a module (" }));
    const text = await eventually(
        () => host.stderr().slice(from),
        (t) => t.includes("SyntaxError"),
    );
    expect(text, "the host still prints failures that are not ours").to.include("SyntaxError");
    return text.slice(0, text.indexOf("SyntaxError"));
}

async function eventually(read: () => string, done: (text: string) => boolean): Promise<string> {
    for (let waited = 0; !done(read()) && waited < 5000; waited += 20) await new Promise((r) => setTimeout(r, 20));
    return read();
}
