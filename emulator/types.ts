// The emulator's public types: accounts as Logz.io lists them, scripted faults, options and recorded requests.
import type { Pace } from "./pacing";

/** AccountViewV3.type in the spec. */
export const ACCOUNT_TYPES = [
    "OWNER_ACCOUNT",
    "SUB_ACCOUNT",
    "TIMELESS_INDEX",
    "METRICS_ACCOUNT",
    "RESTORE_ACCOUNT",
    "SECURITY_ACCOUNT",
    "TRACING_ACCOUNT",
] as const;
export type AccountType = (typeof ACCOUNT_TYPES)[number];

export interface EmulatedAccount {
    accountId: number;
    accountName: string;
    type: AccountType;
    email?: string;
    accountsToScan: number[];
    isUsingRepositoryAccount: boolean;
    /** ISO 8601, seconds precision, e.g. 2018-04-01T19:18:38Z */
    createdAt: string;
}

export type Fault =
    | { kind: "status"; status: number; body?: string; contentType?: string; headers?: Record<string, string> }
    | { kind: "delay"; ms: number }
    | { kind: "resetBeforeCommit" }
    | { kind: "resetAfterCommit" }
    | { kind: "statusAfterCommit"; status: number; body?: string; contentType?: string }
    | { kind: "malformed200" }
    | { kind: "schemaViolating200"; body?: unknown }
    /** A list that parses but is not the whole truth: empty, or missing the main (owner) account. */
    | { kind: "hostileList"; shape: "empty" | "withoutOwner" }
    | { kind: "hang" }
    /** The route's real answer (the account is created), sent slowly: late headers, a dripping or stalled body. */
    | ({ kind: "slowBody" } & Pace)
    /** A redirect to `location` (before auth: nothing is done). */
    | { kind: "redirect"; status: 301 | 302 | 303 | 307 | 308; location: string };

export interface EmulatorOptions {
    host?: string;
    port?: number;
    token?: string;
    ownerAccountId?: number;
    ownerAccountName?: string;
    latencyMs?: number;
    maxInFlight?: number;
    provisioningMs?: number;
    now?: () => number;
    /** Called after accounts change (created, added, deleted, renamed, reset): e.g. to save them (--state). */
    onChange?: () => void;
    /** How far the emulator's clock (createdAt, the `Date` header) is ahead of `now` (negative: behind). */
    clockSkewMs?: number;
    /** How a create's `accountsToScan` is stored (docs/logzio-api.md). Default: Logz.io's documented default. */
    scanReading?: ScanReading;
    /** How a create's `accountName` is stored: as sent (default), or normalised the ways Logz.io may. */
    nameNormalisation?: readonly NameNormalisation[];
}

/**
 * Readings of what Logz.io stores for `accountsToScan`. "documented": the main account when the list is empty
 * or omitted, the list as given otherwise. "asGiven": an empty list stays empty. "addsMain": the main account is
 * added to every list.
 */
export type ScanReading = "documented" | "asGiven" | "addsMain";
export const SCAN_READINGS: readonly ScanReading[] = ["documented", "asGiven", "addsMain"];

/** Ways Logz.io may store a name other than as sent: trimmed, runs of spaces collapsed, lower-cased. */
export type NameNormalisation = "trim" | "collapse" | "lowercase";
export const NAME_NORMALISATIONS: readonly NameNormalisation[] = ["trim", "collapse", "lowercase"];

export interface RequestRecord {
    method: string;
    path: string;
    token: string | undefined;
    body: unknown;
    at: number;
    /** 0 when no response was sent (socket reset, or hanging). */
    status: number;
}

/** Route keys accepted by injectFaults() and count(). */
export const ROUTES = {
    createSiem: "POST /v2/account-management/siem",
    associatedAccounts: "GET /v1/associated-accounts",
    whoami: "GET /v2/whoami",
} as const;
