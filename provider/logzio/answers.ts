// What an exchange with Logz.io comes to: an answer (status, headers, bounded body) decoded by its codec or said as
// a Failure (Logz.io's error bodies in all their shapes, a 200 whose body is unusable but names an account id, a
// redirect), and a thrown fetch or body error said as a Failure that records whether the request may have reached
// Logz.io (`sent`). Whether a failure may be retried is not decided here (errors.ts, postRepeat.ts).
import { FetchError } from "node-fetch";
import * as t from "io-ts";
import * as E from "fp-ts/Either";
import { pipe } from "fp-ts/function";
import { ErrorBody, accountIdIn, decodeWith } from "./codecs";
import { Failure } from "./errors";
import { PROXY_REFUSED, Proxy, withoutCredentials } from "./proxy";
import { parseRetryAfter } from "./retryTiming";
import type { Settings } from "../config/settings";
import { excerpt, scrub, stripHtml } from "./text";

// Failures that mean the request never reached Logz.io, so even a POST may be sent again (postRepeat.ts).
const NOT_SENT_CODES = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH", PROXY_REFUSED]);

/** The headers of an answer, typed by what is read of them: node-fetch's types stay out of the declarations. */
export interface HeaderLookup {
    get(name: string): string | null;
}

/** What one exchange brought back: the status, headers and (bounded) body text. */
export interface Received {
    readonly status: number;
    readonly headers: HeaderLookup;
    readonly text: string;
    /** The body was longer than its cap and was cut there. */
    readonly truncated: boolean;
    readonly requestId?: string;
}

/** A decoded body and the headers it came with. */
export interface Answered<A> {
    readonly body: A;
    readonly headers: HeaderLookup;
}

// Bodies are cut while they arrive, before anything runs on them. A list of every associated account fits the
// first easily; an error body is only ever shown as a short excerpt.
export const MAX_BODY_BYTES = 32 * 1024 * 1024;
export const MAX_ERROR_BODY_BYTES = 16 * 1024;

/** Status, body and codec to a result. Anything thrown on the way (a body too deep to walk) is a decode failure. */
export function interpret<A>(operation: string, codec: t.Decoder<unknown, A>, r: Received, token: string): E.Either<Failure, Answered<A>> {
    // Scrubbed before anything is cut or parsed, so no fragment of an echoed token survives an excerpt.
    const text = scrub(r.text, [token]);
    if (r.status < 200 || r.status >= 300) {
        return E.left(httpFailure(operation, r.status, text, r.requestId, r.headers.get("retry-after")));
    }
    const decodeFailure = (detail: string, json?: unknown): Failure => ({
        kind: "decode",
        operation,
        detail,
        requestId: r.requestId,
        accountId: idIn(json, text),
    });
    try {
        if (r.truncated) {
            return E.left(decodeFailure(`the body is larger than ${MAX_BODY_BYTES / 1024 / 1024} MiB`));
        }
        const json = E.tryCatch(
            () => JSON.parse(text) as unknown,
            () => `not JSON: ${excerpt(text)}`,
        );
        if (E.isLeft(json)) return E.left(decodeFailure(json.left));
        return pipe(
            decodeWith(codec, "the response")(json.right),
            E.bimap(
                (detail) => decodeFailure(detail, json.right),
                (decoded) => ({ body: decoded, headers: r.headers }),
            ),
        );
    } catch (e) {
        return E.left(decodeFailure(`the body could not be parsed (${excerpt(String(e), 100)})`));
    }
}

/** A 3xx, never followed: where it pointed (its host only) and which settings to check. */
export function redirectFailure(
    operation: string,
    status: number,
    location: string | null,
    settings: Pick<Settings, "apiUrl" | "namespace">,
    requestId: string | undefined,
): Failure {
    return {
        kind: "http",
        operation,
        status,
        message:
            `redirected to ${redirectTarget(location, settings.apiUrl)}; redirects are never followed, ` +
            `so nothing was sent there (check ${settings.namespace}:customApiUrl and ${settings.namespace}:region)`,
        requestId,
    };
}

/** Where a redirect pointed: its host only (never a path, query or credentials, which may hold secrets). */
function redirectTarget(location: string | null, base: string): string {
    if (location === null) return "no Location";
    try {
        return `host ${new URL(location, base).host}`;
    } catch {
        return "an unparseable Location";
    }
}

/**
 * An integer accountId in a 200 that was otherwise unusable: from the parsed body, or from the text up to a
 * cut (a body truncated right after the id still names the account Logz.io created).
 */
