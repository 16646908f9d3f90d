// What the provider takes as evidence, through Pulumi's real dynamic-provider host against the emulator:
// the set-up grace on Logz.io's clock (skewed an hour ahead, a day behind, or not sent), lists that cannot be
// the whole truth, an id listed with another type, a createdAt without a zone, reads as fresh as the moment they were
// asked, a create with an unknown outcome holding its name, and the main account each resource belongs to.
import { expect } from "chai";
import { EmulatedAccount, LogzioEmulator, ROUTES } from "../../emulator";
import { ProviderHost, urnFor } from "../../testing/runner/hostDriver";
import { createVia, hostError, hostFixtures, serializedProvider, startEmulator, startHost } from "../helpers/support";

type Obj = Record<string, unknown>;

const CREATE = ROUTES.create;
const LIST = ROUTES.list;
const OWNER_ID = 100000;
const GRACE = "logzio-siem:provisioningGraceMinutes";
const OTHER_OWNER_ID = 200000;
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const LONG_AGO = "2024-01-02T03:04:05Z";
const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");

interface Managed {
    urn: string;
    id: string;
    outs: Obj;
    inputs: Obj;
}

describe("evidence: what refresh, delete and create take as proof", function () {
    this.timeout(60_000);
    let provider: string;
    let emulator: LogzioEmulator;
    /** A second Logz.io main account, with its own API. */
    let other: LogzioEmulator;
    /** Configured for `emulator`, default grace (15 minutes). */
    let host: ProviderHost;
    /** Configured for `other`. */
    let otherHost: ProviderHost;
    /** A host that has never seen a `Date` from Logz.io (started now, used by one test). */
    let unclocked: Promise<ProviderHost>;
    let serial = 0;
    const unique = (base: string) => `${base}-${++serial}`;
    let nextSeedId = 800_000;

    before(async function () {
        this.timeout(120_000);
        provider = await serializedProvider();
        [emulator, other] = await Promise.all([startEmulator(), startEmulator({ ownerAccountId: OTHER_OWNER_ID })]);
        unclocked = startHost(emulator);
        unclocked.catch(() => undefined); // reported by the test that uses it
        [host, otherHost] = await Promise.all([startHost(emulator), startHost(other)]);
    });
    after(async () => {
        const spare = await unclocked.catch(() => undefined);
        await Promise.all([host?.stop(), otherHost?.stop(), spare?.stop()]);
        await Promise.all([emulator?.close(), other?.close()]);
    });
    beforeEach(() => {
        for (const e of [emulator, other]) {
            e.reset();
            e.setProvisioningMs(0);
            e.setClockSkew(0);
            e.setSendDate(true);
        }
    });
    afterEach(() => {
        for (const h of [host, otherHost]) expect(h.stdout() + h.stderr(), "host output").to.not.include(emulator.token);
    });

    const count = (route: string, e = emulator) => e.count(route);

    async function up(h: ProviderHost, resource: string, args: Obj): Promise<Managed> {
        const urn = urnFor(resource);
        const checked = await h.check(urn, {}, { __provider: provider, ...args });
        expect(checked.failures, "check failures").to.deep.equal([]);
        const res = await h.create(urn, checked.inputs);
        return { urn, id: res.id, outs: res.properties, inputs: checked.inputs };
    }

    function seed(e: LogzioEmulator, accountName: string, extra: Partial<EmulatedAccount> = {}): EmulatedAccount {
        return e.addAccount({ accountId: (nextSeedId += 1000), accountName, email: "seed@example.com", createdAt: LONG_AGO, ...extra });
    }

    /** The state an earlier `pulumi up` stored; `owner` absent = written before owners were recorded. */
    function stateOf(a: EmulatedAccount, resource: string, owner?: { mainAccountId: number; apiUrl: string }): Managed {
        const inputs = { __provider: provider, accountName: a.accountName, email: a.email ?? "seed@example.com" };
        const outs = {
            ...inputs,
            accountId: a.accountId,
            accountsToScan: a.accountsToScan,
            isUsingRepositoryAccount: false,
            createdAt: a.createdAt,
            ...owner,
        };
        return { urn: urnFor(resource), id: String(a.accountId), outs, inputs };
    }

    const refresh = (h: ProviderHost, m: Managed) => h.read(m.id, m.urn, m.outs, m.inputs);

    describe("the set-up grace runs on Logz.io's clock, not the machine's", () => {
        it("Logz.io a day behind: a just-created account not listed yet is kept by refresh, and its delete is refused", async () => {
            emulator.setClockSkew(-DAY);
            emulator.setProvisioningMs(10 * MINUTE);
            const m = await up(host, "behind", { accountName: unique("behind"), email: "b@example.com" });
            expect(Date.parse(String(m.outs.createdAt)), "createdAt is Logz.io's, a day behind").to.be.below(Date.now() - DAY + HOUR);

            const refreshed = await refresh(host, m);
            expect(refreshed.id, "kept: by Logz.io's clock it is seconds old").to.equal(m.id);
            expect(refreshed.properties).to.deep.equal(m.outs);

            const err = await hostError(host.delete(m.id, m.urn, m.outs));
            expect(err.details).to.include("does not list it yet").and.include("Logz.io's clock");
            expect(emulator.siemAccounts()).to.have.length(1);
            expect(count(CREATE)).to.equal(1);
        });

        it("Logz.io an hour ahead: an account deleted in the UI 20 minutes after it was created is dropped, and its delete succeeds", async () => {
            emulator.setClockSkew(HOUR);
            const a = seed(emulator, unique("ahead"), { createdAt: iso(emulator.nowMs() - 20 * MINUTE) });
            const m = stateOf(a, "ahead");
            expect(emulator.deleteAccount(a.accountId)).to.equal(true);

            const refreshed = await refresh(host, m);
            expect(refreshed.id, "dropped: 20 minutes old by Logz.io's clock, past the 15-minute grace").to.equal("");

            await host.delete(m.id, m.urn, m.outs);
            expect(count(CREATE)).to.equal(0);
        });

        it("Logz.io an hour ahead: a just-created account not listed yet is still kept", async () => {
            emulator.setClockSkew(HOUR);
            emulator.setProvisioningMs(10 * MINUTE);
            const m = await up(host, "ahead-new", { accountName: unique("ahead-new"), email: "a@example.com" });
            expect((await refresh(host, m)).id).to.equal(m.id);
            expect(emulator.siemAccounts()).to.have.length(1);
        });

        it("no Date header: an account this host created is judged by the host's own clock; another is kept, saying why", async () => {
            const h = await unclocked;
            emulator.setSendDate(false);
            emulator.setProvisioningMs(10 * MINUTE);
            const mine = await up(h, "undated", { accountName: unique("undated"), email: "u@example.com" });
            expect((await refresh(h, mine)).id, "created seconds ago by this host").to.equal(mine.id);

            const gone = stateOf(seed(emulator, unique("undated-gone")), "undated-gone");
            emulator.deleteAccount(Number(gone.id));
            const err = await hostError(refresh(h, gone));
            expect(err.details).to.include("no Date header").and.include("stays in state");
            const refused = await hostError(h.delete(gone.id, gone.urn, gone.outs));
            expect(refused.details).to.include("no Date header").and.include("not confirmed gone");
        });
    });

    describe("a list that cannot be the whole truth is no evidence that an account is gone", () => {
        for (const shape of ["empty", "withoutOwner"] as const) {
            const why = shape === "empty" ? "empty list" : `does not include main account ${OWNER_ID}`;

            it(`refresh keeps an account missing from a list that is ${shape}, saying why; a whole list then drops it`, async () => {
                const m = stateOf(seed(emulator, unique(`hostile-read-${shape}`)), "hostile-read");
                emulator.deleteAccount(Number(m.id));
                seed(emulator, unique("bystander"), { type: "SUB_ACCOUNT" }); // so a list without the owner is not empty
                emulator.injectFaults(LIST, { kind: "hostileList", shape });

                const err = await hostError(refresh(host, m));
                expect(err.details).to.include(why).and.include("stays in state").and.include(`SIEM account ${m.id}`);

                expect((await refresh(host, m)).id, "a whole list is evidence").to.equal("");
            });

            it(`delete refuses on a list that is ${shape}, saying why; a whole list then confirms it gone`, async () => {
                const m = stateOf(seed(emulator, unique(`hostile-delete-${shape}`)), "hostile-delete");
                emulator.deleteAccount(Number(m.id));
                seed(emulator, unique("bystander"), { type: "SUB_ACCOUNT" }); // so a list without the owner is not empty
                emulator.injectFaults(LIST, { kind: "hostileList", shape });

                const err = await hostError(host.delete(m.id, m.urn, m.outs));
                expect(err.details).to.include(why).and.include("not confirmed gone");

                await host.delete(m.id, m.urn, m.outs);
            });
        }

        it("a list that cannot be decoded: refresh fails and delete refuses, each saying it is no evidence", async () => {
            const m = stateOf(seed(emulator, unique("undecodable")), "undecodable");
            emulator.deleteAccount(Number(m.id));
            emulator.injectFaults(LIST, { kind: "schemaViolating200" }, { kind: "malformed200" });
            const read = await hostError(refresh(host, m));
            expect(read.details).to.include("unusable body").and.include("no evidence").and.include("stays in state");
            const del = await hostError(host.delete(m.id, m.urn, m.outs));
            expect(del.details).to.include("unusable body").and.include("not confirmed gone");
        });

        it("the duplicate guard does not take an empty list for 'no such name': no POST, no second account", async () => {
            const name = unique("guarded");
            const existing = seed(emulator, name);
            const urn = urnFor("guarded");
            // The check first (its duplicate warning may use this host's recent list, which predates the seed); then
            // the guard's own list, requested after the create was asked, comes back empty.
            const check = await host.check(urn, {}, { __provider: provider, accountName: name, email: "g@example.com" });
            emulator.injectFaults(LIST, { kind: "hostileList", shape: "empty" });
            const err = await hostError(host.create(urn, check.inputs));
            expect(err.details).to.include("empty list").and.include("duplicate-name guard");
            expect(count(CREATE)).to.equal(0);
            expect(emulator.siemAccounts().map((a) => a.accountId)).to.deep.equal([existing.accountId]);
        });

        it("adoption on an empty list says the list is not whole, not that the id is unknown", async () => {
            const a = seed(emulator, unique("adopt-hostile"));
            emulator.injectFaults(LIST, { kind: "hostileList", shape: "empty" });
            const err = await hostError(
                up(host, "adopt-hostile", { accountName: a.accountName, email: "a@example.com", existingAccountId: a.accountId }),
            );
            expect(err.details).to.include("empty list").and.include("nothing was adopted").and.not.include("no account with that id");
            expect(count(CREATE)).to.equal(0);
        });
    });

    describe("lookups see Logz.io as of the moment they were asked", () => {
        it("the duplicate guard sees an account made in the UI right after a refresh in the same host", async () => {
            const listed = stateOf(seed(emulator, unique("fresh-listed")), "fresh-listed");
            expect((await refresh(host, listed)).id).to.equal(listed.id);
            const name = unique("fresh-ui");
            const made = seed(emulator, name); // in the UI, moments after that list
            const err = await hostError(up(host, "fresh-ui", { accountName: name, email: "f@example.com" }));
            expect(err.details).to.include(`existingAccountId: ${made.accountId}`);
            expect(count(CREATE)).to.equal(0);
            expect(count(LIST)).to.equal(2);
        });

        it("adoption sees an account made in the UI right after a refresh in the same host", async () => {
            const listed = stateOf(seed(emulator, unique("adopt-listed")), "adopt-listed");
            expect((await refresh(host, listed)).id).to.equal(listed.id);
            const made = seed(emulator, unique("adopt-ui"));
            const m = await up(host, "adopt-ui", {
                accountName: made.accountName,
                email: "a@example.com",
                existingAccountId: made.accountId,
            });
            expect(m.id).to.equal(String(made.accountId));
            expect(count(CREATE)).to.equal(0);
        });
    });

    describe("a create whose outcome is unknown keeps its name claimed for the run", () => {
        it("a second resource with that name is refused with what to check, and no second POST is sent", async () => {
            const name = unique("unsettled");
            emulator.setProvisioningMs(60_000); // the account exists but is not listed yet
            emulator.injectFaults(CREATE, { kind: "statusAfterCommit", status: 502 });
            const first = await hostError(up(host, "unsettled-1", { accountName: name, email: "u@example.com" }));
            expect(first.details).to.include(`could not establish whether SIEM account "${name}" was created`);

            const second = await hostError(up(host, "unsettled-2", { accountName: name, email: "u@example.com" }));
            expect(second.details).to.include(`"${name}"`).and.include("outcome is unknown").and.include("Settings > Manage accounts");
            expect(count(CREATE), "one POST").to.equal(1);
            expect(emulator.siemAccounts().map((a) => a.accountName)).to.deep.equal([name]);
        });

        it("a definite failure (400) frees the name at once", async () => {
            const name = unique("definite");
            emulator.injectFaults(CREATE, { kind: "status", status: 400 });
            await hostError(up(host, "definite-1", { accountName: name, email: "d@example.com" }));
            const m = await up(host, "definite-2", { accountName: name, email: "d@example.com" });
            expect(emulator.siemAccounts().map((a) => String(a.accountId))).to.deep.equal([m.id]);
        });
    });

    describe("each resource records the main account that owns it", () => {
        it("create records the main account's id (GET /v2/whoami) and the API URL", async () => {
            const m = await up(host, "owned", { accountName: unique("owned"), email: "o@example.com" });
            expect(m.outs).to.include({ mainAccountId: OWNER_ID, apiUrl: emulator.url });
        });

        it("refresh under another main account is refused naming both, and drops nothing", async () => {
            const m = stateOf(seed(emulator, unique("mine")), "mine", { mainAccountId: OWNER_ID, apiUrl: emulator.url });
            const err = await hostError(refresh(otherHost, m));
            expect(err.details)
                .to.include(`main account ${OWNER_ID} (${emulator.url})`)
                .and.include(`main account ${OTHER_OWNER_ID} (${other.url})`);
            expect(err.details).to.include("nothing was dropped");
            expect(count(LIST, other), "not even looked up there").to.equal(0);
            expect((await refresh(host, m)).id, "its own main account still sees it").to.equal(m.id);
        });

        it("delete, and so a replacement, under another main account is refused: nothing is created there", async () => {
            const m = stateOf(seed(emulator, unique("moved")), "moved", { mainAccountId: OWNER_ID, apiUrl: emulator.url });
            const news = await otherHost.check(m.urn, m.inputs, {
                __provider: provider,
                accountName: m.outs.accountName,
                email: "new@example.com",
            });
            // The diff already says so (preview and up fail there); the delete refuses on its own too.
            const refused = await hostError(otherHost.diff(m.id, m.urn, m.outs, news.inputs));
            expect(refused.details).to.include(`main account ${OWNER_ID}`).and.include(`main account ${OTHER_OWNER_ID}`);
            const err = await hostError(otherHost.delete(m.id, m.urn, m.outs));
            expect(err.details).to.include(`main account ${OWNER_ID}`).and.include(`main account ${OTHER_OWNER_ID}`);
            // The engine deletes first and stops at the refusal: the create of the replacement never runs.
            expect(count(CREATE, other)).to.equal(0);
            expect(other.siemAccounts()).to.have.length(0);
            expect(emulator.siemAccounts().map((a) => String(a.accountId))).to.deep.equal([m.id]);
        });

        it("state from before owners were recorded is read as before, and gets its owner once it is listed", async () => {
            const m = stateOf(seed(emulator, unique("legacy")), "legacy");
            const read = await refresh(host, m);
            expect(read.properties).to.deep.equal({ ...m.outs, mainAccountId: OWNER_ID, apiUrl: emulator.url });
            // Under another main account it is not listed and past its grace: dropped, exactly as before this change.
            expect((await refresh(otherHost, m)).id).to.equal("");
        });
    });
});

