// Logz.io out of reach, through the real CLI: `pulumi preview` still passes (an outage is not a wrong token), but
// says once per main account that the token went unchecked, naming the URL; `pulumi up` fails naming the URL and
// what to check (the proxy variables, region, customApiUrl). A Logz.io that never answers costs a preview one token
// probe, not one per resource.
import { expect } from "chai";
import { ROUTES } from "../../emulator/server";
import { stepsFor } from "../../harness/e2e/stack";
import { e2eDescribe, expectFailed, expectOk, initAgainst, startEmulator } from "./support";

const PROGRAM = "test/e2e/programs/siem-accounts";
const occurrences = (text: string, part: string) => text.split(part).length - 1;

e2eDescribe("Logz.io unreachable", (ctx) => {
    it("`pulumi preview` passes with one warning naming the URL; `pulumi up` fails naming the URL and what to check", async () => {
        // An emulator started and stopped: its port on loopback refuses connections.
        const emulator = await startEmulator();
        const { url, token } = emulator;
        await emulator.close();
        const stack = ctx.project(PROGRAM);
        const accounts = ["a", "b", "c"].map((n) => ({ resourceName: n, accountName: `unreachable-${n}`, email: `${n}@example.com` }));
        await stack.init(
            { "logzio:customApiUrl": url, accounts: JSON.stringify(accounts), "logzio-siem:maxRetries": "1" },
            { "logzio:apiToken": token },
        );

        const preview = await stack.preview();
        expectOk(preview, "pulumi preview with Logz.io unreachable");
        const warning = `logzio:apiToken was not checked: Logz.io could not be reached: GET /v2/whoami failed: could not connect to ${url} (ECONNREFUSED)`;
        // Shown as a warning of the command, once for the main account however many resources were checked.
        const warnings = preview.events.filter((e) => e.diagnosticEvent?.severity === "warning").map((e) => e.diagnosticEvent!.message);
        expect(
            warnings.filter((m) => m.includes(warning)),
            `warnings: ${JSON.stringify(warnings)}`,
        ).to.have.length(1);
        // In a log the stack's progress row repeats a warning's first line; under Diagnostics it is said once, whole.
        const outsideRows = preview.output.split("\n").filter((l) => l.includes(warning) && !/^\s*\+\s+pulumi:pulumi:Stack /.test(l));
        expect(outsideRows, preview.output).to.have.length(1);
        expect(outsideRows[0]).to.match(/^\s*warning: logzio:apiToken was not checked: /);
        const advice =
            "Check the network path to Logz.io: if this network needs a proxy, set HTTPS_PROXY (and NO_PROXY for hosts to reach directly), " +
            "and that logzio:region or logzio:customApiUrl names your account's API.";
        expect(occurrences(preview.output, advice), preview.output).to.equal(1);
        expect(preview.output).to.not.include(token);

        const up = await stack.up();
        expectFailed(up, "pulumi up with Logz.io unreachable");
        expect(up.output).to.include(`could not connect to ${url} (ECONNREFUSED)`);
        expect(up.output).to.include(
            "set HTTPS_PROXY (and NO_PROXY for hosts to reach directly), and that logzio:region or logzio:customApiUrl",
        );
        expect(up.output).to.not.include(token);
    });

    it("`pulumi preview` of 25 resources against an API that never answers: one whoami, about one probe budget", async () => {
        // The default requestTimeoutSeconds (120): before, each check waited for it in turn (25 x 120 s).
        const accounts = Array.from({ length: 25 }, (_, i) => ({
            resourceName: `r${i}`,
            accountName: `outage-${i}`,
            email: `o${i}@example.com`,
        }));
        const emulator = await startEmulator();
        try {
            const stack = ctx.project(PROGRAM);
            await initAgainst(stack, emulator, { accounts: JSON.stringify(accounts) });
            emulator.injectFaults(ROUTES.whoami, ...Array.from({ length: 100 }, () => ({ kind: "hang" as const })));
            const started = Date.now();
            const preview = await stack.preview();
            const seconds = (Date.now() - started) / 1000;
            expectOk(preview, "pulumi preview during the outage");
            expect(stepsFor(preview)).to.have.length(25);
            expect(emulator.count(ROUTES.whoami), "whoami attempts").to.be.at.most(2);
            // One probe (5 s) plus the engine's own time; generous for a loaded machine, far below even two checks' 240 s.
            expect(seconds, "preview seconds").to.be.below(150);
        } finally {
            await emulator.close();
        }
    });
});
