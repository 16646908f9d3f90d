// What Logz.io's answers prove, and the state built from them. Absence is concluded only from a list that can
// be the whole truth, for the main account that owns the resource, past its set-up grace by Logz.io's clock.
import { performance } from "node:perf_hooks";
import type * as t from "io-ts";
import { Account, createdHereAt } from "./account";
import { Listing } from "../lookups/accountDirectory";
import { AccountView, CreateSiemRequest, CreateSiemResponse, SiemAccountInputs, SiemAccountState, Whoami } from "../logzio/codecs";
import { listsId, otherWithId, siemNamedExactly, siemWithId, siemWithNameKey } from "../lookups/listingIndex";
import { nameKey } from "./names";
import { Settings } from "../config/settings";

type Props = Record<string, unknown>;

/** The main account that owns a resource, as recorded in its state. */
export interface Owner {
    readonly mainAccountId: t.Int;
    readonly apiUrl: string;
}

export function ownerOf(main: Whoami, settings: Settings): Owner {
    return { mainAccountId: main.accountId, apiUrl: publicUrl(settings.apiUrl) };
}

/** The URL without any user:password part: it goes into state and messages. */
export function publicUrl(url: string): string {
    // Asked on every operation, nearly always for the same URL.
    if (url === lastPublicUrl?.url) return lastPublicUrl.public;
    const result = withoutUserInfo(url);
    lastPublicUrl = { url, public: result };
    return result;
}
let lastPublicUrl: { url: string; public: string } | undefined;

function withoutUserInfo(url: string): string {
    try {
        const parsed = new URL(url);
        if (parsed.username === "" && parsed.password === "") return url;
        parsed.username = "";
        parsed.password = "";
        return parsed.toString().replace(/\/+$/, "");
    } catch {
        return url;
    }
}

/**
 * Whether the state names another main account than the configured one. The id decides: the same main
 * account reached at another URL (a proxy, the emulator on a new port) is still its owner. State written
 * before owners were recorded has none and is read as before.
 */
export function ownedElsewhere(state: Props, owner: Owner): boolean {
    return typeof state.mainAccountId === "number" && state.mainAccountId !== owner.mainAccountId;
}

export function findSiem(accounts: readonly AccountView[], id: number): AccountView | undefined {
    return siemWithId(accounts, id);
}

/** The id listed with another type than SECURITY_ACCOUNT: no evidence either way about a SIEM account. */
export function listedAsOther(accounts: readonly AccountView[], id: number): AccountView | undefined {
    return otherWithId(accounts, id);
}

/** A SIEM account whose name Logz.io may hold as `name`: exactly, else one equal but for case and spaces (names.ts). */
export function findSiemNamed(accounts: readonly AccountView[], name: string): AccountView | undefined {
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

/**
 * Where an account missing from the list stands in its set-up grace. Its age is measured on Logz.io's clock
 * (the `Date` of the list's answer against `createdAt`, both Logz.io's), or, when Logz.io sent no `Date`,
 * on this host's own clock since it created the account. Never the local wall clock against Logz.io's.
 */
export function graceOf(account: Account, id: string, state: Props, listing: Listing): "over" | "within" | "unknown" {
    const grace = account.settings.provisioningGraceMs;
    if (grace <= 0) return "over";
    // Adopted accounts have no createdAt: they were listed when adopted, so they are past setting up.
    if (state.createdAt === "" || state.createdAt === undefined) return "over";
    const created = createdAtMs(state.createdAt);
    // A createdAt that cannot be read as an instant says nothing about the account's age.
    if (created === undefined) return "unknown";
    const here = createdHereAt(account, Number(id));
    const age = listing.logzioNow !== undefined ? listing.logzioNow - created : here !== undefined ? performance.now() - here : undefined;
    if (age === undefined) return "unknown";
    return age < grace ? "within" : "over";
}

// An ISO 8601 date-time without a zone designator: `Date.parse` would read it in this host's time zone.
const WITHOUT_OFFSET = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/;
const WITH_OFFSET = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}(:?\d{2})?)$/i;
/** The latest instant a wall-clock time can name: the westernmost zone is 12 hours behind UTC. */
const LATEST_ZONE_MS = 12 * 3_600_000;