describe("evidence: absence only from a whole list that shows the id gone", function () {
    this.timeout(60_000);
    let emulator: LogzioEmulator;
    let provider: string;
    /** A host of its own per test, with its own settings (grace 0, a time zone). */
    const host = hostFixtures("test", (f) => ({ provider, emulator } = f));

    it("an id listed with another type: refresh and delete refuse, saying so", async () => {
        const h = await host({ config: { [GRACE]: "0" } });
        const urn = urnFor("typed");
        const created = await createVia(h, provider, "typed", { accountName: "typed", email: "t@example.com" });
        const id = Number(created.id);
        emulator.deleteAccount(id);
        emulator.addAccount({ accountId: id, accountName: "typed", type: "SUB_ACCOUNT" });
        const readErr = await hostError(h.read(created.id, urn, created.properties));
        expect(readErr.message).to.include(`lists account ${id} as "typed" of type SUB_ACCOUNT, not as a SIEM account`);
        expect(readErr.message).to.include("stays in state unchanged");
        const deleteErr = await hostError(h.delete(created.id, urn, created.properties));
        expect(deleteErr.message).to.include("not confirmed gone");
    });

    it("a createdAt without an offset is never read in the host's time zone (TZ=Asia/Tokyo): a fresh account is kept", async () => {
        emulator.setProvisioningMs(60 * 60_000); // not listed for an hour
        const h = await host({ env: { TZ: "Asia/Tokyo" } });
        const now = new Date(emulator.nowMs()).toISOString().replace(/\.\d+Z$/, "");
        // Logz.io's answer, with the account's real id, but createdAt without a zone.
        emulator.injectFaults(ROUTES.create, {
            kind: "schemaViolating200",
            body: {
                accountId: 100001,
                accountName: "tokyo",
                createdAt: now,
                accountsToScan: [100000],
                isUsingRepositoryAccount: false,
            },
        });
        const urn = urnFor("tokyo");
        const created = await createVia(h, provider, "tokyo", { accountName: "tokyo", email: "t@example.com" });
        expect(created.properties.createdAt).to.equal(now);
        const read = await h.read(created.id, urn, created.properties);
        expect(read.id, "kept: it is minutes old, not nine hours").to.equal(created.id);
        const deleteErr = await hostError(h.delete(created.id, urn, created.properties));
        expect(deleteErr.message).to.include("cannot be confirmed gone");
    });
});
