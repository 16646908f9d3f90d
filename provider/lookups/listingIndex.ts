// What one list of accounts says: the SIEM account of an id or a name, an id listed under another type, and whether
// the list can be the whole truth at all. One list answers many lookups (every create and read of a burst shares it),
// so scanning it once per lookup would make a burst of n lookups on a list of n accounts cost n²: the list is indexed
// once, on the first lookup that needs each index, and the index lives as long as the list.
import { AccountView, SECURITY_ACCOUNT } from "../logzio/codecs";
import { nameKey } from "../lifecycle/names";
import type { Listing } from "./accountDirectory";

type Accounts = readonly AccountView[];

interface Index {
    byId?: { siem: Map<number, AccountView>; other: Map<number, AccountView> };
    byName?: Map<string, AccountView>;
    byKey?: Map<string, AccountView>;
}

// Keyed by the decoded array, which is never changed after decoding (Listing.accounts is readonly).
const indexes = new WeakMap<Accounts, Index>();

function indexOf(accounts: Accounts): Index {
    let index = indexes.get(accounts);
    if (!index) indexes.set(accounts, (index = {}));
    return index;
}

/** The first entry of each key, in the list's order: what `find` over the list would return. */
function firstBy<K>(accounts: Accounts, keep: (a: AccountView) => boolean, key: (a: AccountView) => K): Map<K, AccountView> {
    const map = new Map<K, AccountView>();
    for (const a of accounts) {
        if (!keep(a)) continue;
        const k = key(a);
        if (!map.has(k)) map.set(k, a);
    }
    return map;
}

const isSiem = (a: AccountView) => a.type === SECURITY_ACCOUNT;

function byId(accounts: Accounts): NonNullable<Index["byId"]> {
    const index = indexOf(accounts);
    return (index.byId ??= {
        siem: firstBy(accounts, isSiem, (a) => a.accountId),
        other: firstBy(
            accounts,
            (a) => !isSiem(a),
            (a) => a.accountId,
        ),
    });
}

/** The SIEM account listed with this id. */
export function findSiem(accounts: Accounts, id: number): AccountView | undefined {
    return byId(accounts).siem.get(id);
}

/** The id listed with another type than SECURITY_ACCOUNT: no evidence either way about a SIEM account. */
export function listedAsOther(accounts: Accounts, id: number): AccountView | undefined {
    return byId(accounts).other.get(id);
}

/** Whether any account of this id is listed. */
function listsId(accounts: Accounts, id: number): boolean {
    const ids = byId(accounts);
    return ids.siem.has(id) || ids.other.has(id);
}

/** The SIEM account listed with exactly this name. */
function siemNamedExactly(accounts: Accounts, name: string): AccountView | undefined {
    const index = indexOf(accounts);
    return (index.byName ??= firstBy(accounts, isSiem, (a) => a.accountName)).get(name);
}

/** The SIEM account whose name has this comparison key (names.ts). */
function siemWithNameKey(accounts: Accounts, key: string): AccountView | undefined {
    const index = indexOf(accounts);
    return (index.byKey ??= firstBy(accounts, isSiem, (a) => nameKey(a.accountName))).get(key);
}

/** A SIEM account whose name Logz.io may hold as `name`: exactly, else one equal but for case and spaces (names.ts). */
export function findSiemNamed(accounts: Accounts, name: string): AccountView | undefined {
    return siemNamedExactly(accounts, name) ?? siemWithNameKey(accounts, nameKey(name));
}

/**
 * Why a list cannot be the whole truth, or undefined when it can. Logz.io's list always includes the main
 * account itself, so an empty list or one without it was cut short somewhere (a proxy, a bug, a hostile host).
 */
export function notWhole(listing: Listing, mainAccountId: number): string | undefined {
    if (listing.accounts.length === 0)
        return `Logz.io answered an empty list of accounts (it always includes main account ${mainAccountId})`;
    if (!listsId(listing.accounts, mainAccountId)) {
        return `Logz.io's list of ${listing.accounts.length} account(s) does not include main account ${mainAccountId} itself`;
    }
    return undefined;
}
