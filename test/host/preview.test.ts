// Mistakes in the provider's configuration fail `check`, so `pulumi preview` reports them: a malformed or unencrypted
// URL, a namespace without a token, with no HTTP call at all, a token Logz.io refuses with one GET /v2/whoami per host
// and main account (a missing token and an unknown region, at check and at create: configKeys.test.ts). Through
// Pulumi's real dynamic-provider host, against the emulator.
import { expect } from "chai";
import { LogzioEmulator, ROUTES } from "../../emulator";
import { ProviderHost, UNKNOWN, urnFor } from "../../testing/runner/hostDriver";
import { hostFixtures, createVia, hostError } from "../helpers/support";

const WHOAMI = ROUTES.whoami;
const GOOD = { accountName: "preview-siem", email: "preview@example.com" };

describe("preview: check reports configuration mistakes", function () {
    this.timeout(60_000);
    let provider: string;
    let emulator: LogzioEmulator;
    /** A host of its own: it has not asked Logz.io anything yet. */
    const hostWith = hostFixtures("suite", (f) => ({ provider, emulator } = f));
    const check = (h: ProviderHost, args: Record<string, unknown>, name = "preview") =>
        h.check(urnFor(name), {}, { __provider: provider, ...args });
    const reasons = (r: { failures: { reason: string }[] }) => r.failures.map((f) => f.reason).join("\n");

    it("a malformed URL fails check naming its key, with no HTTP call", async () => {
        const h = await hostWith({ bare: true, config: { "logzio:apiToken": emulator.token, "logzio:customApiUrl": "ftp//nowhere" } });
        const r = await check(h, GOOD);
        expect(reasons(r)).to.include("logzio:customApiUrl");
        expect(emulator.requests).to.have.length(0);
    });

    it("a customApiUrl with http:// to a host that is not loopback fails check, naming the key, why and https://", async () => {
        for (const url of ["http://api.logz.io", "http://10.0.0.8:8080/logzio", "http://[2001:db8::1]", "http://127.example.com"]) {
            const h = await hostWith({ bare: true, config: { "logzio:apiToken": emulator.token, "logzio:customApiUrl": url } });
            const r = await check(h, GOOD);
            expect(r.failures, url).to.have.length(1);
            expect(r.failures[0].reason, url).to.include("logzio:customApiUrl").and.include("unencrypted").and.include("use https://");
        }
        // Loopback stays allowed (the emulator, a local proxy): that config reaches the whoami.
        for (const url of [emulator.url, emulator.url.replace("127.0.0.1", "localhost")]) {
            const h = await hostWith({ bare: true, config: { "logzio:apiToken": emulator.token, "logzio:customApiUrl": url } });
            expect((await check(h, GOOD)).failures, url).to.deep.equal([]);
        }
        expect(emulator.requests.map((x) => `${x.method} ${x.path}`)).to.deep.equal([WHOAMI, ROUTES.list, WHOAMI, ROUTES.list]);
    });

    it("a configNamespace without a token fails check naming that namespace's key", async () => {
        const h = await hostWith();
        const r = await check(h, { ...GOOD, configNamespace: "logzio-eu" });
        expect(reasons(r)).to.include("logzio-eu:apiToken");
        // Should the engine create anyway: a configuration error naming the namespace, still with no HTTP call.
        const err = await hostError(h.create(urnFor("preview"), { __provider: provider, ...GOOD, configNamespace: "logzio-eu" }));
        expect(err.message).to.include("Logz.io provider configuration").and.include("logzio-eu");
        expect(emulator.requests).to.have.length(0);
    });

    it("a token Logz.io refuses fails check, clearly worded and never echoing the token, after one whoami", async () => {
        const wrong = "wrong-token-preview-0123456789";
        const h = await hostWith({ config: { "logzio:apiToken": wrong } });
        const r = await check(h, GOOD);
        expect(r.failures).to.have.length(1);
        expect(r.failures[0].reason)
            .to.include("did not accept")
            .and.include("HTTP 401")
            .and.include("logzio:apiToken")
            .and.include("region");
        // What happened, then the advice once; each line a whole sentence.
        const [what, advice, ...more] = r.failures[0].reason.split("\n");
        expect(more).to.deep.equal([]);
        expect(what).to.match(/^Logz\.io did not accept the API token of config namespace "logzio" at http:.*HTTP 401.*\.$/);
        expect(advice).to.equal(
            "Check that logzio:apiToken is an API token of the main (owner) account, and that the region (or API URL) is that account's.",
        );
        expect(r.failures[0].reason.split("main (owner) account")).to.have.length(2);
        expect(JSON.stringify(r)).to.not.include(wrong);
        // The answer is kept: a second resource's check asks nothing more.
        expect(reasons(await check(h, { ...GOOD, accountName: "second" }, "second"))).to.include("did not accept");
        expect(emulator.requests.map((x) => `${x.method} ${x.path}`)).to.deep.equal([WHOAMI]);
        expect(h.stdout() + h.stderr()).to.not.include(wrong);
    });

    it("100 concurrent checks of new resources make one whoami call and share one list, and all pass", async () => {
        const h = await hostWith();
        const results = await Promise.all(
            Array.from({ length: 100 }, (_, i) => check(h, { ...GOOD, accountName: `burst-${i}` }, `burst-${i}`)),
        );
        for (const r of results) expect(r.failures).to.deep.equal([]);
        expect(emulator.count(WHOAMI)).to.equal(1);
        expect(emulator.count(ROUTES.list)).to.equal(1);
        expect(emulator.requests).to.have.length(2);
    });

    it("while the list answers 429 (or 503), the checks of new resources share one failing list: one list's retries, not one per resource", async () => {
        const maxRetries = 2;
        for (const status of [429, 503]) {
            emulator.reset();
            const h = await hostWith({ config: { "logzio-siem:retryBaseMs": "5", "logzio-siem:maxRetries": String(maxRetries) } });
            emulator.injectFaults(ROUTES.list, { kind: "status", status, times: 1000 });
            // One after another, as the engine sends a preview's checks; each passes (create decides, with its own list).
            for (let i = 0; i < 5; i++) {
                expect((await check(h, { ...GOOD, accountName: `outage-${i}` }, `outage-${i}`)).failures).to.deep.equal([]);
            }
            expect(emulator.count(ROUTES.list), `HTTP ${status}`).to.be.within(1, maxRetries + 1);
            // An operation never takes the shared failure: with Logz.io back, a create asks for its own list and POSTs.
            emulator.reset();
            const created = await h.create(urnFor("outage-0"), { __provider: provider, ...GOOD, accountName: "outage-0" });
            expect(created.id).to.match(/^\d+$/);
            expect(emulator.count(ROUTES.list)).to.equal(1);
        }
    });

    it("a no-change preview of a resource in state (check, then diff) makes the one whoami and nothing else", async () => {
        const created = await createVia(await hostWith(), provider, "kept", GOOD);
        emulator.requests.length = 0;
        const h = await hostWith();
        const urn = urnFor("kept");
        const checked = await h.check(urn, { __provider: provider, ...GOOD }, { __provider: provider, ...GOOD });
        expect(checked.failures).to.deep.equal([]);
        expect((await h.diff(created.id, urn, created.properties, checked.inputs)).changes).to.equal("none");
        expect(emulator.requests.map((x) => `${x.method} ${x.path}`)).to.deep.equal([WHOAMI]);
    });

    it("bad inputs make no HTTP call at all, even before the host has checked its token", async () => {
        const h = await hostWith();
        const r = await check(h, { accountName: "bad/name", email: "nope" });
        expect(r.failures.map((f) => f.property).sort()).to.deep.equal(["accountName", "email"]);
        expect(emulator.requests).to.have.length(0);
    });

    it("unknown values pass check during preview", async () => {
        const h = await hostWith();
        const r = await check(h, { accountName: UNKNOWN, email: UNKNOWN, accountsToScan: [UNKNOWN], configNamespace: UNKNOWN });
        expect(r.failures).to.deep.equal([]);
        // Which main account applies is not known yet: nothing to check.
        expect(emulator.requests).to.have.length(0);
        const known = await check(h, {
            accountName: UNKNOWN,
            email: UNKNOWN,
            accountsToScan: [UNKNOWN, 5],
            isUsingRepositoryAccount: UNKNOWN,
        });
        expect(known.failures).to.deep.equal([]);
        expect(emulator.requests.map((x) => x.path)).to.deep.equal(["/v2/whoami"]);
    });

    it("Logz.io unavailable at preview does not fail check; the outage is remembered for the next checks", async () => {
        const h = await hostWith({ config: { "logzio-siem:retryBaseMs": "5", "logzio-siem:maxRetries": "1" } });
        emulator.injectFaults(WHOAMI, { kind: "status", status: 503 }, { kind: "status", status: 503 });
        expect((await check(h, GOOD)).failures).to.deep.equal([]);
        expect(emulator.count(WHOAMI)).to.equal(2);
        expect((await check(h, GOOD)).failures).to.deep.equal([]);
        expect(emulator.count(WHOAMI), "the probe's outage is remembered: no second probe").to.equal(2);
    });
});
