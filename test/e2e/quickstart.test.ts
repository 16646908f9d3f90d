// The quickstart as a person runs it with the real CLI: stack init, the token set as a secret, preview, up, a
// no-change preview; then what the engine wrote (state, stack config, output) is searched for the token.
import * as fs from "node:fs";
import * as path from "node:path";
import { expect } from "chai";
import { LogzioEmulator } from "../../emulator";
import { changesOf, stepsFor } from "../../harness/e2e/stack";
import { ROUTES } from "../../emulator/server";
import { REPO_ROOT } from "../support";
import { SIEM_TYPE, e2eDescribe, emulatorConfig, emulatorPerTest, expectFailed, expectOk, initAgainst } from "./support";

e2eDescribe("quickstart", (ctx) => {
    let emulator: LogzioEmulator;
    emulatorPerTest((e) => (emulator = e));

    it("preview proposes one create, up makes it, a second preview expects no changes; the token is nowhere", async () => {
        const stack = ctx.project("examples/quickstart", { name: "logzio-siem-quickstart" });
        await initAgainst(stack, emulator, { "logzio-siem-quickstart:email": "security@example.com" });

        const preview = await stack.preview();
        expectOk(preview, "pulumi preview");
        expect(stepsFor(preview)).to.deep.equal(["create"]);
        expect(changesOf(preview)).to.deep.equal({ create: 2 }); // the stack and the account
        expect(emulator.count(ROUTES.createSiem), "preview creates nothing").to.equal(0);

        const up = await stack.up();
        expectOk(up, "pulumi up");
        const [account] = emulator.siemAccounts();
        expect(emulator.siemAccounts()).to.have.length(1);
        expect(account).to.include({ accountName: "platform-siem", email: "security@example.com" });
        const outputs = await stack.outputs();
        expect(outputs).to.deep.equal({ accountId: account.accountId, accountName: "platform-siem", createdAt: account.createdAt });
        const [resource] = await stack.siemResources();
        expect(resource.id).to.equal(String(account.accountId));

        const again = await stack.preview({ expectNoChanges: true });
        expectOk(again, "pulumi preview --expect-no-changes");
        expect(stepsFor(again)).to.deep.equal(["same"]);
        expect(emulator.count(ROUTES.createSiem)).to.equal(1);

        const at = stack.printed.indexOf(emulator.token);
        expect(at, `the CLI printed the token: ${stack.printed.slice(Math.max(0, at - 300), at + 100)}`).to.equal(-1);

        // State: the SiemAccount carries only the small shim as __provider, and no token even decrypted.
        const shown = await stack.exportState(true);
        const siem = shown.deployment.resources.filter((r: { type: string }) => r.type === SIEM_TYPE);
        expect(siem).to.have.length(1);
        const shim = String(siem[0].inputs.__provider);
        expect(shim.length, "__provider is the small shim").to.be.lessThan(8192);
        expect(shim).to.include("pulumi-logzio-siem/runtime");
        expect(JSON.stringify(siem)).to.not.include(emulator.token);
        // The engine keeps the stack config as the inputs of the default dynamic provider resource, so
        // `--show-secrets` decrypts the token there and nowhere else; without it, only ciphertext exists.
        const holders = shown.deployment.resources
            .filter((r: object) => JSON.stringify(r).includes(emulator.token))
            .map((r: { type: string }) => r.type);
        expect(holders).to.deep.equal(["pulumi:providers:pulumi-nodejs"]);
        expect(JSON.stringify(await stack.exportState())).to.not.include(emulator.token);
        for (const [file, text] of Object.entries(stack.backendFiles())) expect(text, file).to.not.include(emulator.token);
        expect(stack.stackConfigText()).to.match(/logzio:apiToken:\s*\n\s*secure: v1:/);
        expect(stack.stackConfigText()).to.not.include(emulator.token);
        // The token went to the emulator and nowhere else (the emulator is the only host the stack knows).
        expect(new Set(emulator.requests.map((r) => r.token))).to.deep.equal(new Set([emulator.token]));
    });

    it("preview fails on a missing or a wrong token, naming the key and never printing the token", async () => {
        const stack = ctx.project("examples/quickstart", { name: "logzio-siem-quickstart" });
        const { config } = emulatorConfig(emulator);
        await stack.init(config);

        const missing = await stack.preview();
        expectFailed(missing, "pulumi preview without a token");
        expect(missing.output).to.include("logzio:apiToken");
        expect(emulator.requests, "no call without a token").to.deep.equal([]);

        const wrong = "wrong-token-e2e-0123456789abcdef";
        await stack.setConfig("logzio:apiToken", wrong, true);
        const refused = await stack.preview();
        expectFailed(refused, "pulumi preview with a wrong token");
        expect(refused.output).to.include("logzio:apiToken").and.include("HTTP 401");
        expect(refused.output).to.not.include(wrong);
        expect(emulator.requests.map((r) => `${r.method} ${r.path}`)).to.deep.equal([ROUTES.whoami]);

        await stack.setConfig("logzio:apiToken", emulator.token, true);
        expectOk(await stack.preview(), "pulumi preview with the right token");
        expect(emulator.count(ROUTES.createSiem)).to.equal(0);
    });

    it("`pulumi new` from examples/quickstart (a template) generates a project that `pulumi up` runs", async () => {
        const stack = ctx.project("examples/quickstart", { files: {} });
        const template = path.join(REPO_ROOT, "examples", "quickstart");
        const generated = await stack.pulumi(["new", template, "--generate-only", "--yes", "--force", "--name", "my-siem"]);
        expectOk(generated, "pulumi new --generate-only");
        const read = (f: string) => fs.readFileSync(path.join(stack.dir, f), "utf8");
        expect(read("Pulumi.yaml"))
            .to.match(/^name: my-siem$/m)
            .and.not.match(/^template:/m);
        expect(read("index.ts")).to.equal(fs.readFileSync(path.join(template, "index.ts"), "utf8"));
        expect(JSON.parse(read("package.json")).dependencies).to.have.property("pulumi-logzio-siem");

        await initAgainst(stack, emulator);
        expectOk(await stack.up(), "pulumi up of the generated project");
        expect(emulator.siemAccounts().map((a) => a.accountName)).to.deep.equal(["platform-siem"]);
        expect((await stack.outputs()).accountId).to.equal(emulator.siemAccounts()[0].accountId);
    });
});
