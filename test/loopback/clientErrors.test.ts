// LogzioClient against a real LogzioEmulator over loopback (fixture: test/helpers/logzioClients.ts): answers that are
// errors (401, 400 from create) and every error-body shape Logz.io uses, each made into one readable line with the
// status, errorCode, message and requestId it offered.
import { expect } from "chai";
import { LogzioEmulator } from "../../emulator/server";
import { left } from "../helpers/support";
import { CREATE, TOKEN, UUID, WHOAMI, logzioClients, request } from "../helpers/logzioClients";
import { describeFailure } from "../../provider/logzio/errors";
import { httpFailure } from "../../provider/logzio/answers";
import { deadlineIn } from "../../provider/logzio/deadline";

describe("LogzioClient turns error answers into one readable line (against the emulator)", function () {
    this.timeout(10_000);
    let emulator: LogzioEmulator;
    const { clientWith } = logzioClients((e) => (emulator = e));

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
});
