// Proxies from the environment, through Pulumi's real dynamic-provider host started with the variables set (as a
// shell would pass them to `pulumi up`), against a real HTTP proxy in a process of its own (test/helpers/proxyProcess.ts,
// the `proxy` package) and the emulator over https with a certificate made for the test (trusted by the host
// through NODE_EXTRA_CA_CERTS). Also: the preview's one warning when Logz.io cannot be reached.
import { expect } from "chai";
import * as E from "fp-ts/Either";
import { LogzioEmulator } from "../../emulator";
import { proxyFor } from "../../provider/logzio/proxy";
import { ProviderHost, urnFor } from "../../testing/runner/hostDriver";
import { RunningProxy, proxyEnv, startProxy, testCertificate } from "../helpers/proxySupport";
import { createVia, hostError, serializedProvider, startEmulator, startHost } from "../helpers/support";

const ARGS = { accountName: "through-proxy", email: "p@example.com" };
/** A port on loopback where nothing listens (a server started and closed). */
async function closedPort(): Promise<number> {
    const e = await LogzioEmulator.start();
    const port = Number(new URL(e.url).port);
    await e.close();
    return port;
}

describe("proxies from the environment (real proxy process, real provider host)", function () {
    this.timeout(60_000);
    let provider: string;
    let emulator: LogzioEmulator;
    let certFile: string;
    const hosts: ProviderHost[] = [];
    const proxies: RunningProxy[] = [];

    before(async () => {
        provider = await serializedProvider();
        const { key, cert, certFile: file } = testCertificate();
        certFile = file;
        emulator = await startEmulator({ tls: { key, cert } });
    });
    after(() => emulator.close());
    beforeEach(() => emulator.reset());
    afterEach(async () => {
        await Promise.all(hosts.splice(0).map((h) => h.stop()));
        await Promise.all(proxies.splice(0).map((p) => p.stop()));
    });

    async function proxy(auth?: string): Promise<RunningProxy> {
        const p = await startProxy(auth);
        proxies.push(p);
        return p;
    }
    async function host(env: Record<string, string>, target: LogzioEmulator = emulator): Promise<ProviderHost> {
        const h = await startHost(target, { env: { NODE_EXTRA_CA_CERTS: certFile, ...proxyEnv(env) } });
        hosts.push(h);
        return h;
    }

    it("HTTPS_PROXY: every request goes through the proxy's CONNECT tunnel, and the proxy never sees the token", async () => {
        const p = await proxy();
        expect(emulator.url).to.match(/^https:\/\/127\.0\.0\.1:\d+$/);
        const h = await host({ HTTPS_PROXY: p.url });
        const { id } = await createVia(h, provider, "tunnelled", ARGS);
        expect(emulator.siemAccounts().map((a) => String(a.accountId))).to.deep.equal([id]);
        // Logz.io (the emulator) got the token; the proxy saw only CONNECTs to its host and port.
        expect(emulator.requests.length).to.be.greaterThan(0);
        expect(emulator.requests.every((r) => r.token === emulator.token)).to.equal(true);
        const target = new URL(emulator.url).host;
        expect(p.events.length).to.be.greaterThan(0);
        expect(p.events.every((e) => e.event === "connect" && e.url === target)).to.equal(true);
        for (const e of p.events) expect(Object.keys(e.headers ?? {})).to.not.include("x-api-token");
        // Nothing the proxy received holds the token: it travelled inside TLS to the emulator.
        expect(p.captured()).to.include(`CONNECT ${target}`);
        expect(p.captured()).to.not.include(emulator.token);
        expect(h.stdout() + h.stderr()).to.not.include(emulator.token);
    });

    it("https_proxy with user:password: the proxy gets the credentials; a refused tunnel names the proxy, never the password", async () => {
        const p = await proxy("siem-user:pr0xy-pa55word");
        const good = await host({ https_proxy: `http://siem-user:pr0xy-pa55word@127.0.0.1:${p.port}` });
        await createVia(good, provider, "authenticated", ARGS);
        expect(emulator.siemAccounts()).to.have.length(1);
        expect(p.events.some((e) => e.event === "connect" && e.headers?.["proxy-authorization"] !== undefined)).to.equal(true);

        emulator.reset();
        const bad = await host({ https_proxy: `http://siem-user:wr0ng-pa55word@127.0.0.1:${p.port}` });
        const urn = urnFor("refused");
        const checked = await bad.check(urn, {}, { __provider: provider, ...ARGS, accountName: "refused" });
        // An outage, not Logz.io's refusal of the token: the check passes (and warns).
        expect(checked.failures).to.deep.equal([]);
        const err = await hostError(bad.create(urn, checked.inputs));
        expect(err.message).to.include(
            `the proxy http://127.0.0.1:${p.port} (https_proxy) refused to open a tunnel to ${new URL(emulator.url).host} (HTTP 407`,
        );
        expect(err.message).to.include("Check that the proxy runs and lets this machine reach Logz.io");
        // Wrong credentials stay wrong: asked once, not retried.
        expect(err.message).to.not.include("attempts");
        const everything = err.message + bad.stdout() + bad.stderr() + good.stdout() + good.stderr();
        for (const secret of ["pa55word", "siem-user", "wr0ng"]) expect(everything).to.not.include(secret);
        expect(emulator.requests).to.have.length(0);
    });

    it("NO_PROXY exempts the API host: requests go straight to it, the proxy sees nothing", async () => {
        const p = await proxy();
        const h = await host({ HTTPS_PROXY: p.url, NO_PROXY: "example.com,127.0.0.1" });
        await createVia(h, provider, "direct", ARGS);
        expect(emulator.siemAccounts()).to.have.length(1);
        expect(p.events).to.deep.equal([]);
        expect(p.captured()).to.equal("");
    });

    it("a proxy that is down: check passes with one warning, create fails naming the proxy (not its password) and what to check", async () => {
        const port = await closedPort();
        const h = await host({ HTTPS_PROXY: `http://someone:d0wn-pa55word@127.0.0.1:${port}`, LOGZIO_SIEM_MAX_RETRIES: "0" });
        const { checks, warning } = await threeChecksOneWarning(h, provider, ["one", "two", "three"]);
        expect(warning).to.include(`could not connect to the proxy http://127.0.0.1:${port} (HTTPS_PROXY) on the way to ${emulator.url}`);

        const err = await hostError(h.create(urnFor("one"), checks[0].inputs));
        expect(err.message).to.include(
            `GET /v2/whoami failed: could not connect to the proxy http://127.0.0.1:${port} (HTTPS_PROXY) on the way to ${emulator.url} (ECONNREFUSED)`,
        );
        expect(err.message).to.include("Check that the proxy runs and lets this machine reach Logz.io (or list the API host in NO_PROXY");
        expect(err.message + h.stdout() + h.stderr()).to.not.include("d0wn-pa55word");
        expect(err.message + h.stdout() + h.stderr()).to.not.include("someone");
        expect(emulator.requests).to.have.length(0);
    });

    it("a proxy variable that cannot be used (a socks5 URL) is refused at check, naming the variable, never its password", async () => {
        const h = await host({ ALL_PROXY: "socks5://someone:s0cks-pa55word@127.0.0.1:1080" });
        const { failures } = await h.check(urnFor("socks"), {}, { __provider: provider, ...ARGS });
        const reasons = failures.map((f) => f.reason).join("\n");
        expect(reasons).to.include("the proxy in ALL_PROXY is a socks5 proxy: only http:// and https:// proxies are supported");
        expect(reasons + h.stderr()).to.not.include("s0cks-pa55word");
        expect(emulator.requests).to.have.length(0);
    });

    describe("an http API URL (a local emulator)", () => {
        let plain: LogzioEmulator;
        before(async () => (plain = await startEmulator()));
        after(() => plain.close());
        beforeEach(() => plain.reset());

        it("a proxy elsewhere (which could not reach this machine's loopback) is not used: the emulator is reached directly", async () => {
            // An unresolvable proxy: had the provider gone to it, every request would have failed.
            const h = await host({ HTTP_PROXY: "http://user:s3cret-proxy@proxy.example.invalid:3128" }, plain);
            await createVia(h, provider, "direct-local", ARGS);
            expect(plain.siemAccounts()).to.have.length(1);
            expect(h.stdout() + h.stderr()).to.not.include("s3cret-proxy");
        });

        it("a proxy on this machine forwards it", async () => {
            const p = await proxy();
            const h = await host({ http_proxy: p.url }, plain);
            await createVia(h, provider, "forwarded", ARGS);
            expect(plain.siemAccounts()).to.have.length(1);
            expect(p.events.some((e) => e.event === "request" && e.url === `${plain.url}/v2/account-management/siem`)).to.equal(true);
        });
    });
});

