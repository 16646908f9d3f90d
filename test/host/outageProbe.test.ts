// Check's token probe during an outage, through Pulumi's real dynamic-provider host against the emulator: a whoami that
// never answers is probed once per host within logzio-siem:tokenCheckTimeoutSeconds, every check passes, and a create
// right after a timed-out probe asks whoami itself.
import { expect } from "chai";
import { LogzioEmulator, ROUTES } from "../../emulator";
import { urnFor } from "../../testing/runner/hostDriver";
import { hostFixtures, createVia } from "../helpers/support";

describe("an outage is probed once per host, within check's own budget", function () {
    this.timeout(60_000);
    let emulator: LogzioEmulator;
    let provider: string;
    const host = hostFixtures("test", (f) => ({ provider, emulator } = f));

    it("sequential checks against a whoami that never answers: one probe, each check passes", async () => {
        emulator.injectFaults(ROUTES.whoami, ...Array.from({ length: 50 }, () => ({ kind: "hang" as const })));
        const h = await host({ config: { "logzio-siem:requestTimeoutSeconds": "120", "logzio-siem:tokenCheckTimeoutSeconds": "1" } });
        for (let i = 0; i < 6; i++) {
            const { failures } = await h.check(urnFor(`r${i}`), {}, { __provider: provider, accountName: `r${i}`, email: "r@example.com" });
            expect(failures).to.deep.equal([]);
        }
        expect(emulator.count(ROUTES.whoami)).to.equal(1);
    });

    it("a create right after a timed-out probe asks whoami itself instead of failing on the probe", async () => {
        emulator.injectFaults(ROUTES.whoami, { kind: "hang" });
        const h = await host({ config: { "logzio-siem:tokenCheckTimeoutSeconds": "1" } });
        const created = await createVia(h, provider, "after", { accountName: "after", email: "a@example.com" });
        expect(created.properties.mainAccountId).to.equal(100000);
        expect(emulator.count(ROUTES.whoami)).to.equal(2);
    });

    it("tokenCheckTimeoutSeconds is checked like the other numbers", async () => {
        const h = await host({ config: { "logzio-siem:tokenCheckTimeoutSeconds": "0" } });
        const { failures } = await h.check(urnFor("t"), {}, { __provider: provider, accountName: "t", email: "t@example.com" });
        expect(failures[0].reason).to.include(
            "logzio-siem:tokenCheckTimeoutSeconds (or LOGZIO_SIEM_TOKEN_CHECK_TIMEOUT_SECONDS) must be a number from 1 to 120",
        );
    });
});
