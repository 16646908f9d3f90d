// The Logz.io HTTP client: node-fetch over a keep-alive agent (through the environment's proxy, proxy.ts), a
// per-attempt timeout inside one deadline per operation, a cap on requests in flight, retries with capped
// exponential backoff and full jitter, and every response decoded by a codec. Results are TaskEither values;
// nothing here throws.
import type * as http from "node:http";
import fetch, { FetchError, Response } from "node-fetch";
import * as t from "io-ts";
import * as E from "fp-ts/Either";
import * as TE from "fp-ts/TaskEither";
import { pipe } from "fp-ts/function";
import {
    AssociatedAccounts,
    AccountView,
    CreateSiemRequest,
    CreateSiemResponse,
    ErrorBody,
    Whoami,
    accountIdIn,
    decodeWith,
} from "./codecs";
import { Failure, isTransient, scrub } from "./errors";
import { Limiter } from "./limiter";
import { PROXY_REFUSED, Proxy, agentFor, proxyFor, withoutCredentials } from "./proxy";
import { ServerClock } from "./serverClock";
import { Settings, tuningKey } from "./settings";
import { excerpt, stripHtml } from "./text";

const CREATE_PATH = "/v2/account-management/siem";
const LIST_PATH = "/v1/associated-accounts";
const WHOAMI_PATH = "/v2/whoami";
// Failures that mean the request never reached Logz.io, so even a POST may be sent again.
const NOT_SENT_CODES = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH", PROXY_REFUSED]);

export interface Deadline {
    readonly at: number;
}
export const deadlineIn = (ms: number): Deadline => ({ at: Date.now() + ms });

/** A POST may be repeated only when Logz.io certainly did not act on it: 429, or never connected. */
export function safeToRepeatPost(f: Failure): boolean {
    return (f.kind === "http" && f.status === 429) || (f.kind === "network" && !f.sent && f.final !== true);
}

const bodyOnly = <A>(a: Answered<A>): A => a.body;

/**
 * What the clients of one main account share, whatever namespace reaches it: the connections (and the proxy they go
 * through), the cap on requests in flight, and Logz.io's clock. Retries, timeouts and messages stay each client's
 * own (its namespace's settings).
 */
export interface Transport {
    readonly agent: http.Agent;
    readonly limiter: Limiter;
    readonly clock: ServerClock;
    /** The proxy from the environment that requests go through, if any. */
    readonly proxy?: Proxy;
    /** Why the environment's proxy cannot be used (runtime.ts refuses such settings at check): nothing is sent. */
    readonly refusal?: string;
}

export function newTransport(settings: Settings): Transport {
    const options = { keepAlive: true, maxSockets: settings.maxConcurrency };
    const route = proxyFor(settings.apiUrl);
    const proxy = E.isRight(route) ? route.right : undefined;
    return {
        agent: agentFor(settings.apiUrl, proxy, options),
        limiter: new Limiter(settings.maxConcurrency),
        clock: new ServerClock(),
        ...(proxy === undefined ? {} : { proxy }),
        ...(E.isLeft(route) ? { refusal: route.left } : {}),
    };
}

export class LogzioClient {
    private readonly agent: http.Agent;
    private readonly proxy?: Proxy;
    private readonly refusal?: string;
    readonly limiter: Limiter;
    /** Logz.io's clock, from the `Date` header of every answer (any status). */
    readonly clock: ServerClock;

    constructor(
        readonly settings: Settings,
        private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
        transport: Transport = newTransport(settings),
    ) {
        this.agent = transport.agent;
        this.proxy = transport.proxy;
        this.refusal = transport.refusal;
        this.limiter = transport.limiter;
        this.clock = transport.clock;
    }

    /** POST /v2/account-management/siem. Retried only when the account cannot have been created. */
    createSiemAccount(body: CreateSiemRequest, deadline: Deadline): TE.TaskEither<Failure, CreateSiemResponse> {
        return this.withRetries(
            () => this.attempt("POST", CREATE_PATH, CreateSiemResponse, deadline, CreateSiemRequest.encode(body)),
            safeToRepeatPost,
            deadline,
            bodyOnly,
        );
    }

