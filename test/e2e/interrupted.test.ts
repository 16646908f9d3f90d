// Journey: `pulumi up` interrupted while the create POST is in flight (the emulator holds it). Ctrl-C is the
// engine's graceful cancel; SIGKILL leaves the stack locked with a pending create, and what is then safe depends
// on whether Logz.io lists the new account yet (and on this machine's record of the create: provider/lifecycle/createJournal.ts).
// These tests prove the README's recovery steps.
import { expect } from "chai";
import { LogzioEmulator } from "../../emulator";
import { ROUTES } from "../../emulator/server";
import { E2EStack, stepsFor } from "../../harness/e2e/stack";
import { Declared, SIEM_PROGRAM, followAdoptLine, pendingOf, waitFor } from "./journeySupport";
import { SIEM_TYPE, e2eDescribe, emulatorPerTest, expectFailed, expectOk, initAgainst } from "./support";

const HOLD_MS = 4000;
const NAME = "siem-interrupted";
const DECLARED: Declared[] = [{ resourceName: "siem", accountName: NAME, email: "i@example.com" }];

e2eDescribe("journeys: `pulumi up` interrupted mid-create", (ctx) => {
    let emulator: LogzioEmulator;
    emulatorPerTest((e) => (emulator = e));
    const posts = () => emulator.count(ROUTES.create);
    const urn = (stack: E2EStack) => `urn:pulumi:${stack.stackName}::siem-accounts::${SIEM_TYPE}::siem`;

    /** Starts `pulumi up` of one account with its POST held by Logz.io, and returns once the POST is in flight. */
    async function upWithPostInFlight(hold: "beforeCommit" | "afterCommit") {
        const stack = ctx.project(SIEM_PROGRAM);
        await initAgainst(stack, emulator, { accounts: JSON.stringify(DECLARED) });
        // beforeCommit: Logz.io is still creating it; afterCommit: created, the answer is on its way.
        emulator.injectFaults(
            ROUTES.create,
            hold === "beforeCommit" ? { kind: "delay", ms: HOLD_MS } : { kind: "slowBody", headersAfterMs: HOLD_MS },
        );
        const run = stack.start("up");
        await waitFor("the create POST in flight", () => emulator.inFlightOn(ROUTES.create) === 1);
        expect(emulator.siemAccounts().length, "interrupted before Logz.io answered").to.be.at.most(1);
        return { stack, run };
    }

    /** The account the held POST made (it completes at Logz.io whatever happens to the client). */
    async function theAccount(): Promise<number> {
        await waitFor("Logz.io to finish the held create", () => emulator.siemAccounts().length === 1);
        return emulator.siemAccounts()[0].accountId;
    }

    it("Ctrl-C: the engine waits for the in-flight create, records it, and the next `up` changes nothing", async () => {
        const { stack, run } = await upWithPostInFlight("beforeCommit");
        run.signal("SIGINT"); // to the whole foreground process group, as a terminal's Ctrl-C
        const cancelled = await run.done;
        expectFailed(cancelled, "pulumi up after Ctrl-C");
        expect(cancelled.output).to.include("^C received; cancelling");
        expect(cancelled.output).to.include("update canceled");
        const id = await theAccount();
        expect(stepsFor(cancelled)).to.deep.equal(["create"]);

        const state = await stack.exportState();
        expect(pendingOf(state)).to.deep.equal([]);
        expect((await stack.siemResources()).map((r) => r.id)).to.deep.equal([String(id)]);

        const again = await stack.up();
        expectOk(again, "pulumi up after the cancelled one");
        expect(stepsFor(again)).to.deep.equal(["same"]);
        expect(posts()).to.equal(1);
        expect(emulator.siemAccounts().map((a) => a.accountId)).to.deep.equal([id]);
    });

    it("SIGKILL, account listed at once: lock and pending create; `up` is stopped by the guard; the adopt line recovers", async () => {
        const { stack, run } = await upWithPostInFlight("beforeCommit");
        run.signal("SIGKILL");
        await run.done;
        const id = await theAccount();

        const state = await stack.exportState();
        expect(pendingOf(state)).to.deep.equal([{ type: "creating", urn: urn(stack) }]);
        expect(await stack.siemResources()).to.deep.equal([]);

        const locked = await stack.up();
        expectFailed(locked, "pulumi up of a stack left locked");
        expect(locked.output).to.include("the stack is currently locked by 1 lock(s)");
        expect(locked.output).to.include("pulumi cancel");
        expect(posts()).to.equal(1);
        await stack.must(["cancel", "--yes"]);

        // The engine asks the provider to create it again; the duplicate guard sees the account and refuses.
        const guarded = await stack.up();
        expectFailed(guarded, "pulumi up after pulumi cancel");
        expect(guarded.output).to.include("1 pending operations from previous deployment");
        expect(guarded.output).to.include(`${urn(stack)}, interrupted while creating`);
        expect(guarded.output).to.include(`a SIEM account named "${NAME}" already exists (accountId ${id})`);
        expect(posts()).to.equal(1);

        // What `--import-pending-creates <urn> <id>` does in 3.248: the pending create is dropped, and nothing is recorded.
        const imported = await stack.pulumi([
            "refresh",
            "--yes",
            "--skip-preview",
            "--import-pending-creates",
            urn(stack),
            "--import-pending-creates",
            String(id),
        ]);
        expectOk(imported, "pulumi refresh --import-pending-creates");
        expect(pendingOf(await stack.exportState())).to.deep.equal([]);
        expect(await stack.siemResources()).to.deep.equal([]);

        // The guard's adopt line, followed as printed, records the account with no POST.
        const stopped = await stack.up();
        expectFailed(stopped, "pulumi up with the pending create gone");
        expect(stopped.output).to.not.include("pending operations");
        expect(await followAdoptLine(stack, stopped.output, DECLARED)).to.equal(id);
        await expectAdopted(stack, id);
    });

    /** `pulumi up` after the adopt line: the account in state, no pending operation, still one POST and one account. */
    async function expectAdopted(stack: E2EStack, id: number): Promise<void> {
        const up = await stack.up();
        expectOk(up, "pulumi up adopting the account");
        expect(up.output).to.not.include("pending operations");
        expect(pendingOf(await stack.exportState())).to.deep.equal([]);
        expect((await stack.siemResources()).map((r) => r.id)).to.deep.equal([String(id)]);
        expect((await stack.outputs()).accountIds).to.deep.equal({ siem: id });
        expect(posts()).to.equal(1);
        expect(emulator.siemAccounts().map((a) => a.accountId)).to.deep.equal([id]);
    }

    it("SIGKILL while Logz.io does not list the account yet: wait until it is listed, clear the pending create, adopt", async () => {
        emulator.setProvisioningMs(3_600_000); // Logz.io hides new accounts from the list while setting them up
        const { stack, run } = await upWithPostInFlight("beforeCommit");
        run.signal("SIGKILL");
        await run.done;
        const id = await theAccount();
        await stack.must(["cancel", "--yes"]);

        // What Pulumi shows: `pulumi preview` plans a plain create and says nothing of the pending one; only the
        // stack export (and the warning `pulumi up` prints as it goes ahead) tell.
        const preview = await stack.preview();
        expectOk(preview, "pulumi preview with a pending create");
        expect(stepsFor(preview)).to.deep.equal(["create"]);
        expect(preview.output).to.not.include("pending operations");
        expect(pendingOf(await stack.exportState())).to.deep.equal([{ type: "creating", urn: urn(stack) }]);
        // A non-interactive refresh cannot settle it: the pending create stays, the provider has no id to read.
        expectOk(await stack.refresh(), "pulumi refresh");
        expect(pendingOf(await stack.exportState())).to.deep.equal([{ type: "creating", urn: urn(stack) }]);
        expect(await stack.siemResources()).to.deep.equal([]);
        expect(posts()).to.equal(1);

        emulator.setProvisioningMs(0); // set up: Logz.io lists it now (the user sees it in Settings > Manage accounts)
        const cleared = await stack.pulumi(["refresh", "--yes", "--skip-preview", "--clear-pending-creates"]);
        expectOk(cleared, "pulumi refresh --clear-pending-creates");
        expect(pendingOf(await stack.exportState())).to.deep.equal([]);
        const stopped = await stack.up();
        expectFailed(stopped, "pulumi up once the account is listed");
        expect(stopped.output).to.include(`a SIEM account named "${NAME}" already exists (accountId ${id})`);
        expect(await followAdoptLine(stack, stopped.output, DECLARED)).to.equal(id);
        await expectAdopted(stack, id);
    });

    it("SIGKILL while Logz.io does not list the account yet: an `up` before it is listed is refused by this machine's record of the create", async () => {
        emulator.setProvisioningMs(3_600_000);
        const { stack, run } = await upWithPostInFlight("afterCommit");
        run.signal("SIGKILL");
        await run.done;
        const id = await theAccount();
        await stack.must(["cancel", "--yes"]);
        const up = await stack.up();
        // The engine warns and still asks the provider to create; the guard's list cannot show the hidden account, but
        // the provider wrote the create down before its POST (provider/lifecycle/createJournal.ts), so it sends none.
        expect(up.output).to.include(`${urn(stack)}, interrupted while creating`);
        expectFailed(up, "pulumi up within the listing delay");
        expect(up.output).to.include(`a create of SIEM account "${NAME}" under main account 100000 was sent from this machine`);
        expect(posts()).to.equal(1);
        expect(emulator.siemAccounts().map((a) => a.accountId)).to.deep.equal([id]);
    });
});
