// Scripted faults: what each kind may say, checked in one place for the emulator's API, its admin API and the
// `logzio-emulator fault` command; the per-route queue that hands them out, each `times` requests in a row; and
// what each kind does to the answer (before the route is handled, or to its result). `delay` is waited out by
// server.ts, which owns the shutdown signal.
// A fault with an unknown kind or property is refused rather than ignored: a typo must not make a test pass.
import type { JsonResult } from "./handlers";
import { RouteKey } from "./routes";
import type { Fault } from "./types";
import { Outcome, faultReply, jsonReply, reply, stringifyAccountIds } from "./wire";

/** Every fault kind, with the properties it takes besides `kind` and `times`. */
const PROPERTIES = {
    status: ["status", "body", "contentType", "headers"],
    statusAfterCommit: ["status", "body", "contentType"],
    delay: ["ms"],
    resetBeforeCommit: [],
    resetAfterCommit: [],
    malformed200: [],
    schemaViolating200: ["body"],
    hostileList: ["shape"],
    hang: [],
    slowBody: ["headersAfterMs", "chunkBytes", "intervalMs", "stallAfterBytes"],
    redirect: ["status", "location"],
} as const satisfies Record<Fault["kind"], readonly string[]>;

export const FAULT_KINDS = Object.keys(PROPERTIES) as Fault["kind"][];

const REDIRECTS = [301, 302, 303, 307, 308];

/** The fault as given, or an error that names the property at fault. */
export function checkFault(f: unknown): Fault {
    if (typeof f !== "object" || f === null || Array.isArray(f)) throw new Error("a fault must be an object with a `kind`");
    const o = f as Record<string, unknown>;
    const kind = o.kind as Fault["kind"];
    if (!FAULT_KINDS.includes(kind))
        throw new Error(`unknown fault kind ${JSON.stringify(o.kind)}; expected one of ${FAULT_KINDS.join(", ")}`);
    const allowed: readonly string[] = ["kind", "times", ...PROPERTIES[kind]];
    const extra = Object.keys(o).filter((k) => !allowed.includes(k));
    if (extra.length) throw new Error(`a ${kind} fault takes ${allowed.join(", ")}; not ${extra.join(", ")}`);
    const int = (k: string, min: number, optional: boolean) => {
        if (optional && o[k] === undefined) return;
        if (!Number.isSafeInteger(o[k]) || (o[k] as number) < min) throw new Error(`a ${kind} fault's ${k} must be an integer >= ${min}`);
    };
    const text = (k: string) => {
        if (o[k] !== undefined && typeof o[k] !== "string") throw new Error(`a ${kind} fault's ${k} must be a string`);
    };
    int("times", 1, true);
    switch (kind) {
        case "status":
        case "statusAfterCommit":
            if (!Number.isSafeInteger(o.status) || (o.status as number) < 100 || (o.status as number) > 599)
                throw new Error(`a ${kind} fault needs an integer status from 100 to 599`);
            text("body");
            text("contentType");
            if (o.headers !== undefined && !isStringRecord(o.headers))
                throw new Error(`a ${kind} fault's headers must map names to strings`);
            break;
        case "delay":
            int("ms", 0, false);
            break;
        case "hostileList":
            if (o.shape !== "empty" && o.shape !== "withoutOwner")
                throw new Error(`a hostileList fault's shape must be "empty" or "withoutOwner"`);
            break;
        case "slowBody":
            for (const k of ["headersAfterMs", "intervalMs", "stallAfterBytes"]) int(k, 0, true);
            int("chunkBytes", 1, true);
            break;
        case "redirect":
            if (!REDIRECTS.includes(o.status as number))
                throw new Error(`a redirect fault's status must be one of ${REDIRECTS.join(", ")}`);
            if (typeof o.location !== "string" || o.location === "") throw new Error("a redirect fault needs a location");
            break;
    }
    return o as Fault;
}

function isStringRecord(v: unknown): boolean {
    return typeof v === "object" && v !== null && !Array.isArray(v) && Object.values(v).every((x) => typeof x === "string");
}

/** Faults waiting per route, in order; each answers `times` (default 1) requests before the next one's turn. */
export class FaultQueue {
    private readonly queues = new Map<RouteKey, { fault: Fault; left: number }[]>();

    /** Checks every fault first, so a bad one queues none of them. */
    add(route: RouteKey, faults: unknown[]): void {
        const checked = faults.map(checkFault);
        const queue = this.queues.get(route) ?? [];
        for (const fault of checked) queue.push({ fault, left: fault.times ?? 1 });
        this.queues.set(route, queue);
    }

    /** The fault for the next request to `route`, if any. */
    take(route: RouteKey): Fault | undefined {
        const queue = this.queues.get(route);
        const head = queue?.[0];
        if (!head) return undefined;
        if (--head.left === 0) queue.shift();
        return head.fault;
    }

    /** How many requests to `route` faults are still waiting for. */
    pending(route: RouteKey): number {
        return (this.queues.get(route) ?? []).reduce((n, q) => n + q.left, 0);
    }

    clear(): void {
        this.queues.clear();
    }
}

/** The answer a fault gives in place of handling the request (before auth), if it is one of those kinds. */
export function faultBeforeHandling(fault: Fault | undefined): Outcome | undefined {
    if (fault?.kind === "status") return reply(faultReply(fault));
    if (fault?.kind === "resetBeforeCommit") return { kind: "reset" };
    if (fault?.kind === "hang") return { kind: "hang" };
    if (fault?.kind === "redirect") {
        return reply({ status: fault.status, body: "", contentType: "text/plain", headers: { location: fault.location } });
    }
    return undefined;
}

/** The answer to a handled request under its fault; `ownerId` is the account a `hostileList` leaves out. */
export function faultAfterHandling(fault: Fault | undefined, result: JsonResult, ownerId: number): Outcome {
    if (fault?.kind === "slowBody") return reply({ ...jsonReply(result.status, result.json), pace: fault });
    // "After commit" faults only bite when the request succeeded; otherwise the real error is answered.
    if (result.status !== 200 || fault === undefined) return reply(jsonReply(result.status, result.json));
    switch (fault.kind) {
        case "resetAfterCommit":
            return { kind: "reset" };
        case "statusAfterCommit":
            return reply(faultReply(fault));
        case "malformed200": {
            const text = JSON.stringify(result.json);
            // A strict prefix of a JSON object/array is never valid JSON.
            return reply({
                status: 200,
                body: text.slice(0, Math.max(1, Math.floor(text.length / 2))),
                contentType: "application/json",
            });
        }
        case "schemaViolating200":
            return reply(jsonReply(200, fault.body !== undefined ? fault.body : stringifyAccountIds(result.json)));
        case "hostileList": {
            const all = Array.isArray(result.json) ? (result.json as { accountId?: unknown }[]) : [];
            return reply(jsonReply(200, fault.shape === "empty" ? [] : all.filter((a) => a.accountId !== ownerId)));
        }
        default:
            return reply(jsonReply(result.status, result.json));
    }
}
