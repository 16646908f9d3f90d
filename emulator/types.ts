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

/** What a faulted request gets instead of (or on top of) the route's real answer. */
export type FaultAnswer =
    /** This status, before auth and before anything is done; without `body`, the plain-text reason phrase. */
    | { kind: "status"; status: number; body?: string; contentType?: string; headers?: Record<string, string> }
    /** Wait this long, then answer for real. */
    | { kind: "delay"; ms: number }
    /** Drop the connection before anything is done. */
    | { kind: "resetBeforeCommit" }
    /** Do the work (the account is created), then drop the connection instead of answering. */
    | { kind: "resetAfterCommit" }
    /** Do the work, then answer this status instead of the 200. */
    | { kind: "statusAfterCommit"; status: number; body?: string; contentType?: string }
    /** Do the work, then answer 200 with the first half of the JSON body. */
    | { kind: "malformed200" }
    /** Do the work, then answer 200 with `body` (default: the real body with every accountId as a string). */
    | { kind: "schemaViolating200"; body?: unknown }
    /** A list that parses but is not the whole truth: empty, or missing the main (owner) account. */
    | { kind: "hostileList"; shape: "empty" | "withoutOwner" }
    /** Never answer; close() or the client's own timeout ends it. */
    | { kind: "hang" }
    /** The route's real answer (the account is created), sent slowly: late headers, a dripping or stalled body. */
    | ({ kind: "slowBody" } & Pace)
    /** A redirect to `location` (before auth: nothing is done). */
    | { kind: "redirect"; status: 301 | 302 | 303 | 307 | 308; location: string };

/** A scripted fault: an answer, for the next `times` requests to its route (default 1). */
export type Fault = FaultAnswer & { times?: number };

export interface EmulatorOptions {
    host?: string;
    port?: number;
    token?: string;
    /** More API tokens of the same main account (Logz.io lets an owner make several): each is accepted as `token` is. */
    otherTokens?: readonly string[];
    ownerAccountId?: number;
    ownerAccountName?: string;
    /** The lowest id a new account may get (--state keeps it): ids handed out before, deleted since, stay unused. */
    nextAccountId?: number;
    latencyMs?: number;
    /** Requests in flight per main account (all its tokens, all clients) past which a request is answered 429. Default 100, Logz.io's. */
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
    /** Keep each answer (status, content type, body text) in `requests[].answer`, e.g. to check it against a spec. Default false. */
    recordAnswers?: boolean;
    /** Serve https with this key and certificate (PEM) instead of http, e.g. to test a CONNECT proxy. Default http. */
    tls?: { key: string | Buffer; cert: string | Buffer };
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
    /** The query string (without "?"), when there was one. */
    query?: string;
    token: string | undefined;
    /** The request's Content-Type header. */
    contentType: string | undefined;
    /** Parsed JSON when the body parses, its text otherwise, undefined when empty. */
    body: unknown;
    at: number;
    /** 0 when no response was sent (socket reset, or hanging). */
    status: number;
    /** The kind of the scripted fault this request met, if any. */
    fault?: Fault["kind"];
    /** With `recordAnswers`: what was answered. Absent when nothing was (a reset, a hang). */
    answer?: { status: number; contentType: string; body: string };
}
