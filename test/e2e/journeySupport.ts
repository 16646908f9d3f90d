// Helpers of the engine-level journeys: waiting on what the emulator received, the pending operations of a
// stack export, and following the duplicate guard's adopt line exactly as the CLI printed it.
import { expect } from "chai";
import { E2EStack } from "../../harness/e2e/stack";

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
