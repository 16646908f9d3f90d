// LogzioClient against a real LogzioEmulator over loopback (fixture: test/helpers/logzioClients.ts): which answers
// are retried (a GET on 429/5xx/reset, a POST only when nothing can have been created), Retry-After in seconds and as
// a date, the deadline over a whole operation, and the per-attempt timeout.
import { expect } from "chai";
import { LogzioEmulator } from "../../emulator/server";
import { left, right } from "../helpers/support";
import { CREATE, LIST, OWNER, TOKEN, WHOAMI, logzioClients, request } from "../helpers/logzioClients";
import { describeFailure } from "../../provider/logzio/errors";
import { deadlineIn } from "../../provider/logzio/deadline";
import { safeToRepeatPost } from "../../provider/logzio/postRepeat";
import { parseRetryAfter } from "../../provider/logzio/retryTiming";

describe("LogzioClient retries what is safe to repeat, within its time limits (against the emulator)", function () {
    this.timeout(10_000);
    let emulator: LogzioEmulator;
    const { clientWith } = logzioClients((e) => (emulator = e));

    describe("retries", () => {
        for (const status of [429, 500, 502, 503, 504]) {
            it(`GET answered ${status} twice is retried and recovers`, async () => {
                emulator.injectFaults(LIST, { kind: "status", status }, { kind: "status", status });
                const list = await right(clientWith().listAccounts(deadlineIn(5000)));
                expect(list.map((a) => a.accountId)).to.deep.equal([OWNER]);
                expect(emulator.count(LIST)).to.equal(3);
            });
        }

        it("GET gives up after maxRetries and says how many attempts it made", async () => {
            emulator.injectFaults(LIST, ...Array.from({ length: 10 }, () => ({ kind: "status" as const, status: 503 })));
            const f = await left(clientWith({ maxRetries: 2 }).listAccounts(deadlineIn(5000)));
            expect(f).to.include({ kind: "http", status: 503 });
            expect(describeFailure(f)).to.include("(after 3 attempts)");
            expect(emulator.count(LIST)).to.equal(3);
        });

        it("a connection reset on a GET is retried", async () => {
            emulator.injectFaults(LIST, { kind: "resetBeforeCommit" });
            await right(clientWith().listAccounts(deadlineIn(5000)));
            expect(emulator.count(LIST)).to.equal(2);
        });

        for (const status of [400, 401, 403, 404, 409, 422]) {
            it(`GET answered ${status} makes exactly one request`, async () => {
                emulator.injectFaults(LIST, { kind: "status", status, body: JSON.stringify({ message: `status ${status}` }) });
                const f = await left(clientWith().listAccounts(deadlineIn(5000)));
                expect(f).to.include({ kind: "http", status, message: `status ${status}` });
                expect(emulator.count(LIST)).to.equal(1);
            });
        }

        it("POST answered 429 is retried (nothing was created) and creates exactly one account", async () => {
            emulator.injectFaults(CREATE, { kind: "status", status: 429 }, { kind: "status", status: 429 });
            const res = await right(
                clientWith().createSiemAccount(request({ accountName: "siem-429", email: "a@b.co" }), deadlineIn(5000)),
            );
            expect(res.accountName).to.equal("siem-429");
            expect(emulator.count(CREATE)).to.equal(3);
            expect(emulator.siemAccounts()).to.have.length(1);
            // Every retried POST carried the whole body (unlike the Terraform client, see docs/logzio-api.md).
            for (const r of emulator.requests) expect(r.body).to.deep.equal({ accountName: "siem-429", email: "a@b.co" });
        });

        for (const status of [500, 502, 503, 504]) {
            it(`POST answered ${status} is not retried (exactly one POST)`, async () => {
                emulator.injectFaults(CREATE, { kind: "status", status });
                const f = await left(clientWith().createSiemAccount(request({ accountName: "s", email: "a@b.co" }), deadlineIn(5000)));
                expect(f).to.include({ kind: "http", status });
                expect(emulator.count(CREATE)).to.equal(1);
            });
        }

        it("POST answered 502 after the account was created is not retried: one POST, one account", async () => {
            emulator.injectFaults(CREATE, { kind: "statusAfterCommit", status: 502 });
            const f = await left(clientWith().createSiemAccount(request({ accountName: "s", email: "a@b.co" }), deadlineIn(5000)));
            expect(f).to.include({ kind: "http", status: 502 });
            expect(emulator.count(CREATE)).to.equal(1);
            expect(emulator.siemAccounts()).to.have.length(1);
        });

        for (const kind of ["resetBeforeCommit", "resetAfterCommit"] as const) {
            it(`POST hit by ${kind} is not retried and is marked as possibly sent`, async () => {
                emulator.injectFaults(CREATE, { kind });
                const f = await left(clientWith().createSiemAccount(request({ accountName: "s", email: "a@b.co" }), deadlineIn(5000)));
                expect(f).to.include({ kind: "network", sent: true });
                expect(safeToRepeatPost(f)).to.equal(false);
                expect(emulator.count(CREATE)).to.equal(1);
                expect(emulator.siemAccounts()).to.have.length(kind === "resetAfterCommit" ? 1 : 0);
            });
        }

        it("POST that could not connect at all is retried (it cannot have arrived)", async () => {
            const gone = await LogzioEmulator.start({ token: TOKEN });
            const url = gone.url;
            await gone.close();
            const started = Date.now();
            const f = await left(
                clientWith({ apiUrl: url, maxRetries: 2 }).createSiemAccount(
                    request({ accountName: "s", email: "a@b.co" }),
                    deadlineIn(5000),
                ),
            );
            expect(f).to.include({ kind: "network", sent: false });
            expect(describeFailure(f)).to.include(`could not connect to ${url} (ECONNREFUSED)`);
            expect(describeFailure(f)).to.include("(after 3 attempts)");
            expect(Date.now() - started).to.be.below(3000);
        });
    });

    describe("Retry-After", () => {
        it("in seconds is honoured on a GET", async () => {
            emulator.injectFaults(LIST, { kind: "status", status: 503, headers: { "retry-after": "1" } });
            const started = Date.now();
            await right(clientWith().listAccounts(deadlineIn(5000)));
            const gap = emulator.requests[1].at - emulator.requests[0].at;
            expect(emulator.count(LIST)).to.equal(2);
            expect(gap).to.be.at.least(900);
            expect(Date.now() - started).to.be.within(900, 4000);
        });

        it("as an HTTP date is honoured on a POST 429", async () => {
            // HTTP dates have whole seconds: now + 1.5 s truncates to a wait between 0.5 s and 1.5 s.
            const at = new Date(Date.now() + 1500).toUTCString();
            emulator.injectFaults(CREATE, { kind: "status", status: 429, body: "Too Many Requests", headers: { "Retry-After": at } });
            await right(clientWith().createSiemAccount(request({ accountName: "s", email: "a@b.co" }), deadlineIn(5000)));
            const gap = emulator.requests[1].at - emulator.requests[0].at;
            expect(emulator.count(CREATE)).to.equal(2);
            expect(gap).to.be.at.least(400);
            expect(gap).to.be.below(3000);
        });

        it("longer than the time left: gives up at once instead of waiting", async () => {
            emulator.injectFaults(LIST, { kind: "status", status: 503, headers: { "retry-after": "30" } });
            const started = Date.now();
            const f = await left(clientWith().listAccounts(deadlineIn(2000)));
            expect(f).to.include({ kind: "http", status: 503, retryAfterMs: 30_000 });
            expect(Date.now() - started).to.be.below(500);
            expect(emulator.count(LIST)).to.equal(1);
        });

        describe("parseRetryAfter", () => {
            const now = Date.parse("Wed, 21 Oct 2015 07:28:00 GMT");
            it("seconds", () => {
                expect(parseRetryAfter("0", now)).to.equal(0);
                expect(parseRetryAfter("2", now)).to.equal(2000);
                expect(parseRetryAfter(" 120 ", now)).to.equal(120_000);
            });
            it("an HTTP date in the future is the time until then", () => {
                expect(parseRetryAfter("Wed, 21 Oct 2015 07:28:10 GMT", now)).to.equal(10_000);
            });
            it("an HTTP date in the past is no wait", () => {
                expect(parseRetryAfter("Wed, 21 Oct 2015 07:27:00 GMT", now)).to.equal(0);
            });
            it("absent or garbage is ignored", () => {
                expect(parseRetryAfter(undefined, now)).to.equal(undefined);
                expect(parseRetryAfter(null, now)).to.equal(undefined);
                expect(parseRetryAfter("", now)).to.equal(undefined);
                expect(parseRetryAfter("soon", now)).to.equal(undefined);
                // Not a valid value either way; it must at least never add a wait.
                expect(parseRetryAfter("-5", now) ?? 0).to.equal(0);
            });
        });
    });

    describe("time limits", () => {
        it("the deadline bounds the total time of an operation, retries included", async () => {
            emulator.setLatency(100);
            emulator.injectFaults(LIST, ...Array.from({ length: 50 }, () => ({ kind: "status" as const, status: 503 })));
            const started = Date.now();
            const f = await left(clientWith({ maxRetries: 20 }).listAccounts(deadlineIn(600)));
            const elapsed = Date.now() - started;
            expect(elapsed).to.be.below(1200);
            expect(["http", "network"]).to.include(f.kind);
            const n = emulator.count(LIST);
            expect(n).to.be.at.least(2);
            expect(n).to.be.below(10);
        });

        it("a hung answer times out per attempt and the retry recovers", async () => {
            emulator.injectFaults(WHOAMI, { kind: "hang" });
            const started = Date.now();
            // requestTimeoutMs 1500: one attempt may use max(1 s, 1500/3) = 1 s.
            const who = await right(clientWith({ requestTimeoutMs: 1500 }).whoami(deadlineIn(5000)));
            const elapsed = Date.now() - started;
            expect(who.accountId).to.equal(OWNER);
            expect(emulator.count(WHOAMI)).to.equal(2);
            expect(elapsed).to.be.within(900, 3000);
        });

        it("a hung POST times out once and is not repeated", async () => {
            emulator.injectFaults(CREATE, { kind: "hang" });
            const started = Date.now();
            const f = await left(
                clientWith({ requestTimeoutMs: 1500 }).createSiemAccount(request({ accountName: "s", email: "a@b.co" }), deadlineIn(5000)),
            );
            expect(f).to.include({ kind: "network", sent: true });
            expect(describeFailure(f)).to.include("no answer within 1s");
            expect(emulator.count(CREATE)).to.equal(1);
            expect(Date.now() - started).to.be.within(900, 3000);
        });
    });
});
