// What one resource runs with (Account): its namespace's settings and client over the parts it shares with other
// resources of the host (per main account: lists and whoami; per host: claimed names and managed accounts); built
// by hostAccounts.ts.
import * as E from "fp-ts/Either";
import { AccountDirectory } from "../lookups/accountDirectory";
import { CreateJournal } from "./createJournal";
import { MainAccount } from "../lookups/mainAccount";
import { Failure } from "../logzio/errors";
import { LogzioClient } from "../logzio/logzioClient";
import { Settings } from "../config/settings";

/**
 * An accountName this host is creating, has created, or tried to create with an unknown outcome. Logz.io
 * may not list a new account for minutes, so the list alone cannot stop two resources making one name twice.
 */
export type Claim =
    | { readonly state: "creating" }
    /** `at`: when this host saw it created (monotonic ms), a time of its own for the provisioning grace. */
    | { readonly state: "created"; readonly id: number; readonly at: number }
    /** The POST may have created it: held for the rest of the run, so nothing POSTs that name again. */
    | { readonly state: "unsettled" };

/**
 * The names claimed in one host, per main account as GET /v2/whoami identifies it: its accountId, whatever token,
 * namespace or URL reached it. Two namespaces with two tokens of one main account are one set of names at Logz.io,
 * so they must be one set here (keyed by token, each would POST the same name once). The id alone is the key: a
 * main account of another region with the same id (if Logz.io's ids can repeat across regions at all) would share
 * the names too, which costs a false alarm, never a billed account.
 */
export class Claims {
    private readonly byMain = new Map<number, Map<string, Claim>>();

    /** The claims of one main account, by name key (names.ts). */
    of(mainAccountId: number): Map<string, Claim> {
        let claims = this.byMain.get(mainAccountId);
        if (!claims) this.byMain.set(mainAccountId, (claims = new Map()));
        return claims;
    }

    /** When this host created the account with this id (monotonic ms), if it did. */
    createdAt(id: number): number | undefined {
        for (const claims of this.byMain.values())
            for (const claim of claims.values()) if (claim.state === "created" && claim.id === id) return claim.at;
        return undefined;
    }

    /** The account is gone: its name is free again in this host. */
    release(id: number): void {
        for (const claims of this.byMain.values())
            for (const [name, claim] of claims) if (claim.state === "created" && claim.id === id) claims.delete(name);
    }
}

/**
 * The SIEM accounts this host has seen in the stack's state (diff, read, update and delete hand it their ids), by id,
 * with the name recorded there: an account one resource manages is never another resource's duplicate to adopt.
 */
export type ManagedAccounts = Map<number, string>;

export interface Account {
    readonly settings: Settings;
    readonly client: LogzioClient;
    readonly directory: AccountDirectory;
    /** Who the token belongs to (GET /v2/whoami), asked once per host. */
    readonly main: MainAccount;
    /** Names claimed in this host, per main account (one registry per host, whatever the namespace). */
    readonly claims: Claims;
    readonly managed: ManagedAccounts;
    /** Creates sent from this machine whose outcome is unknown (createJournal.ts); undefined: none kept. */
    readonly journal?: CreateJournal;
}
export type AccountResolver = (namespace: string) => E.Either<Failure, Account>;

/** When this host created the account with this id (monotonic ms), if it did. */
export function createdHereAt(account: Account, id: number): number | undefined {
    return account.claims.createdAt(id);
}

/** The account is gone: its name is free again in this host. */
export function releaseId(account: Account, id: number): void {
    account.claims.release(id);
    account.managed.delete(id);
}

/** An account of the stack's state, as the engine handed it to diff, read, update or delete. */
export function noteManaged(account: Account, id: string, state: unknown): void {
    const n = Number(id);
    const name = typeof state === "object" && state !== null ? (state as Record<string, unknown>).accountName : undefined;
    if (!Number.isSafeInteger(n) || n <= 0) return;
    account.managed.set(n, typeof name === "string" ? name : "");
    // Pulumi recorded the create that made it: a record of that create (createJournal.ts) has done its work.
    if (account.journal) void account.journal.forgetId(n);
}