describe("proxyFor: which proxy, from which variable", () => {
    const saved = { ...process.env };
    afterEach(() => {
        for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
        Object.assign(process.env, saved);
    });
    const withEnv = (set: Record<string, string>) => Object.assign(process.env, proxyEnv(set));

    it("an http API URL elsewhere than this machine through a proxy elsewhere: refused, the proxy's password never shown", () => {
        withEnv({ HTTP_PROXY: "http://someone:pr0xy-secret@proxy.example.com:3128" });
        const route = proxyFor("http://logzio.example.com:8080");
        expect(E.isLeft(route) && route.left)
            .to.be.a("string")
            .and.include("(HTTP_PROXY)")
            .and.include("add its host to NO_PROXY");
        expect(JSON.stringify(route)).to.not.include("pr0xy-secret");
    });

    it("lower-case first, ALL_PROXY last, NO_PROXY's domain suffixes exempt", () => {
        withEnv({ https_proxy: "http://lower:3128", HTTPS_PROXY: "http://upper:3128", ALL_PROXY: "http://all:3128" });
        const lower = proxyFor("https://api.logz.io");
        expect(E.isRight(lower) && lower.right).to.include({ shown: "http://lower:3128", variable: "https_proxy" });
        withEnv({ ALL_PROXY: "http://all:3128", NO_PROXY: ".example.com" });
        const all = proxyFor("https://api.logz.io");
        expect(E.isRight(all) && all.right).to.include({ shown: "http://all:3128", variable: "ALL_PROXY" });
        expect(proxyFor("https://logzio.example.com")).to.deep.equal(E.right(undefined));
    });
});

