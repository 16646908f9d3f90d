// LogzioClient against a real LogzioEmulator over loopback (fixture: test/helpers/logzioClients.ts): the in-flight cap
// (logzio-siem:maxConcurrency) holds and is used, a 429 from Logz.io's own cap halves the slots and answers grow
// them back, and a server limit equal to the cap refuses nothing.
import { expect } from "chai";
import * as E from "fp-ts/Either";
import { LogzioEmulator } from "../../emulator/server";
import { left, right } from "../helpers/support";
import { LIST, TOKEN, logzioClients } from "../helpers/logzioClients";
import { deadlineIn } from "../../provider/logzio/deadline";

describe("LogzioClient keeps its requests in flight under the cap (against the emulator)", function () {
    this.timeout(10_000);
    let emulator: LogzioEmulator;
    const { clientWith } = logzioClients((e) => (emulator = e));

    describe("concurrency", () => {
        it("60 concurrent lists through maxConcurrency 5 never have more than 5 in flight", async () => {
            emulator.setLatency(20);
            const client = clientWith({ maxConcurrency: 5 });
            const results = await Promise.all(Array.from({ length: 60 }, () => client.listAccounts(deadlineIn(8000))()));
            expect(results.every(E.isRight)).to.equal(true);
            expect(emulator.count(LIST)).to.equal(60);
            expect(emulator.stats.maxInFlight).to.be.at.most(5);
            // ...and the cap is actually used, not serialised to one.
            expect(emulator.stats.maxInFlight).to.equal(5);
            expect(client.limiter.inFlight).to.equal(0);
        });

        it("a 429 from Logz.io's cap halves the host's slots (from half the ceiling); answers grow them back to the ceiling, never past it", async () => {
            const client = clientWith({ maxConcurrency: 8, maxRetries: 0 });
            expect(client.limiter.slots, "slow start: half of logzio-siem:maxConcurrency").to.equal(4);
            // Another client of the main account holds all of Logz.io's room (3 here) while ours asks.
            emulator.setMaxInFlight(3);
            emulator.injectFaults(LIST, { kind: "delay", ms: 300, times: 3 });
            const others = Array.from({ length: 3 }, () =>
                fetch(`${emulator.url}/v1/associated-accounts`, { headers: { "x-api-token": TOKEN } }),
            );
            const end = Date.now() + 5000;
            while (emulator.inFlightOn(LIST) < 3 && Date.now() < end) await new Promise((r) => setTimeout(r, 5));
            const f = await left(client.listAccounts(deadlineIn(5000)));
            expect(f).to.include({ kind: "http", status: 429 });
            expect(client.limiter.slots).to.equal(2);
            await Promise.all(others);
            emulator.setMaxInFlight(100);
            await Promise.all(Array.from({ length: 60 }, () => right(client.listAccounts(deadlineIn(8000)))));
            expect(client.limiter.slots).to.equal(8);
            expect(client.limiter.inFlight).to.equal(0);
        });

        it("under a server limit equal to the cap, no request is refused with 429", async () => {
            emulator.setLatency(10);
            emulator.setMaxInFlight(5);
            const client = clientWith({ maxConcurrency: 5 });
            await Promise.all(Array.from({ length: 30 }, () => right(client.listAccounts(deadlineIn(8000)))));
            expect(emulator.stats.rejected429).to.equal(0);
            expect(emulator.count(LIST)).to.equal(30);
        });
    });
});
