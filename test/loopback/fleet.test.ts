// A fleet: 8 independent provider hosts (each its own HostAccounts, so its own client, cap, list directory and claims,
// as 8 worker machines would have) with logzio-siem:maxConcurrency 25 create 25 accounts each at once against one
// emulator that allows Logz.io's 100 requests in flight per main account. Their caps add up to 200: what must hold
// whatever the scheduling is asserted, never how many 429s or how long.
import { expect } from "chai";
import { LogzioEmulator, ROUTES } from "../../emulator/server";
import { startEmulator, testSettings } from "../helpers/support";
import { LogzioClient } from "../../provider/logzio/logzioClient";
import { HostAccounts } from "../../provider/host/hostAccounts";
import { SiemAccountProvider } from "../../provider/lifecycle/siemAccountProvider";
import * as E from "fp-ts/Either";

const HOSTS = 8;
const PER_HOST = 25;

describe("a fleet of 8 hosts against Logz.io's 100 requests in flight", function () {
    this.timeout(120_000);
    let emulator: LogzioEmulator;
    const clients: LogzioClient[] = [];

    before(async () => {
        emulator = await startEmulator({ latencyMs: 30 });
    });
    after(async () => {
        for (const c of clients) c.close();
        await emulator.close();
    });

    it("creates every account exactly once, with no failure, never above 100 in flight, each POST repeated only after a 429", async () => {
        expect(emulator.stats.maxInFlightLimit).to.equal(100);
        const hosts = Array.from({ length: HOSTS }, () => {
            // Patient enough that a 429 is never the end on 2 busy cores: the fleet's 429s are retried, as today.
            const account = new HostAccounts().accountOf(
                testSettings(emulator, {
                    maxConcurrency: 25,
                    maxRetries: 20,
                    requestTimeoutMs: 100_000,
                    retryBaseMs: 10,
                    maxBackoffMs: 200,
                }),
            );
            clients.push(account.client);
            return new SiemAccountProvider(() => E.right(account));
        });
        const names = (h: number) => Array.from({ length: PER_HOST }, (_, i) => `fleet-${h}-${i}`);
        // As the engine does: every check first, then the creates, all hosts at once.
        const checked = await Promise.all(
            hosts.map((p, h) => Promise.all(names(h).map((name) => p.check({}, { accountName: name, email: `${name}@example.com` })))),
        );
        for (const c of checked.flat()) expect(c.failures).to.deep.equal([]);
        const settled = await Promise.allSettled(hosts.flatMap((p, h) => checked[h].map((c) => p.create(c.inputs!))));

        const failed = settled.filter((s): s is PromiseRejectedResult => s.status === "rejected");
        expect(failed.map((f) => String(f.reason)).slice(0, 3), "failures").to.deep.equal([]);
        const expected = Array.from({ length: HOSTS }, (_, h) => names(h))
            .flat()
            .sort();
        const created = emulator.siemAccounts();
        expect(created.map((a) => a.accountName).sort(), "every account exactly once").to.deep.equal(expected);
        expect(new Set(created.map((a) => a.accountId)).size).to.equal(expected.length);
        expect(emulator.stats.maxInFlightPerAccount, "never above Logz.io's 100 in flight").to.be.at.most(100);

        // Each create's POSTs: every one but the last was answered 429 (Logz.io did not act); the last created it.
        for (const name of expected) {
            const posts = emulator.requestsTo(ROUTES.create).filter((r) => (r.body as { accountName?: string }).accountName === name);
            expect(
                posts.slice(0, -1).map((r) => r.status),
                `${name}: repeated only after a 429`,
            ).to.deep.equal(posts.slice(0, -1).map(() => 429));
            expect(posts[posts.length - 1].status, name).to.equal(200);
        }
    });
});
