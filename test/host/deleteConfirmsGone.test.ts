// Delete through Pulumi's real dynamic-provider host: Logz.io has no delete call, so delete only confirms that the
// account is gone. A live account is refused naming it (by its current name), with the UI steps, `pulumi refresh` and
// retainOnDelete, and the host does not print that refusal a second time; an account deleted in the UI succeeds; one
// Logz.io does not list yet is refused as still provisioning; a replacement in one host creates the name again.
import { expect } from "chai";
import { LogzioEmulator } from "../../emulator";
import { HostCallError, ProviderHost } from "../../testing/runner/hostDriver";
import { Managed, lifecycleHosts } from "../helpers/lifecycleHosts";
import { hostError } from "../helpers/support";

describe("delete through the host: it only confirms the account is gone", function () {
    const lc = lifecycleHosts(0);
    let emulator: LogzioEmulator;
    let host: ProviderHost;
    let graceZero: ProviderHost;
    before(() => ({ emulator, host, graceZero } = lc));
    const { uniqueName, lists, posts, checked, up, seed, stateOf, refresh } = lc;

    /**
     * `up` of a new account named `${tag}`, then a delete the host refuses: the error names the account, the host does
     * not print it a second time, it offers retainOnDelete, and the delete looked once (one list) and posted nothing.
     */
    async function refusedDelete(tag: string, email: string): Promise<{ m: Managed; err: HostCallError }> {
        const name = uniqueName(tag);
        const m = await up(host, tag, { accountName: name, email });
        const listsAfterCreate = lists();
        const stderrBefore = host.stderr().length;

        const err = await hostError(host.delete(m.id, m.urn, m.outs));

        expect(err.message).to.include(`SIEM account ${m.id} ("${name}")`);
        // The host prints a failed delete on its stderr too, which the engine would show under the stack: the
        // runtime drops that echo of its own error, so the engine shows the failure once. Others' echoes remain.
        const printed = await stderrUpToForeignFailure(host, stderrBefore);
        expect(printed).to.not.include(`("${name}")`);
        expect(err.message).to.include("retainOnDelete: true");
        expect(lists() - listsAfterCreate).to.equal(1);
        expect(posts()).to.equal(1);
        return { m, err };
    }

    describe("delete: no delete call, so it only confirms the account is gone", () => {
        it("a live account: fails naming it, with the UI steps, `pulumi refresh` and retainOnDelete, and changes nothing", async () => {
            const { m, err } = await refusedDelete("live", "live@example.com");
            expect(err.message).to.include("Settings > Manage accounts");
            expect(err.message).to.include("pulumi refresh");
            expect(emulator.siemAccounts().map((a) => String(a.accountId))).to.deep.equal([m.id]);
            // Still managed: a refresh keeps it.
            expect((await refresh(host, m)).id).to.equal(m.id);
        });

        it("a renamed live account: the message names it by its current name", async () => {
            const m = await up(host, "live-renamed", { accountName: uniqueName("live-renamed"), email: "lr@example.com" });
            emulator.renameAccount(Number(m.id), "renamed in the UI");
            const refreshed = await refresh(host, m);
            const err = await hostError(host.delete(m.id, m.urn, refreshed.properties));
            expect(err.message).to.include(`SIEM account ${m.id} ("renamed in the UI")`);
            expect(emulator.siemAccounts()).to.have.length(1);
        });

        it("an account deleted in the UI (created long ago): succeeds", async () => {
            const gone = stateOf(seed(uniqueName("deleted")), "deleted");
            expect(emulator.deleteAccount(Number(gone.id))).to.equal(true);

            await host.delete(gone.id, gone.urn, gone.outs);

            // It looked: a list requested after the delete was asked showed the account gone.
            expect(lists()).to.equal(1);
            expect(posts()).to.equal(0);
            expect(emulator.siemAccounts()).to.have.length(0);
        });

        it("a just-created account Logz.io does not list yet: fails saying it is still provisioning", async () => {
            emulator.setProvisioningMs(10 * 60_000);
            const { m, err } = await refusedDelete("provisioning", "prov@example.com");
            expect(err.message).to.include("does not list it yet");
            expect(err.message).to.include(String(m.outs.createdAt));
            expect(emulator.siemAccounts()).to.have.length(1);
        });

        it("replacement in one host: once the old account is deleted in the UI, delete then create of the same name succeeds", async () => {
            const name = uniqueName("replace");
            const args = { accountName: name, email: "before@example.com" };
            const m = await up(graceZero, "replace", args);

            const news = await checked(graceZero, m.urn, { ...args, email: "after@example.com" }, m.inputs);
            const d = await graceZero.diff(m.id, m.urn, m.outs, news);
            expect(d).to.deep.equal({ changes: "some", replaces: ["email"], deleteBeforeReplace: true });

            expect(emulator.deleteAccount(Number(m.id))).to.equal(true); // the user deletes it in the UI
            await graceZero.delete(m.id, m.urn, m.outs);
            const replacement = await graceZero.create(m.urn, news);

            expect(replacement.id).to.not.equal(m.id);
            expect(replacement.properties).to.include({ accountName: name, email: "after@example.com" });
            expect(posts()).to.equal(2);
            expect(emulator.siemAccounts().map((a) => [String(a.accountId), a.accountName, a.email])).to.deep.equal([
                [replacement.id, name, "after@example.com"],
            ]);
        });

        it("a name this host created is free again once that account is gone, even after a UI rename and refresh", async () => {
            const name = uniqueName("renamed-away");
            const m = await up(graceZero, "renamed-away", { accountName: name, email: "r@example.com" });
            emulator.renameAccount(Number(m.id), `${name}-ui`);
            const refreshed = await refresh(graceZero, m);
            expect(refreshed.properties.accountName).to.equal(`${name}-ui`);
            emulator.deleteAccount(Number(m.id));
            await graceZero.delete(m.id, m.urn, refreshed.properties);
            const again = await up(graceZero, "renamed-away-2", { accountName: name, email: "r@example.com" });
            expect(again.id).to.not.equal(m.id);
            expect(posts()).to.equal(2);
            expect(emulator.siemAccounts().map((a) => [String(a.accountId), a.accountName])).to.deep.equal([[again.id, name]]);
        });
    });
});

/**
 * The host's stderr since `from`, up to the echo of a failure that is not this package's (a __provider that does
 * not load): the host prints it after everything asked before, so what precedes it is all it printed meanwhile.
 */
async function stderrUpToForeignFailure(host: ProviderHost, from: number): Promise<string> {
    await hostError(host.delete("1", "urn:pulumi:test::test::pulumi-nodejs:dynamic:Resource::foreign", { __provider: "not a module (" }));
    const text = await eventually(
        () => host.stderr().slice(from),
        (t) => t.includes("SyntaxError"),
    );
    expect(text, "the host still prints failures that are not ours").to.include("SyntaxError");
    return text.slice(0, text.indexOf("SyntaxError"));
}

async function eventually(read: () => string, done: (text: string) => boolean): Promise<string> {
    for (let waited = 0; !done(read()) && waited < 5000; waited += 20) await new Promise((r) => setTimeout(r, 20));
    return read();
}