/**
 * `createdAt` as an instant, never read in this host's time zone. With an offset (Logz.io's documented form, `...Z`)
 * it is exact. Without one, the zone is unknown: it is taken as the latest instant it can name, so an account is
 * never older than it may be (a young account is kept, not dropped). Any other text is unknown (undefined).
 */
export function createdAtMs(createdAt: unknown): number | undefined {
    if (typeof createdAt !== "string") return undefined;
    const text = createdAt.trim();
    if (WITH_OFFSET.test(text)) {
        const ms = Date.parse(text.replace(" ", "T"));
        return Number.isNaN(ms) ? undefined : ms;
    }
    if (WITHOUT_OFFSET.test(text)) {
        const ms = Date.parse(`${text.replace(" ", "T")}Z`);
        return Number.isNaN(ms) ? undefined : ms + LATEST_ZONE_MS;
    }
    // Other forms count only with an explicit zone (`Tue, 01 Dec 2026 10:00:00 GMT`).
    const ms = /(GMT|UTC|Z|[+-]\d{4})$/i.test(text) ? Date.parse(text) : NaN;
    return Number.isNaN(ms) ? undefined : ms;
}

/** Logz.io's current time as an ISO string (seconds), for a createdAt Logz.io did not give. */
export function logzioNowIso(account: Account): string {
    return new Date(account.client.clock.now() ?? Date.now()).toISOString().replace(/\.\d+Z$/, "Z");
}

// --- state -------------------------------------------------------------------------------------------

/**
 * What the program asks Logz.io for: the body of the create's POST (create.ts) and what state records as `requested`
 * (the side of a diff only the program sets). One function, so the two cannot differ.
 */
export function requestedOf(inputs: SiemAccountInputs): CreateSiemRequest {
    return {
        accountName: inputs.accountName,
        email: inputs.email,
        ...(inputs.accountsToScan === undefined ? {} : { accountsToScan: inputs.accountsToScan }),
        ...(inputs.isUsingRepositoryAccount === undefined ? {} : { isUsingRepositoryAccount: inputs.isUsingRepositoryAccount }),
    };
}

function baseState(inputs: SiemAccountInputs, owner: Owner) {
    return {
        email: inputs.email,
        requested: requestedOf(inputs),
        ...(inputs.existingAccountId === undefined ? {} : { existingAccountId: inputs.existingAccountId }),
        ...(inputs.configNamespace === undefined ? {} : { configNamespace: inputs.configNamespace }),
        mainAccountId: owner.mainAccountId,
        apiUrl: owner.apiUrl,
    };
}

export function stateFromResponse(account: Account, inputs: SiemAccountInputs, res: CreateSiemResponse, owner: Owner): SiemAccountState {
    return {
        accountId: res.accountId,
        accountName: res.accountName,
        storedName: res.accountName,
        accountsToScan: res.accountsToScan ?? inputs.accountsToScan ?? [],
        isUsingRepositoryAccount: res.isUsingRepositoryAccount ?? inputs.isUsingRepositoryAccount ?? false,
        createdAt: res.createdAt ?? logzioNowIso(account),
        ...baseState(inputs, owner),
    };
}

/** The list returns id, name and type only: the rest comes from the inputs; createdAt is "about now" on Logz.io's clock. */
export function stateFromLookup(account: Account, inputs: SiemAccountInputs, found: AccountView, owner: Owner): SiemAccountState {
    return {
        accountId: found.accountId,
        accountName: found.accountName,
        storedName: found.accountName,
        accountsToScan: inputs.accountsToScan ?? [],
        isUsingRepositoryAccount: inputs.isUsingRepositoryAccount ?? false,
        createdAt: logzioNowIso(account),
        ...baseState(inputs, owner),
    };
}
