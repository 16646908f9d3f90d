// Host level: the provider exactly as SiemAccount serializes it, run by Pulumi's own dynamic-provider host
// and driven over gRPC as the engine drives it, against the emulator over loopback HTTP.
import { expect } from "chai";
import { LogzioEmulator } from "../../emulator";
import { ProviderHost, UNKNOWN, urnFor } from "../../testing/runner/hostDriver";
import { REGIONS } from "../../provider";
import { createVia, hostError, serializedProvider, startEmulator, startHost } from "../helpers/support";

const CREATE = "POST /v2/account-management/siem";

describe("host: SiemAccount through Pulumi's dynamic-provider host", function () {
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

    describe("configure, check, create", () => {
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
            const post = emulator.requests.find((r) => `${r.method} ${r.path}` === CREATE)!;
            expect(post.token).to.equal(emulator.token);
            expect(post.body).to.deep.equal(args);
        });

        it("lets Logz.io default accountsToScan to the main account and echoes what it returned", async () => {
            const created = await createVia(host, provider, "defaults", { accountName: "defaults", email: "d@example.com" });
            expect(created.properties.accountsToScan).to.deep.equal(emulator.siemAccounts()[0].accountsToScan);
            expect(created.properties.isUsingRepositoryAccount).to.equal(false);
        });

        it("accepts unknown values during preview without failing, calling Logz.io at most for the host's one token check", async () => {
            const checked = await host.check(
                urnFor("preview"),
                {},
                {
                    __provider: provider,
                    accountName: UNKNOWN,
                    email: UNKNOWN,
                    accountsToScan: [UNKNOWN, 5],
                    isUsingRepositoryAccount: UNKNOWN,
                },
            );
            expect(checked.failures).to.deep.equal([]);
            expect(emulator.requests.map((r) => r.path)).to.satisfy(
                (paths: string[]) => paths.length <= 1 && paths.every((p) => p === "/v2/whoami"),
            );
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

        it("normalises accountsToScan to a sorted set in check", async () => {
            const checked = await host.check(
                urnFor("set"),
                {},
                { __provider: provider, accountName: "s", email: "s@example.com", accountsToScan: [3, 1, 3] },
            );
            expect(checked.inputs.accountsToScan).to.deep.equal([1, 3]);
        });
    });

    describe("bad inputs: one failure naming the property, and no HTTP call", () => {
        const good = { accountName: "ok-name", email: "ok@example.com" };
        const table: { title: string; args: Record<string, unknown>; property: string }[] = [
            { title: "missing accountName", args: { email: good.email }, property: "accountName" },
            { title: "empty accountName", args: { ...good, accountName: "" }, property: "accountName" },
            { title: "blank accountName", args: { ...good, accountName: "   " }, property: "accountName" },
            { title: "accountName with /", args: { ...good, accountName: "team/siem" }, property: "accountName" },
            { title: "accountName with <>", args: { ...good, accountName: "<siem>" }, property: "accountName" },
            { title: "accountName with :", args: { ...good, accountName: "a:b" }, property: "accountName" },
            { title: "accountName as number", args: { ...good, accountName: 42 }, property: "accountName" },
            { title: "missing email", args: { accountName: good.accountName }, property: "email" },
            { title: "email without @", args: { ...good, email: "secops.example.com" }, property: "email" },
            { title: "email with space", args: { ...good, email: "sec ops@example.com" }, property: "email" },
            { title: "accountsToScan not a list", args: { ...good, accountsToScan: 5 }, property: "accountsToScan" },
            { title: "negative accountsToScan id", args: { ...good, accountsToScan: [1, -2] }, property: "accountsToScan" },
            { title: "fractional accountsToScan id", args: { ...good, accountsToScan: [1.5] }, property: "accountsToScan" },
            { title: "string accountsToScan id", args: { ...good, accountsToScan: ["7"] }, property: "accountsToScan" },
            {
                title: "isUsingRepositoryAccount as string",
                args: { ...good, isUsingRepositoryAccount: "yes" },
                property: "isUsingRepositoryAccount",
            },
            { title: "existingAccountId zero", args: { ...good, existingAccountId: 0 }, property: "existingAccountId" },
            { title: "configNamespace with spaces", args: { ...good, configNamespace: "my ns" }, property: "configNamespace" },
            { title: "a token passed as an input", args: { ...good, apiToken: "leaked-token-value" }, property: "apiToken" },
            { title: "an unknown property", args: { ...good, acountName: "typo" }, property: "acountName" },
        ];
        for (const row of table) {
            it(`${row.title} -> ${row.property}`, async () => {
                const checked = await host.check(urnFor("bad"), {}, { __provider: provider, ...row.args });
                expect(checked.failures.map((f) => f.property)).to.deep.equal([row.property]);
                expect(checked.failures[0].reason).to.include(row.property);
                // The engine stops at check failures; create must refuse the same inputs on its own too.
                const err = await hostError(host.create(urnFor("bad"), { __provider: provider, ...row.args }));
                expect(err.message).to.include(row.property);
                expect(err.message).to.not.include("leaked-token-value");
                expect(emulator.requests, "no request reached Logz.io").to.have.length(0);
            });
        }

        it("reports every bad property at once", async () => {
            const checked = await host.check(
                urnFor("bad"),
                {},
                { __provider: provider, accountName: "a|b", email: "nope", accountsToScan: [-1] },
            );
            expect(checked.failures.map((f) => f.property).sort()).to.deep.equal(["accountName", "accountsToScan", "email"]);
            expect(emulator.requests).to.have.length(0);
        });
    });

    describe("Logz.io errors", () => {
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
                expect(emulator.siemAccounts()).to.have.length(0);
            } finally {
                await wrong.stop();
            }
        });
    });

    describe("credentials and endpoint", () => {
        it("a missing token fails before any HTTP call, naming logzio:apiToken and LOGZIO_API_TOKEN", async () => {
            const bare = await startHost(emulator, { bare: true, config: { "logzio:customApiUrl": emulator.url } });
            try {
                const { failures, createError: err } = await checkThenCreate(bare, "no-token", {
                    accountName: "x",
                    email: "x@example.com",
                });
                expect(failures).to.have.length(1);
                expect(failures[0].reason).to.include("logzio:apiToken").and.include("LOGZIO_API_TOKEN");
                expect(err.message).to.include("logzio:apiToken").and.include("LOGZIO_API_TOKEN");
                expect(emulator.requests).to.have.length(0);
            } finally {
                await bare.stop();
            }
        });

        it("an unknown region fails with the list of valid regions", async () => {
            const bad = await startHost(emulator, { bare: true, config: { "logzio:apiToken": emulator.token, "logzio:region": "mars" } });
            try {
                const { failures, createError: err } = await checkThenCreate(bad, "region", { accountName: "x", email: "x@example.com" });
                expect(failures.map((f) => f.reason).join(" ")).to.include("logzio:region");
                for (const region of Object.keys(REGIONS)) expect(err.message).to.include(region);
                expect(err.message).to.include("logzio:region");
                // A value in the wrong key may be a token: it is never echoed.
                expect(err.message).to.not.include("mars");
                expect(emulator.requests).to.have.length(0);
            } finally {
                await bad.stop();
            }
        });

        it("falls back to LOGZIO_API_TOKEN and LOGZIO_CUSTOM_API_URL when the stack config has none", async () => {
            const fromEnv = await startHost(undefined, { env: { LOGZIO_API_TOKEN: emulator.token, LOGZIO_CUSTOM_API_URL: emulator.url } });
            try {
                const created = await createVia(fromEnv, provider, "env", { accountName: "from-env", email: "e@example.com" });
                expect(emulator.siemAccounts().map((a) => String(a.accountId))).to.deep.equal([created.id]);
            } finally {
                await fromEnv.stop();
            }
        });

        it("a stack config Logz.io's bridged provider accepts: only apiToken/region/customApiUrl under logzio:, tuning under logzio-siem:", async () => {
            const config = {
                "logzio:apiToken": emulator.token,
                "logzio:region": "eu",
                "logzio:customApiUrl": emulator.url,
                "logzio-siem:maxRetries": "0",
                "logzio-siem:retryBaseMs": "5",
            };
            const bridged = new Set(["logzio:apiToken", "logzio:region", "logzio:customApiUrl"]);
            expect(Object.keys(config).filter((k) => k.startsWith("logzio:") && !bridged.has(k))).to.deep.equal([]);
            const shared = await startHost(emulator, { bare: true, config });
            try {
                // logzio-siem:maxRetries 0 is honoured: a 503 on the list fails the create after one attempt (the
                // check's own lookup, one attempt too, takes the first 503 and leaves the outage to the create).
                emulator.injectFaults("GET /v1/associated-accounts", { kind: "status", status: 503 }, { kind: "status", status: 503 });
                const err = await hostError(createVia(shared, provider, "tuned", { accountName: "tuned", email: "t@example.com" }));
                expect(err.message).to.include("HTTP 503");
                expect(emulator.count("GET /v1/associated-accounts")).to.equal(2);
                const created = await createVia(shared, provider, "tuned", { accountName: "tuned", email: "t@example.com" });
                expect(emulator.siemAccounts().map((a) => String(a.accountId))).to.deep.equal([created.id]);
            } finally {
                await shared.stop();
            }
        });

        it("the old logzio:apiUrl and logzio:maxRetries are refused, naming the new keys, with no HTTP call", async () => {
            const old = await startHost(emulator, {
                bare: true,
                config: { "logzio:apiToken": emulator.token, "logzio:apiUrl": emulator.url, "logzio:maxRetries": "2" },
            });
            try {
                const args = { __provider: provider, accountName: "old-keys", email: "o@example.com" };
                // At preview (check) and, should the engine go on, at create.
                const checked = await old.check(urnFor("old-keys"), {}, args);
                expect(checked.failures.map((f) => f.reason).join("\n"))
                    .to.include("logzio:customApiUrl")
                    .and.include("logzio-siem:maxRetries");
                const err = await hostError(old.create(urnFor("old-keys"), args));
                expect(err.message).to.include("logzio:customApiUrl").and.include("logzio-siem:maxRetries");
                expect(emulator.requests).to.have.length(0);
            } finally {
                await old.stop();
            }
        });

        it("stack config beats the environment", async () => {
            const both = await startHost(emulator, {
                env: { LOGZIO_API_TOKEN: "env-token-should-lose", LOGZIO_CUSTOM_API_URL: "http://127.0.0.1:9" },
            });
            try {
                await createVia(both, provider, "config-wins", { accountName: "config-wins", email: "c@example.com" });
                expect(emulator.requests.map((r) => r.token)).to.deep.equal(emulator.requests.map(() => emulator.token));
            } finally {
                await both.stop();
            }
        });
    });

    describe("secrets", () => {
        it("the token is in no output, no host log line and no error", async () => {
            const created = await createVia(host, provider, "secret-check", { accountName: "secret-check", email: "s@example.com" });
            expect(JSON.stringify(created.properties)).to.not.include(emulator.token);
            await hostError(createVia(host, provider, "dup", { accountName: "secret-check", email: "s@example.com" }));
            expect(host.stdout() + host.stderr()).to.not.include(emulator.token);
        });
    });
});
