// Every shape of error body Logz.io may answer a create with (JSON, a bare string, plain text, HTML, empty, a body that
// echoes the token) becomes one clear line through Pulumi's real dynamic-provider host over gRPC, with no HTML tags
// and no token, and no account is made (fixture: test/helpers/faultHosts.ts).
import { expect } from "chai";
import { Fault } from "../../emulator";
import { createVia, hostError } from "../helpers/support";
import { CREATE, faultHosts } from "../helpers/faultHosts";

describe("error bodies through Pulumi's dynamic-provider host", function () {
    this.timeout(30_000);
    const fx = faultHosts();
    const { args, counts, expectClearError } = fx;

    describe("error bodies: one line with the status and whatever the body offered", () => {
        const shapes: { title: string; body: string; contentType?: string; expect: (string | RegExp)[] }[] = [
            {
                title: "JSON with errorCode, message and requestId",
                body: JSON.stringify({
                    errorCode: "SIEM/QUOTA_EXCEEDED",
                    message: "SIEM account quota exceeded",
                    requestId: "req-0001",
                    parameters: {},
                }),
                expect: ["HTTP 400", "errorCode SIEM/QUOTA_EXCEEDED", 'message "SIEM account quota exceeded"', "requestId req-0001"],
            },
            {
                title: "JSON with errorCode only",
                body: JSON.stringify({ errorCode: "GENERAL/BAD_REQUEST" }),
                expect: ["HTTP 400", "errorCode GENERAL/BAD_REQUEST", /requestId [0-9a-f-]{36}/],
            },
            {
                title: "{message}",
                body: JSON.stringify({ message: "email is not valid" }),
                expect: ["HTTP 400", 'message "email is not valid"', /requestId [0-9a-f-]{36}/],
            },
            {
                title: "{errorMessage}",
                body: JSON.stringify({ errorMessage: "accountsToScan holds an unknown account" }),
                expect: ["HTTP 400", 'message "accountsToScan holds an unknown account"'],
            },
            {
                title: "a bare JSON string",
                body: JSON.stringify("could not find sub account 1234567"),
                expect: ["HTTP 400", "could not find sub account 1234567"],
            },
            {
                title: "plain text",
                body: "Bad Request: accountName is too long\n",
                contentType: "text/plain",
                expect: ["HTTP 400", "Bad Request: accountName is too long"],
            },
            {
                title: "HTML",
                body: "<!DOCTYPE html>\n<html><head><title>400 Bad Request</title></head>\n<body><h1>Bad Request</h1><p>nginx</p></body></html>\n",
                contentType: "text/html",
                expect: ["HTTP 400", "400 Bad Request"],
            },
            {
                title: "an empty body",
                body: "",
                contentType: "text/plain",
                expect: ["HTTP 400"],
            },
            {
                title: "unexpected JSON (an array)",
                body: JSON.stringify([{ field: "email", problem: "invalid" }]),
                expect: ["HTTP 400", "email", "invalid"],
            },
        ];
        for (const s of shapes) {
            it(s.title, async () => {
                const a = args("body");
                fx.emulator.injectFaults(CREATE, {
                    kind: "status",
                    status: 400,
                    body: s.body,
                    ...(s.contentType ? { contentType: s.contentType } : {}),
                });
                const err = await hostError(createVia(fx.host, fx.provider, "body", a));
                expectClearError(err, "POST /v2/account-management/siem failed", ...s.expect);
                expect(err.details).to.not.match(/<(!doctype|html|head|title|body|h1|p>)/i, "no HTML tags");
                expect(counts()).to.deep.equal({ posts: 1, lists: 1, accounts: 0 });
            });
        }

        it("a body that echoes the token is scrubbed", async () => {
            const a = args("echo");
            fx.emulator.injectFaults(CREATE, {
                kind: "status",
                status: 400,
                body: JSON.stringify({ errorCode: "AUTH/BAD_TOKEN", message: `token ${fx.emulator.token} is not allowed here` }),
            });
            const err = await hostError(createVia(fx.host, fx.provider, "echo", a));
            expectClearError(err, "HTTP 400", "AUTH/BAD_TOKEN", "[redacted]");
            expect(JSON.stringify(err)).to.not.include(fx.emulator.token);
            expect(counts()).to.deep.equal({ posts: 1, lists: 1, accounts: 0 });
        });

        it("a 5xx body (HTML from a gateway) survives into the error when every round fails", async () => {
            const a = args("html502");
            const page = "<html><head><title>502 Bad Gateway</title></head><body><center>502 Bad Gateway</center></body></html>";
            fx.emulator.injectFaults(
                CREATE,
                ...Array.from({ length: 3 }, (): Fault => ({ kind: "status", status: 502, body: page, contentType: "text/html" })),
            );
            const err = await hostError(createVia(fx.host, fx.provider, "html502", a));
            expectClearError(err, a.accountName, "HTTP 502", "502 Bad Gateway");
            expect(err.details).to.not.match(/<(html|head|title|body|center)/i);
            expect(counts()).to.deep.equal({ posts: 3, lists: 4, accounts: 0 });
        });
    });
});
