// The accounts Logz.io already lists under the names of this run's SiemAccounts, per main account. Each refusal of
// a duplicate name also names the others this host has found in the run, so they can all be adopted in one round.
// What the host can know is limited by the engine: it stops the run at the first refused check, and a name built
// from another account's outputs exists only once that account is in the stack (docs/behaviour.md, "Adopting").
import { Account } from "./account";
import { AccountView } from "../logzio/codecs";
import * as msg from "./messages";

// Keyed by the main account's claims, which every namespace pointing at that main account shares (runtime.ts).
const found = new WeakMap<object, Map<number, AccountView>>();

/** The refusal of a create under a name Logz.io lists as `existing`, with the other duplicates found in this run. */
export function duplicateRefusal(account: Account, existing: AccountView, held: ReadonlyMap<number, ReadonlyMap<string, string>>): string {
    const inStack = managedName(account, existing.accountId, held);
    // Never an adopt line naming an account a resource of this stack manages: two resources would manage one account.
    if (inStack !== undefined) return msg.nameHeldInStack(existing, inStack);
    let seen = found.get(account.claims);
    if (!seen) found.set(account.claims, (seen = new Map()));
    seen.set(existing.accountId, existing);
    // Accounts a resource of this stack manages are never offered for adoption (messages.ts, duplicateName).
    const others = [...seen.values()].filter(
        (a) => a.accountId !== existing.accountId && managedName(account, a.accountId, held) === undefined,
    );
    const refusal = msg.duplicateName(existing);
    // On the advice line: what to do about the others is advice too, and the first line stays what happened.
    return others.length === 0 ? refusal : `${refusal} ${msg.alsoListed(others)}`;
}

/**
 * The name recorded for account `id` if a resource of this stack manages it, as far as this host knows: its state came
 * through diff, read or delete (`account.managed`), or a resource keeps it in this run (`held`, previewGuard.ts).
 */
export function managedName(account: Account, id: number, held: ReadonlyMap<number, ReadonlyMap<string, string>>): string | undefined {
    const inState = account.managed.get(id);
    if (inState !== undefined) return inState;
    const keeping = held.get(id);
    return keeping === undefined ? undefined : ([...keeping.values()][0] ?? "");
}
