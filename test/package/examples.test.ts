// Program level: every example stack runs for real under Pulumi's runtime mocks, its SiemAccounts handed to
// Pulumi's real dynamic-provider host against the emulator(s); other packages' resources are mocked.
import * as fs from "node:fs";
import * as path from "node:path";
import { expect } from "chai";
import { PreparedExample, prepareExample } from "../../harness/exampleScenarios";
import { ProgramRunResult, runProgram } from "../../testing/runner/programRunner";
import { REPO_ROOT } from "../helpers/support";

const SIEM_TYPE = "pulumi-nodejs:dynamic/logzio:SiemAccount";

async function runExample(example: PreparedExample): Promise<ProgramRunResult> {
    return runProgram({ ...example, program: example.program });
}

function expectNoToken(example: PreparedExample, result: ProgramRunResult): void {
    for (const e of Object.values(example.emulators)) {
        expect(JSON.stringify(result.outputs)).to.not.include(e.token);
        expect(JSON.stringify(result.resources.map((r) => r.state))).to.not.include(e.token);
        expect(JSON.stringify(result.resources.map((r) => r.inputs))).to.not.include(e.token);
        expect(result.log).to.not.include(e.token);
    }
}

describe("examples: each stack runs at the program level", function () {
    this.timeout(120_000);

    it("quickstart creates one account and exports its id and createdAt", async () => {
        const example = await prepareExample("quickstart");
        try {
            const result = await runExample(example);
            const [account] = example.emulators.logzio.siemAccounts();
            expect(example.emulators.logzio.siemAccounts()).to.have.length(1);
            expect(result.outputs).to.deep.equal({
                accountId: account.accountId,
                accountName: "platform-siem",
                createdAt: account.createdAt,
            });
            const siem = result.resources.find((r) => r.type === SIEM_TYPE)!;
            expect(siem.id).to.equal(String(account.accountId));
            expectNoToken(example, result);
        } finally {
            await example.close();
        }
    });

    it("compose scans the accounts another stack exports and publishes the id to AWS SSM", async () => {
        const example = await prepareExample("compose");
        try {
            const result = await runExample(example);
            const main = example.emulators.logzio;
            const logIds = main.accounts("SUB_ACCOUNT").map((a) => a.accountId);
            const [siem] = main.siemAccounts();
            expect(main.siemAccounts()).to.have.length(1);
            // in: the StackReference's output reached Logz.io as accountsToScan
            const post = main.requests.find((r) => r.method === "POST")!;
            expect((post.body as { accountsToScan: number[] }).accountsToScan).to.deep.equal(logIds);
            expect(siem.accountsToScan).to.deep.equal(logIds);
            expect((post.body as { email: string }).email).to.equal("security@acme.example");
            // out: the new accountId reached the SSM parameter's value
            const parameter = result.resources.find((r) => r.type === "aws:ssm/parameter:Parameter")!;
            expect(parameter.inputs.value).to.equal(String(siem.accountId));
            expect(parameter.inputs.description).to.equal(`Logz.io SIEM account ${siem.accountName}`);
            expect(result.outputs).to.deep.equal({
                siemAccountId: siem.accountId,
                scannedAccountIds: logIds,
                parameterName: "/observability/dev/logzio/siem-account-id",
                parameterArn: "arn:aws:ssm:us-east-1:123456789012:parameter/observability/dev/logzio/siem-account-id",
            });
            expectNoToken(example, result);
        } finally {
            await example.close();
        }
    });

    it("multi-account sends each account's requests with its own token to its own endpoint", async () => {
        const example = await prepareExample("multi-account");
        try {
            const result = await runExample(example);
            const { logzio: us, "logzio-eu": eu } = example.emulators;
            expect(us.siemAccounts().map((a) => a.accountName)).to.deep.equal(["siem-us"]);
            expect(eu.siemAccounts().map((a) => a.accountName)).to.deep.equal(["siem-eu"]);
            expect(result.outputs).to.deep.equal({
                usAccountId: us.siemAccounts()[0].accountId,
                euAccountId: eu.siemAccounts()[0].accountId,
            });
            for (const e of [us, eu]) {
                expect(e.requests.length).to.be.greaterThan(0);
                expect(new Set(e.requests.map((r) => r.token))).to.deep.equal(new Set([e.token]));
            }
            expectNoToken(example, result);
        } finally {
            await example.close();
        }
    });
});

describe("README: the usage section is the quickstart example", () => {
    it("quotes examples/quickstart/index.ts verbatim", () => {
        const readme = fs.readFileSync(path.join(REPO_ROOT, "README.md"), "utf8");
        const program = fs.readFileSync(path.join(REPO_ROOT, "examples", "quickstart", "index.ts"), "utf8");
        const block = /<!-- quickstart:begin -->\s*```ts\n([\s\S]*?)```\s*<!-- quickstart:end -->/.exec(readme);
        expect(block, "README has the quickstart block").to.not.equal(null);
        expect(block![1]).to.equal(program);
    });
});