export function idIn(json: unknown, text: string): number | undefined {
    if (typeof json === "object" && json !== null && !Array.isArray(json)) {
        const id = accountIdIn((json as { accountId?: unknown }).accountId);
        if (id !== undefined) return id;
    }
    // Only a complete number counts: digits cut off by the end of the text may be part of a longer id.
    const m = /"accountId"\s*:\s*("?)(\d{1,16})\1\s*[,}\]]/.exec(text.slice(0, 64 * 1024));
    return m ? accountIdIn(m[2]) : undefined;
}

/** Where a request went: the API URL, and the proxy on the way if one applied. */
interface Route {
    readonly apiUrl: string;
    readonly proxy?: Proxy;
}

/**
 * A thrown fetch or body error, said as precisely as what is known: before or after the status arrived. A failure
 * to connect names where the request went (the API URL, and the proxy with its variable): that is what to check.
 */
export function failureOf(
    operation: string,
    e: unknown,
    timedOut: boolean,
    timeoutMs: number,
    status: number | undefined,
    partial: string,
    route: Route,
): Failure {
    const { apiUrl, proxy } = route;
    const via = proxy === undefined ? "" : ` through the proxy ${proxy.shown} (${proxy.variable})`;
    const seconds = Math.round(timeoutMs / 1000);
    if (status !== undefined) {
        const cause = timedOut ? `did not arrive completely within ${seconds}s` : `was cut off (${errorCode(e)})`;
        if (status >= 200 && status < 300) {
            const detail = `the body of the HTTP ${status} answer ${cause}`;
            const accountId = idIn(undefined, partial);
            // Logz.io said 200: with the id in what arrived, the lifecycle keeps that id.
            if (accountId !== undefined) return { kind: "decode", operation, detail, accountId };
            return { kind: "network", operation, detail: detail + via, sent: true, timedOut };
        }
        return { kind: "http", operation, status, message: `the body of the answer ${cause}` };
    }
    if (timedOut) {
        return { kind: "network", operation, detail: `no answer within ${seconds}s from ${apiUrl}${via}`, sent: true, timedOut: true };
    }
    const code = withoutCredentials(errorCode(e), proxy);
    const sent = !NOT_SENT_CODES.has(code);
    const proxied = proxy === undefined ? {} : { proxied: true };
    if (code === PROXY_REFUSED && proxy !== undefined) {
        // The error's message is the proxy's status line (proxy.ts); node-fetch keeps it after "reason: ".
        const answer = excerpt(withoutCredentials(String((e as Error).message), proxy).replace(/^[\s\S]*?reason: /, ""), 200);
        const target = new URL(apiUrl);
        const detail = `the proxy ${proxy.shown} (${proxy.variable}) refused to open a tunnel to ${target.host} (${answer})`;
        // Wrong proxy credentials or the proxy's policy do not change between attempts; a 502 from it may.
        const final = /^HTTP 40[37]\b/.test(answer) ? { final: true } : {};
        return { kind: "network", operation, detail, sent: false, ...proxied, ...final };
    }
    if (sent) return { kind: "network", operation, detail: `the connection failed before an answer (${code}) from ${apiUrl}${via}`, sent };
    // Before the tunnel is open, every connection is to the proxy: a refusal there is the proxy's.
    const detail =
        proxy === undefined
            ? `could not connect to ${apiUrl} (${code})`
            : `could not connect to the proxy ${proxy.shown} (${proxy.variable}) on the way to ${apiUrl} (${code})`;
    return { kind: "network", operation, detail, sent, ...proxied };
}

function errorCode(e: unknown): string {
    const code = e instanceof FetchError ? (e.code ?? e.errno) : (e as { code?: string }).code;
    return code ?? excerpt(e instanceof Error ? e.message : String(e), 100);
}

/** Logz.io's error bodies come in several shapes (JSON with errorCode/message, errorMessage, a JSON string, text, HTML). */
export function httpFailure(
    operation: string,
    status: number,
    text: string,
    headerRequestId?: string,
    retryAfter?: string | null,
): Failure {
    // Bounded before anything runs on it; every step below is linear in it.
    const bodyText = text.length > MAX_ERROR_BODY_BYTES ? text.slice(0, MAX_ERROR_BODY_BYTES) : text;
    const parsed = pipe(
        E.tryCatch(
            () => JSON.parse(bodyText) as unknown,
            () => bodyText,
        ),
        // Some Logz.io endpoints answer a list of errors: the first one speaks for the request.
        E.map((json) => (Array.isArray(json) && json.length > 0 ? (json[0] as unknown) : json)),
        E.chainW((json) =>
            pipe(
                ErrorBody.decode(json),
                E.mapLeft(() => bodyText),
            ),
        ),
    );
    const field = (v: string | undefined, max: number) => (v === undefined ? undefined : excerpt(v, max));
    const fields: { errorCode?: string; message?: string; requestId?: string } = pipe(
        parsed,
        E.match(
            (raw) => ({ message: raw.trim() === "" ? undefined : excerpt(stripHtml(raw)) }),
            (body) =>
                typeof body === "string"
                    ? { message: field(body, 500) }
                    : {
                          errorCode: field(body.errorCode, 100),
                          message: field("message" in body ? body.message : "errorMessage" in body ? body.errorMessage : undefined, 500),
                          requestId: field(body.requestId, 100),
                      },
        ),
    );
    return {
        kind: "http",
        operation,
        status,
        ...fields,
        requestId: fields.requestId ?? (headerRequestId === undefined ? undefined : excerpt(headerRequestId, 100)),
        retryAfterMs: parseRetryAfter(retryAfter),
    };
}
