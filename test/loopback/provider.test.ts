// SiemAccountProvider called directly, with a resolver built like runtime.ts's accountFor but pointing at a
// LogzioEmulator: check/diff/create/read/delete and the lifecycle rules.
import { expect } from "chai";
import * as E from "fp-ts/Either";
import { LogzioEmulator, ROUTES } from "../../emulator/server";
import { emulatorPerSuite, testSettings } from "../helpers/support";
import { SiemAccountState } from "../../provider/logzio/codecs";
import { Failure } from "../../provider/logzio/errors";
import { UNKNOWN } from "../../provider/lifecycle/inputs";
import { LogzioClient } from "../../provider/logzio/logzioClient";
import { Settings } from "../../provider/config/settings";
import { Account, SiemAccountProvider } from "../../provider/lifecycle/siemAccountProvider";
import { HostAccounts } from "../../provider/host/hostAccounts";

const TOKEN = "fake-token-provider-c0ffee00";
const OWNER = 100000;
const CREATE = ROUTES.create;
const LIST = ROUTES.list;
const HOUR = 3_600_000;

/** Rejection message of a promise that must reject. */
async function rejection(p: Promise<unknown>): Promise<Error & { id?: string; properties?: Record<string, unknown> }> {
    try {
        await p;
    } catch (e) {
        return e as Error;
    }
    throw new Error("expected the call to be rejected");
}

