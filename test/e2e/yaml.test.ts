// A YAML program through the real CLI and the YAML language host, with the resource provider plugin from the
// installed package (`node_modules/.bin/pulumi-resource-logzio-siem`, named by `plugins.providers[].path` in
// Pulumi.yaml, as local development does): up, a no-change preview, a rename in the UI seen by refresh, destroy refused
// while the account lives and clean once it is deleted, an explicit provider with its own token, `pulumi import` with
// no POST, and no token in clear in state or output.
import * as fs from "node:fs";
import * as path from "node:path";
import { spawnSync } from "node:child_process";
import { expect } from "chai";
import { LogzioEmulator } from "../../emulator";
import { ROUTES } from "../../emulator/server";
import { E2EStack } from "../../harness/e2e/stack";
import { pluginBundle } from "../../scripts/pluginBundle";
import { tempDir, versionOf } from "../../harness/packed";
import {
    PLUGIN_TYPE as TYPE,
    expectAdoptedWithNoChange,
    expectEachOnItsOwnAccount,
    importById,
    renameRefreshThenDestroy,
} from "./journeySupport";
import { GRACE_KEY, e2eDescribe, emulatorPerTest, expectFailed, expectOk, startEmulator } from "./support";

/** The YAML language host: beside `pulumi` (scripts/pulumi-cli.sh's cache) or on PATH. */
function yamlHost(binDir: string): string | undefined {
    if (fs.existsSync(path.join(binDir, "pulumi-language-yaml"))) return binDir;
    const r = spawnSync("sh", ["-c", "command -v pulumi-language-yaml"], { encoding: "utf8" });
    return r.status === 0 && r.stdout.trim() ? path.dirname(r.stdout.trim()) : undefined;
}

/** Pulumi.yaml of a YAML program using the plugin from `pluginDir`, with `body` (resources, outputs) after it. */
function project(name: string, pluginDir: string, body: string): string {
    return `name: ${name}\nruntime: yaml\nplugins:\n  providers:\n    - name: logzio-siem\n      path: ${pluginDir}\n${body}`;
}

const ONE_ACCOUNT = `resources:
  ops:
    type: ${TYPE}
    properties:
      accountName: YAML Ops
      email:
        fn::secret: ops@example.com
outputs:
  accountId: \${ops.accountId}
  mainAccountId: \${ops.mainAccountId}
`;

