// A Python program (test/e2e/programs/python/__main__.py) through the real CLI and the Python language host, with
// the SDK generated in sdk/python installed by pip into a venv beside `pulumi` (the CLI's version, or the newest
// release before it that PyPI has), and the resource provider plugin from the installed package
// (`node_modules/.bin/pulumi-resource-logzio-siem`, named by `plugins.providers[].path` in Pulumi.yaml): up, a
// no-change preview, a rename in the UI seen by refresh, destroy refused while the account lives and clean once it is
// deleted, `pulumi import` with no POST, an explicit provider with its own token, and no token in clear in state or
// output.
import * as fs from "node:fs";
import * as path from "node:path";
import { expect } from "chai";
import { LogzioEmulator } from "../../emulator";
import { ROUTES } from "../../emulator/server";
import { E2EStack } from "../../harness/e2e/stack";
import { providePython } from "../../harness/e2e/python";
import { REPO_ROOT } from "../helpers/support";
import { expectAdoptedWithNoChange, expectEachOnItsOwnAccount, importById, renameRefreshThenDestroy } from "./journeySupport";
import { GRACE_KEY, e2eDescribe, emulatorPerTest, expectOk, startEmulator } from "./support";

const PROGRAM = fs.readFileSync(path.join(REPO_ROOT, "test", "e2e", "programs", "python", "__main__.py"), "utf8");

/** Pulumi.yaml of a Python project using the plugin from `pluginDir`. */
function project(name: string, pluginDir: string): string {
    return `name: ${name}\nruntime: python\nplugins:\n  providers:\n    - name: logzio-siem\n      path: ${pluginDir}\n`;
}

e2eDescribe("a Python program through the resource provider plugin and the generated SDK", (ctx) => {
    let emulator: LogzioEmulator;
    emulatorPerTest((e) => (emulator = e));
    let pluginDir = "";
    let pathWithVenv = "";
    const stacks: E2EStack[] = [];
    afterEach(function () {
        if (this.currentTest?.state === "failed") for (const s of stacks) console.log(s.transcript.slice(-6000));
        for (const s of stacks.splice(0)) s.cleanup();
    });

    before(function () {
        // The first run makes the venv (pip, from PyPI): minutes at most, then reused.
        this.timeout(900_000);
        const python = providePython(ctx.cli.binDir, ctx.cli.version);
        if (!python.ok) {
            console.log(`      (skipped: ${python.reason})`);
            this.skip();
        }
        console.log(`      Python SDK pulumi ${python.pulumiVersion} and sdk/python in ${python.venv}`);
        pluginDir = path.join(ctx.consumer, "node_modules", ".bin");
        const launcher = path.join(pluginDir, "pulumi-resource-logzio-siem");
        expect(fs.existsSync(launcher), "npm install puts the plugin on node_modules/.bin").to.equal(true);
        // The v3.68 Python host ignores runtime.options.virtualenv and runs the `python3` it finds on PATH.
        pathWithVenv = [path.join(python.venv, "bin"), ctx.cli.binDir, python.hostDir, process.env.PATH ?? ""].join(path.delimiter);
    });

    async function pythonStack(main: string = PROGRAM): Promise<E2EStack> {
        // A Python project needs no node_modules: nothing links the consumer install.
        const stack = new E2EStack({
            cli: ctx.cli,
            files: { "Pulumi.yaml": project("python-siem", pluginDir), "__main__.py": main },
            ownInstall: true,
            env: { PATH: pathWithVenv, PYTHONDONTWRITEBYTECODE: "1" },
        });
        stacks.push(stack);
        await stack.init({ "logzio-siem:customApiUrl": emulator.url, [GRACE_KEY]: "0" }, { "logzio-siem:apiToken": emulator.token });
        return stack;
    }

    it("up, a no-change preview, a UI rename seen by refresh, destroy refused while the account lives and clean after", async () => {
        const stack = await pythonStack();
        expectOk(await stack.up(), "pulumi up");
        expect(emulator.count(ROUTES.create)).to.equal(1);
        const [account] = emulator.siemAccounts();
        expect(account.accountName).to.equal("Python Ops");
        const outputs = await stack.outputs();
        expect(outputs.accountId).to.equal(account.accountId);
        expect(typeof outputs.mainAccountId).to.equal("number");
        expect(outputs.apiUrl).to.equal(emulator.url);

        expectOk(await stack.preview({ expectNoChanges: true }), "pulumi preview --expect-no-changes");

        await renameRefreshThenDestroy(stack, emulator, account.accountId, (refusal) => {
            // Advice a Python user can follow: the option as Python spells it.
            expect(refusal).to.include("retain_on_delete");
        });
    });

    it("`pulumi import` adopts by id with no POST, and a Python program declaring it, with the email added, previews with no change", async () => {
        const existing = emulator.addAccount({ accountName: "Imported SIEM", type: "SECURITY_ACCOUNT" });
        const stack = await pythonStack("import pulumi\n");
        // The v3.68 Python host built here has no GenerateProgram, so the CLI cannot print the Python: the program
        // below declares the recorded inputs (test/e2e/yaml.test.ts checks the code the CLI prints), with the email added.
        await importById(stack, emulator, existing, ["--generate-code=false"]);

        stack.writeFile(
            "__main__.py",
            `import pulumi
import pulumi_logzio_siem as logzio_siem

imported = logzio_siem.SiemAccount(
    "imported", account_name="Imported SIEM", email="owner@example.com", existing_account_id=${existing.accountId}
)
`,
        );
        await expectAdoptedWithNoChange(stack, emulator);
    });

    it("an explicit provider with its own token reaches its own main account; neither token is in clear anywhere", async () => {
        const other = await startEmulator();
        try {
            const main = `import pulumi
import pulumi_logzio_siem as logzio_siem

config = pulumi.Config()
eu = logzio_siem.Provider("eu", api_token=config.require_secret("euToken"), custom_api_url=config.require("euUrl"))
home = logzio_siem.SiemAccount("home", account_name="Home SIEM", email="home@example.com")
away = logzio_siem.SiemAccount(
    "away", account_name="Away SIEM", email="away@example.com", opts=pulumi.ResourceOptions(provider=eu)
)
`;
            const stack = await pythonStack(main);
            await stack.setConfig("euToken", other.token, true);
            await stack.setConfig("euUrl", other.url);
            await expectEachOnItsOwnAccount(stack, emulator, other);
        } finally {
            await other.close();
        }
    });
});
