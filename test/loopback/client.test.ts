// LogzioClient against a real LogzioEmulator over loopback: decoding, error bodies, retries, Retry-After,
// deadlines, per-attempt timeouts, the in-flight cap, and no token in any failure text.
import { expect } from "chai";
import * as E from "fp-ts/Either";
import { LogzioEmulator, ROUTES } from "../../emulator/server";
import { emulatorPerSuite, left, right, testSettings } from "../helpers/support";
import { CreateSiemRequest } from "../../provider/logzio/codecs";
import { Failure, describeFailure, toError } from "../../provider/logzio/errors";
import { httpFailure } from "../../provider/logzio/answers";
import { deadlineIn } from "../../provider/logzio/deadline";
import { LogzioClient } from "../../provider/logzio/logzioClient";
import { safeToRepeatPost } from "../../provider/logzio/postRepeat";
import { parseRetryAfter } from "../../provider/logzio/retryTiming";
import { Settings } from "../../provider/config/settings";

const TOKEN = "fake-token-client-9d2f6c1a";
const OWNER = 100000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const LIST = ROUTES.list;
const CREATE = ROUTES.create;
const WHOAMI = ROUTES.whoami;

function request(body: Record<string, unknown>): CreateSiemRequest {
    const decoded = CreateSiemRequest.decode(body);
    if (E.isLeft(decoded)) throw new Error("test bug: invalid request body");
    return decoded.right;
}

