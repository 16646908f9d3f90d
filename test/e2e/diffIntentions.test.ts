// Diff compares intentions, through the real CLI where the engine decides: an unchanged program never plans a
// replacement whatever Logz.io stored (its default accountsToScan, a name in another case), before or after a refresh,
// and a rename in the UI shows as drift, `~accountName`. The host-level cases: test/host/diffIntentions.test.ts.
import { expect } from "chai";
import { LogzioEmulator } from "../../emulator";
import { ROUTES } from "../../emulator/server";
import { E2EStack, replaceKeysOf, stepsFor } from "../../harness/e2e/stack";
import { e2eDescribe, emulatorPerTest, expectOk, initAgainst } from "./support";

const PROGRAM = "test/e2e/programs/siem-accounts";

e2eDescribe("diff compares intentions: nothing planned for what Logz.io stored, drift shown as ~accountName", (ctx) => {
    let emulator: LogzioEmulator;
    emulatorPerTest((e) => (emulator = e));

    async function stackWith(accounts: object[], extra: Record<string, string> = {}): Promise<E2EStack> {
        const stack = ctx.project(PROGRAM);
        await initAgainst(stack, emulator, { accounts: JSON.stringify(accounts), ...extra });
        return stack;
    }

    it("Logz.io's default list and a normalised name: up, refresh, preview plan nothing; a UI rename shows as ~accountName", async () => {
        emulator.setNameNormalisation(["trim", "collapse", "lowercase"]);
        const stack = await stackWith([{ resourceName: "siem", accountName: "Prod-Siem", email: "p@example.com", accountsToScan: [] }]);
        expectOk(await stack.up(), "pulumi up");
        const [account] = emulator.siemAccounts();
        expect(account).to.deep.include({ accountName: "prod-siem", accountsToScan: [100000] });

        const again = await stack.preview({ expectNoChanges: true });
        expectOk(again, "pulumi preview --expect-no-changes right after up");
        expect(stepsFor(again)).to.deep.equal(["same"]);
        expectOk(await stack.refresh(), "pulumi refresh");
        const afterRefresh = await stack.preview({ expectNoChanges: true });
        expectOk(afterRefresh, "pulumi preview --expect-no-changes after refresh");
        expect(stepsFor(afterRefresh)).to.deep.equal(["same"]);

        emulator.renameAccount(account.accountId, "renamed-in-ui");
        expectOk(await stack.refresh(), "pulumi refresh after the rename");
        const drift = await stack.preview();
        expectOk(drift, "pulumi preview after drift");
        expect(stepsFor(drift)).to.deep.equal(["delete-replaced", "replace", "create-replacement"]);
        expect(replaceKeysOf(drift)).to.deep.equal(["accountName"]);
        // The engine computes what it shows from the inputs the refresh handed it (the live name).
        expect(drift.output).to.match(/siem replace \[diff: ~accountName\]/);
        expect(emulator.count(ROUTES.create)).to.equal(1);
    });
});
