// The emulator's admin API: what a person would do in the Logz.io UI (delete or rename an account, add one),
// plus test controls (inject faults, move the clock, reset). Served under ADMIN_PREFIX on the emulator's own port,
// with the same X-API-TOKEN as the API; `logzio-emulator delete|rename|fault|...` are clients of it.
import type { AccountType, EmulatedAccount, Fault, LogzioEmulator } from "./server";
import { ACCOUNT_TYPES } from "./types";
import { routeKey } from "./routes";

export const ADMIN_PREFIX = "/__emulator";

export interface AdminReply {
    status: number;
    json?: unknown;
}

/** Answers one admin request; never throws (a bad request is a 400 with a message). */
export function adminReply(emulator: LogzioEmulator, method: string, path: string, token: string | undefined, raw: string): AdminReply {
    if (token !== emulator.token) return { status: 401, json: { message: "Unauthorized. Send the emulator's token in X-API-TOKEN" } };
    try {
        return route(emulator, method, path.slice(ADMIN_PREFIX.length), raw === "" ? undefined : JSON.parse(raw));
    } catch (e) {
        return { status: 400, json: { message: e instanceof Error ? e.message : String(e) } };
    }
}

function route(emulator: LogzioEmulator, method: string, path: string, body: unknown): AdminReply {
    const account = /^\/accounts\/(\d+)$/.exec(path);
    if (path === "/accounts" && method === "GET") return { status: 200, json: emulator.accounts() };
    if (path === "/accounts" && method === "POST") {
        const wanted = accountToAdd(body);
        if (wanted.accountId !== undefined && emulator.accounts().some((a) => a.accountId === wanted.accountId))
            return { status: 409, json: { message: `account ${wanted.accountId} already exists` } };
        return { status: 201, json: emulator.addAccount(wanted) };
    }
    if (account && method === "DELETE") return deleteAccount(emulator, Number(account[1]));
    if (account && method === "PATCH") return renameAccount(emulator, Number(account[1]), body);
    if (path === "/faults" && method === "POST") return injectFaults(emulator, body);
    const count = /^\/count\/(.+)$/.exec(path);
    if (count && method === "GET") {
        const route = routeKey(decodeURIComponent(count[1]));
        return { status: 200, json: { route, count: emulator.count(route), pendingFaults: emulator.pendingFaults(route) } };
    }
    if (path === "/stats" && method === "GET") return { status: 200, json: emulator.stats };
    if (path === "/clock" && method === "POST") {
        emulator.advanceClock(nonNegativeInt(field(body, "advanceMs"), "advanceMs"));
        return { status: 204 };
    }
    if (path === "/reset" && method === "POST") {
        emulator.reset();
        return { status: 204 };
    }
    return { status: 404, json: { message: `no admin operation ${method} ${ADMIN_PREFIX}${path}` } };
}

function deleteAccount(emulator: LogzioEmulator, id: number): AdminReply {
    const found = emulator.accounts().find((a) => a.accountId === id);
    if (!found) return { status: 404, json: { message: `no account ${id}` } };
    if (found.type === "OWNER_ACCOUNT")
        return { status: 409, json: { message: `account ${id} is the main (owner) account; it cannot be deleted` } };
    emulator.deleteAccount(id);
    return { status: 200, json: found };
}

function renameAccount(emulator: LogzioEmulator, id: number, body: unknown): AdminReply {
    const name = field(body, "accountName");
    if (typeof name !== "string" || name.trim() === "") throw new Error("accountName must be a non-empty string");
    if (!emulator.renameAccount(id, name)) return { status: 404, json: { message: `no account ${id}` } };
    return { status: 200, json: emulator.accounts().find((a) => a.accountId === id) };
}

function injectFaults(emulator: LogzioEmulator, body: unknown): AdminReply {
    // The route and every fault are checked by the emulator itself, as for injectFaults() from a test.
    const route = routeKey(String(field(body, "route")));
    const faults = field(body, "faults");
    if (!Array.isArray(faults) || faults.length === 0) throw new Error("faults must be a non-empty array");
    emulator.injectFaults(route, ...(faults as Fault[]));
    return { status: 204 };
}

function accountToAdd(body: unknown): Partial<EmulatedAccount> & { accountName: string } {
    const accountName = field(body, "accountName");
    if (typeof accountName !== "string" || accountName.trim() === "") throw new Error("accountName must be a non-empty string");
    const type = field(body, "type") ?? "SECURITY_ACCOUNT";
    if (!(ACCOUNT_TYPES as readonly unknown[]).includes(type)) throw new Error(`type must be one of ${ACCOUNT_TYPES.join(", ")}`);
    // Only the fields an account has, each checked as Logz.io would hold it: a bad id would break every later create.
    const { accountId, email, accountsToScan, isUsingRepositoryAccount, createdAt } = body as Record<string, unknown>;
    if (accountId !== undefined && (!Number.isSafeInteger(accountId) || (accountId as number) <= 0))
        throw new Error(`accountId must be a positive integer below 2^53, got ${JSON.stringify(accountId)}`);
    if (email !== undefined && typeof email !== "string") throw new Error("email must be a string");
    if (
        accountsToScan !== undefined &&
        (!Array.isArray(accountsToScan) || !accountsToScan.every((id) => Number.isSafeInteger(id) && id >= 0))
    )
        throw new Error("accountsToScan must be a list of account ids");
    if (isUsingRepositoryAccount !== undefined && typeof isUsingRepositoryAccount !== "boolean")
        throw new Error("isUsingRepositoryAccount must be true or false");
    if (createdAt !== undefined && (typeof createdAt !== "string" || Number.isNaN(Date.parse(createdAt))))
        throw new Error("createdAt must be an ISO 8601 time such as 2018-04-01T19:18:38Z");
    return {
        accountName,
        type: type as AccountType,
        ...(accountId === undefined ? {} : { accountId: accountId as number }),
        ...(email === undefined ? {} : { email: email as string }),
        ...(accountsToScan === undefined ? {} : { accountsToScan: accountsToScan as number[] }),
        ...(isUsingRepositoryAccount === undefined ? {} : { isUsingRepositoryAccount: isUsingRepositoryAccount as boolean }),
        ...(createdAt === undefined ? {} : { createdAt: createdAt as string }),
    };
}

function field(body: unknown, name: string): unknown {
    if (typeof body !== "object" || body === null || Array.isArray(body)) throw new Error("the request body must be a JSON object");
    return (body as Record<string, unknown>)[name];
}

function nonNegativeInt(v: unknown, name: string): number {
    if (!Number.isSafeInteger(v) || (v as number) < 0) throw new Error(`${name} must be a non-negative integer`);
    return v as number;
}
