// The state a create, an adoption or a lookup records for an account: what the program asked for (also the create's
// POST body, so the two cannot differ), what Logz.io answered or listed, and the main account that owns it.
import type * as t from "io-ts";
import { Account } from "./account";
import { AccountView, CreateSiemRequest, CreateSiemResponse, SiemAccountInputs, SiemAccountState, Whoami } from "../logzio/codecs";
import { Settings } from "../config/settings";

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

/** Logz.io's current time as an ISO string (seconds), for a createdAt Logz.io did not give. */
export function logzioNowIso(account: Account): string {
    return new Date(account.client.clock.now() ?? Date.now()).toISOString().replace(/\.\d+Z$/, "Z");
}

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
