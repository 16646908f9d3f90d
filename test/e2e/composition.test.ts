// SIEM accounts composed with the rest of a Pulumi estate, through the engine: two main accounts in one stack,
// a StackReference feeding accountsToScan, the repository's own Pulumi.yaml, and an Automation API service.
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { expect } from "chai";
import { LogzioEmulator } from "../../emulator";
import { ROUTES } from "../../emulator/server";
import { E2EStack, stepsFor } from "../../harness/e2e/stack";
import { REPO_ROOT } from "../helpers/support";
import { e2eDescribe, emulatorConfig, expectOk, initAgainst, QUICKSTART_EMAIL, startEmulator } from "./support";

e2eDescribe("composition", (ctx) => {
    const emulators: LogzioEmulator[] = [];
    const emulator = async (ownerAccountId?: number) => {
        const e = await startEmulator(ownerAccountId ? { ownerAccountId } : {});
        emulators.push(e);
        return e;
    };
    afterEach(async () => {
        await Promise.all(emulators.splice(0).map((e) => e.close()));
    });

    it("multi-account: two main accounts, two config namespaces, one stack; each token goes only to its own API", async () => {
        const us = await emulator(100000);
        const eu = await emulator(200000);
        const stack = ctx.project("examples/multi-account", { name: "logzio-siem-multi-account" });
        const a = emulatorConfig(us);
        const b = emulatorConfig(eu, "logzio-eu");
        await stack.init({ ...a.config, ...b.config }, { ...a.secrets, ...b.secrets });
        expectOk(await stack.up(), "pulumi up");
        expect(us.siemAccounts().map((x) => x.accountName)).to.deep.equal(["siem-us"]);
        expect(eu.siemAccounts().map((x) => x.accountName)).to.deep.equal(["siem-eu"]);
        expect(await stack.outputs()).to.deep.equal({
            usAccountId: us.siemAccounts()[0].accountId,
            euAccountId: eu.siemAccounts()[0].accountId,
        });
        for (const e of [us, eu]) expect(new Set(e.requests.map((r) => r.token))).to.deep.equal(new Set([e.token]));
        expect(stack.printed).to.not.include(us.token).and.not.include(eu.token);
    });

    it("compose: another local stack's outputs, read with a StackReference, become accountsToScan", async () => {
        const main = await emulator();
        const logIds = ["app-logs", "infra-logs"].map((n) => main.addAccount({ accountName: n, type: "SUB_ACCOUNT" }).accountId);
        const logging = ctx.project("test/e2e/programs/logging", { stack: "prod" });
        await logging.init({ logAccountIds: JSON.stringify(logIds) });
        expectOk(await logging.up(), "pulumi up of the logging stack");

        // The SIEM stack shares the backend, where the logging stack is organization/logging/prod.
        const siem = ctx.project("test/e2e/programs/compose", { stack: "prod", backendDir: logging.backendDir });
        await initAgainst(siem, main, { loggingStack: "organization/logging/prod", securityEmail: "security@acme.example" });
        const preview = await siem.preview();
        expectOk(preview, "pulumi preview");
        expect(stepsFor(preview)).to.deep.equal(["create"]);
        expectOk(await siem.up(), "pulumi up of the SIEM stack");
        const [account] = main.siemAccounts();
        expect(account.accountsToScan).to.deep.equal(logIds);
        expect(await siem.outputs()).to.deep.equal({ siemAccountId: account.accountId, scannedAccountIds: logIds });
    });

    it("an input unknown until apply (another account's id) passes preview, and up creates the accounts in order", async () => {
        const main = await emulator();
        const stack = ctx.project("test/e2e/programs/chained");
        await initAgainst(stack, main, { email: "chain@example.com" });
        const preview = await stack.preview();
        expectOk(preview, "pulumi preview");
        expect(stepsFor(preview)).to.deep.equal(["create", "create"]);
        expect(preview.output).to.match(/secondScans\s*:\s*\[unknown\]|secondScans\s*:\s*\[\s*\n?\s*\[0\]: \[unknown\]/);
        expect(main.count(ROUTES.create)).to.equal(0);
        expectOk(await stack.up(), "pulumi up");
        const [first, second] = main.siemAccounts();
        expect(second.accountsToScan).to.deep.equal([first.accountId]);
        expect(await stack.outputs()).to.deep.equal({ firstId: first.accountId, secondScans: [first.accountId] });
    });

    it("the repository root: `pulumi up` with the top-level Pulumi.yaml (main: examples/quickstart/)", async () => {
        const main = await emulator();
        // The root's project files, in a folder of their own so stack files never land in the work tree; the
        // package resolves from there as it does at the root (its package.json, dist/ and node_modules).
        const root = fs.mkdtempSync(path.join(path.dirname(ctx.consumer), "logzio-siem-e2e-root-"));
        try {
            for (const f of ["Pulumi.yaml", "package.json", "tsconfig.json"]) fs.copyFileSync(path.join(REPO_ROOT, f), path.join(root, f));
            for (const d of ["node_modules", "dist"]) fs.symlinkSync(path.join(REPO_ROOT, d), path.join(root, d), "dir");
            // examples/quickstart as committed (its own package.json included), and the committed link through
            // which the examples reach the package.
            fs.cpSync(path.join(REPO_ROOT, "examples", "quickstart"), path.join(root, "examples", "quickstart"), {
                recursive: true,
                filter: (src) => !src.includes("node_modules") && !/Pulumi\.[^/]+\.yaml$/.test(path.basename(src)),
            });
            fs.cpSync(path.join(REPO_ROOT, "examples", "node_modules"), path.join(root, "examples", "node_modules"), {
                recursive: true,
                verbatimSymlinks: true,
            });
            const stack = new E2EStack({ cli: ctx.cli, workDir: root });
            try {
                await initAgainst(stack, main, QUICKSTART_EMAIL); // the root's project is named as the quickstart was
                expectOk(await stack.up(), "pulumi up at the repository root");
                const [account] = main.siemAccounts();
                expect(account.accountName).to.equal("platform-siem");
                expect((await stack.outputs()).accountId).to.equal(account.accountId);
            } finally {
                stack.cleanup();
            }
        } finally {
            fs.rmSync(root, { recursive: true, force: true });
        }
    });

    it("an Automation API onboarding service provisions one SIEM account per tenant and reads the ids back", async () => {
        const main = await emulator();
        const service = ctx.project("examples/onboarding", { name: "siem-onboarding" });
        const result = await runNode(
            service,
            ["-r", "ts-node/register/transpile-only", "index.ts", "acme:soc@acme.example", "globex:soc@globex.example"],
            {
                LOGZIO_API_TOKEN: main.token,
                LOGZIO_CUSTOM_API_URL: main.url,
            },
        );
        expect(result.code, result.output).to.equal(0);
        const lines = result.output
            .split("\n")
            .filter((l) => l.startsWith("{"))
            .map((l) => JSON.parse(l) as { tenant: string; accountId: number; accountName: string });
        const accounts = main.siemAccounts();
        expect(lines).to.deep.equal(
            accounts.map((a) => ({ tenant: a.accountName.replace(/^siem-/, ""), accountId: a.accountId, accountName: a.accountName })),
        );
        expect(lines.map((l) => l.tenant)).to.deep.equal(["acme", "globex"]);
        expect(main.count(ROUTES.create)).to.equal(2);
        expect(result.output).to.not.include(main.token);
        // Each tenant's stack is in the service's backend, its token encrypted there.
        for (const tenant of ["acme", "globex"]) {
            expect(fs.readFileSync(path.join(service.dir, `Pulumi.${tenant}.yaml`), "utf8")).to.match(/logzio:apiToken:\s*\n\s*secure:/);
        }
    });
});

/** `node <args>` in a stack's folder with its Pulumi environment: how a service embedding Pulumi runs. */
function runNode(stack: E2EStack, args: string[], env: Record<string, string>): Promise<{ code: number | null; output: string }> {
    return new Promise((resolve, reject) => {
        const child = spawn(process.execPath, args, { cwd: stack.dir, env: { ...stack.environment(), ...env } });
        let output = "";
        child.stdout.setEncoding("utf8").on("data", (d: string) => (output += d));
        child.stderr.setEncoding("utf8").on("data", (d: string) => (output += d));
        const timer = setTimeout(() => child.kill("SIGKILL"), 300_000);
        child.once("error", reject);
        child.once("close", (code) => {
            clearTimeout(timer);
            resolve({ code, output });
        });
    });
}
