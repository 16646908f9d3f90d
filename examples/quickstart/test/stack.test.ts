// The quickstart stack, tested with the testing kit: no Logz.io account, no Pulumi CLI; each SiemAccount goes
// through Pulumi's real dynamic-provider host against the emulator. From the project folder:
//   npm install --save-dev mocha @types/mocha ts-node
//   npx mocha -r ts-node/register test/stack.test.ts
import * as assert from "node:assert/strict";
import * as path from "node:path";
import { LogzioEmulator, runStack } from "pulumi-logzio-siem/testing";

const program = path.join(__dirname, ".."); // the project folder, wherever mocha runs from
const config = { email: "soc@example.com" }; // the program requires it

describe("the SIEM stack", function () {
    this.timeout(120_000);
    let emulator: LogzioEmulator;
    before(async () => (emulator = await LogzioEmulator.start()));
    beforeEach(() => emulator.reset()); // accounts, faults and recorded requests
    after(() => emulator.close());

    it("creates one SIEM account and exports its id", async () => {
        const result = await runStack({ program, emulator, config });
        const [account] = emulator.siemAccounts();
        assert.equal(result.outputs.accountId, account.accountId);
        assert.equal(account.email, "soc@example.com");
        assert.equal(emulator.count("create"), 1);
    });

    it("refuses a second account under a name that is taken, and sends no create", async () => {
        emulator.addAccount({ accountName: "platform-siem" });
        await assert.rejects(runStack({ program, emulator, config }), /already exists/);
        assert.equal(emulator.count("create"), 0);
        assert.equal(emulator.siemAccounts().length, 1);
    });

    it("finds the account when the create's answer is lost, and sends no second create", async () => {
        emulator.injectFaults("create", { kind: "resetAfterCommit" }); // created, then the connection drops
        const result = await runStack({ program, emulator, config });
        const [account] = emulator.siemAccounts();
        assert.equal(emulator.siemAccounts().length, 1);
        assert.equal(result.outputs.accountId, account.accountId);
        assert.equal(emulator.count("create"), 1);
    });

    it("waits out a busy Logz.io: the account list answers 503 three times", async () => {
        emulator.injectFaults("list", { kind: "status", status: 503, times: 3 });
        await runStack({ program, emulator, config });
        assert.equal(emulator.pendingFaults("list"), 0); // all three were met
        assert.equal(emulator.siemAccounts().length, 1);
    });
});
