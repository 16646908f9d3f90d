// Advice that keeps what the user keeps, through the real CLI: a replacement Logz.io cannot carry out is said at
// preview with the ways that keep the account, and up's refusal leads with them (a rename in the UI, a changed
// email); a resource renamed in the program without `aliases` is told about aliases, and following the adopt line
// instead leaves one resource on the account, not two; a config that now reaches another main account stops preview
// and up, naming both.
import * as fs from "node:fs";
import * as path from "node:path";
import { expect } from "chai";
import { LogzioEmulator } from "../../emulator";
import { ROUTES } from "../../emulator/server";
import { E2EStack, stepsFor } from "../../harness/e2e/stack";
import { Declared, SIEM_PROGRAM, followAdoptLine } from "./journeySupport";
import { REPO_ROOT } from "../helpers/support";
import { e2eDescribe, emulatorConfig, emulatorPerTest, expectFailed, expectOk, initAgainst, startEmulator } from "./support";

const DECLARED: Declared[] = [{ resourceName: "siem", accountName: "siem-advice", email: "a@example.com" }];

e2eDescribe("advice that keeps the account", (ctx) => {
    let emulator: LogzioEmulator;
    emulatorPerTest((e) => (emulator = e));
    const posts = () => emulator.count(ROUTES.create);

    async function upOne(): Promise<{ stack: E2EStack; id: number }> {
        const stack = ctx.project(SIEM_PROGRAM);
        await initAgainst(stack, emulator, { accounts: JSON.stringify(DECLARED) });
        expectOk(await stack.up(), "pulumi up");
        const [account] = emulator.siemAccounts();
        return { stack, id: account.accountId };
    }

    it("a rename in the UI: preview warns and up's refusal offers the choice of names first; keeping the new name replaces nothing", async () => {
        const { stack, id } = await upOne();
        emulator.renameAccount(id, "renamed-in-ui");
        expectOk(await stack.refresh(), "pulumi refresh after the rename");

        const preview = await stack.preview();
        expectOk(preview, "pulumi preview of the unchanged program");
        expect(preview.output).to.include(`warning: SIEM account ${id} ("renamed-in-ui") is planned for replacement (accountName changed)`);
        expect(preview.output).to.include('setting accountName: "renamed-in-ui" in the program');
        expect(preview.output).to.include('restore "siem-advice" by renaming it back in the Logz.io UI');

        const up = await stack.up();
        expectFailed(up, "pulumi up of the unchanged program");
        const keep = up.output.indexOf('keep the name it was given in the Logz.io UI by setting accountName: "renamed-in-ui"');
        const byHand = up.output.indexOf("Only if you want a new account in its place: Delete it in the Logz.io UI");
        expect(keep, up.output).to.be.greaterThan(-1);
        expect(byHand, up.output).to.be.greaterThan(keep);
        expect(emulator.siemAccounts().map((a) => a.accountId)).to.deep.equal([id]);

        // The first way, followed: the program takes the new name, and nothing is replaced.
        await stack.setConfig("accounts", JSON.stringify([{ ...DECLARED[0], accountName: "renamed-in-ui" }]));
        const kept = await stack.up();
        expectOk(kept, "pulumi up keeping the new name");
        expect(stepsFor(kept)).to.deep.equal(["same"]);
        expect(posts()).to.equal(1);
        expect((await stack.siemResources()).map((r) => r.id)).to.deep.equal([String(id)]);
    });

    it("a changed email: preview says up will stop at the delete and how to revert; up's refusal leads with the revert", async () => {
        const { stack, id } = await upOne();
        await stack.setConfig("accounts", JSON.stringify([{ ...DECLARED[0], email: "new@example.com" }]));

        const preview = await stack.preview();
        expectOk(preview, "pulumi preview of the changed email");
        expect(preview.output).to.include(`SIEM account ${id} ("siem-advice") is planned for replacement (email changed)`);
        expect(preview.output).to.include("`pulumi up` will stop at its delete until someone deletes it by hand in the Logz.io UI");
        expect(preview.output).to.include('To keep it, revert email to "a@example.com" in the program');

        const up = await stack.up();
        expectFailed(up, "pulumi up of the changed email");
        const revert = up.output.indexOf('To keep it, revert email to "a@example.com" in the program');
        expect(revert, up.output).to.be.greaterThan(-1);
        expect(up.output.indexOf("Delete it in the Logz.io UI"), up.output).to.be.greaterThan(revert);
        expect(posts()).to.equal(1);

        await stack.setConfig("accounts", JSON.stringify(DECLARED));
        expectOk(await stack.preview({ expectNoChanges: true }), "pulumi preview after the revert");
    });

    it("a resource renamed without aliases: told about aliases first; following the adopt line leaves one resource on the account", async () => {
        const { stack, id } = await upOne();
        const renamed = [{ ...DECLARED[0], resourceName: "siem-renamed" }];
        await stack.setConfig("accounts", JSON.stringify(renamed));

        const preview = await stack.preview();
        expectFailed(preview, "pulumi preview of the renamed resource");
        const aliases = preview.output.indexOf('aliases: [{ name: "<its old name>" }]');
        expect(aliases, preview.output).to.be.greaterThan(-1);
        expect(preview.output.indexOf(`existingAccountId: ${id}`), preview.output).to.be.greaterThan(aliases);

        // aliases, as advised: nothing to do.
        await stack.setConfig("options", JSON.stringify({ aliases: [{ name: "siem" }] }));
        expectOk(await stack.preview({ expectNoChanges: true }), "pulumi preview with aliases");

        // The adopt line instead: the new resource adopts the account, the old one leaves the stack, the account stays.
        await stack.setConfig("options", "{}");
        expect(await followAdoptLine(stack, preview.output, renamed, "siem-renamed")).to.equal(id);
        const adopted = await stack.up();
        expectOk(adopted, "pulumi up following the adopt line");
        const resources = await stack.siemResources();
        expect(resources.map((r) => [String(r.urn).split("::").pop(), r.id])).to.deep.equal([["siem-renamed", String(id)]]);
        expect(posts()).to.equal(1);
        expect(emulator.siemAccounts().map((a) => a.accountId)).to.deep.equal([id]);
        expectOk(await stack.preview({ expectNoChanges: true }), "pulumi preview after the adoption");
    });

    it("the config switched to another main account: preview and up fail naming both, and nothing is dropped or created", async () => {
        const { stack, id } = await upOne();
        const other = await startEmulator({ ownerAccountId: 200000 });
        try {
            const { config, secrets } = emulatorConfig(other);
            for (const [k, v] of Object.entries(config)) await stack.setConfig(k, v);
            for (const [k, v] of Object.entries(secrets)) await stack.setConfig(k, v, true);
            for (const run of [await stack.preview(), await stack.up()]) {
                expectFailed(run, "pulumi preview/up under another main account");
                expect(run.output).to.include(`SIEM account ${id} ("siem-advice") belongs to Logz.io main account 100000`);
                expect(run.output).to.include("now reaches main account 200000");
                expect(run.output).to.include("To keep managing it, restore logzio:apiToken");
            }
            expect(other.count(ROUTES.create)).to.equal(0);
            // Only the token check of each command (the answer that shows the switch).
            expect(other.requests.map((r) => `${r.method} ${r.path}`).filter((r) => r !== ROUTES.whoami)).to.deep.equal([]);
            expect((await stack.siemResources()).map((r) => r.id)).to.deep.equal([String(id)]);
            expect(posts()).to.equal(1);
        } finally {
            await other.close();
        }
    });
});

e2eDescribe("an error inside new SiemAccount", (ctx) => {
    let emulator: LogzioEmulator;
    emulatorPerTest((e) => (emulator = e));

    it("a SiemAccount without a name: `pulumi preview` prints the error with the user's file:line", async () => {
        const program = "test/e2e/programs/nameless";
        const stack = ctx.project(program);
        await initAgainst(stack, emulator);
        const preview = await stack.preview();
        expectFailed(preview, "pulumi preview of a nameless SiemAccount");
        expect(preview.output).to.include("Missing resource name argument");
        const source = fs.readFileSync(path.join(REPO_ROOT, program, "index.ts"), "utf8").split("\n");
        const line = source.findIndex((l) => l.includes("// the user's line")) + 1;
        expect(preview.output).to.match(new RegExp(`index\\.ts:${line}:\\d+`));
    });
});
