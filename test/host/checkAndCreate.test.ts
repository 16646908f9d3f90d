// A new account through Pulumi's own dynamic-provider host, driven over gRPC as the engine drives it, against the
// emulator over loopback HTTP: the provider exactly as SiemAccount serializes it (a small shim holding no
// configuration), check's normalised inputs, create's one POST and the state it records, and Logz.io's refusals (a
// 400, a refused token) as the engine shows them.
import { expect } from "chai";
import { LogzioEmulator } from "../../emulator";
import { ProviderHost, UNKNOWN, urnFor } from "../../testing/runner/hostDriver";
import { createVia, hostError, serializedProvider, startEmulator, startHost } from "../helpers/support";

const CREATE = "POST /v2/account-management/siem";

describe("check, then create: a new account through the host", function () {
    let emulator: LogzioEmulator;
    let provider: string;
    let host: ProviderHost;

    before(async () => {
        provider = await serializedProvider();
        emulator = await startEmulator();
        host = await startHost(emulator);
    });
    after(async () => {
        await host?.stop();
        await emulator?.close();
    });
    beforeEach(() => emulator.reset());

    /** What the engine sees: check's failures, then (should it create anyway) the error create throws. */
    async function checkThenCreate(h: ProviderHost, name: string, args: Record<string, unknown>) {
        const urn = urnFor(name);
        const { inputs, failures } = await h.check(urn, {}, { __provider: provider, ...args });
        return { failures, createError: await hostError(h.create(urn, inputs)) };
    }

    describe("the serialized provider", () => {
        it("is a small shim (4 KB or less) that requires the runtime instead of capturing modules", () => {
            expect(provider.length).to.be.at.most(4096);
            expect(provider).to.include('"pulumi-logzio-siem/runtime"');
            // Captured io-ts/node-fetch would show up as serialized module bodies.
            expect(provider).to.not.match(/io-ts|node-fetch|fp-ts/);
        });

        it("holds no token, URL or other configuration", () => {
            expect(provider).to.not.include(emulator.token);
            expect(provider).to.not.include(emulator.url);
            expect(provider).to.not.match(/apiToken|X-API-TOKEN/i);
        });
    });

    describe("check and create", () => {
        it("creates the account with one POST and records accountId as the id", async () => {
            const args = {
                accountName: "Security Ops",
                email: "secops@example.com",
                accountsToScan: [100000],
                isUsingRepositoryAccount: true,
            };
            const created = await createVia(host, provider, "ops", args);
            const [account] = emulator.siemAccounts();
            expect(emulator.count(CREATE)).to.equal(1);
            expect(created.id).to.equal(String(account.accountId));
            expect(created.properties).to.include({
                accountId: account.accountId,
                accountName: "Security Ops",
                email: "secops@example.com",
                isUsingRepositoryAccount: true,
                createdAt: account.createdAt,
            });
            expect(created.properties.accountsToScan).to.deep.equal([100000]);
            // The whole state: what Logz.io answered, the main account and API it belongs to, and what the program asked
            // for next to the name Logz.io stored (the two sides of later diffs).
            expect(created.properties).to.deep.equal({
                __provider: provider,
                ...args,
                accountId: account.accountId,
                createdAt: account.createdAt,
                mainAccountId: 100000,
                apiUrl: emulator.url,
                requested: args,
                storedName: "Security Ops",
            });
            expect(account.email).to.equal("secops@example.com");
            const post = emulator.requests.find((r) => `${r.method} ${r.path}` === CREATE)!;
            expect(post.token).to.equal(emulator.token);
            expect(post.body).to.deep.equal(args);
        });

        it("lets Logz.io default accountsToScan to the main account and echoes what it returned", async () => {
            const created = await createVia(host, provider, "defaults", { accountName: "defaults", email: "d@example.com" });
            expect(created.properties.accountsToScan).to.deep.equal(emulator.siemAccounts()[0].accountsToScan);
            expect(created.properties.isUsingRepositoryAccount).to.equal(false);
            // The POST leaves the optional inputs out, so Logz.io's default applies.
            expect(emulator.requestsTo(CREATE)[0].body).to.deep.equal({ accountName: "defaults", email: "d@example.com" });
        });

        it("refuses in create a value still unknown (the engine's placeholder), naming it, with no HTTP call", async () => {
            const err = await hostError(
                host.create(urnFor("unknown-in-create"), {
                    __provider: provider,
                    accountName: UNKNOWN,
                    email: "u@example.com",
                    accountsToScan: [UNKNOWN],
                }),
            );
            expect(err.details).to.include("accountName is not known yet").and.include("accountsToScan is not known yet");
            expect(err.details).to.not.include(UNKNOWN);
            expect(emulator.requests).to.deep.equal([]);
        });

        it("normalises accountsToScan to a sorted set in check, after one token check and, for a new resource, one list", async () => {
            // A host of its own: it has not asked Logz.io who its main account is yet.
            const fresh = await startHost(emulator);
            try {
                const args = { __provider: provider, accountName: "s", email: "s@example.com", accountsToScan: [3, 1, 3] };
                const checked = await fresh.check(urnFor("set"), {}, args);
                expect(checked.failures).to.deep.equal([]);
                expect(checked.inputs).to.deep.equal({ ...args, accountsToScan: [1, 3] });
                expect(emulator.requests.map((r) => r.path)).to.deep.equal(["/v2/whoami", "/v1/associated-accounts"]);
                // A resource already in state (olds from its state): no lookup at all.
                const again = await fresh.check(urnFor("set"), checked.inputs, checked.inputs);
                expect(again.failures).to.deep.equal([]);
                expect(emulator.requests).to.have.length(2);
            } finally {
                await fresh.stop();
            }
        });
    });

    describe("Logz.io's refusals", () => {
        it("a 400 names status, errorCode, message and requestId", async () => {
            const err = await hostError(
                createVia(host, provider, "unknown-scan", { accountName: "scan", email: "s@example.com", accountsToScan: [999] }),
            );
            const post = emulator.requests.find((r) => `${r.method} ${r.path}` === CREATE)!;
            expect(post.status).to.equal(400);
            expect(err.message)
                .to.include("HTTP 400")
                .and.include("SIEM/UNKNOWN_ACCOUNT_TO_SCAN")
                .and.match(/requestId [0-9a-f-]{36}/);
            expect(emulator.count(CREATE)).to.equal(1);
            expect(emulator.siemAccounts()).to.have.length(0);
        });

        it("a refused token (401) says so, and the token appears nowhere", async () => {
            const wrong = await startHost(emulator, { config: { "logzio:apiToken": "wrong-token-0123456789" } });
            try {
                // Reported by check, at preview; and by create too, should an engine go on regardless.
                const { failures, createError: err } = await checkThenCreate(wrong, "denied", {
                    accountName: "denied",
                    email: "d@example.com",
                });
                expect(failures.map((f) => f.reason).join(" "))
                    .to.include("HTTP 401")
                    .and.include("did not accept");
                expect(JSON.stringify(failures)).to.not.include("wrong-token-0123456789");
                expect(err.message).to.include("HTTP 401").and.include("refused the API token");
                expect(err.message).to.not.include("wrong-token-0123456789");
                expect(wrong.stdout() + wrong.stderr()).to.not.include("wrong-token-0123456789");
                expect(emulator.count(CREATE), "no POST").to.equal(0);
                expect(emulator.siemAccounts()).to.have.length(0);
            } finally {
                await wrong.stop();
            }
        });
    });
});