e2eDescribe("a YAML program through the resource provider plugin", (ctx) => {
    let emulator: LogzioEmulator;
    emulatorPerTest((e) => (emulator = e));
    let pluginDir = "";
    let hostDir: string | undefined;
    const stacks: E2EStack[] = [];
    afterEach(function () {
        if (this.currentTest?.state === "failed") for (const s of stacks) console.log(s.transcript.slice(-6000));
        for (const s of stacks.splice(0)) s.cleanup();
    });

    before(function () {
        hostDir = yamlHost(ctx.cli.binDir);
        if (hostDir === undefined) {
            console.log("      (skipped: no YAML language host, pulumi-language-yaml: `npm run pulumi-cli` builds it)");
            this.skip();
        }
        pluginDir = path.join(ctx.consumer, "node_modules", ".bin");
        const launcher = path.join(pluginDir, "pulumi-resource-logzio-siem");
        expect(fs.existsSync(launcher), "npm install puts the plugin on node_modules/.bin").to.equal(true);
    });

    async function yamlStack(body: string, extra: Record<string, string> = {}, pulumiYaml?: string): Promise<E2EStack> {
        const env: Record<string, string> =
            hostDir === ctx.cli.binDir ? {} : { PATH: `${ctx.cli.binDir}${path.delimiter}${hostDir}${path.delimiter}${process.env.PATH}` };
        // A YAML project needs no node_modules: nothing links the consumer install.
        const stack = new E2EStack({
            cli: ctx.cli,
            files: { "Pulumi.yaml": pulumiYaml ?? project("yaml-siem", pluginDir, body) },
            ownInstall: true,
            env,
        });
        stacks.push(stack);
        await stack.init(
            { "logzio-siem:customApiUrl": emulator.url, [GRACE_KEY]: "0", ...extra },
            { "logzio-siem:apiToken": emulator.token },
        );
        return stack;
    }

    it("up, a no-change preview, a UI rename seen by refresh, destroy refused while the account lives and clean after", async () => {
        const stack = await yamlStack(ONE_ACCOUNT);
        expectOk(await stack.up(), "pulumi up");
        expect(emulator.count(ROUTES.create)).to.equal(1);
        const [account] = emulator.siemAccounts();
        const outputs = await stack.outputs();
        expect(outputs.accountId).to.equal(account.accountId);
        expect(typeof outputs.mainAccountId).to.equal("number");

        expectOk(await stack.preview({ expectNoChanges: true }), "pulumi preview --expect-no-changes");
        // A secret input stays secret in state: encrypted wherever it is kept (the email, and what the program asked for).
        const created = (await stack.exportState()).deployment.resources.find((r: { type: string }) => r.type === TYPE);
        expect(created.outputs.email).to.have.property("ciphertext");
        expect(created.outputs.requested).to.have.property("ciphertext");
        expect(JSON.stringify(created)).to.not.include("ops@example.com");

        await renameRefreshThenDestroy(stack, emulator, account.accountId, (refusal) => {
            // Advice a YAML user can follow: no TypeScript syntax.
            expect(refusal).to.include("retainOnDelete (retain_on_delete in Python, RetainOnDelete in Go and .NET) to true");
            expect(refusal).to.not.include("`retainOnDelete: true`");
        });
    });

    it("a bad config value fails the preview naming its key, before any call to Logz.io", async () => {
        const stack = await yamlStack(ONE_ACCOUNT, { "logzio-siem:region": "mars" });
        const preview = await stack.preview();
        expectFailed(preview, "pulumi preview with logzio-siem:region mars");
        expect(preview.output).to.include("logzio-siem:region (or LOGZIO_REGION) is not a Logz.io region");
        expect(preview.output).to.not.include(emulator.token);
        expect(emulator.requests).to.deep.equal([]);
    });

    it("an explicit provider with its own token reaches its own main account; neither token is in clear anywhere", async () => {
        const other = await startEmulator();
        try {
            const body = `config:
  euToken:
    type: string
    secret: true
resources:
  eu:
    type: pulumi:providers:logzio-siem
    properties:
      apiToken: \${euToken}
      customApiUrl: ${other.url}
  home:
    type: ${TYPE}
    properties:
      accountName: Home SIEM
      email: home@example.com
  away:
    type: ${TYPE}
    properties:
      accountName: Away SIEM
      email: away@example.com
    options:
      provider: \${eu}
`;
            const stack = await yamlStack(body);
            await stack.setConfig("euToken", other.token, true);
            await expectEachOnItsOwnAccount(stack, emulator, other);
        } finally {
            await other.close();
        }
    });

    it("`pulumi import` adopts by id with no POST, and its program with the email added previews with no change", async () => {
        const existing = emulator.addAccount({ accountName: "Imported SIEM", type: "SECURITY_ACCOUNT" });
        const stack = await yamlStack("resources: {}\n");
        const out = path.join(stack.dir, "imported.yaml");
        const { imported, resource } = await importById(stack, emulator, existing, ["--out", out]);
        const code = fs.readFileSync(out, "utf8");
        expect(code).to.include("accountName: Imported SIEM");
        expect(code).to.include(`existingAccountId: ${existing.accountId}`);
        // Logz.io's list has no email: none is recorded, and the code generator prints the required property empty,
        // for the user to fill in.
        expect(code).to.match(/\n\s+email: ""\n/);
        expect(imported.output).to.not.include("failed to validate");
        expect(resource.outputs).to.not.have.property("email");

        // The printed resource, with the user's email filled in, is the program.
        const program = code.replace(/email: ""/, "email: owner@example.com");
        stack.writeFile("Pulumi.yaml", project("yaml-siem", pluginDir, program));
        await expectAdoptedWithNoChange(stack, emulator);
    });

    it("installed by `pulumi plugin install --file` from the bundle `npm run plugin-bundle` makes, it runs a program with no plugin path", async () => {
        const version = versionOf("pulumi-logzio-siem");
        const bundle = pluginBundle(path.join(tempDir("bundle"), `pulumi-resource-logzio-siem-v${version}.tar.gz`));
        try {
            const stack = await yamlStack(ONE_ACCOUNT, {}, `name: yaml-siem\nruntime: yaml\n${ONE_ACCOUNT}`);
            expectOk(
                await stack.pulumi(["plugin", "install", "resource", "logzio-siem", version, "--file", bundle]),
                "pulumi plugin install",
            );
            expectOk(await stack.up(), "pulumi up");
            expect(emulator.siemAccounts().map((a) => a.accountName)).to.deep.equal(["YAML Ops"]);
            expectOk(await stack.preview({ expectNoChanges: true }), "pulumi preview --expect-no-changes");
            // It ran from the plugin folder under PULUMI_HOME, not from a path of this repository.
            expect(
                fs.existsSync(path.join(stack.home, "plugins", `resource-logzio-siem-v${version}`, "pulumi-resource-logzio-siem")),
            ).to.equal(true);
        } finally {
            fs.rmSync(path.dirname(bundle), { recursive: true, force: true });
        }
    });
});
