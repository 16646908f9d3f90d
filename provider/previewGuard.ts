// The duplicate guard at `check`, so `pulumi preview` already fails where `pulumi up` would: a resource about to
// be created under an accountName that Logz.io already lists. It only warns early; the guard before the POST
// (create.ts) stays the one that decides, with a list requested after the create was asked.
import * as E from "fp-ts/Either";
import { Account } from "./account";
import { toError } from "./errors";
import { findSiemNamed } from "./evidence";
import { isUnknown } from "./inputs";
import { deadlineIn } from "./logzioClient";
import * as msg from "./messages";
import { nameKey, sameName } from "./names";

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
    const held = account.managed.get(existing.accountId);
    const message =
        held !== undefined
            ? msg.nameHeldInStack(existing, held)
            : renames.has(nameKey(name))
              ? msg.renamedOntoListed(existing)
              : msg.duplicateName(existing);
    return toError(msg.refused(message)).message;
}
