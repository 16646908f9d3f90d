// Faults on the list call (GET /v1/associated-accounts) on refresh and on the guard list before a create, driven
// through Pulumi's real dynamic-provider host over gRPC against the emulator (fixture: test/helpers/faultHosts.ts):
// 429 and 5xx retried, dropped and hung connections, a body the codec refuses, retries and time running out.
import { expect } from "chai";
import { Fault } from "../../emulator";
import { ProviderHost, urnFor } from "../../testing/runner/hostDriver";
import { createVia, hostError } from "../helpers/support";
import { LIST, OWNER_ID, faultHosts } from "../helpers/faultHosts";

describe("faults on GET /v1/associated-accounts, through Pulumi's dynamic-provider host", function () {
    this.timeout(30_000);
    const fx = faultHosts();
    const { args, counts, expectOneAccount, expectClearError } = fx;

    describe("the list path", () => {
        const seeded = () => fx.emulator.addAccount({ accountName: `seeded-${fx.nextSeq()}`, email: "s@example.com" });
        const readVia = (h: ProviderHost, account: { accountId: number; accountName: string }) =>
            h.read(String(account.accountId), urnFor("refresh"), {
                __provider: fx.provider,
                accountId: account.accountId,
                accountName: account.accountName,
                email: "s@example.com",
                accountsToScan: [OWNER_ID],
                isUsingRepositoryAccount: false,
                createdAt: "2020-01-01T00:00:00Z",
            });

        for (const status of [429, 500, 502, 503, 504]) {
            it(`refresh recovers from ${status} on GET /v1/associated-accounts`, async () => {
                const account = seeded();
                fx.emulator.injectFaults(LIST, { kind: "status", status }, { kind: "status", status });
                const read = await readVia(fx.host, account);
                expect(read.id).to.equal(String(account.accountId));
                expect(counts()).to.deep.equal({ posts: 0, lists: 3, accounts: 1 });
            });
        }

        it("refresh recovers from a dropped connection and from a hung list", async () => {
            const account = seeded();
            fx.emulator.injectFaults(LIST, { kind: "resetBeforeCommit" }, { kind: "hang" });
            const read = await readVia(fx.host, account);
            expect(read.id).to.equal(String(account.accountId));
            expect(counts()).to.deep.equal({ posts: 0, lists: 3, accounts: 1 });
        });

        it("a list body that fails the codec is reported clearly, naming the field", async () => {
            const account = seeded();
            fx.emulator.injectFaults(LIST, { kind: "schemaViolating200" });
            const err = await hostError(readVia(fx.host, account));
            expectClearError(err, "GET /v1/associated-accounts returned an unusable body", "accountId");
            expect(counts()).to.deep.equal({ posts: 0, lists: 1, accounts: 1 });
        });

        it("5xx past logzio-siem:maxRetries on refresh: maxRetries+1 lists, a clear error", async () => {
            const account = seeded();
            fx.emulator.injectFaults(LIST, ...Array.from({ length: 5 }, (): Fault => ({ kind: "status", status: 503 })));
            const err = await hostError(readVia(fx.tight, account));
            expectClearError(err, "GET /v1/associated-accounts failed: HTTP 503", "after 3 attempts");
            expect(counts()).to.deep.equal({ posts: 0, lists: 3, accounts: 1 });
        });

        it("a list that keeps hanging is bounded by logzio-siem:requestTimeoutSeconds (3 s)", async () => {
            const account = seeded();
            fx.emulator.injectFaults(LIST, ...Array.from({ length: 6 }, (): Fault => ({ kind: "hang" })));
            const started = Date.now();
            const err = await hostError(readVia(fx.host, account));
            const elapsed = Date.now() - started;
            expect(elapsed).to.be.at.least(2500).and.below(4500);
            expectClearError(err, "GET /v1/associated-accounts failed");
            expect(err.details).to.match(/no answer within|no time left/);
            expect(counts().lists).to.be.within(2, 3);
        });

        it("a 503 on the list before create is retried, then the create goes on with one POST", async () => {
            const a = args("guard503");
            fx.emulator.injectFaults(LIST, { kind: "status", status: 503 });
            const created = await createVia(fx.host, fx.provider, "guard503", a);
            expect(counts()).to.deep.equal({ posts: 1, lists: 2, accounts: 1 });
            expectOneAccount(created, a.accountName);
        });
    });
});
