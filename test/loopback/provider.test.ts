// SiemAccountProvider called directly, with a resolver built like runtime.ts's accountFor but pointing at a
// LogzioEmulator: what the in-process level alone can check (the claims a namespace's account holds, two creates that
// certainly overlap) and what the host-level suites do not repeat (the POST body is state's `requested`, a sub account
// of the same name, diffs of configNamespace, an adopted account with no createdAt). The lifecycle as the engine calls
// it (check, create, diff, read, delete, adoption, the duplicate guard, Logz.io's faults) is tested through Pulumi's
// real host in test/host/.
import { expect } from "chai";
import * as E from "fp-ts/Either";
import { LogzioEmulator, ROUTES } from "../../emulator/server";
import { emulatorPerSuite, testSettings } from "../helpers/support";
import { SiemAccountState } from "../../provider/logzio/codecs";
import { Failure } from "../../provider/logzio/errors";
import { LogzioClient } from "../../provider/logzio/logzioClient";
import { Settings } from "../../provider/config/settings";
import { Account, SiemAccountProvider } from "../../provider/lifecycle/siemAccountProvider";
import { HostAccounts } from "../../provider/host/hostAccounts";

const TOKEN = "fake-token-provider-c0ffee00";
const OWNER = 100000;
const CREATE = ROUTES.create;

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

    emulatorPerSuite({ token: TOKEN, ownerAccountId: OWNER }, (e) => (emulator = e));
    beforeEach(() => {
        provider = providerWith();
    });
    afterEach(() => {
        for (const c of clients) c.close();
        clients = [];
    });

    describe("create", () => {
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

        it("a sub account (not SIEM) with the same name does not block the create", async () => {
            emulator.addAccount({ accountName: "shared-name", type: "SUB_ACCOUNT" });
            await created("shared-name");
            expect(emulator.siemAccounts()).to.have.length(1);
        });

        // Two calls that certainly overlap: only here is the in-flight claim's refusal certain (through the host, the
        // second may arrive after the first is done: test/host/duplicateNames.test.ts counts the accounts there).
        it("two creates of one name in the same host: one succeeds, the other is refused", async () => {
            const inputs = { accountName: "siem-race", email: "sec@example.com" };
            const results = await Promise.allSettled([provider.create(inputs), provider.create(inputs)]);
            expect(results.map((r) => r.status).sort()).to.deep.equal(["fulfilled", "rejected"]);
            const failed = results.find((r): r is PromiseRejectedResult => r.status === "rejected")!;
            expect(String(failed.reason.message)).to.include(`is creating accountName "siem-race"`);
            expect(emulator.count(CREATE)).to.equal(1);
            expect(emulator.siemAccounts()).to.have.length(1);
        });
    });

    describe("diff of configNamespace", () => {
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

        it("a changed configNamespace replaces exactly configNamespace, deleting first", async () => {
            const diff = await provider.diff(id, olds, news({ configNamespace: "logzio-eu" }));
            expect(diff).to.deep.equal({ changes: true, replaces: ["configNamespace"], deleteBeforeReplace: true });
        });

        it("the default namespace spelled out is no change", async () => {
            const diff = await provider.diff(id, olds, news({ configNamespace: "logzio" }));
            expect(diff.changes).to.equal(false);
        });
    });

    describe("read", () => {
        it("drops an adopted account (no createdAt) that is missing", async () => {
            const existing = emulator.addAccount({ accountName: "siem-adopted" });
            const res = await created("siem-adopted", { existingAccountId: existing.accountId });
            emulator.deleteAccount(existing.accountId);
            const read = await providerWith().read(res.id, res.outs);
            expect(read.id).to.equal(undefined);
        });
    });
});
