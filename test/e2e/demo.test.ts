// `npm run demo` as a new user runs it, with the real CLI and its language host: every example that the CLI can
// run goes through `pulumi up` in its own folder, and the accounts the demo reports are the ones the emulator
// holds (read back from the state the demo saves, in the emulator command's format), one POST each.
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { expect } from "chai";
import { REPO_ROOT } from "../helpers/support";
import { e2eDescribe } from "./support";

interface Run {
    code: number | null;
    output: string;
}

function demo(args: string[], cliDir: string): Promise<Run> {
    return new Promise((resolve, reject) => {
        const env = { ...process.env, PULUMI_E2E_CLI_DIR: cliDir };
        const child = spawn(process.execPath, [path.join(REPO_ROOT, "dist", "scripts", "demo.js"), ...args], { cwd: REPO_ROOT, env });
        let output = "";
        child.stdout.setEncoding("utf8").on("data", (d: string) => (output += d));
        child.stderr.setEncoding("utf8").on("data", (d: string) => (output += d));
        child.once("error", reject);
        child.once("close", (code) => resolve({ code, output }));
    });
}

interface Saved {
    accounts: { accountId: number; accountName: string; type: string }[];
}

e2eDescribe("npm run demo", (ctx) => {
    for (const [example, expected] of [
        ["quickstart", { logzio: ["platform-siem"] }],
        ["multi-account", { logzio: ["siem-us"], "logzio-eu": ["siem-eu"] }],
    ] as const) {
        it(`--example ${example}: a real \`pulumi up\` of examples/${example}, and the accounts it reports exist`, async () => {
            const save = fs.mkdtempSync(path.join(os.tmpdir(), "logzio-siem-demo-"));
            try {
                const r = await demo(["--example", example, "--save", save], ctx.cli.binDir);
                expect(r.code, r.output).to.equal(0);
                expect(r.output).to.include(`Running \`pulumi up\` in examples/${example}`);
                // The engine's own summary: the stack and every SiemAccount were created by `pulumi up`.
                const names = Object.values(expected).flat();
                expect(r.output, r.output).to.match(new RegExp(`\\+ ${names.length + 1} created`));
                for (const [ns, accountNames] of Object.entries(expected)) {
                    const saved = JSON.parse(fs.readFileSync(path.join(save, `${ns}.json`), "utf8")) as Saved;
                    const siem = saved.accounts.filter((a) => a.type === "SECURITY_ACCOUNT");
                    expect(siem.map((a) => a.accountName)).to.deep.equal([...accountNames]);
                    for (const a of siem) {
                        // Reported by the demo, both from the stack's outputs and from the emulator's list.
                        expect(r.output).to.include(`accountId ${a.accountId}  name "${a.accountName}"`);
                        expect(r.output).to.match(new RegExp(`: ${a.accountId}$`, "m"));
                    }
                }
                // The example folder is left as it was (no stack file written into it).
                expect(fs.existsSync(path.join(REPO_ROOT, "examples", example, "Pulumi.demo.yaml"))).to.equal(false);
            } finally {
                fs.rmSync(save, { recursive: true, force: true });
            }
        });
    }

    it("--example onboarding: the Automation API service provisions one account per tenant, and the example folder stays as it was", async () => {
        const save = fs.mkdtempSync(path.join(os.tmpdir(), "logzio-siem-demo-"));
        const before = fs.readdirSync(path.join(REPO_ROOT, "examples")).sort();
        const beforeOnboarding = fs.readdirSync(path.join(REPO_ROOT, "examples", "onboarding")).sort();
        try {
            const r = await demo(["--example", "onboarding", "--save", save], ctx.cli.binDir);
            expect(r.code, r.output).to.equal(0);
            expect(r.output).to.include("Running the onboarding service");
            const saved = JSON.parse(fs.readFileSync(path.join(save, "logzio.json"), "utf8")) as Saved;
            const siem = saved.accounts.filter((a) => a.type === "SECURITY_ACCOUNT");
            expect(siem.map((a) => a.accountName)).to.deep.equal(["siem-acme", "siem-globex"]);
            for (const a of siem) expect(r.output).to.include(`accountId ${a.accountId}  name "${a.accountName}"`);
            expect(fs.readdirSync(path.join(REPO_ROOT, "examples")).sort()).to.deep.equal(before);
            expect(fs.readdirSync(path.join(REPO_ROOT, "examples", "onboarding")).sort()).to.deep.equal(beforeOnboarding);
        } finally {
            fs.rmSync(save, { recursive: true, force: true });
        }
    });
});
