// The emulator's three Logz.io routes, as Logz.io's public API answers them when nothing goes wrong: postSIEM
// (validation in Logz.io's error shapes, then a stored account), getRelatedAccounts (accounts still "setting up"
// hidden) and whoAmI. Faults and auth are applied around them by server.ts.
import { storedName, storedScan } from "./readings";
import type { AccountStore } from "./store";
import type { NameNormalisation, ScanReading } from "./types";
import { apiError, isRecord } from "./wire";

const ACCOUNT_NAME_RE = /^[\p{L}\p{N} ._-]+$/u;
const EMAIL_RE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** A route handler's result before faults are applied. */
export interface JsonResult {
    status: number;
    json: unknown;
}

export interface Route {
    method: string;
    handle: (body: string, requestId: string) => JsonResult;
}

/** The emulator's knobs the handlers read, live: its setters change them between requests. */
export interface Knobs {
    provisioningMs: number;
    scanReading: ScanReading;
    nameNormalisation: readonly NameNormalisation[];
}

export interface HandlerContext {
    readonly store: AccountStore;
    readonly knobs: Knobs;
    /** The emulator's clock, skew included. */
    nowMs(): number;
}

/** Path -> route, for the three routes. */
export function routeTable(ctx: HandlerContext): Map<string, Route> {
    return new Map<string, Route>([
        ["/v2/account-management/siem", { method: "POST", handle: (b, id) => createSiem(ctx, b, id) }],
        ["/v1/associated-accounts", { method: "GET", handle: () => associatedAccounts(ctx) }],
        ["/v2/whoami", { method: "GET", handle: () => whoami(ctx.store) }],
    ]);
}

function createSiem(ctx: HandlerContext, raw: string, requestId: string): JsonResult {
    const { store } = ctx;
    const invalid = (code: string, message: string, parameters: Record<string, unknown> = {}): JsonResult => ({
        status: 400,
        json: apiError(code, message, requestId, parameters),
    });
    let input: unknown;
    try {
        input = JSON.parse(raw);
    } catch {
        return invalid("GENERAL/MALFORMED_BODY", "Request body is not valid JSON");
    }
    if (!isRecord(input)) return invalid("GENERAL/MALFORMED_BODY", "Request body must be a JSON object");

    const { accountName, email, accountsToScan, isUsingRepositoryAccount } = input;
    if (typeof accountName !== "string" || accountName.trim() === "" || !ACCOUNT_NAME_RE.test(accountName)) {
        return invalid(
            "SIEM/INVALID_ACCOUNT_NAME",
            "Account name is required and may contain only letters, numbers, dashes, dots, underscores and spaces",
            { accountName },
        );
    }
    if (typeof email !== "string" || !EMAIL_RE.test(email)) {
        return invalid("SIEM/INVALID_EMAIL", "A valid email address is required", { email });
    }
    const scan = accountsToScan ?? [];
    if (!Array.isArray(scan) || !scan.every((id) => Number.isSafeInteger(id) && id >= 0)) {
        return invalid("SIEM/INVALID_ACCOUNTS_TO_SCAN", "accountsToScan must be an array of account ids", { accountsToScan });
    }
    const repo = isUsingRepositoryAccount ?? false;
    if (typeof repo !== "boolean") {
        return invalid("SIEM/INVALID_IS_USING_REPOSITORY_ACCOUNT", "isUsingRepositoryAccount must be a boolean", {
            isUsingRepositoryAccount,
        });
    }
    const unknown = (scan as number[]).find((id) => !store.has(id));
    if (unknown !== undefined) {
        return invalid("SIEM/UNKNOWN_ACCOUNT_TO_SCAN", `Account ${unknown} does not exist or is not related to this account`, {
            accountId: unknown,
        });
    }

    // Duplicate names are allowed, as on Logz.io.
    const created = store.addAccount({
        accountName: storedName(ctx.knobs.nameNormalisation, accountName),
        email,
        accountsToScan: storedScan(
            ctx.knobs.scanReading,
            store.ownerId,
            scan as number[],
            accountsToScan === undefined || accountsToScan === null,
        ),
        isUsingRepositoryAccount: repo,
        type: "SECURITY_ACCOUNT",
    });
    return {
        status: 200,
        json: {
            accountId: created.accountId,
            accountName: created.accountName,
            accountsToScan: created.accountsToScan,
            createdAt: created.createdAt,
            isUsingRepositoryAccount: created.isUsingRepositoryAccount,
        },
    };
}

/** AccountViewV3[]; SIEM accounts stay invisible while they are still "setting up". */
function associatedAccounts(ctx: HandlerContext): JsonResult {
    const now = ctx.nowMs();
    const visible = ctx.store
        .all()
        .filter((a) => a.type !== "SECURITY_ACCOUNT" || now - a.createdAtMs >= ctx.knobs.provisioningMs)
        .sort((a, b) => a.accountId - b.accountId)
        .map(({ accountId, accountName, type }) => ({ accountId, accountName, type }));
    return { status: 200, json: visible };
}

function whoami(store: AccountStore): JsonResult {
    const owner = store.get(store.ownerId);
    return { status: 200, json: { accountName: owner?.accountName ?? store.ownerName, accountId: store.ownerId } };
}
