// LogzioClient against a real LogzioEmulator over loopback (fixture: test/helpers/logzioClients.ts): the create, list
// and whoami answers decoded, what was sent, and a 200 that breaks the schema or is not JSON as a decode failure.
import { expect } from "chai";
import { LogzioEmulator } from "../../emulator/server";
import { left, right } from "../helpers/support";
import { CREATE, LIST, OWNER, TOKEN, WHOAMI, logzioClients, request } from "../helpers/logzioClients";
import { describeFailure } from "../../provider/logzio/errors";
import { deadlineIn } from "../../provider/logzio/deadline";

describe("LogzioClient decodes Logz.io's answers (against the emulator)", function () {
    this.timeout(10_000);
    let emulator: LogzioEmulator;
    const { clientWith } = logzioClients((e) => (emulator = e));

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
});