describe("LogzioClient (against the emulator)", function () {
    this.timeout(10_000);
    let emulator: LogzioEmulator;
    const clients: LogzioClient[] = [];

    function clientWith(over: Partial<Settings> = {}): LogzioClient {
        const settings = testSettings(emulator, over);
        const client = new LogzioClient(settings);
        clients.push(client);
        return client;
    }

    emulatorPerSuite({ token: TOKEN, ownerAccountId: OWNER }, (e) => (emulator = e));
    afterEach(() => {
        for (const c of clients.splice(0)) c.close();
    });

    describe("decoding", () => {
        it("creates a SIEM account and decodes the 200, sending the token and the body", async () => {
            const res = await right(
                clientWith().createSiemAccount(
                    request({
                        accountName: "siem-prod",
                        email: "sec@example.com",
                        accountsToScan: [OWNER],
                        isUsingRepositoryAccount: false,
                    }),
                    deadlineIn(5000),
                ),
            );
            expect(res.accountId).to.equal(OWNER + 1);
            expect(res.accountName).to.equal("siem-prod");
            expect(res.accountsToScan).to.deep.equal([OWNER]);
            expect(res.isUsingRepositoryAccount).to.equal(false);
            expect(res.createdAt).to.match(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
            expect(emulator.requests).to.have.length(1);
            expect(emulator.requests[0].token).to.equal(TOKEN);
            expect(emulator.requests[0].body).to.deep.equal({
                accountName: "siem-prod",
                email: "sec@example.com",
                accountsToScan: [OWNER],
                isUsingRepositoryAccount: false,
            });
            expect(emulator.siemAccounts().map((a) => a.accountName)).to.deep.equal(["siem-prod"]);
        });

        it("lists the associated accounts, SIEM accounts as SECURITY_ACCOUNT", async () => {
            emulator.addAccount({ accountName: "logs-sub", type: "SUB_ACCOUNT" });
            const siem = emulator.addAccount({ accountName: "siem-a" });
            const list = await right(clientWith().listAccounts(deadlineIn(5000)));
            expect(list).to.deep.equal([
                { accountId: OWNER, accountName: "main-account", type: "OWNER_ACCOUNT" },
                { accountId: OWNER + 1, accountName: "logs-sub", type: "SUB_ACCOUNT" },
                { accountId: siem.accountId, accountName: "siem-a", type: "SECURITY_ACCOUNT" },
            ]);
        });

        it("decodes whoami", async () => {
            expect(await right(clientWith().whoami(deadlineIn(5000)))).to.deep.equal({ accountId: OWNER, accountName: "main-account" });
        });

        it("a 200 that breaks the schema is a decode failure naming the field path and value (not retried)", async () => {
            emulator.injectFaults(LIST, { kind: "schemaViolating200" });
            const f = await left(clientWith().listAccounts(deadlineIn(5000)));
            expect(f.kind).to.equal("decode");
            expect(describeFailure(f)).to.include(`0.accountId: expected Int, received "${OWNER}"`);
            expect(describeFailure(f)).to.match(/requestId [0-9a-f-]{36}/);
            expect(emulator.count(LIST)).to.equal(1);
        });

        it("a 200 that is not JSON is a decode failure", async () => {
            emulator.injectFaults(WHOAMI, { kind: "malformed200" });
            const f = await left(clientWith().whoami(deadlineIn(5000)));
            expect(f.kind).to.equal("decode");
            expect(describeFailure(f)).to.include("not JSON");
        });

        it("an unusable create 200 still yields the integer accountId it carried", async () => {
            emulator.injectFaults(CREATE, { kind: "schemaViolating200", body: { accountId: 424242, accountName: 17 } });
            const f = await left(clientWith().createSiemAccount(request({ accountName: "x", email: "a@b.co" }), deadlineIn(5000)));
            expect(f.kind).to.equal("decode");
            expect(f.kind === "decode" && f.accountId).to.equal(424242);
            expect(describeFailure(f)).to.include("accountName: expected string, received 17");
        });
    });

    describe("answers that are errors", () => {
        it("401: says the token was refused, one request, and never prints the token", async () => {
            const client = clientWith({ apiToken: "wrong-token-0123456789" });
            const f = await left(client.whoami(deadlineIn(5000)));
            expect(f).to.include({ kind: "http", status: 401 });
            const text = describeFailure(f);
            expect(text).to.include("HTTP 401");
            expect(text).to.include("refused the API token");
            expect(text).to.include("logzio:apiToken");
            expect(text).to.include("Unauthorized");
            expect(text).to.not.include("wrong-token-0123456789");
            expect(text).to.not.include(TOKEN);
            expect(emulator.count(WHOAMI)).to.equal(1);
        });

        it("400 from the create call carries status, errorCode, message and requestId", async () => {
            const f = await left(
                clientWith().createSiemAccount(
                    request({ accountName: "siem", email: "sec@example.com", accountsToScan: [999] }),
                    deadlineIn(5000),
                ),
            );
            if (f.kind !== "http") throw new Error(`expected http, got ${f.kind}`);
            expect(f.status).to.equal(400);
            expect(f.errorCode).to.equal("SIEM/UNKNOWN_ACCOUNT_TO_SCAN");
            expect(f.message).to.include("Account 999 does not exist");
            expect(f.requestId).to.match(UUID);
            const text = describeFailure(f);
            expect(text).to.equal(
                `POST /v2/account-management/siem failed: HTTP 400, errorCode SIEM/UNKNOWN_ACCOUNT_TO_SCAN, ` +
                    `message ${JSON.stringify(f.message)}, requestId ${f.requestId}.`,
            );
            expect(emulator.count(CREATE)).to.equal(1);
            expect(emulator.siemAccounts()).to.have.length(0);
        });

        describe("every Logz.io error-body shape gives one readable line", () => {
            const shapes: {
                name: string;
                status: number;
                body: string;
                contentType?: string;
                errorCode?: string;
                message?: string;
                requestId?: string;
                contains: string[];
            }[] = [
                {
                    name: "JSON with errorCode, message, requestId, parameters",
                    status: 400,
                    body: JSON.stringify({
                        errorCode: "TimeBasedAccount/ILLEGAL_PLAN_REQUEST",
                        message: "Illegal plan request",
                        requestId: "0f7c2a4e-1111-4222-8333-944455566677",
                        parameters: { retentionDays: 7 },
                    }),
                    errorCode: "TimeBasedAccount/ILLEGAL_PLAN_REQUEST",
                    message: "Illegal plan request",
                    requestId: "0f7c2a4e-1111-4222-8333-944455566677",
                    contains: [
                        "HTTP 400",
                        "errorCode TimeBasedAccount/ILLEGAL_PLAN_REQUEST",
                        'message "Illegal plan request"',
                        "requestId 0f7c2a4e-1111-4222-8333-944455566677",
                    ],
                },
                {
                    name: "{ message } (403 Insufficient privileges)",
                    status: 403,
                    body: JSON.stringify({ message: "Insufficient privileges" }),
                    message: "Insufficient privileges",
                    contains: ["HTTP 403", 'message "Insufficient privileges"', "main (owner) Logs account"],
                },
                {
                    name: "{ errorMessage }",
                    status: 404,
                    body: JSON.stringify({ errorMessage: "Account 1234567 was not found" }),
                    message: "Account 1234567 was not found",
                    contains: ["HTTP 404", 'message "Account 1234567 was not found"'],
                },
                {
                    name: "a bare JSON string",
                    status: 404,
                    body: JSON.stringify("could not find sub account 1234567"),
                    contentType: "application/json",
                    message: "could not find sub account 1234567",
                    contains: ["HTTP 404", 'message "could not find sub account 1234567"'],
                },
                {
                    name: "plain text (a real 429)",
                    status: 429,
                    body: "Too Many Requests",
                    contentType: "text/plain",
                    message: "Too Many Requests",
                    contains: ["HTTP 429", 'message "Too Many Requests"'],
                },
                {
                    name: "an HTML error page (its title)",
                    status: 502,
                    body: "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n",
                    contentType: "text/html",
                    message: "502 Bad Gateway",
                    contains: ["HTTP 502", 'message "502 Bad Gateway"'],
                },
                {
                    name: "an HTML page without a title (tags stripped)",
                    status: 503,
                    body: "<html><body>\n<h1>Service Unavailable</h1>\n<p>Back soon</p>\n</body></html>",
                    contentType: "text/html",
                    message: "Service Unavailable Back soon",
                    contains: ["HTTP 503", 'message "Service Unavailable Back soon"'],
                },
                {
                    name: "an empty body",
                    status: 500,
                    body: "",
                    contentType: "text/plain",
                    contains: ["GET /v2/whoami failed: HTTP 500"],
                },
            ];

            for (const shape of shapes) {
                it(shape.name, async () => {
                    emulator.injectFaults(WHOAMI, {
                        kind: "status",
                        status: shape.status,
                        body: shape.body,
                        contentType: shape.contentType,
                    });
                    const f = await left(clientWith({ maxRetries: 0 }).whoami(deadlineIn(5000)));
                    if (f.kind !== "http") throw new Error(`expected http, got ${f.kind}`);
                    expect(f.status).to.equal(shape.status);
                    expect(f.errorCode).to.equal(shape.errorCode);
                    expect(f.message).to.equal(shape.message);
                    // Without one in the body, the x-request-id header supplies it.
                    if (shape.requestId) expect(f.requestId).to.equal(shape.requestId);
                    else expect(f.requestId).to.match(UUID);
                    const text = describeFailure(f);
                    expect(text.startsWith("GET /v2/whoami failed: HTTP ")).to.equal(true);
                    // The answer on one line; for 401 and 403 the advice follows on a second.
                    const [answer, ...advice] = text.split("\n");
                    expect(answer).to.not.match(/\r/);
                    expect(advice).to.have.length(shape.status === 401 || shape.status === 403 ? 1 : 0);
                    expect(text).to.not.match(/<[a-z/]/i);
                    for (const part of shape.contains) expect(text).to.include(part);
                    expect(text).to.not.include(TOKEN);
                    expect(emulator.count(WHOAMI)).to.equal(1);
                });
            }

            it("a long plain-text body is cut to one short line", async () => {
                emulator.injectFaults(WHOAMI, {
                    kind: "status",
                    status: 400,
                    body: `error:\n${"blah ".repeat(400)}`,
                    contentType: "text/plain",
                });
                const f = await left(clientWith({ maxRetries: 0 }).whoami(deadlineIn(5000)));
                const text = describeFailure(f);
                expect(text).to.not.include("\n");
                expect(f.kind === "http" && f.message?.length).to.be.at.most(200);
                expect(text).to.include('message "error: blah blah');
            });
        });

        it("httpFailure parses each shape without a server too", () => {
            const withCode = httpFailure("GET /x", 409, '{"errorCode":"E/CONFLICT","message":"m","requestId":"r-body"}', "r-header", null);
            expect(withCode).to.deep.include({ status: 409, errorCode: "E/CONFLICT", message: "m", requestId: "r-body" });
            expect(httpFailure("GET /x", 500, '{"errorCode":"GENERAL/INTERNAL_ERROR"}', "r-header")).to.deep.include({
                errorCode: "GENERAL/INTERNAL_ERROR",
                requestId: "r-header",
            });
            expect(httpFailure("GET /x", 429, "Too Many Requests", undefined, "7")).to.deep.include({
                message: "Too Many Requests",
                retryAfterMs: 7000,
            });
        });
    });

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

    describe("the token never appears in failure text", () => {
        it("across 401, 400, 5xx, HTML, decode, reset and timeout failures", async () => {
            const client = clientWith({ maxRetries: 0, requestTimeoutMs: 1500 });
            const failures: Failure[] = [];
            failures.push(await left(clientWith({ apiToken: TOKEN.replace(/9/g, "8") }).whoami(deadlineIn(5000))));
            failures.push(
                await left(client.createSiemAccount(request({ accountName: "s", email: "a@b.co", accountsToScan: [1] }), deadlineIn(5000))),
            );
            emulator.injectFaults(
                WHOAMI,
                { kind: "status", status: 500 },
                { kind: "status", status: 502, body: "<html><title>Bad</title></html>", contentType: "text/html" },
            );
            failures.push(await left(client.whoami(deadlineIn(5000))));
            failures.push(await left(client.whoami(deadlineIn(5000))));
            emulator.injectFaults(LIST, { kind: "schemaViolating200" }, { kind: "resetBeforeCommit" }, { kind: "hang" });
            failures.push(await left(client.listAccounts(deadlineIn(5000))));
            failures.push(await left(client.listAccounts(deadlineIn(5000))));
            failures.push(await left(client.listAccounts(deadlineIn(5000))));
            expect(failures.map((f) => f.kind)).to.deep.equal(["http", "http", "http", "http", "decode", "network", "network"]);
            for (const f of failures) {
                expect(describeFailure(f)).to.not.include(TOKEN);
                expect(JSON.stringify(f)).to.not.include(TOKEN);
            }
        });

        it("a body that echoes the token is scrubbed at the Pulumi boundary (toError)", async () => {
            emulator.injectFaults(WHOAMI, {
                kind: "status",
                status: 401,
                body: JSON.stringify({ message: `token ${TOKEN} is not valid for this region` }),
            });
            const f = await left(clientWith().whoami(deadlineIn(5000)));
            const error = toError(f, [TOKEN]);
            expect(error.message).to.not.include(TOKEN);
            expect(error.message).to.include("[redacted]");
            expect(error.message).to.include("refused the API token");
        });
    });
});
