// The emulator's per-route in-flight count: what the e2e journeys wait on to interrupt `pulumi up` while its
// create POST is in flight (held by a `delay` fault), instead of sleeping a guessed time.
import { expect } from "chai";
import { ROUTES } from "../../emulator/server";
import { startEmulator } from "../helpers/support";

async function until(cond: () => boolean): Promise<void> {
    const end = Date.now() + 5000;
    while (!cond()) {
        if (Date.now() > end) throw new Error("timed out");
        await new Promise((r) => setTimeout(r, 5));
    }
}

describe("emulator: inFlightOn(route)", function () {
    this.timeout(10_000);

    it("counts a held POST while it is held, only on its route, and drops it when answered", async () => {
        const emulator = await startEmulator();
        try {
            emulator.injectFaults(ROUTES.create, { kind: "delay", ms: 300 });
            const post = fetch(`${emulator.url}/v2/account-management/siem`, {
                method: "POST",
                headers: { "x-api-token": emulator.token, "content-type": "application/json" },
                body: JSON.stringify({ accountName: "held", email: "h@example.com" }),
            });
            await until(() => emulator.inFlightOn(ROUTES.create) === 1);
            expect(emulator.inFlightOn(ROUTES.list)).to.equal(0);
            expect(emulator.siemAccounts(), "a delay holds the POST before it creates").to.deep.equal([]);
            expect((await post).status).to.equal(200);
            await until(() => emulator.inFlightOn(ROUTES.create) === 0);
            expect(emulator.siemAccounts().map((a) => a.accountName)).to.deep.equal(["held"]);
        } finally {
            await emulator.close();
        }
    });

    it("a client gone mid-hold leaves the count at once, and Logz.io still creates the account", async () => {
        const emulator = await startEmulator();
        try {
            emulator.injectFaults(ROUTES.create, { kind: "delay", ms: 300 });
            const abort = new AbortController();
            const post = fetch(`${emulator.url}/v2/account-management/siem`, {
                method: "POST",
                headers: { "x-api-token": emulator.token, "content-type": "application/json" },
                body: JSON.stringify({ accountName: "orphan", email: "o@example.com" }),
                signal: abort.signal,
            }).catch((e: unknown) => e);
            await until(() => emulator.inFlightOn(ROUTES.create) === 1);
            abort.abort();
            await post;
            await until(() => emulator.inFlightOn(ROUTES.create) === 0);
            await until(() => emulator.siemAccounts().length === 1);
            expect(emulator.count(ROUTES.create)).to.equal(1);
        } finally {
            await emulator.close();
        }
    });
});
