// The duplicate guard at `check`, so `pulumi preview` already fails where `pulumi up` would: a resource about to
// be created under an accountName that Logz.io already lists. It only warns early; the guard before the POST
// (create.ts) stays the one that decides, with a list requested after the create was asked.
import * as E from "fp-ts/Either";
import { Account } from "./account";
import { deadlineIn } from "../logzio/deadline";
import { toError } from "../logzio/errors";
import { findSiemNamed } from "../lookups/listingIndex";
import { isUnknown } from "./inputs";
import { duplicateRefusal, managedName } from "./duplicates";
import * as msg from "./messages";
import { nameKey, sameName } from "./names";
import { nameIsSecret } from "./secrecy";

/**
 * How old a list the check may use. The engine checks resources one after another, so a list requested after
 * each check asked would cost one round trip per new resource; instead the checks of one command share a list
 * requested at most this long before (a UI change made just before the command starts is still seen).
 */
export const CHECK_LIST_MAX_AGE_MS = 10_000;

// accountNames of resources already in state in this host (their check carries olds). The engine checks a
// replacement again without olds; its old account, still listed under that name, is not a duplicate. Keyed by
// nameKey (names.ts), as every name comparison is.
const namesInState = new WeakMap<Account, Set<string>>();
// The new names of resources in state being renamed (a check with olds of another name): the engine checks each such
// replacement again without olds, before it has shown this host the other resources of the stack.
const renamedTo = new WeakMap<Account, Set<string>>();

type Props = Record<string, unknown>;

/**
 * What this host has learnt, in this run, about the resources of the stack under one main account (keyed by the
 * main account's shared claims). The engine tells a provider nothing about a resource that has left the program until
 * it deletes it, so this is only what the calls of the run have shown:
 * - `held`: ids a resource of the program keeps (a diff without replacement, a create or an adoption), each with the
 *   fingerprints of the states that keep it (a delete of one of those states is that resource's own);
 * - `replacing`: ids whose replacement a diff planned, with why (the delete that must come first says so);
 * - `programRan`: a check was seen, so a delete is a resource leaving the program, not `pulumi destroy`.
 */
export interface RunMemory {
    /** id -> fingerprint of each state that keeps it -> the account name that state holds. */
    readonly held: Map<number, Map<string, string>>;
    readonly replacing: Map<string, Replacement>;
    programRan: boolean;
}

/** A replacement a diff planned: the properties that changed, the state, and what the program now asks. */
export interface Replacement {
    readonly replaces: readonly string[];
    readonly olds: Props;
    readonly news: Props;
}

const memories = new WeakMap<object, RunMemory>();

/**
 * What tells one resource's state from another's with the same id: what the create or adoption recorded, which a
 * refresh does not change (it changes only the listed name). Two states alike in all of it count as one resource.
 */
export function fingerprint(state: Props): string {
    const { accountId, createdAt, existingAccountId, email, requested, configNamespace, mainAccountId } = state;
    return stable([accountId, createdAt, existingAccountId, email, requested, configNamespace, mainAccountId]);
}

/** JSON with object keys sorted: a state handed back by the engine need not keep the key order it was created with. */
function stable(v: unknown): string {
    if (Array.isArray(v)) return `[${v.map(stable).join(",")}]`;
    if (typeof v === "object" && v !== null) {
        const o = v as Props;
        return `{${Object.keys(o)
            .filter((k) => o[k] !== undefined)
            .sort()
            .map((k) => `${JSON.stringify(k)}:${stable(o[k])}`)
            .join(",")}}`;
    }
    return v === undefined ? "null" : JSON.stringify(v);
}

/** `state` keeps its account from now on (a diff without replacement, a create, an adoption). */
export function holds(memory: RunMemory, id: number, state: Props): void {
    let states = memory.held.get(id);
    if (!states) memory.held.set(id, (states = new Map()));
    states.set(fingerprint(state), String(state.accountName));
}

/**
 * Whether a resource other than the one whose state this is keeps the account `id`, listed as `liveName`. The name
 * must match too: an id is Logz.io's and never reused, but a check that costs nothing guards against one that is.
 */
export function heldByAnother(memory: RunMemory, id: number, state: Props, liveName: string): boolean {
    const states = memory.held.get(id);
    if (!states) return false;
    const own = fingerprint(state);
    return [...states].some(([f, name]) => f !== own && sameName(name, liveName));
}

/** The replacement a diff of this run planned for this very state, if any. */
export function replacementOf(memory: RunMemory, id: string, state: Props): Replacement | undefined {
    const r = memory.replacing.get(id);
    return r && fingerprint(r.olds) === fingerprint(state) ? r : undefined;
}

export function runMemory(account: Account): RunMemory {
    let memory = memories.get(account.claims);
    if (!memory) memories.set(account.claims, (memory = { held: new Map(), replacing: new Map(), programRan: false }));
    return memory;
}

/**
 * The duplicate guard's message when `news` would create an account whose name Logz.io already lists, else
 * undefined. Only for a resource not in state (the engine sends no olds on create); nothing for the others,
 * and nothing when the list cannot be had or is not whole (the create then decides, with its own list).
 */
export async function duplicateAtCheck(account: Account, olds: Props, news: Props): Promise<string | undefined> {
    let inState = namesInState.get(account);
    if (!inState) namesInState.set(account, (inState = new Set()));
    let renames = renamedTo.get(account);
    if (!renames) renamedTo.set(account, (renames = new Set()));
    if (typeof olds.accountName === "string") {
        inState.add(nameKey(olds.accountName));
        if (typeof news.accountName === "string" && !isUnknown(news.accountName) && !sameName(news.accountName, olds.accountName))
            renames.add(nameKey(news.accountName));
        return undefined;
    }
    const name = news.accountName;
    if (typeof name !== "string" || isUnknown(name) || news.existingAccountId !== undefined || inState.has(nameKey(name))) return undefined;
    const { directory, settings } = account;
    const asked = directory.now();
    const listing = await directory.list(asked, deadlineIn(settings.requestTimeoutMs), asked - CHECK_LIST_MAX_AGE_MS)();
    if (E.isLeft(listing)) return undefined;
    const existing = findSiemNamed(listing.right.accounts, name);
    if (existing === undefined) return undefined;
    // Never an adopt line naming an account this stack manages (two resources would manage one account).
    // A renamed resource's replacement cannot tell yet whether another resource holds the name (a swap): no adopt line.
    const { held } = runMemory(account);
    const message =
        renames.has(nameKey(name)) && managedName(account, existing.accountId, held) === undefined
            ? msg.renamedOntoListed(existing)
            : duplicateRefusal(account, existing, held);
    // The name Logz.io lists is the program's own in another spelling: secret with it (check hides the rest).
    return toError(msg.refused(message), [], undefined, nameIsSecret(news) ? [existing.accountName] : []).message;
}
