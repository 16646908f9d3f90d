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

describe("emulator: Logz.io's cap on requests in flight per main account", function () {
    this.timeout(20_000);

    const LIST_URL = "/v1/associated-accounts";
    const CREATE_URL = "/v2/account-management/siem";

    /** A request with `token`; a failed fetch (the emulator closed under it) comes back as its Error. */
    function send(url: string, token: string, path: string, init: RequestInit = {}): Promise<Response | Error> {
        return fetch(`${url}${path}`, { ...init, headers: { "x-api-token": token, "content-type": "application/json" } }).catch(
            (e: unknown) => e as Error,
        );
    }

    it("by default (Logz.io's 100): the 101st request is answered 429 on arrival, plain text, no Retry-After, nothing created", async () => {
        const emulator = await startEmulator();
        try {
            expect(emulator.stats.maxInFlightLimit).to.equal(100);
            emulator.injectFaults(ROUTES.list, { kind: "delay", ms: 60_000, times: 100 });
            const held = Array.from({ length: 100 }, () => send(emulator.url, emulator.token, LIST_URL));
            await until(() => emulator.inFlightOn(ROUTES.list) === 100);
            const refused = await send(emulator.url, emulator.token, CREATE_URL, {
                method: "POST",
                body: JSON.stringify({ accountName: "one-too-many", email: "m@example.com" }),
            });
            if (refused instanceof Error) throw refused;
            expect(refused.status).to.equal(429);
            expect(await refused.text()).to.equal("Too Many Requests");
            expect(refused.headers.get("content-type")).to.equal("text/plain");
            expect(refused.headers.get("retry-after"), "Logz.io documents no Retry-After").to.equal(null);
            expect(emulator.siemAccounts(), "a refused create creates nothing").to.deep.equal([]);
            expect(emulator.stats).to.include({ rejected429: 1, maxInFlightPerAccount: 100, maxInFlightLimit: 100 });
            await emulator.close();
            await Promise.all(held);
        } finally {
            await emulator.close();
        }
    });

    it("every token of the main account counts against one cap; a token of no account is not counted (it gets 401)", async () => {
        const emulator = await startEmulator({ maxInFlight: 3, otherTokens: ["second-token-of-main"] });
        try {
            emulator.injectFaults(ROUTES.list, { kind: "delay", ms: 400, times: 3 });
            const held = [
                send(emulator.url, emulator.token, LIST_URL),
                send(emulator.url, emulator.token, LIST_URL),
                send(emulator.url, "second-token-of-main", LIST_URL),
            ];
            await until(() => emulator.inFlightOn(ROUTES.list) === 3);
            const statuses = async (...tokens: string[]) =>
                Promise.all(tokens.map(async (t) => ((await send(emulator.url, t, "/v2/whoami")) as Response).status));
            expect(await statuses(emulator.token, "second-token-of-main", "not-a-token-of-it")).to.deep.equal([429, 429, 401]);
            for (const r of await Promise.all(held)) expect((r as Response).status).to.equal(200);
            await until(() => emulator.stats.inFlight === 0);
            // Slots freed: the same tokens get in again.
            expect(await statuses(emulator.token, "second-token-of-main")).to.deep.equal([200, 200]);
            expect(emulator.stats).to.include({ rejected429: 2, maxInFlightPerAccount: 3, maxInFlightLimit: 3 });
            // The admin API shows the same figures (`logzio-emulator stats`).
            const admin = await fetch(`${emulator.url}/__emulator/stats`, { headers: { "x-api-token": emulator.token } });
            expect(await admin.json()).to.deep.equal(emulator.stats);
        } finally {
            await emulator.close();
        }
    });
});
