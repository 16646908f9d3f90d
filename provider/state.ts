// The state Pulumi stores for one SiemAccount, as a program sees it (the resource's outputs). Declared plainly, so
// that a program importing the package type-checks without io-ts and fp-ts; codecs.ts decodes it, and checks at
// compile time that what it decodes is this.

/**
 * The input (and, echoed by create, the state key) that names the inputs the program gave as secrets. The engine
 * strips secret markers before a dynamic provider sees its inputs, so the SiemAccount constructor says which were
 * secret here, in plain text (names only), and the provider hides their values from every message it writes.
 * A `__` key: the CLI does not display it.
 */
export const SECRET_INPUTS = "__secretInputs";

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
