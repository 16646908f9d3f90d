// Engine-level journeys through the real CLI, asserting on what the emulator received and on `pulumi stack
// export`: state lost (state delete, a new stack) and the guard's adopt line followed as printed; another resource
// of the program failing during `up`; state exported and imported, and the secrets provider changed.
// Interrupted runs: interrupted.test.ts; 50 resources: scale.test.ts; protect and retainOnDelete: lifecycle.test.ts.
import * as fs from "node:fs";
import * as path from "node:path";
import { expect } from "chai";
import { LogzioEmulator } from "../../emulator";
import { ROUTES } from "../../emulator/server";
import { E2EStack, stepsFor } from "../../harness/e2e/stack";
import { Declared, SIEM_PROGRAM, followAdoptLine, pendingOf, waitFor } from "./journeySupport";
import { SIEM_TYPE, e2eDescribe, emulatorPerTest, expectFailed, expectOk, initAgainst } from "./support";

const DECLARED: Declared[] = [{ resourceName: "siem", accountName: "siem-journey", email: "j@example.com" }];

e2eDescribe("journeys: state lost, a failing neighbour, state moved and re-keyed", (ctx) => {
    let emulator: LogzioEmulator;
    emulatorPerTest((e) => (emulator = e));
    const posts = () => emulator.count(ROUTES.create);

    async function upOne(opts: { stack?: string } = {}): Promise<{ stack: E2EStack; id: number }> {
        const stack = ctx.project(SIEM_PROGRAM, opts);
        await initAgainst(stack, emulator, { accounts: JSON.stringify(DECLARED) });
        expectOk(await stack.up(), "pulumi up");
        const [account] = emulator.siemAccounts();
        return { stack, id: account.accountId };
    }

    /** The next `up` is stopped by the duplicate guard; its adopt line, followed as printed, adopts with no POST. */
    async function guardThenAdopt(stack: E2EStack, id: number): Promise<void> {
        const stopped = await stack.up();
        expectFailed(stopped, "pulumi up with the account missing from state");
        expect(stopped.output).to.include(`a SIEM account named "siem-journey" already exists (accountId ${id})`);
        expect(await stack.siemResources()).to.deep.equal([]);
        expect(posts()).to.equal(1);

        expect(await followAdoptLine(stack, stopped.output, DECLARED)).to.equal(id);
        const adopted = await stack.up();
        expectOk(adopted, "pulumi up following the adopt line");
        expect(stepsFor(adopted)).to.deep.equal(["create"]); // a create for the engine, an adoption for Logz.io
        expect((await stack.siemResources()).map((r) => r.id)).to.deep.equal([String(id)]);
        expect(pendingOf(await stack.exportState())).to.deep.equal([]);
        expect(posts()).to.equal(1);
        expect(emulator.siemAccounts().map((a) => a.accountId)).to.deep.equal([id]);
    }

    it("state lost with `pulumi state delete`: the next `up` is stopped by the guard, and its adopt line adopts with no POST", async () => {
        const { stack, id } = await upOne();
        const urn = `urn:pulumi:${stack.stackName}::siem-accounts::${SIEM_TYPE}::siem`;
        await stack.must(["state", "delete", urn, "--yes"]);
        expect(await stack.siemResources()).to.deep.equal([]);
        expect(emulator.siemAccounts().map((a) => a.accountId)).to.deep.equal([id]);
        await guardThenAdopt(stack, id);
    });

    it("state lost with a new stack of the same program: the guard stops it, and its adopt line adopts with no POST", async () => {
        const { id } = await upOne();
        const fresh = ctx.project(SIEM_PROGRAM, { stack: "rebuilt" });
        await initAgainst(fresh, emulator, { accounts: JSON.stringify(DECLARED) });
        await guardThenAdopt(fresh, id);
    });

    it("another resource of the program fails while the POST is in flight: the account is recorded, and the next `up` creates nothing", async () => {
        const stack = ctx.project("test/e2e/programs/failing-neighbour");
        const failWhen = path.join(stack.dir, "fail-now");
        await initAgainst(stack, emulator, { accountName: "siem-neighbour", neighbourFails: "true", failWhen });
        // Logz.io holds the POST for 4 s; the neighbour throws as soon as the emulator has it in flight.
        emulator.injectFaults(ROUTES.create, { kind: "delay", ms: 4000 });
        const run = stack.start("up");
        await waitFor("the create POST in flight", () => emulator.inFlightOn(ROUTES.create) === 1);
        fs.writeFileSync(failWhen, "");
        const failed = await run.done;
        expectFailed(failed, "pulumi up with a failing neighbour");
        expect(failed.output).to.include("the neighbour resource failed to create");
        const [account] = emulator.siemAccounts();
        expect(posts()).to.equal(1);
        expect((await stack.siemResources()).map((r) => r.id)).to.deep.equal([String(account.accountId)]);
        expect(pendingOf(await stack.exportState())).to.deep.equal([]);

        const again = await stack.up();
        expectFailed(again, "pulumi up with the neighbour still failing");
        // Whether the engine reaches the account's step before the neighbour stops the run varies; it never creates it.
        expect(stepsFor(again).filter((s) => s !== "same")).to.deep.equal([]);
        expect(posts()).to.equal(1);
        await stack.setConfig("neighbourFails", "false");
        const fixed = await stack.up();
        expectOk(fixed, "pulumi up with the neighbour fixed");
        expect(stepsFor(fixed)).to.deep.equal(["same"]);
        expect((await stack.outputs()).accountId).to.equal(account.accountId);
        expect(posts()).to.equal(1);
        expect(emulator.siemAccounts()).to.have.length(1);
    });

    it("stack export + import, then change-secrets-provider to a new passphrase: refresh and preview work, the token never in plain text", async () => {
        const { stack, id } = await upOne();
        const exported = path.join(stack.dir, "exported.json");
        await stack.must(["stack", "export", "--file", exported]);
        await stack.must(["stack", "import", "--file", exported]);
        fs.rmSync(exported);
        const refreshed = await stack.refresh();
        expectOk(refreshed, "pulumi refresh after stack import");
        expect(stepsFor(refreshed)).to.deep.equal(["refresh"]);
        expectOk(await stack.preview({ expectNoChanges: true }), "pulumi preview after stack import");

        // The CLI takes the new passphrase on stdin and unlocks with the current one (PULUMI_CONFIG_PASSPHRASE).
        const before = fs.readFileSync(path.join(stack.dir, `Pulumi.${stack.stackName}.yaml`), "utf8");
        await stack.must(["stack", "change-secrets-provider", "passphrase"], "a-new-passphrase\n");
        expect(stack.stackConfigText()).to.not.equal(before);
        stack.setPassphrase("a-new-passphrase");
        const sentBefore = emulator.requests.length;
        const afterRefresh = await stack.refresh();
        expectOk(afterRefresh, "pulumi refresh with the new passphrase");
        expectOk(await stack.preview({ expectNoChanges: true }), "pulumi preview with the new passphrase");
        // The provider still got the token: the re-encrypted secret reached it.
        const sent = emulator.requests.slice(sentBefore);
        expect(sent.length).to.be.greaterThan(0);
        expect(sent.every((r) => r.token === emulator.token && r.status === 200)).to.equal(true);
        // The old passphrase no longer opens the stack.
        stack.setPassphrase("e2e-passphrase");
        expectFailed(await stack.preview(), "pulumi preview with the old passphrase");
        stack.setPassphrase("a-new-passphrase");

        expect((await stack.siemResources()).map((r) => r.id)).to.deep.equal([String(id)]);
        const files = { ...stack.backendFiles(), config: stack.stackConfigText(), printed: stack.printed };
        for (const [file, text] of Object.entries(files)) expect(text, `the token in ${file}`).to.not.include(emulator.token);
        expect(posts()).to.equal(1);
    });
});
