// The state Pulumi stores for one SiemAccount, and which of it a program sees as the resource's outputs: the one
// declaration of both. Declared plainly, so that a program importing the package type-checks without io-ts and
// fp-ts; codecs.ts decodes it, and checks at compile time that what it decodes is this (both ways); siemAccount.ts
// declares its outputs from it.

/**
 * The input (and, echoed by create, the state key) that names the inputs the program gave as secrets. The engine
 * strips secret markers before a dynamic provider sees its inputs, so the SiemAccount constructor says which were
 * secret here, in plain text (names only), and the provider hides their values from every message it writes.
 * A `__` key: the CLI does not display it.
 */
export const SECRET_INPUTS = "__secretInputs";

/**
 * The state fields the provider derives from each input under another name: `requested` holds what the program asked
 * for, `storedName` the name Logz.io stored. The engine makes an output secret only when an input of the same name
 * was, so these are marked secret with it (siemAccount.ts through `additionalSecretOutputs`, the plugin itself).
 */
export const DERIVED_SECRET_FIELDS: Readonly<Record<string, readonly string[]>> = {
    accountName: ["requested", "storedName"],
    email: ["requested"],
    accountsToScan: ["requested"],
    isUsingRepositoryAccount: ["requested"],
};

export interface SiemAccountState {
    accountId: number;
    accountName: string;
    email: string;
    accountsToScan: number[];
    isUsingRepositoryAccount: boolean;
    createdAt: string;
    existingAccountId?: number;
    configNamespace?: string;
    /** The main account that owns the account (GET /v2/whoami); absent in state written by versions before 0.1. */
    mainAccountId?: number;
    /** The API URL the main account was reached at. */
    apiUrl?: string;
    /** What the program asked for when the account was created or adopted. */
    requested?: { accountName: string; email: string; accountsToScan?: number[]; isUsingRepositoryAccount?: boolean };
    /** The name Logz.io stored at creation: a listed name other than it is a rename in the UI. */
    storedName?: string;
}

/** The state fields a SiemAccount shows as outputs, in the order its constructor seeds them; the rest are the provider's own. */
export const OUTPUT_NAMES = [
    "accountId",
    "accountName",
    "email",
    "createdAt",
    "accountsToScan",
    "isUsingRepositoryAccount",
    "existingAccountId",
    "configNamespace",
    "mainAccountId",
    "apiUrl",
] as const satisfies readonly (keyof SiemAccountState)[];

/**
 * What a program reads from a SiemAccount: the state without the provider's bookkeeping (`requested`, `storedName`).
 * The main account and API URL are recorded by every create, adoption and read of this version.
 */
export type SiemAccountOutputs = Pick<SiemAccountState, (typeof OUTPUT_NAMES)[number]> &
    Required<Pick<SiemAccountState, "mainAccountId" | "apiUrl">>;
