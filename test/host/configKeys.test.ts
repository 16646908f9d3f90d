// The provider's configuration through Pulumi's real dynamic-provider host against the emulator: where the token and
// the endpoint come from (stack config, then the environment), keys Logz.io's bridged provider shares with it, and keys
// that fail check before any HTTP call: a missing token, an unknown region, the old key names, and unknown or
// misspelt keys (naming the key meant).
import { expect } from "chai";
import { LogzioEmulator } from "../../emulator";
import { ProviderHost, urnFor } from "../../testing/runner/hostDriver";
import { REGIONS } from "../../provider";
import { createVia, hostError, hostFixtures } from "../helpers/support";

describe("configuration: keys read, keys refused, through the host", function () {
    this.timeout(60_000);
    let emulator: LogzioEmulator;
    let provider: string;
    const host = hostFixtures("test", (f) => ({ provider, emulator } = f));

    /** What the engine sees: check's failures, then (should it create anyway) the error create throws. */
    async function checkThenCreate(h: ProviderHost, name: string, args: Record<string, unknown>) {
        const urn = urnFor(name);
        const { inputs, failures } = await h.check(urn, {}, { __provider: provider, ...args });
        return { failures, createError: await hostError(h.create(urn, inputs)) };
    }

    describe("where the token and the endpoint come from", () => {
        it("a missing token fails before any HTTP call, naming logzio:apiToken and LOGZIO_API_TOKEN", async () => {
            const bare = await host({ bare: true, config: { "logzio:customApiUrl": emulator.url } });
            const { failures, createError: err } = await checkThenCreate(bare, "no-token", {
                accountName: "x",
                email: "x@example.com",
            });
            expect(failures).to.have.length(1);
            expect(failures[0].reason).to.include("logzio:apiToken").and.include("LOGZIO_API_TOKEN");
            expect(err.message).to.include("logzio:apiToken").and.include("LOGZIO_API_TOKEN");
            expect(emulator.requests).to.have.length(0);
        });

        it("an unknown region fails with the list of valid regions", async () => {
            const bad = await host({ bare: true, config: { "logzio:apiToken": emulator.token, "logzio:region": "mars" } });
            const { failures, createError: err } = await checkThenCreate(bad, "region", { accountName: "x", email: "x@example.com" });
            expect(failures.map((f) => f.reason).join(" "))
                .to.include("logzio:region")
                .and.include("us, au, ca, eu, uk")
                .and.not.include(emulator.token);
            for (const region of Object.keys(REGIONS)) expect(err.message).to.include(region);
            expect(err.message).to.include("logzio:region");
            // A value in the wrong key may be a token: it is never echoed.
            expect(err.message).to.not.include("mars");
            expect(emulator.requests).to.have.length(0);
        });

        it("falls back to LOGZIO_API_TOKEN and LOGZIO_CUSTOM_API_URL when the stack config has none", async () => {
            const fromEnv = await host({ bare: true, env: { LOGZIO_API_TOKEN: emulator.token, LOGZIO_CUSTOM_API_URL: emulator.url } });
            const created = await createVia(fromEnv, provider, "env", { accountName: "from-env", email: "e@example.com" });
            expect(emulator.siemAccounts().map((a) => String(a.accountId))).to.deep.equal([created.id]);
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
            const shared = await host({ bare: true, config });
            // logzio-siem:maxRetries 0 is honoured: a 503 on the list fails the create after one attempt (the
            // check's own lookup, one attempt too, takes the first 503 and leaves the outage to the create).
            emulator.injectFaults("GET /v1/associated-accounts", { kind: "status", status: 503 }, { kind: "status", status: 503 });
            const err = await hostError(createVia(shared, provider, "tuned", { accountName: "tuned", email: "t@example.com" }));
            expect(err.message).to.include("HTTP 503");
            expect(emulator.count("GET /v1/associated-accounts")).to.equal(2);
            const created = await createVia(shared, provider, "tuned", { accountName: "tuned", email: "t@example.com" });
            expect(emulator.siemAccounts().map((a) => String(a.accountId))).to.deep.equal([created.id]);
        });

        it("the old logzio:apiUrl and logzio:maxRetries are refused, naming the new keys, with no HTTP call", async () => {
            const old = await host({
                bare: true,
                config: { "logzio:apiToken": emulator.token, "logzio:apiUrl": emulator.url, "logzio:maxRetries": "2" },
            });
            const args = { __provider: provider, accountName: "old-keys", email: "o@example.com" };
            // At preview (check) and, should the engine go on, at create.
            const checked = await old.check(urnFor("old-keys"), {}, args);
            expect(checked.failures.map((f) => f.reason).join("\n"))
                .to.include("logzio:customApiUrl")
                .and.include("logzio-siem:maxRetries");
            const err = await hostError(old.create(urnFor("old-keys"), args));
            expect(err.message).to.include("logzio:customApiUrl").and.include("logzio-siem:maxRetries");
            expect(emulator.requests).to.have.length(0);
        });

        it("stack config beats the environment", async () => {
            const both = await host({
                env: { LOGZIO_API_TOKEN: "env-token-should-lose", LOGZIO_CUSTOM_API_URL: "http://127.0.0.1:9" },
            });
            await createVia(both, provider, "config-wins", { accountName: "config-wins", email: "c@example.com" });
            expect(emulator.requests.map((r) => r.token)).to.deep.equal(emulator.requests.map(() => emulator.token));
        });
    });

    describe("unknown keys fail check, naming the key meant", () => {
        const cases: [string, Record<string, string>, string][] = [
            ["logzio:customApiURL (case)", { "logzio:customApiURL": "http://127.0.0.1:9" }, "did you mean logzio:customApiUrl?"],
            ["logzio:apiTokn (typo)", { "logzio:apiTokn": "x" }, "did you mean logzio:apiToken?"],
            ["logzio:maxRetires (a tuning key, misspelt)", { "logzio:maxRetires": "1" }, "did you mean logzio-siem:maxRetries?"],
            ["logzio-siem:maxRetrys", { "logzio-siem:maxRetrys": "1" }, "did you mean logzio-siem:maxRetries?"],
            ["logzio-siem:anything", { "logzio-siem:colour": "blue" }, "logzio-siem:colour is not a setting this provider reads"],
        ];
        for (const [what, config, expected] of cases) {
            it(`${what}: refused, naming the key meant`, async () => {
                const h = await host({ config });
                const { failures } = await h.check(urnFor("k"), {}, { __provider: provider, accountName: "k", email: "k@example.com" });
                expect(failures.map((f) => f.reason).join(" | ")).to.include(expected);
                expect(emulator.requests).to.deep.equal([]);
            });
        }

        it("an undefined key under the resource's own namespace is refused", async () => {
            const h = await host({
                config: { "logzio-eu:customApiUrl": emulator.url, "logzio-eu:apiToken": emulator.token, "logzio-eu:timeout": "3" },
            });
            const { failures } = await h.check(
                urnFor("k"),
                {},
                { __provider: provider, accountName: "k", email: "k@example.com", configNamespace: "logzio-eu" },
            );
            expect(failures.map((f) => f.reason).join(" ")).to.include("logzio-eu:timeout is not a setting this provider reads");
        });

        it("keys of Logz.io's bridged provider under logzio: stay untouched", async () => {
            const h = await host({ config: { "logzio:someBridgedSetting": "on", "aws:region": "eu-west-1" } });
            const { failures } = await h.check(urnFor("k"), {}, { __provider: provider, accountName: "k", email: "k@example.com" });
            expect(failures).to.deep.equal([]);
        });
    });
});
