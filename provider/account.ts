// What the lifecycle needs of one Logz.io main account, shared by every resource in the host that uses it.
import * as E from "fp-ts/Either";
import { AccountDirectory } from "./accountDirectory";
import { MainAccount } from "./mainAccount";
import { Failure } from "./errors";
import { LogzioClient } from "./logzioClient";
import { Settings } from "./settings";

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

export interface Account {
    readonly settings: Settings;
    readonly client: LogzioClient;
    readonly directory: AccountDirectory;
    /** Who the token belongs to (GET /v2/whoami), asked once per host. */
    readonly main: MainAccount;
    readonly claims: Map<string, Claim>;
}
export type AccountResolver = (namespace: string) => E.Either<Failure, Account>;

/** When this host created the account with this id (monotonic ms), if it did. */
export function createdHereAt(account: Account, id: number): number | undefined {
    for (const claim of account.claims.values()) if (claim.state === "created" && claim.id === id) return claim.at;
    return undefined;
}

/** The account is gone: its name is free again in this host. */
export function releaseId(account: Account, id: number): void {
    for (const [name, claim] of account.claims) if (claim.state === "created" && claim.id === id) account.claims.delete(name);
}
