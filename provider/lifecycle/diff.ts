// What diff compares, and what a read that found drift hands the engine as the program's inputs. A change of any input
// replaces the account (Logz.io has no update), so a change is counted only where the program's intention changed:
// never where Logz.io stored another form of the same thing (its default list, a normalised name), and never for an
// optional input left out (Logz.io's default). siemAccountProvider.ts's diff and read call these.
import * as t from "io-ts";
import { isUnknown } from "./inputs";
import { sameName } from "./names";
import { SECRET_INPUTS } from "../program/state";
import { DEFAULT_NAMESPACE } from "../config/settings";

type Props = Record<string, unknown>;

/**
 * Intentions against intentions. What only the program sets (email, accountsToScan, isUsingRepositoryAccount, and
 * the name it asked for) is compared with what it asked for last time (`requested` in state), never with what
 * Logz.io stored, which may differ (its default list, a normalised name). The name is also compared live: a listed
 * name other than the one Logz.io stored at creation (`storedName`) is drift, a rename in the UI.
 * State from before `requested` existed is compared with what Logz.io stored, reading its normalisations as no change.
 */
export function changedProperties(id: string, olds: Props, news: Props): string[] {
    const changed: string[] = [];
    const requested = t.UnknownRecord.is(olds.requested) ? olds.requested : undefined;
    const differs = (key: string, same: (next: unknown) => boolean) => {
        const next = news[key];
        // An omitted optional input means "Logz.io's default": leaving it out never replaces a billed account.
        if (next === undefined) return;
        if (isUnknown(next) || (Array.isArray(next) && next.some(isUnknown)) || !same(next)) changed.push(key);
    };
    const main = typeof olds.mainAccountId === "number" ? olds.mainAccountId : undefined;
    differs("accountName", (next) => {
        // Asking for exactly the name Logz.io lists is never a change; otherwise the name asked for last time counts,
        // unless Logz.io now lists another name than it stored (drift).
        if (next === olds.accountName) return true;
        const drifted =
            typeof olds.storedName === "string" && typeof olds.accountName === "string" && !sameName(olds.accountName, olds.storedName);
        if (requested) return !drifted && next === requested.accountName;
        return typeof next === "string" && typeof olds.accountName === "string" && sameName(next, olds.accountName);
    });
    // Logz.io's list has no email, scan list or repository setting: state that never learned them from a program (an
    // import by the plugin records none) takes the program's first values as no change, rather than replace a billed
    // account over values nobody knows.
    const unlearned = requested === undefined && (olds.email === undefined || olds.email === "");
    differs("email", (next) => unlearned || next === (requested ? requested.email : olds.email));
    differs(
        "accountsToScan",
        (next) =>
            unlearned ||
            (requested?.accountsToScan !== undefined ? sameSet(requested.accountsToScan, next) : sameScan(olds.accountsToScan, next, main)),
    );
    differs(
        "isUsingRepositoryAccount",
        (next) =>
            unlearned ||
            next ===
                (requested?.isUsingRepositoryAccount !== undefined
                    ? requested.isUsingRepositoryAccount
                    : (olds.isUsingRepositoryAccount ?? false)),
    );
    // Adding the id of the account already managed here is not a change; pointing at another one is.
    differs("existingAccountId", (next) => String(next) === id);
    const namespace = (v: unknown) => (v === undefined ? DEFAULT_NAMESPACE : v);
    if (isUnknown(news.configNamespace) || namespace(olds.configNamespace) !== namespace(news.configNamespace)) {
        changed.push("configNamespace");
    }
    return changed;
}

function sameSet(a: unknown, b: unknown): boolean {
    if (!Array.isArray(a) || !Array.isArray(b)) return false;
    const left = new Set(a);
    const right = new Set(b);
    return left.size === right.size && [...left].every((x) => right.has(x));
}

/**
 * A list asked for against the list Logz.io stored: the same, or the same once the main account is added to both
 * (Logz.io scans the main account for an empty list, and may add it to any list).
 */
function sameScan(stored: unknown, next: unknown, main: number | undefined): boolean {
    if (sameSet(stored, next)) return true;
    if (main === undefined || !Array.isArray(stored) || !Array.isArray(next)) return false;
    return sameSet([...stored, main], [...next, main]);
}

/** The inputs a drifted read hands the engine: the program's as last asked for, with the name Logz.io lists now. */
export function driftInputs(state: Props): Props {
    const requested = t.UnknownRecord.is(state.requested) ? state.requested : {};
    const inputs: Props = {
        email: requested.email ?? state.email,
        ...(requested.accountsToScan === undefined ? {} : { accountsToScan: requested.accountsToScan }),
        ...(requested.isUsingRepositoryAccount === undefined ? {} : { isUsingRepositoryAccount: requested.isUsingRepositoryAccount }),
        accountName: state.accountName,
    };
    if (state.existingAccountId !== undefined) inputs.existingAccountId = state.existingAccountId;
    if (state.configNamespace !== undefined) inputs.configNamespace = state.configNamespace;
    if (state[SECRET_INPUTS] !== undefined) inputs[SECRET_INPUTS] = state[SECRET_INPUTS];
    return inputs;
}