describe("Logz.io unreachable at preview (real provider host)", function () {
    this.timeout(60_000);

    it("checks pass, with one warning for the main account naming the URL and what to check", async () => {
        const port = await closedPort();
        const url = `http://127.0.0.1:${port}`;
        const provider = await serializedProvider();
        const h = await startHost(undefined, {
            config: { "logzio:customApiUrl": url, "logzio:apiToken": "unreachable-token-0123456789" },
            env: proxyEnv({}),
        });
        try {
            const { warning } = await threeChecksOneWarning(h, provider, ["a", "b", "c"]);
            expect(warning).to.include(
                `warning: logzio:apiToken was not checked: Logz.io could not be reached: GET /v2/whoami failed: could not connect to ${url} (ECONNREFUSED)`,
            );
            expect(h.stderr()).to.include(
                "Check the network path to Logz.io: if this network needs a proxy, set HTTPS_PROXY (and NO_PROXY for hosts to reach directly), and that logzio:region or logzio:customApiUrl names your account's API.",
            );
            expect(h.stderr()).to.not.include("unreachable-token-0123456789");
        } finally {
            await h.stop();
        }
    });
});

/** Three checks of new resources while Logz.io cannot be reached: all pass, and the host warns once (its stderr here). */
async function threeChecksOneWarning(h: ProviderHost, provider: string, names: string[]) {
    const checks = await Promise.all(names.map((n) => h.check(urnFor(n), {}, { __provider: provider, ...ARGS, accountName: n })));
    expect(checks.map((c) => c.failures)).to.deep.equal(names.map(() => []));
    const warnings = h
        .stderr()
        .split("\n")
        .filter((l) => l.startsWith("warning: "));
    expect(warnings, h.stderr()).to.have.length(1);
    return { checks, warning: warnings[0] };
}