    /** GET /v1/associated-accounts: the owner and every sub account, SIEM accounts as SECURITY_ACCOUNT. */
    listAccounts(deadline: Deadline): TE.TaskEither<Failure, AccountView[]> {
        return this.withRetries(() => this.attempt("GET", LIST_PATH, AssociatedAccounts, deadline), isTransient, deadline, bodyOnly);
    }

    /** GET /v2/whoami: the cheap check of a token and region. */
    whoami(deadline: Deadline): TE.TaskEither<Failure, Whoami> {
        return this.withRetries(() => this.attempt("GET", WHOAMI_PATH, Whoami, deadline), isTransient, deadline, bodyOnly);
    }

    close(): void {
        this.agent.destroy();
    }

    private withRetries<A, B>(
        attempt: () => TE.TaskEither<Failure, A>,
        retryable: (f: Failure) => boolean,
        deadline: Deadline,
        result: (a: A) => B,
    ): TE.TaskEither<Failure, B> {
        const loop = (n: number): TE.TaskEither<Failure, A> =>
            pipe(
                attempt(),
                TE.orElse((failure) => {
                    if (!retryable(failure) || n >= this.settings.maxRetries) return TE.left(withAttempts(failure, n + 1));
                    const wait = this.backoff(n, failure.kind === "http" ? failure.retryAfterMs : undefined);
                    if (Date.now() + wait >= deadline.at) return TE.left(withAttempts(failure, n + 1));
                    return pipe(
                        TE.fromTask(() => this.sleep(wait)),
                        TE.chain(() => loop(n + 1)),
                    );
                }),
            );
        return pipe(loop(0), TE.map(result));
    }

    /** Full jitter under a doubling cap; Retry-After, when Logz.io sends one, is a floor. */
    private backoff(retry: number, retryAfterMs: number | undefined): number {
        const cap = Math.min(this.settings.maxBackoffMs, this.settings.retryBaseMs * 2 ** retry);
        return Math.max(retryAfterMs ?? 0, Math.random() * cap);
    }

    private attempt<A>(
        method: "GET" | "POST",
        path: string,
        codec: t.Decoder<unknown, A>,
        deadline: Deadline,
        body?: unknown,
    ): TE.TaskEither<Failure, Answered<A>> {
        const operation = `${method} ${path}`;
        const late = (): E.Either<Failure, Answered<A>> =>
            E.left({
                kind: "network",
                operation,
                detail: `no time left in ${tuningKey(this.settings.namespace, "requestTimeoutSeconds")}`,
                sent: false,
            });
        return () =>
            this.limiter.run(
                async (): Promise<E.Either<Failure, Answered<A>>> => {
                    const remaining = deadline.at - Date.now();
                    if (remaining <= 0) return late();
                    // One attempt may use a third of the operation's budget, so a hung request leaves room to recover.
                    const timeoutMs = Math.min(remaining, Math.max(1000, this.settings.requestTimeoutMs / 3));
                    const received = await this.exchange(method, path, timeoutMs, body);
                    return E.isLeft(received) ? received : interpret(operation, codec, received.right, this.settings.apiToken);
                },
                // Waiting for a slot counts against the operation's time like everything else.
                deadline.at,
                late,
            );
    }

