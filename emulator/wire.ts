// The emulator's wire helpers: replies in Logz.io's shapes, request reading, and the small parsers they need.
import * as http from "node:http";
import type { Pace } from "./pacing";

/** What the pipeline decided to do with a request. */
export type Outcome = { kind: "reply"; reply: Reply } | { kind: "reset" } | { kind: "hang" };
export interface Reply {
    status: number;
    body: string;
    contentType: string;
    headers?: Record<string, string>;
    pace?: Pace;
}

export function reply(r: Reply): Outcome {
    return { kind: "reply", reply: r };
}

export function jsonReply(status: number, json: unknown): Reply {
    return { status, body: JSON.stringify(json), contentType: "application/json" };
}

/** Logz.io's usual error shape. */
export function apiError(errorCode: string, message: string, requestId: string, parameters: Record<string, unknown> = {}): unknown {
    return { errorCode, message, requestId, parameters };
}

/** A fault's own answer; without a body it is the plain-text reason phrase, like a gateway would send. */
export function faultReply(f: { status: number; body?: string; contentType?: string; headers?: Record<string, string> }): Reply {
    const body = f.body ?? http.STATUS_CODES[f.status] ?? "Error";
    const contentType = f.contentType ?? (f.body !== undefined && parseLoosely(f.body) !== f.body ? "application/json" : "text/plain");
    return { status: f.status, body, contentType, headers: f.headers };
}

/** The default schema violation: every accountId becomes a string. */
export function stringifyAccountIds(json: unknown): unknown {
    if (Array.isArray(json)) return json.map(stringifyAccountIds);
    if (isRecord(json) && "accountId" in json) return { ...json, accountId: String(json.accountId) };
    return json;
}

export function isoSeconds(ms: number): string {
    return new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
}

export function isRecord(v: unknown): v is Record<string, unknown> {
    return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Parsed JSON when it parses, the raw text otherwise, undefined when empty. */
export function parseLoosely(raw: string): unknown {
    if (raw === "") return undefined;
    try {
        return JSON.parse(raw);
    } catch {
        return raw;
    }
}

export function headerValue(req: http.IncomingMessage, name: string): string | undefined {
    const v = req.headers[name];
    return Array.isArray(v) ? v.join(", ") : v;
}

export function readBody(req: http.IncomingMessage): Promise<string> {
    return new Promise((resolve, reject) => {
        const chunks: Buffer[] = [];
        req.on("data", (c: Buffer) => chunks.push(c));
        req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
        req.on("error", reject);
    });
}

export function nonNegative(n: number, what: string): number {
    if (!Number.isFinite(n) || n < 0) throw new Error(`${what} must be a non-negative number, got ${n}`);
    return n;
}
