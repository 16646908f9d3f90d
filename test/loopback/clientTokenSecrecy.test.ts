// LogzioClient against a real LogzioEmulator over loopback (fixture: test/helpers/logzioClients.ts): the API token
// appears in no failure's text or JSON, whatever the failure, and a body that echoes it is scrubbed by toError.
import { expect } from "chai";
import { LogzioEmulator } from "../../emulator/server";
import { left } from "../helpers/support";
import { LIST, TOKEN, WHOAMI, logzioClients, request } from "../helpers/logzioClients";
import { Failure, describeFailure, toError } from "../../provider/logzio/errors";
import { deadlineIn } from "../../provider/logzio/deadline";

describe("LogzioClient never shows the API token in a failure (against the emulator)", function () {
    this.timeout(10_000);
    let emulator: LogzioEmulator;
    const { clientWith } = logzioClients((e) => (emulator = e));

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
