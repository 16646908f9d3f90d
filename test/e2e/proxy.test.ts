// A proxy from the environment through the real CLI: `pulumi up` run with HTTPS_PROXY set (as a shell would set it)
// reaches Logz.io (the emulator over https, its test certificate trusted through NODE_EXTRA_CA_CERTS) only through
// the proxy's CONNECT tunnel, and nothing the proxy received holds the token.
import { expect } from "chai";
import { LogzioEmulator } from "../../emulator";
import { proxyEnv, startProxy, testCertificate } from "../helpers/proxySupport";
import { QUICKSTART_EMAIL, e2eDescribe, expectOk, initAgainst, startEmulator } from "./support";

e2eDescribe("a proxy from the environment", (ctx) => {
    let emulator: LogzioEmulator | undefined;
    afterEach(() => emulator?.close());

    it("`pulumi up` with HTTPS_PROXY creates the account through the proxy's tunnel; the proxy never sees the token", async () => {
        const { key, cert, certFile } = testCertificate();
        emulator = await startEmulator({ tls: { key, cert } });
        const proxy = await startProxy();
        try {
            const stack = ctx.project("examples/quickstart", { name: "logzio-siem-quickstart" });
            await initAgainst(stack, emulator, QUICKSTART_EMAIL);
            const up = await stack.up({ engineEnv: { ...proxyEnv({ HTTPS_PROXY: proxy.url }), NODE_EXTRA_CA_CERTS: certFile } });
            expectOk(up, "pulumi up through the proxy");
            expect(emulator.siemAccounts()).to.have.length(1);
            const target = new URL(emulator.url).host;
            expect(proxy.events.length).to.be.greaterThan(0);
            expect(proxy.events.every((e) => e.event === "connect" && e.url === target)).to.equal(true);
            expect(emulator.requests.every((r) => r.token === emulator!.token)).to.equal(true);
            expect(proxy.captured()).to.include(`CONNECT ${target}`);
            expect(proxy.captured()).to.not.include(emulator.token);
            expect(up.output).to.not.include(emulator.token);
        } finally {
            await proxy.stop();
        }
    });
});
