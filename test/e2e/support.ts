// Fixtures for the end-to-end suites: the real Pulumi CLI (skipped with its reason where it cannot be had), the
// package installed from its tarball, project folders and the stack config that points them at an emulator.
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { expect } from "chai";
import { LogzioEmulator } from "../../emulator";
import { consumerInstall, e2ePulumiVersion } from "../../harness/packed";
import { CliLookup, PulumiCli, providePulumiCli } from "../../harness/e2e/pulumiCli";
import { E2EStack, RunResult, StackOptions } from "../../harness/e2e/stack";
import { REPO_ROOT, startEmulator } from "../helpers/support";

export const SIEM_TYPE = "pulumi-nodejs:dynamic/logzio:SiemAccount";

export interface E2EContext {
    cli: PulumiCli;
    consumer: string;
    /** A fresh project running `program` (a folder under test/e2e/programs or examples), cleaned up after the test. */
    project(program: string, opts?: Partial<StackOptions> & { name?: string }): E2EStack;
}

let lookup: CliLookup | undefined;
let announced = false;

/**
 * A describe block whose tests need the real CLI and its Node.js language host. Where they cannot be had (no CLI
 * and no Go to build it) the tests are skipped, saying why; the first suite says which CLI and language host ran.
 */
export function e2eDescribe(title: string, body: (ctx: E2EContext) => void): void {
    describe(`e2e (real Pulumi CLI): ${title}`, function () {
        this.timeout(600_000);
        const stacks: E2EStack[] = [];
        const ctx = {} as E2EContext;
        before(function () {
            // The first call may build the CLI (minutes); later calls return the cached answer.
            this.timeout(3_600_000);
            lookup ??= providePulumiCli();
            if (!lookup.ok) {
                console.log(`      (skipped: ${lookup.reason})`);
                this.skip();
            }
            ctx.cli = lookup.cli;
            ctx.consumer = consumerInstall();
            if (!announced) {
                announced = true;
                const sdk = (
                    JSON.parse(fs.readFileSync(path.join(ctx.consumer, "node_modules", "@pulumi", "pulumi", "package.json"), "utf8")) as {
                        version: string;
                    }
                ).version;
                // A run meant for one end of the peer range must not quietly run on another @pulumi/pulumi.
                expect(sdk, "the @pulumi/pulumi the e2e programs run on").to.equal(e2ePulumiVersion());
                console.log(
                    `      Pulumi CLI ${ctx.cli.version} from ${ctx.cli.binDir}; programs run through \`pulumi preview\`/\`pulumi up\` ` +
                        `and the Node.js language host ${ctx.cli.languageHost}, on @pulumi/pulumi ${sdk} and Node.js ${nodeOnPath()}`,
                );
            }
        });
        ctx.project = (program, opts = {}) => {
            const stack = new E2EStack({ cli: ctx.cli, consumer: ctx.consumer, files: programFiles(program, opts.name), ...opts });
            stacks.push(stack);
            return stack;
        };
        afterEach(function () {
            // On failure, the CLI transcript says what the engine did.
            if (this.currentTest?.state === "failed") for (const s of stacks) console.log(s.transcript.slice(-6000));
            for (const s of stacks.splice(0)) s.cleanup();
        });
        body(ctx);
    });
}

/** The Node.js the language host runs programs on: the first `node` on PATH (not necessarily mocha's). */
function nodeOnPath(): string {
    const r = spawnSync("node", ["--version"], { encoding: "utf8" });
    return r.status === 0 ? r.stdout.trim() : `unknown (${r.error?.message ?? r.stderr.trim()})`;
}

/** index.ts (and tsconfig.json) of a program folder, plus a Pulumi.yaml naming the project. */
export function programFiles(program: string, name = path.basename(program)): Record<string, string> {
    const dir = path.join(REPO_ROOT, program);
    const files: Record<string, string> = {
        "index.ts": fs.readFileSync(path.join(dir, "index.ts"), "utf8"),
        "Pulumi.yaml": `name: ${name}\nruntime: nodejs\n`,
    };
    if (fs.existsSync(path.join(dir, "tsconfig.json"))) files["tsconfig.json"] = fs.readFileSync(path.join(dir, "tsconfig.json"), "utf8");
    return files;
}

/** Stack config pointing a namespace at an emulator: the URL as plain config, the token as a secret. */
export function emulatorConfig(
    emulator: LogzioEmulator,
    namespace = "logzio",
): { config: Record<string, string>; secrets: Record<string, string> } {
    return { config: { [`${namespace}:customApiUrl`]: emulator.url }, secrets: { [`${namespace}:apiToken`]: emulator.token } };
}

/** The quickstart's required email, under the project name its tests give it (the repository root's, too). */
export const QUICKSTART_EMAIL: Record<string, string> = { "logzio-siem-quickstart:email": "security@example.com" };

/** The provisioning grace (minutes): 0 makes "not listed" mean "gone" at once. */
export const GRACE_KEY = "logzio-siem:provisioningGraceMinutes";

export async function initAgainst(stack: E2EStack, emulator: LogzioEmulator, extra: Record<string, string> = {}): Promise<void> {
    const { config, secrets } = emulatorConfig(emulator);
    await stack.init({ ...config, ...extra }, secrets);
}

/** Asserts a run succeeded, showing its output otherwise. */
export function expectOk(result: RunResult, what: string): void {
    expect(result.ok, `${what} failed:\n${result.output}`).to.equal(true);
}

export function expectFailed(result: RunResult, what: string): void {
    expect(result.ok, `${what} should have failed:\n${result.output}`).to.equal(false);
}

/** A fresh emulator (random token) for each test of the block, closed after it. */
export function emulatorPerTest(use: (emulator: LogzioEmulator) => void): void {
    let emulator: LogzioEmulator | undefined;
    beforeEach(async () => {
        emulator = await startEmulator();
        use(emulator);
    });
    afterEach(async () => {
        await emulator?.close();
    });
}

export { startEmulator };