describe("SiemAccountProvider (against the emulator)", function () {
    this.timeout(10_000);
    let emulator: LogzioEmulator;
    let clients: LogzioClient[] = [];
    let provider: SiemAccountProvider;

    function accountWith(over: Partial<Settings> = {}): Account {
        const account = new HostAccounts().accountOf(testSettings(emulator, { maxRetries: 2, ...over }));
        clients.push(account.client);
        return account;
    }

    /** A fresh "host": new client, list cache and claims, as runtime.ts builds them per main account. */
    function providerWith(accounts: Record<string, Account> = { logzio: accountWith() }): SiemAccountProvider {
        return new SiemAccountProvider((namespace) =>
            accounts[namespace] !== undefined
                ? E.right(accounts[namespace])
                : E.left<Failure, Account>({ kind: "config", problems: [`no Logz.io API token for ${namespace}`] }),
        );
    }

    async function created(name = "siem-prod", extra: Record<string, unknown> = {}): Promise<{ id: string; outs: SiemAccountState }> {
        const inputs = (await provider.check({}, { accountName: name, email: "sec@example.com", ...extra })).inputs!;
        const res = await provider.create(inputs);
        expect(res.outs, "create returned no state").to.not.equal(undefined);
        return { id: res.id, outs: res.outs! };
    }

    /** A state as Pulumi would hand it back (plain numbers where the codec has branded ones). */
    const stateOf = (props: Record<string, unknown>) => props as unknown as SiemAccountState;

    emulatorPerSuite({ token: TOKEN, ownerAccountId: OWNER }, (e) => (emulator = e));
    beforeEach(() => {
        provider = providerWith();
    });
    afterEach(() => {
        for (const c of clients) c.close();
        clients = [];
    });

    describe("check", () => {
        it("returns normalised inputs and no failures for good inputs, after one token check and, for a new resource, one list", async () => {
            const result = await provider.check({}, { accountName: "siem-prod", email: "sec@example.com", accountsToScan: [3, 1, 3] });
            expect(result.failures).to.deep.equal([]);
            expect(result.inputs).to.deep.equal({ accountName: "siem-prod", email: "sec@example.com", accountsToScan: [1, 3] });
            expect(emulator.requests.map((r) => r.path)).to.deep.equal(["/v2/whoami", "/v1/associated-accounts"]);
            // A resource already in state (olds from its state): no lookup at all.
            const again = await provider.check(result.inputs!, result.inputs!);
            expect(again.failures).to.deep.equal([]);
            expect(emulator.requests).to.have.length(2);
        });

        it("names each bad property", async () => {
            const result = await provider.check({}, { accountName: "a/b", email: "nope", apiToken: TOKEN });
            expect(result.failures!.map((f) => f.property)).to.have.members(["accountName", "email", "apiToken"]);
            expect(JSON.stringify(result)).to.not.include(TOKEN);
            expect(emulator.requests).to.have.length(0);
        });
    });

    describe("create", () => {
        it("POSTs once and returns the id and full state", async () => {
            const res = await created("siem-prod", { accountsToScan: [OWNER], isUsingRepositoryAccount: false });
            const [account] = emulator.siemAccounts();
            expect(res.id).to.equal(String(account.accountId));
            expect(res.outs).to.deep.equal({
                accountId: account.accountId,
                accountName: "siem-prod",
                email: "sec@example.com",
                accountsToScan: [OWNER],
                isUsingRepositoryAccount: false,
                createdAt: account.createdAt,
                mainAccountId: OWNER,
                apiUrl: emulator.url,
                // What the program asked for, and the name Logz.io stored: the two sides of later diffs.
                requested: { accountName: "siem-prod", email: "sec@example.com", accountsToScan: [OWNER], isUsingRepositoryAccount: false },
                storedName: "siem-prod",
            });
            expect(emulator.count(CREATE)).to.equal(1);
            expect(account.email).to.equal("sec@example.com");
        });

        it("stores Logz.io's default accountsToScan (the owner) when none is given", async () => {
            const res = await created("siem-default");
            expect(res.outs.accountsToScan).to.deep.equal([OWNER]);
            expect(emulator.requests.find((r) => r.method === "POST")!.body).to.deep.equal({
                accountName: "siem-default",
                email: "sec@example.com",
            });
        });

        it("the POST body is exactly what state records as requested, with and without the optional inputs", async () => {
            const full = await created("siem-full", { accountsToScan: [OWNER], isUsingRepositoryAccount: true });
            const bare = await created("siem-bare");
            const bodies = emulator.requestsTo(CREATE).map((r) => r.body);
            expect(bodies).to.deep.equal([full.outs.requested, bare.outs.requested]);
            expect(bare.outs.requested).to.deep.equal({ accountName: "siem-bare", email: "sec@example.com" });
        });

        it("keeps configNamespace in state and uses that namespace's account", async () => {
            const eu = accountWith({ namespace: "logzio-eu" });
            provider = providerWith({ "logzio-eu": eu });
            const res = await created("siem-eu", { configNamespace: "logzio-eu" });
            expect(res.outs.configNamespace).to.equal("logzio-eu");
            expect(eu.claims.of(OWNER).get("siem-eu")).to.deep.include({ state: "created", id: res.outs.accountId });
        });

        it("bad inputs make no HTTP request and name the property", async () => {
            const error = await rejection(provider.create({ accountName: "bad/name", email: "sec@example.com" }));
            expect(error.message).to.include("invalid SiemAccount inputs");
            expect(error.message).to.include("accountName");
            expect(emulator.requests.length).to.equal(0);
        });

        it("a token passed as an input is refused before any request, and not echoed", async () => {
            const error = await rejection(provider.create({ accountName: "ok", email: "sec@example.com", apiToken: TOKEN }));
            expect(error.message).to.include("apiToken");
            expect(error.message).to.not.include(TOKEN);
            expect(emulator.requests.length).to.equal(0);
        });

        it("an unknown config namespace is a configuration error with no request", async () => {
            const error = await rejection(provider.create({ accountName: "ok", email: "sec@example.com", configNamespace: "logzio-xx" }));
            expect(error.message).to.include("Logz.io provider configuration");
            expect(error.message).to.include("logzio-xx");
            expect(emulator.requests.length).to.equal(0);
        });

        it("duplicate-name guard: refuses when a SIEM account of that name exists, with existingAccountId: <id>", async () => {
            const existing = emulator.addAccount({ accountName: "siem-dup" });
            const error = await rejection(created("siem-dup"));
            expect(error.message).to.include(`existingAccountId: ${existing.accountId}`);
            expect(error.message).to.include('"siem-dup" already exists');
            expect(emulator.count(CREATE)).to.equal(0);
            expect(emulator.siemAccounts()).to.have.length(1);
        });

        it("a sub account (not SIEM) with the same name does not block the create", async () => {
            emulator.addAccount({ accountName: "shared-name", type: "SUB_ACCOUNT" });
            await created("shared-name");
            expect(emulator.siemAccounts()).to.have.length(1);
        });

        it("two creates of one name in the same host: one succeeds, the other is refused", async () => {
            const inputs = { accountName: "siem-race", email: "sec@example.com" };
            const results = await Promise.allSettled([provider.create(inputs), provider.create(inputs)]);
            expect(results.map((r) => r.status).sort()).to.deep.equal(["fulfilled", "rejected"]);
            const failed = results.find((r): r is PromiseRejectedResult => r.status === "rejected")!;
            expect(String(failed.reason.message)).to.include(`is creating accountName "siem-race"`);
            expect(emulator.count(CREATE)).to.equal(1);
            expect(emulator.siemAccounts()).to.have.length(1);
        });

        it("a 400 from Logz.io is reported with errorCode and requestId, and frees the name for the next try", async () => {
            const error = await rejection(created("siem-400", { accountsToScan: [777] }));
            expect(error.message).to.include("HTTP 400");
            expect(error.message).to.include("SIEM/UNKNOWN_ACCOUNT_TO_SCAN");
            expect(error.message).to.match(/requestId [0-9a-f-]{36}/);
            expect(emulator.count(CREATE)).to.equal(1);
            const res = await created("siem-400", { accountsToScan: [OWNER] });
            expect(res.outs.accountName).to.equal("siem-400");
            expect(emulator.siemAccounts()).to.have.length(1);
        });

        it("a 500 after Logz.io created the account is settled by a lookup: one POST, one account, its id", async () => {
            emulator.injectFaults(CREATE, { kind: "statusAfterCommit", status: 500 });
            const res = await created("siem-ambiguous");
            const accounts = emulator.siemAccounts();
            expect(accounts).to.have.length(1);
            expect(res.id).to.equal(String(accounts[0].accountId));
            expect(emulator.count(CREATE)).to.equal(1);
        });

        it("a reset after commit is settled the same way", async () => {
            emulator.injectFaults(CREATE, { kind: "resetAfterCommit" });
            const res = await created("siem-reset");
            expect(emulator.siemAccounts().map((a) => String(a.accountId))).to.deep.equal([res.id]);
            expect(emulator.count(CREATE)).to.equal(1);
        });

        it("an unusable 200 that carries the id keeps the id in Pulumi's hands (partial create)", async () => {
            emulator.setProvisioningMs(60_000); // the lookup cannot find it yet
            emulator.injectFaults(CREATE, { kind: "schemaViolating200", body: { accountId: 4242, accountName: 99 } });
            const error = await rejection(created("siem-partial"));
            expect(error.id).to.equal("4242");
            expect(error.properties).to.include({ accountId: 4242, accountName: "siem-partial" });
            expect(error.message).to.include("pulumi refresh");
            expect(emulator.count(CREATE)).to.equal(1);
        });

        // Logz.io lists a new account only after minutes: "not listed" is not "not created", so no second POST.
        it("an ambiguous create while Logz.io is still provisioning never makes a second billed account", async () => {
            emulator.setProvisioningMs(60_000);
            emulator.injectFaults(CREATE, { kind: "statusAfterCommit", status: 500 });
            await created("siem-slow").catch(() => undefined);
            expect(emulator.siemAccounts().map((a) => a.accountName)).to.deep.equal(["siem-slow"]);
            expect(emulator.count(CREATE)).to.equal(1);
        });
    });

    describe("create with existingAccountId (adoption)", () => {
        it("adopts the existing SIEM account without a POST", async () => {
            const existing = emulator.addAccount({ accountName: "siem-old" });
            const res = await created("siem-old", { existingAccountId: existing.accountId });
            expect(res.id).to.equal(String(existing.accountId));
            expect(res.outs).to.include({ accountId: existing.accountId, accountName: "siem-old", existingAccountId: existing.accountId });
            expect(emulator.count(CREATE)).to.equal(0);
            expect(emulator.count(LIST)).to.equal(1);
        });

        it("refuses an id that does not exist, pointing at Settings > Manage accounts", async () => {
            const error = await rejection(created("siem-old", { existingAccountId: 999999 }));
            expect(error.message).to.include("existingAccountId 999999");
            expect(error.message).to.include("Settings > Manage accounts");
            expect(emulator.count(CREATE)).to.equal(0);
        });

        it("refuses an account that is not a SIEM account", async () => {
            const error = await rejection(created("main-account", { existingAccountId: OWNER }));
            expect(error.message).to.include("OWNER_ACCOUNT");
            expect(error.message).to.include("not a SIEM account");
            expect(emulator.count(CREATE)).to.equal(0);
        });

        it("refuses a name mismatch and tells the name to use", async () => {
            const existing = emulator.addAccount({ accountName: "real-name" });
            const error = await rejection(created("other-name", { existingAccountId: existing.accountId }));
            expect(error.message).to.include('Set accountName: "real-name"');
            expect(emulator.count(CREATE)).to.equal(0);
        });
    });

    describe("diff", () => {
        let olds: SiemAccountState;
        let id: string;
        beforeEach(async () => {
            const res = await created("siem-prod", { accountsToScan: [OWNER] });
            olds = res.outs;
            id = res.id;
        });
        const news = (over: Record<string, unknown> = {}) => ({
            accountName: "siem-prod",
            email: "sec@example.com",
            accountsToScan: [OWNER],
            ...over,
        });

        it("no change for the same inputs", async () => {
            expect(await provider.diff(id, olds, news())).to.deep.equal({ changes: false, replaces: [], deleteBeforeReplace: true });
        });

        it("a reordered / repeated accountsToScan is no change", async () => {
            const two = stateOf({
                ...olds,
                accountsToScan: [OWNER, 200000],
                requested: { ...olds.requested, accountsToScan: [OWNER, 200000] },
            });
            const diff = await provider.diff(id, two, news({ accountsToScan: [200000, OWNER, 200000] }));
            expect(diff.changes).to.equal(false);
            expect(diff.replaces).to.deep.equal([]);
        });

        it("omitting an optional input is no change", async () => {
            const diff = await provider.diff(id, olds, { accountName: "siem-prod", email: "sec@example.com" });
            expect(diff.changes).to.equal(false);
        });

        const single: [string, unknown][] = [
            ["accountName", "siem-renamed"],
            ["email", "other@example.com"],
            ["accountsToScan", [OWNER, 200000]],
            ["isUsingRepositoryAccount", true],
            ["existingAccountId", 555555],
            ["configNamespace", "logzio-eu"],
        ];
        for (const [key, value] of single) {
            it(`a changed ${key} replaces exactly ${key}, deleting first`, async () => {
                const diff = await provider.diff(id, olds, news({ [key]: value }));
                expect(diff).to.deep.equal({ changes: true, replaces: [key], deleteBeforeReplace: true });
            });
        }

        it("several changes replace exactly those properties", async () => {
            const diff = await provider.diff(id, olds, news({ accountName: "n2", email: "e2@example.com" }));
            expect(diff.replaces).to.have.members(["accountName", "email"]);
            expect(diff.replaces).to.have.length(2);
            expect(diff.deleteBeforeReplace).to.equal(true);
        });

        it("an unknown value (preview) is a possible replacement of that property", async () => {
            expect((await provider.diff(id, olds, news({ email: UNKNOWN }))).replaces).to.deep.equal(["email"]);
            expect((await provider.diff(id, olds, news({ accountsToScan: [UNKNOWN] }))).replaces).to.deep.equal(["accountsToScan"]);
        });

        it("adding existingAccountId of the managed account itself is no change", async () => {
            const diff = await provider.diff(id, olds, news({ existingAccountId: Number(id) }));
            expect(diff.changes).to.equal(false);
        });

        it("the default namespace spelled out is no change", async () => {
            const diff = await provider.diff(id, olds, news({ configNamespace: "logzio" }));
            expect(diff.changes).to.equal(false);
        });
    });

    describe("read", () => {
        it("returns the live account, with Logz.io's current name", async () => {
            const res = await created("siem-read");
            emulator.renameAccount(Number(res.id), "siem-renamed-in-ui");
            const read = await providerWith().read(res.id, res.outs);
            expect(read.id).to.equal(res.id);
            expect(read.props).to.deep.equal({ ...res.outs, accountName: "siem-renamed-in-ui" });
        });

        it("keeps an account missing from the list within the grace period (still provisioning)", async () => {
            emulator.setProvisioningMs(60_000);
            const res = await created("siem-new");
            expect(emulator.siemAccounts()).to.have.length(1);
            const read = await provider.read(res.id, res.outs);
            expect(read).to.deep.equal({ id: res.id, props: res.outs });
        });

        it("drops an account missing after the grace period (deleted outside Pulumi)", async () => {
            const res = await created("siem-gone");
            emulator.deleteAccount(Number(res.id));
            const old = stateOf({ ...res.outs, createdAt: new Date(Date.now() - 2 * HOUR).toISOString() });
            const read = await providerWith().read(res.id, old);
            expect(read.id).to.equal(undefined);
            expect(read.props).to.equal(undefined);
        });

        it("drops an adopted account (no createdAt) that is missing", async () => {
            const existing = emulator.addAccount({ accountName: "siem-adopted" });
            const res = await created("siem-adopted", { existingAccountId: existing.accountId });
            emulator.deleteAccount(existing.accountId);
            const read = await providerWith().read(res.id, res.outs);
            expect(read.id).to.equal(undefined);
        });

        it("does not take a non-SIEM account with that id for the SIEM account, nor its listing for absence", async () => {
            const read = provider.read(
                String(OWNER),
                stateOf({
                    accountId: OWNER,
                    accountName: "main-account",
                    email: "x@example.com",
                    accountsToScan: [],
                    isUsingRepositoryAccount: false,
                    createdAt: new Date(Date.now() - 2 * HOUR).toISOString(),
                }),
            );
            const err = await read.then(
                () => undefined,
                (e: Error) => e,
            );
            expect(err?.message).to.include("of type OWNER_ACCOUNT, not as a SIEM account");
        });
    });

    describe("delete", () => {
        it("refuses a live account with guidance naming id, name, Settings > Manage accounts, pulumi refresh and retainOnDelete: true", async () => {
            const res = await created("siem-live");
            const error = await rejection(provider.delete(res.id, res.outs));
            expect(error.message).to.include(`SIEM account ${res.id}`);
            expect(error.message).to.include('"siem-live"');
            expect(error.message).to.include("Settings > Manage accounts");
            expect(error.message).to.include("pulumi refresh");
            expect(error.message).to.include("retainOnDelete: true");
            expect(emulator.siemAccounts()).to.have.length(1);
            expect(emulator.count(CREATE)).to.equal(1); // delete only looked
        });

        it("succeeds once the account was deleted in the UI", async () => {
            const res = await created("siem-deleted");
            emulator.deleteAccount(Number(res.id));
            const old = stateOf({ ...res.outs, createdAt: new Date(Date.now() - 2 * HOUR).toISOString() });
            const listsBefore = emulator.count(LIST);
            await providerWith().delete(res.id, old);
            // It looked (a fresh list showed the account gone) and changed nothing at Logz.io.
            expect(emulator.count(LIST)).to.be.greaterThan(listsBefore);
            expect(emulator.count(CREATE)).to.equal(1);
            expect(emulator.siemAccounts()).to.deep.equal([]);
        });

        it("refuses to confirm a missing account that is still within the grace period", async () => {
            emulator.setProvisioningMs(60_000);
            const res = await created("siem-provisioning");
            const error = await rejection(provider.delete(res.id, res.outs));
            expect(error.message).to.include(`SIEM account ${res.id}`);
            expect(error.message).to.include("does not list it yet");
            expect(error.message).to.include("retainOnDelete: true");
        });

        it("frees the name so the same host can create it again (replacement)", async () => {
            const res = await created("siem-again");
            emulator.deleteAccount(Number(res.id));
            // The same host (provider, claims, list cache) deletes it and creates the replacement.
            await provider.delete(res.id, stateOf({ ...res.outs, createdAt: new Date(Date.now() - 2 * HOUR).toISOString() }));
            const again = await created("siem-again");
            expect(again.id).to.not.equal(res.id);
            expect(emulator.siemAccounts().map((a) => a.accountName)).to.deep.equal(["siem-again"]);
            expect(emulator.count(CREATE)).to.equal(2);
        });
    });

    describe("errors at the boundary", () => {
        it("a refused token says so and never shows the token", async () => {
            const wrong = "fake-wrong-token-deadbeef";
            provider = providerWith({ logzio: accountWith({ apiToken: wrong }) });
            const error = await rejection(created("siem-401"));
            expect(error.message).to.include("HTTP 401");
            expect(error.message).to.include("refused the API token");
            expect(error.message).to.not.include(wrong);
            expect(emulator.count(CREATE)).to.equal(0);
        });

        it("a Logz.io body that echoes the token is scrubbed", async () => {
            const inputs = (await provider.check({}, { accountName: "siem-echo", email: "sec@example.com" })).inputs!;
            emulator.injectFaults(LIST, { kind: "status", status: 400, body: JSON.stringify({ message: `bad token ${TOKEN}` }) });
            const error = await rejection(provider.create(inputs));
            expect(error.message).to.include("[redacted]");
            expect(error.message).to.not.include(TOKEN);
        });

        it("a refused token under configNamespace logzio-eu names logzio-eu:apiToken", async () => {
            provider = providerWith({ "logzio-eu": accountWith({ namespace: "logzio-eu", apiToken: "fake-wrong-eu-token-deadbeef" }) });
            const error = await rejection(created("siem-eu-401", { configNamespace: "logzio-eu" }));
            expect(error.message).to.include("refused the API token");
            expect(error.message).to.include("logzio-eu:apiToken");
        });
    });
});
