// The duplicate guard at `check`, so `pulumi preview` already fails where `pulumi up` would: a resource about to
// be created under an accountName that Logz.io already lists. It only warns early; the guard before the POST
// (create.ts) stays the one that decides, with a list requested after the create was asked.
import * as E from "fp-ts/Either";
import { Account } from "./account";
import { toError } from "./errors";
import { findSiemNamed } from "./evidence";
import { isUnknown } from "./inputs";
import { duplicateRefusal } from "./duplicates";
import { deadlineIn } from "./logzioClient";
import * as msg from "./messages";
import { nameIsSecret } from "./secrecy";

/**
 * How old a list the check may use. The engine checks resources one after another, so a list requested after
 * each check asked would cost one round trip per new resource; instead the checks of one command share a list
 * requested at most this long before (a UI change made just before the command starts is still seen).
 */
export const CHECK_LIST_MAX_AGE_MS = 10_000;

// accountNames of resources already in state in this host (their check carries olds). The engine checks a
// replacement again without olds; its old account, still listed under that name, is not a duplicate.
const namesInState = new WeakMap<Account, Set<string>>();

type Props = Record<string, unknown>;

/**
 * The duplicate guard's message when `news` would create an account whose name Logz.io already lists, else
 * undefined. Only for a resource not in state (the engine sends no olds on create); nothing for the others,
 * and nothing when the list cannot be had or is not whole (the create then decides, with its own list).
 */
export async function duplicateAtCheck(account: Account, olds: Props, news: Props): Promise<string | undefined> {
    let inState = namesInState.get(account);
    if (!inState) namesInState.set(account, (inState = new Set()));
    if (typeof olds.accountName === "string") {
        inState.add(olds.accountName);
        return undefined;
    }
    const name = news.accountName;
    if (typeof name !== "string" || isUnknown(name) || news.existingAccountId !== undefined || inState.has(name)) return undefined;
    const { directory, settings } = account;
    const asked = directory.now();
    const listing = await directory.list(asked, deadlineIn(settings.requestTimeoutMs), asked - CHECK_LIST_MAX_AGE_MS)();
    if (E.isLeft(listing)) return undefined;
    const existing = findSiemNamed(listing.right.accounts, name);
    if (existing === undefined) return undefined;
    // The name Logz.io lists is the program's own in another spelling: secret with it (check hides the rest).
    return toError(msg.refused(duplicateRefusal(account, existing)), [], undefined, nameIsSecret(news) ? [existing.accountName] : [])
        .message;
}