    /**
     * One request and its whole body within `timeoutMs`, headers and body alike. When time is up, or the body
     * is past its cap, the request is aborted, which destroys its socket: a dripping or stalled answer can
     * neither outlive its attempt nor keep a slot of the agent.
     */
    private async exchange(method: string, path: string, timeoutMs: number, body: unknown): Promise<E.Either<Failure, Received>> {
        const operation = `${method} ${path}`;
        if (this.refusal !== undefined) return E.left({ kind: "config", problems: [this.refusal] });
        const controller = new AbortController();
        let timedOut = false;
        const timer = setTimeout(() => {
            timedOut = true;
            controller.abort();
        }, timeoutMs);
        let status: number | undefined;
        const arrived: Buffer[] = [];
        try {
            const res = await fetch(`${this.settings.apiUrl}${path}`, {
                method,
                agent: this.agent,
                signal: controller.signal,
                // Never follow: the token and the body would go to whatever host the Location names.
                redirect: "manual",
                headers: {
                    "X-API-TOKEN": this.settings.apiToken,
                    Accept: "application/json",
                    "User-Agent": "pulumi-logzio-siem",
                    ...(body === undefined ? {} : { "Content-Type": "application/json" }),
                },
                body: body === undefined ? undefined : JSON.stringify(body),
            });
            status = res.status;
            // Logz.io's clock, from the `Date` header of every answer (any status).
            this.clock.observe(res.headers.get("date"));
            const requestId = res.headers.get("x-request-id") ?? undefined;
            if (status >= 300 && status < 400) {
                controller.abort(); // nothing of a redirect's body is wanted
                return E.left({
                    kind: "http",
                    operation,
                    status,
                    message:
                        `redirected to ${redirectTarget(res.headers.get("location"), this.settings.apiUrl)}; redirects are never followed, ` +
                        `so nothing was sent there (check ${this.settings.namespace}:customApiUrl and ${this.settings.namespace}:region)`,
                    requestId,
                });
            }
            const ok = status >= 200 && status < 300;
            const { text, truncated } = await readCapped(res, ok ? MAX_BODY_BYTES : MAX_ERROR_BODY_BYTES, arrived, controller);
            return E.right({ status, headers: res.headers, text, truncated, requestId });
        } catch (e) {
            const partial = scrub(Buffer.concat(arrived).toString("utf8"), [this.settings.apiToken]);
            return E.left(
                failureOf(operation, e, timedOut, timeoutMs, status, partial, { apiUrl: this.settings.apiUrl, proxy: this.proxy }),
            );
        } finally {
            clearTimeout(timer);
        }
    }
}

/** The headers of an answer, typed by what is read of them: node-fetch's types stay out of the declarations. */
export interface HeaderLookup {
    get(name: string): string | null;
}

/** What one exchange brought back: the status, headers and (bounded) body text. */
interface Received {
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
const MAX_BODY_BYTES = 32 * 1024 * 1024;
const MAX_ERROR_BODY_BYTES = 16 * 1024;

/**
 * Reads at most `max` bytes of the body into `arrived` (kept by the caller: a body cut by a timeout may still
 * hold the id of a created account). Past `max` the rest is not waited for: the request is aborted.
 */
function readCapped(
    res: Response,
    max: number,
    arrived: Buffer[],
    controller: AbortController,
): Promise<{ text: string; truncated: boolean }> {
    return new Promise((resolve, reject) => {
        let size = 0;
        let done = false;
        const stream = res.body;
        const finish = (truncated: boolean) => {
            if (!done) resolve({ text: Buffer.concat(arrived).toString("utf8"), truncated });
            done = true;
        };
        stream.on("data", (chunk: Buffer) => {
            if (done) return;
            const piece = size + chunk.length > max ? chunk.subarray(0, max - size) : chunk;
            arrived.push(piece);
            size += piece.length;
            if (size >= max) {
                finish(true);
                controller.abort();
            }
        });
        stream.once("end", () => finish(false));
        stream.on("error", (e) => {
            if (!done) reject(e);
            done = true;
        });
    });
}

/** Status, body and codec to a result. Anything thrown on the way (a body too deep to walk) is a decode failure. */
function interpret<A>(operation: string, codec: t.Decoder<unknown, A>, r: Received, token: string): E.Either<Failure, Answered<A>> {
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

function withAttempts(f: Failure, attempts: number): Failure {
    return f.kind === "http" || f.kind === "network" ? { ...f, attempts } : f;
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
function failureOf(
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

/** Retry-After is seconds or an HTTP date (RFC 9110); anything else is ignored. */
export function parseRetryAfter(value: string | null | undefined, now = Date.now()): number | undefined {
    if (!value) return undefined;
    const text = value.trim();
    if (/^\d+(\.\d+)?$/.test(text)) return Number(text) * 1000;
    if (/^[-+]?[\d.]+$/.test(text)) return undefined; // a number, but not a valid delay
    const at = Date.parse(value);
    return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}
