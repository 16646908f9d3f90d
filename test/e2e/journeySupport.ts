// Helpers of the engine-level journeys: waiting on what the emulator received, the pending operations of a
// stack export, following the duplicate guard's adopt line exactly as the CLI printed it, and the steps the YAML and
// Python programs (through the resource provider plugin) share: a UI rename seen by refresh, destroy refused then
// clean, each explicit provider on its own main account, `pulumi import` by id, and no token in clear anywhere.
import { expect } from "chai";
import { EmulatedAccount, LogzioEmulator } from "../../emulator";
import { ROUTES } from "../../emulator/server";
import { E2EStack, RunResult, stepsFor } from "../../harness/e2e/stack";
import { expectFailed, expectOk } from "./support";

export const SIEM_PROGRAM = "test/e2e/programs/siem-accounts";

export interface Declared {
    resourceName: string;
    accountName: string;
    email: string;
    existingAccountId?: number;
}

/** Polls a condition on the emulator's side (what it received), never a guessed sleep. */
export async function waitFor(what: string, cond: () => boolean, timeoutMs = 60_000): Promise<void> {
    const until = Date.now() + timeoutMs;
    while (!cond()) {
        if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
        await new Promise((r) => setTimeout(r, 25));
    }
}

/** The pending operations of a `pulumi stack export`: what the engine left unfinished. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function pendingOf(state: any): { type: string; urn: string }[] {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    return (state.deployment.pending_operations ?? []).map((p: any) => ({ type: String(p.type), urn: String(p.resource.urn) }));
}

/**
 * Does what the duplicate guard's message says: "add to its args:  existingAccountId: <id>". The id is taken from
 * the printed line, not from the emulator, so the test follows the user's path. Returns the id.
 */
export async function followAdoptLine(stack: E2EStack, output: string, declared: Declared[], resourceName = "siem"): Promise<number> {
    const match = /add to its args: {2}existingAccountId: (\d+),/.exec(output);
    expect(match, `the adopt line in:\n${output}`).to.not.equal(null);
    const id = Number(match![1]);
    await stack.setConfig(
        "accounts",
        JSON.stringify(declared.map((d) => (d.resourceName === resourceName ? { ...d, existingAccountId: id } : d))),
    );
    return id;
}

/** The resource type of a SiemAccount declared through the resource provider plugin (YAML, Python, the SDKs). */
export const PLUGIN_TYPE = "logzio-siem:index:SiemAccount";

/** Nothing the CLI printed or the backend holds has any of `tokens` in clear. */
export async function expectNoToken(stack: E2EStack, ...tokens: string[]): Promise<void> {
    const exported = JSON.stringify(await stack.exportState());
    const files = stack.backendFiles();
    for (const token of tokens) {
        expect(exported, "pulumi stack export").to.not.include(token);
        expect(stack.printed, "what the CLI printed").to.not.include(token);
        for (const [file, text] of Object.entries(files)) expect(text, file).to.not.include(token);
    }
}

/**
 * After `up` made `accountId` (the run's one POST): a rename in the Logz.io UI is seen by `pulumi refresh`;
 * `pulumi destroy` is refused while the account lives, saying it still exists, with the advice `expectAdvice` checks
 * (in the program's language) and the account kept; once deleted in the UI, destroy is clean, with no second POST
 * and no token in clear.
 */
export async function renameRefreshThenDestroy(
    stack: E2EStack,
    emulator: LogzioEmulator,
    accountId: number,
    expectAdvice: (refusal: string) => void,
): Promise<void> {
    emulator.renameAccount(accountId, "Renamed In UI");
    const refresh = await stack.refresh();
    expectOk(refresh, "pulumi refresh");
    expect(stepsFor(refresh, PLUGIN_TYPE)).to.deep.equal(["refresh"]);
    const state = await stack.exportState();
    const resource = state.deployment.resources.find((r: { type: string }) => r.type === PLUGIN_TYPE);
    expect(resource.outputs.accountName).to.equal("Renamed In UI");

    const refused = await stack.destroy();
    expectFailed(refused, "pulumi destroy while the account lives");
    expect(refused.output).to.include("still exists");
    expectAdvice(refused.output);
    expect(emulator.siemAccounts()).to.have.length(1);

    emulator.deleteAccount(accountId);
    expectOk(await stack.destroy(), "pulumi destroy once the account is deleted");
    expect(emulator.count(ROUTES.create)).to.equal(1);
    await expectNoToken(stack, emulator.token);
}

/**
 * `up` of a program declaring "Home SIEM" on the default provider (on `home`) and "Away SIEM" on an explicit
 * provider with its own token (on `away`): each account on its own main account, no change planned after, and
 * neither token in clear anywhere.
 */
export async function expectEachOnItsOwnAccount(stack: E2EStack, home: LogzioEmulator, away: LogzioEmulator): Promise<void> {
    expectOk(await stack.up(), "pulumi up");
    expect(home.siemAccounts().map((a) => a.accountName)).to.deep.equal(["Home SIEM"]);
    expect(away.siemAccounts().map((a) => a.accountName)).to.deep.equal(["Away SIEM"]);
    expectOk(await stack.preview({ expectNoChanges: true }), "pulumi preview --expect-no-changes");
    await expectNoToken(stack, home.token, away.token);
}

/**
 * `pulumi import` of `existing` by its id as the unprotected resource "imported" (`flags`: where the code goes): no
 * POST, and the state records as inputs what Logz.io lists (its name) and the id. Returns the run and that resource.
 */
export async function importById(
    stack: E2EStack,
    emulator: LogzioEmulator,
    existing: EmulatedAccount,
    flags: string[],
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
): Promise<{ imported: RunResult; resource: any }> {
    const imported = await stack.pulumi([
        "import",
        PLUGIN_TYPE,
        "imported",
        String(existing.accountId),
        "--yes",
        "--protect=false",
        ...flags,
    ]);
    expectOk(imported, "pulumi import");
    expect(emulator.count(ROUTES.create)).to.equal(0);
    const state = await stack.exportState();
    const resource = state.deployment.resources.find((r: { type: string }) => r.type === PLUGIN_TYPE);
    expect(resource.inputs).to.deep.equal({ accountName: existing.accountName, existingAccountId: existing.accountId });
    return { imported, resource };
}

/** The program now declaring the imported account: no change previewed, `up` sends no POST, no token in clear. */
export async function expectAdoptedWithNoChange(stack: E2EStack, emulator: LogzioEmulator): Promise<void> {
    expectOk(await stack.preview({ expectNoChanges: true }), "pulumi preview --expect-no-changes after import");
    expectOk(await stack.up(), "pulumi up after import");
    expect(emulator.count(ROUTES.create)).to.equal(0);
    await expectNoToken(stack, emulator.token);
}
