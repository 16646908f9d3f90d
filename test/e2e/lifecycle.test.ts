// The lifecycle as the engine runs it: drift and deletion on refresh, replacement (delete before replace), destroy
// and the resource options only the engine applies (retainOnDelete, protect, ignoreChanges), a partial create
// completed on the next run, adoption and the duplicate-name refusal as the CLI prints them.
import { expect } from "chai";
import { LogzioEmulator } from "../../emulator";
import { ROUTES } from "../../emulator/server";
import { E2EStack, replaceKeysOf, stepsFor } from "../../harness/e2e/stack";
import { GRACE_KEY, e2eDescribe, emulatorPerTest, expectFailed, expectOk, initAgainst } from "./support";

interface Declared {
    resourceName: string;
    accountName: string;
    email: string;
    existingAccountId?: number;
}

const PROGRAM = "test/e2e/programs/siem-accounts";

e2eDescribe("lifecycle", (ctx) => {
    let emulator: LogzioEmulator;
    emulatorPerTest((e) => (emulator = e));

    /** A stack of the siem-accounts program against the emulator; `grace` 0 makes "not listed" mean "gone". */
    async function stackWith(accounts: Declared[], opts: { grace?: number; options?: object } = {}): Promise<E2EStack> {
        const stack = ctx.project(PROGRAM);
        const extra: Record<string, string> = { accounts: JSON.stringify(accounts) };
        if (opts.grace !== undefined) extra[GRACE_KEY] = String(opts.grace);
        if (opts.options) extra.options = JSON.stringify(opts.options);
        await initAgainst(stack, emulator, extra);
        return stack;
    }

    const declare = (stack: E2EStack, accounts: Declared[]) => stack.setConfig("accounts", JSON.stringify(accounts));
    const posts = () => emulator.count(ROUTES.create);

    it("bad inputs fail `pulumi preview` with the property named, before any call to Logz.io", async () => {
        const stack = await stackWith([{ resourceName: "siem", accountName: "bad/name", email: "not-an-email" }]);
        const preview = await stack.preview();
        expectFailed(preview, "pulumi preview with bad inputs");
        expect(preview.output).to.include('accountName "bad/name" may contain only letters');
        expect(preview.output).to.include(`email "not-an-email" is invalid`);
        expect(emulator.requests).to.deep.equal([]);
    });

    it("refresh takes a rename made in the UI, and the next preview proposes a replacement", async () => {
        const declared = [{ resourceName: "siem", accountName: "siem-drift", email: "d@example.com" }];
        const stack = await stackWith(declared);
        expectOk(await stack.up(), "pulumi up");
        const [account] = emulator.siemAccounts();
        emulator.renameAccount(account.accountId, "renamed-in-ui");

        const refresh = await stack.refresh();
        expectOk(refresh, "pulumi refresh");
        expect(stepsFor(refresh)).to.deep.equal(["refresh"]);
        const [resource] = await stack.siemResources();
        expect(resource.outputs.accountName).to.equal("renamed-in-ui");
        expect(resource.id).to.equal(String(account.accountId));

        const preview = await stack.preview();
        expectOk(preview, "pulumi preview");
        // deleteBeforeReplace from diff: the engine plans the delete of the old account before the create.
        expect(stepsFor(preview)).to.deep.equal(["delete-replaced", "replace", "create-replacement"]);
        expect(replaceKeysOf(preview)).to.deep.equal(["accountName"]);
        expect(posts()).to.equal(1);
    });

    it("refresh drops an account deleted in the UI once past the grace period; within it, keeps it", async () => {
        const stack = await stackWith([{ resourceName: "siem", accountName: "siem-gone", email: "g@example.com" }]);
        expectOk(await stack.up(), "pulumi up");
        const [account] = emulator.siemAccounts();
        emulator.deleteAccount(account.accountId);

        // Default grace (15 minutes): a fresh account missing from the list may still be setting up.
        expectOk(await stack.refresh(), "pulumi refresh within the grace period");
        expect((await stack.siemResources()).map((r) => r.id)).to.deep.equal([String(account.accountId)]);

        // Refresh configures the provider from the config recorded at the last `up`, not from the stack config:
        // a changed setting reaches refresh (and destroy) only after an `up`.
        await stack.setConfig(GRACE_KEY, "0");
        expectOk(await stack.refresh(), "pulumi refresh right after the config change");
        expect((await stack.siemResources()).map((r) => r.id)).to.deep.equal([String(account.accountId)]);
        const up = await stack.up();
        expectOk(up, "pulumi up (records the new config; changes no resource)");
        expect(stepsFor(up)).to.deep.equal(["same"]);

        const refresh = await stack.refresh();
        expectOk(refresh, "pulumi refresh past the grace period");
        expect(stepsFor(refresh)).to.deep.equal(["refresh"]);
        expect(await stack.siemResources()).to.deep.equal([]);
        expect(posts()).to.equal(1);
    });

    it("`pulumi refresh --run-program` configures the provider from the current config, with no `up` before it", async () => {
        const stack = await stackWith([{ resourceName: "siem", accountName: "siem-run-program", email: "rp@example.com" }]);
        expectOk(await stack.up(), "pulumi up");
        const [account] = emulator.siemAccounts();
        emulator.deleteAccount(account.accountId);
        await stack.setConfig(GRACE_KEY, "0");
        const refresh = await stack.refreshRunningProgram();
        expectOk(refresh, "pulumi refresh --run-program");
        expect(await stack.siemResources()).to.deep.equal([]);
        expect(posts()).to.equal(1);
    });

    it("a changed email replaces through the engine: delete first, refused while the account lives, then a new id", async () => {
        const stack = await stackWith([{ resourceName: "siem", accountName: "siem-replace", email: "old@example.com" }], { grace: 0 });
        expectOk(await stack.up(), "pulumi up");
        const [old] = emulator.siemAccounts();
        await declare(stack, [{ resourceName: "siem", accountName: "siem-replace", email: "new@example.com" }]);

        const preview = await stack.preview();
        expectOk(preview, "pulumi preview");
        expect(stepsFor(preview)).to.deep.equal(["delete-replaced", "replace", "create-replacement"]);

        const refused = await stack.up();
        expectFailed(refused, "pulumi up while the old account lives");
        expect(refused.output).to.include(`SIEM account ${old.accountId} ("siem-replace") still exists`);
        expect(refused.output).to.include("Delete it in the Logz.io UI");
        // Delete before replace: the engine asked for the delete first, so no second account was created.
        expect(posts()).to.equal(1);
        expect(emulator.siemAccounts()).to.have.length(1);
        expect((await stack.siemResources()).map((r) => r.id)).to.deep.equal([String(old.accountId)]);

        emulator.deleteAccount(old.accountId);
        const up = await stack.up();
        expectOk(up, "pulumi up after the UI deletion");
        const [fresh] = emulator.siemAccounts();
        expect(fresh.accountId).to.not.equal(old.accountId);
        expect(fresh.email).to.equal("new@example.com");
        expect(posts()).to.equal(2);
        expect((await stack.outputs()).accountIds).to.deep.equal({ siem: fresh.accountId });
    });

    it("destroy: refused while the account lives; retainOnDelete leaves it and empties the stack", async () => {
        const declared = [{ resourceName: "siem", accountName: "siem-retain", email: "r@example.com" }];
        const stack = await stackWith(declared);
        expectOk(await stack.up(), "pulumi up");
        const [account] = emulator.siemAccounts();

        const refused = await stack.destroy();
        expectFailed(refused, "pulumi destroy while the account lives");
        expect(refused.output).to.include("still exists, and Logz.io has no API call that deletes SIEM accounts");
        expect(refused.output).to.include("retainOnDelete: true");
        expect(refused.output, "no stack trace in what the CLI shows").to.not.match(/^\s+at .+:\d+:\d+\)?$/m);
        expect((await stack.siemResources()).map((r) => r.id)).to.deep.equal([String(account.accountId)]);

        await stack.setConfig("options", JSON.stringify({ retainOnDelete: true }));
        expectOk(await stack.up(), "pulumi up with retainOnDelete");
        const sent = emulator.requests.length;
        const destroyed = await stack.destroy();
        expectOk(destroyed, "pulumi destroy with retainOnDelete");
        // The engine drops a retained resource without asking the provider: nothing reaches Logz.io.
        expect(emulator.requests.slice(sent)).to.deep.equal([]);
        expect(await stack.siemResources()).to.deep.equal([]);
        expect(emulator.siemAccounts().map((a) => a.accountId)).to.deep.equal([account.accountId]);
    });

    it("destroy: after the UI deletion, refresh then destroy succeed", async () => {
        const stack = await stackWith([{ resourceName: "siem", accountName: "siem-destroy", email: "x@example.com" }], { grace: 0 });
        expectOk(await stack.up(), "pulumi up");
        const [account] = emulator.siemAccounts();
        emulator.deleteAccount(account.accountId);
        expectOk(await stack.refresh(), "pulumi refresh");
        expectOk(await stack.destroy(), "pulumi destroy");
        expect(await stack.siemResources()).to.deep.equal([]);
        expect(await stack.outputs()).to.deep.equal({});
    });

    it("protect: the engine refuses the destroy before the provider is asked", async () => {
        const stack = await stackWith([{ resourceName: "siem", accountName: "siem-protect", email: "p@example.com" }], {
            grace: 0,
            options: { protect: true },
        });
        expectOk(await stack.up(), "pulumi up");
        const [account] = emulator.siemAccounts();
        emulator.deleteAccount(account.accountId); // would let our delete succeed: only protect can refuse
        const sent = emulator.requests.length;
        const destroy = await stack.destroy();
        expectFailed(destroy, "pulumi destroy of a protected resource");
        expect(destroy.output).to.match(/cannot be deleted\s+because it is protected/);
        expect(destroy.output).to.include("pulumi state unprotect");
        // The provider's delete always lists the accounts first: no list (nor any other call) means it was never asked.
        expect(emulator.requests.slice(sent).map((r) => `${r.method} ${r.path}`)).to.not.include(ROUTES.list);
        expect(emulator.requests.slice(sent)).to.deep.equal([]);
        expect((await stack.siemResources()).map((r) => r.id)).to.deep.equal([String(account.accountId)]);
    });

    it("ignoreChanges: a changed email is not a replacement", async () => {
        const stack = await stackWith([{ resourceName: "siem", accountName: "siem-ignore", email: "a@example.com" }], {
            options: { ignoreChanges: ["email"] },
        });
        expectOk(await stack.up(), "pulumi up");
        await declare(stack, [{ resourceName: "siem", accountName: "siem-ignore", email: "b@example.com" }]);
        const preview = await stack.preview({ expectNoChanges: true });
        expectOk(preview, "pulumi preview --expect-no-changes");
        expect(stepsFor(preview)).to.deep.equal(["same"]);
        expectOk(await stack.up(), "pulumi up");
        expect(posts()).to.equal(1);
        expect(emulator.siemAccounts()[0].email).to.equal("a@example.com");
    });

    it("partial create: an unusable 200 keeps the id in state, and the next refresh and up complete it without a POST", async () => {
        const stack = await stackWith([{ resourceName: "siem", accountName: "siem-partial", email: "p@example.com" }]);
        // Logz.io creates the account but answers without accountName, and does not list it yet.
        emulator.setProvisioningMs(3_600_000);
        const id = emulator.accounts()[0].accountId + 1; // the emulator's next id after the main account
        emulator.injectFaults(ROUTES.create, {
            kind: "schemaViolating200",
            body: { accountId: id, createdAt: "2026-01-01T00:00:00Z" },
        });

        const failed = await stack.up();
        expectFailed(failed, "pulumi up with an unusable answer");
        expect(failed.output).to.include(`was created (accountId ${id})`);
        const [partial] = await stack.siemResources();
        expect(partial.id).to.equal(String(id));
        expect(partial.outputs.accountId).to.equal(id);
        expect(partial.initErrors, "the engine records the init error").to.have.length(1);

        emulator.setProvisioningMs(0); // now Logz.io lists it
        expectOk(await stack.refresh(), "pulumi refresh");
        const up = await stack.up();
        expectOk(up, "pulumi up");
        const [done] = await stack.siemResources();
        expect(done.id).to.equal(String(id));
        expect(done.initErrors ?? []).to.deep.equal([]);
        expect((await stack.outputs()).accountIds).to.deep.equal({ siem: id });
        expect(posts()).to.equal(1);
        expect(emulator.siemAccounts().map((a) => a.accountId)).to.deep.equal([id]);
    });

    it("a name Logz.io already lists fails `pulumi preview` with the adopt line and no POST; a no-change preview then makes no list call", async () => {
        const taken = emulator.addAccount({ accountName: "taken-siem", type: "SECURITY_ACCOUNT", createdAt: "2025-01-01T00:00:00Z" });
        const stack = await stackWith([{ resourceName: "siem", accountName: "taken-siem", email: "t@example.com" }]);
        const preview = await stack.preview();
        expectFailed(preview, "pulumi preview of a duplicate name");
        // The same line as up's duplicate guard: the engine sends no olds when checking a resource not in state.
        expect(preview.output).to.include(`a SIEM account named "taken-siem" already exists (accountId ${taken.accountId})`);
        expect(preview.output).to.include(`existingAccountId: ${taken.accountId}`);
        expect(emulator.requests.map((r) => `${r.method} ${r.path}`)).to.deep.equal([ROUTES.whoami, ROUTES.list]);

        await declare(stack, [{ resourceName: "siem", accountName: "free-siem", email: "t@example.com" }]);
        expectOk(await stack.up(), "pulumi up of a free name");
        expect(posts()).to.equal(1);
        const before = emulator.requests.length;
        expectOk(await stack.preview({ expectNoChanges: true }), "a no-change pulumi preview");
        // Resources in state are not looked up: at most the host's token check.
        expect(emulator.requests.slice(before).map((r) => `${r.method} ${r.path}`)).to.deep.equal([ROUTES.whoami]);
    });

    it("adoption with existingAccountId takes the account without a POST; a same-name create is refused as the CLI shows it", async () => {
        const existing = emulator.addAccount({ accountName: "legacy-siem", type: "SECURITY_ACCOUNT", createdAt: "2025-01-01T00:00:00Z" });

        const duplicate = await stackWith([{ resourceName: "siem", accountName: "legacy-siem", email: "l@example.com" }]);
        const refused = await duplicate.up();
        expectFailed(refused, "pulumi up of a duplicate name");
        expect(refused.output).to.include(`a SIEM account named "legacy-siem" already exists (accountId ${existing.accountId})`);
        expect(refused.output).to.include(`existingAccountId: ${existing.accountId}`);
        expect(await duplicate.siemResources()).to.deep.equal([]);

        await declare(duplicate, [
            { resourceName: "siem", accountName: "legacy-siem", email: "l@example.com", existingAccountId: existing.accountId },
        ]);
        expectOk(await duplicate.up(), "pulumi up adopting the account");
        const [adopted] = await duplicate.siemResources();
        expect(adopted.id).to.equal(String(existing.accountId));
        expect(posts()).to.equal(0);
        expect(emulator.siemAccounts()).to.have.length(1);
    });
});
