// The account directory (provider/lookups/accountDirectory.ts) against the emulator over loopback HTTP, with the real
// client: only what does not depend on timing. Every lookup uses a list requested at or after it asked (checked
// for every lookup through the directory's diagnostics channel), a lone lookup starts its list at once, lists in
// flight never pass the bound (also in the directory the host builds, hostAccounts.ts, whose bound follows the shared
// cap), bursts share a few lists, and a failed list is never reused.
import * as dc from "node:diagnostics_channel";
import { expect } from "chai";
import * as E from "fp-ts/Either";
import * as TE from "fp-ts/TaskEither";
import { pipe } from "fp-ts/function";
import { LogzioEmulator, ROUTES } from "../../emulator";
import { AccountDirectory, LISTS_IN_FLIGHT, LOOKUP_CHANNEL, Listing, LookupRecord } from "../../provider/lookups/accountDirectory";
import { Failure } from "../../provider/logzio/errors";
import { deadlineIn } from "../../provider/logzio/deadline";
import { HostAccounts } from "../../provider/host/hostAccounts";
import { LogzioClient } from "../../provider/logzio/logzioClient";
import { emulatorPerSuite, testSettings } from "../helpers/support";

const LIST = ROUTES.list;

describe("account directory: fresh lists, shared, without waiting for the one in flight", function () {
    this.timeout(30_000);
    let emulator: LogzioEmulator;
    let clients: LogzioClient[] = [];
    let records: LookupRecord[] = [];
    const record = (m: unknown) => records.push(m as LookupRecord);

    emulatorPerSuite({ token: "fake-token-directory-0ddba11" }, (e) => (emulator = e));
    before(() => dc.subscribe(LOOKUP_CHANNEL, record));
    after(() => dc.unsubscribe(LOOKUP_CHANNEL, record));
    beforeEach(() => {
        emulator.reset();
        emulator.setLatency(20);
        records = [];
    });
    afterEach(() => {
        for (const c of clients) c.close();
        clients = [];
        emulator.setLatency(0);
    });

    /** A directory over the real client, counting the lists it starts and how many are in flight at once. */
    function directoryWith(maxConcurrency = 25): { directory: AccountDirectory; started: () => number; mostInFlight: () => number } {
        const account = new HostAccounts().accountOf(testSettings(emulator, { maxConcurrency, maxRetries: 0 }));
        clients.push(account.client);
        let started = 0;
        let inFlight = 0;
        let most = 0;
        const fetchList = (): TE.TaskEither<Failure, Listing> => () => {
            started++;
            most = Math.max(most, ++inFlight);
            return account.client
                .listAccounts(deadlineIn(5000))()
                .then((r) => {
                    inFlight--;
                    return pipe(
                        r,
                        E.map((accounts) => ({ accounts })),
                    );
                });
        };
        const directory = new AccountDirectory(fetchList, account.directory.maxInFlight);
        return { directory, started: () => started, mostInFlight: () => most };
    }

    const lookup = (d: AccountDirectory) => d.list(d.now(), deadlineIn(10_000))();
    const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
    const names = (r: E.Either<Failure, Listing>) => (E.isRight(r) ? r.right.accounts.map((a) => a.accountName) : []);

    it("a caller whose gathering list starts at once (its host paused past the quiet time) gets that list, not an error", async () => {
        // The directory's clock moves 10 ms at each reading, as if the host were descheduled between two readings.
        const account = new HostAccounts().accountOf(testSettings(emulator, { maxRetries: 0 }));
        clients.push(account.client);
        let clock = 0;
        const fetchList = (): TE.TaskEither<Failure, Listing> =>
            pipe(
                account.client.listAccounts(deadlineIn(5000)),
                TE.map((accounts) => ({ accounts })),
            );
        const directory = new AccountDirectory(fetchList, 2, () => (clock += 10));
        const first = directory.list(directory.now(), deadlineIn(5000))();
        const second = directory.list(directory.now(), deadlineIn(5000))();
        const [a, b] = await Promise.all([first, second]);
        expect(names(a)).to.include("main-account");
        expect(names(b)).to.include("main-account");
        expect(emulator.count(LIST), "the second caller's own list, started at once").to.equal(2);
    });

    /** The freshness rule, for every lookup seen on the channel. */
    function expectAllFresh(n: number): void {
        expect(records, "every lookup published").to.have.length(n);
        for (const r of records) expect(r.listStarted, "list requested at or after the lookup asked").to.be.at.least(r.asked);
    }

    it("a lone lookup starts its list at once: the request is under way before list() returns", async () => {
        const { directory, started } = directoryWith();
        const pending = lookup(directory);
        expect(started(), "no timer, no gather: started synchronously").to.equal(1);
        expect(E.isRight(await pending)).to.equal(true);
        // The next one, alone again, starts its own list at once too (the answered one was requested before it asked).
        const again = lookup(directory);
        expect(started()).to.equal(2);
        await again;
        expect(emulator.count(LIST)).to.equal(2);
        expectAllFresh(2);
    });

    it("a change made in Logz.io while a list is in flight is seen by a lookup asked after it", async () => {
        const { directory } = directoryWith();
        const a = emulator.addAccount({ accountName: "before-rename", createdAt: "2020-01-01T00:00:00Z" });
        const first = lookup(directory);
        await sleep(5); // the first list is in flight (20 ms latency)
        emulator.renameAccount(a.accountId, "after-rename");
        const second = lookup(directory);
        expect(names(await second))
            .to.include("after-rename")
            .and.not.include("before-rename");
        await first;
        expect(emulator.count(LIST), "the list in flight was not reused by the later lookup").to.equal(2);
        expectAllFresh(2);
        expect(records[1].list).to.not.equal(records[0].list);
    });

    it("500 lookups at once share at most 3 lists, every one of them fresh", async () => {
        const { directory, started } = directoryWith();
        const results = await Promise.all(Array.from({ length: 500 }, () => lookup(directory)));
        expect(results.every(E.isRight)).to.equal(true);
        expect(started()).to.be.within(1, 3);
        expectAllFresh(500);
    });

    for (const maxConcurrency of [25, 1]) {
        const bound = Math.min(LISTS_IN_FLIGHT, maxConcurrency);
        it(`lookups arriving in waves never have more than ${bound} list(s) in flight (maxConcurrency ${maxConcurrency}), all fresh`, async () => {
            const { directory, started, mostInFlight } = directoryWith(maxConcurrency);
            expect(directory.maxInFlight).to.equal(bound);
            const all: Promise<E.Either<Failure, Listing>>[] = [];
            // 40 waves of 8, a few ms apart: each wave finds lists in flight.
            for (let wave = 0; wave < 40; wave++) {
                for (let i = 0; i < 8; i++) all.push(lookup(directory));
                await sleep(wave % 4);
            }
            const results = await Promise.all(all);
            expect(results.every(E.isRight)).to.equal(true);
            expect(mostInFlight(), "lists in flight at once").to.be.at.most(bound);
            expect(directory.peakInFlight).to.be.at.most(bound);
            expect(started()).to.be.lessThan(320);
            expectAllFresh(320);
        });
    }

    /** Lookups in 40 waves of 8, a few ms apart, on a directory as the host builds it: each wave finds lists in flight. */
    async function waves(directory: AccountDirectory): Promise<void> {
        const all: Promise<E.Either<Failure, Listing>>[] = [];
        for (let wave = 0; wave < 40; wave++) {
            for (let i = 0; i < 8; i++) all.push(lookup(directory));
            await sleep(wave % 4);
        }
        expect((await Promise.all(all)).every(E.isRight)).to.equal(true);
        expectAllFresh(320);
    }

    for (const maxConcurrency of [1, 2]) {
        it(`the host's own directory (maxConcurrency ${maxConcurrency}) never has more lists in flight than the cap`, async () => {
            const account = new HostAccounts().accountOf(testSettings(emulator, { maxConcurrency, maxRetries: 0 }));
            clients.push(account.client);
            expect(account.directory.maxInFlight).to.equal(maxConcurrency);
            await waves(account.directory);
            expect(account.directory.peakInFlight, "lists in flight at once").to.be.at.most(maxConcurrency);
        });
    }

    it("a second namespace lowering the shared cap lowers the lists in flight with it", async () => {
        const host = new HostAccounts();
        const first = host.accountOf(testSettings(emulator, { maxConcurrency: 25, maxRetries: 0 }));
        const second = host.accountOf(testSettings(emulator, { maxConcurrency: 1, maxRetries: 0 }));
        clients.push(first.client);
        expect(second.directory, "one directory per main account").to.equal(first.directory);
        expect(first.directory.maxInFlight).to.equal(1);
        await waves(first.directory);
        expect(first.directory.peakInFlight, "lists in flight at once").to.be.at.most(1);
    });

    it("a failed list is never reused: the next lookup asks Logz.io again", async () => {
        const { directory } = directoryWith();
        emulator.injectFaults(LIST, { kind: "status", status: 503 });
        const failed = await lookup(directory);
        expect(E.isLeft(failed)).to.equal(true);
        const next = await lookup(directory);
        expect(E.isRight(next)).to.equal(true);
        expect(emulator.count(LIST)).to.equal(2);
    });

    it("an older list is taken only by a caller that says so (the check's early warning), never by a lookup", async () => {
        const { directory, started } = directoryWith();
        await lookup(directory);
        const asked = directory.now();
        expect(E.isRight(await directory.list(asked, deadlineIn(5000), asked - 10_000)())).to.equal(true);
        expect(started(), "the answered list served it").to.equal(1);
        await lookup(directory);
        expect(started()).to.equal(2);
        expect(records.map((r) => r.fresh)).to.deep.equal([true, false, true]);
    });

    it("a caller that accepts an older list takes the answered one rather than wait for one in flight", async () => {
        const { directory, started } = directoryWith();
        await lookup(directory);
        const inFlight = lookup(directory); // a second list, still in flight (20 ms latency)
        const asked = directory.now();
        await directory.list(asked, deadlineIn(5000), asked - 10_000)();
        expect(started()).to.equal(2);
        await inFlight;
        const lenient = records.find((r) => !r.fresh)!;
        expect(lenient.list, "served by the first, answered list").to.equal(1);
    });
});
