// Program level: every example stack runs for real under Pulumi's runtime mocks, its SiemAccounts handed to
// Pulumi's real dynamic-provider host against the emulator(s); other packages' resources are mocked.
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { expect } from "chai";
import { PreparedExample, prepareExample } from "../harness/exampleScenarios";
import { ProgramRunResult, runProgram } from "../harness/programRunner";
import { REPO_ROOT } from "./support";

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
            expect(result.outputs).to.deep.equal({ accountId: account.accountId, accountName: "platform-siem", createdAt: account.createdAt });
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
            expect(result.outputs).to.deep.equal({ usAccountId: us.siemAccounts()[0].accountId, euAccountId: eu.siemAccounts()[0].accountId });
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

describe("real `pulumi up`, refresh and destroy of the quickstart (needs the Pulumi CLI)", function () {
    this.timeout(600_000);
    const cli = spawnSync("pulumi", ["version"], { encoding: "utf8" });

    before(function () {
        if (cli.status !== 0) {
            console.log("    (skipped: the Pulumi CLI is not installed on this machine; the program-level tests above cover the same path)");
            this.skip();
        }
    });

    it("creates, refreshes and, once the account is deleted in the 'UI', destroys", async () => {
        const example = await prepareExample("quickstart");
        const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "logzio-siem-cli-"));
        const env = { ...process.env, PULUMI_BACKEND_URL: `file://${tmp}`, PULUMI_CONFIG_PASSPHRASE: "test", PULUMI_SKIP_UPDATE_CHECK: "true" };
        const pulumi = (...args: string[]) => {
            const r = spawnSync("pulumi", [...args, "--non-interactive", "--config-file", path.join(tmp, "Pulumi.test.yaml")], {
                cwd: path.dirname(example.program),
                env,
                encoding: "utf8",
            });
            expect(r.status, `pulumi ${args.join(" ")}\n${r.stdout}\n${r.stderr}`).to.equal(0);
            return r.stdout + r.stderr;
        };
        try {
            const emulator = example.emulators.logzio;
            pulumi("stack", "init", "test");
            pulumi("config", "set", "logzio:customApiUrl", emulator.url);
            pulumi("config", "set", "--secret", "logzio:apiToken", emulator.token);
            pulumi("config", "set", "logzio-siem:provisioningGraceMinutes", "0");
            pulumi("up", "--yes", "--skip-preview");
            const outputs = JSON.parse(pulumi("stack", "output", "--json")) as { accountId: number };
            expect(emulator.siemAccounts().map((a) => a.accountId)).to.deep.equal([outputs.accountId]);
            expect(pulumi("stack", "export"), "state holds no token").to.not.include(emulator.token);
            pulumi("refresh", "--yes");
            emulator.deleteAccount(outputs.accountId);
            pulumi("destroy", "--yes");
            expect(JSON.parse(pulumi("stack", "output", "--json"))).to.deep.equal({});
        } finally {
            await example.close();
            fs.rmSync(tmp, { recursive: true, force: true });
        }
    });
});
