// The Logz.io HTTP client: node-fetch over a keep-alive agent, a per-attempt timeout inside one deadline
// per operation, a cap on requests in flight, retries with capped exponential backoff and full jitter,
// and every response decoded by a codec. Results are TaskEither values; nothing here throws.
import * as http from "node:http";
import * as https from "node:https";
import fetch, { FetchError } from "node-fetch";
import * as t from "io-ts";
import * as E from "fp-ts/Either";
import * as TE from "fp-ts/TaskEither";
import { pipe } from "fp-ts/function";
import { AssociatedAccounts, AccountView, CreateSiemRequest, CreateSiemResponse, ErrorBody, Whoami, decodeWith } from "./codecs";
import { Failure, isTransient, scrub } from "./errors";
import { Limiter } from "./limiter";
import { Settings, tuningKey } from "./settings";

const CREATE_PATH = "/v2/account-management/siem";
const LIST_PATH = "/v1/associated-accounts";
const WHOAMI_PATH = "/v2/whoami";
// Failures that mean the request never reached Logz.io, so even a POST may be sent again.
const NOT_SENT_CODES = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH"]);

export interface Deadline {
    readonly at: number;
}
export const deadlineIn = (ms: number): Deadline => ({ at: Date.now() + ms });

/** A POST may be repeated only when Logz.io certainly did not act on it: 429, or never connected. */
export function safeToRepeatPost(f: Failure): boolean {
    return (f.kind === "http" && f.status === 429) || (f.kind === "network" && !f.sent);
}

export class LogzioClient {
    private readonly agent: http.Agent;
    readonly limiter: Limiter;

    constructor(
        readonly settings: Settings,
        private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
    ) {
        const options = { keepAlive: true, maxSockets: settings.maxConcurrency };
        this.agent = settings.apiUrl.startsWith("https:") ? new https.Agent(options) : new http.Agent(options);
        this.limiter = new Limiter(settings.maxConcurrency);
    }

    /** POST /v2/account-management/siem. Retried only when the account cannot have been created. */
    createSiemAccount(body: CreateSiemRequest, deadline: Deadline): TE.TaskEither<Failure, CreateSiemResponse> {
        return this.withRetries(
            () => this.attempt("POST", CREATE_PATH, CreateSiemResponse, deadline, CreateSiemRequest.encode(body)),
            safeToRepeatPost,
            deadline,
        );
    }

    /** GET /v1/associated-accounts: the owner and every sub account, SIEM accounts as SECURITY_ACCOUNT. */
    listAccounts(deadline: Deadline): TE.TaskEither<Failure, AccountView[]> {
        return this.withRetries(() => this.attempt("GET", LIST_PATH, AssociatedAccounts, deadline), isTransient, deadline);
    }

    /** GET /v2/whoami: the cheap check of a token and region. */
    whoami(deadline: Deadline): TE.TaskEither<Failure, Whoami> {
        return this.withRetries(() => this.attempt("GET", WHOAMI_PATH, Whoami, deadline), isTransient, deadline);
    }

    close(): void {
        this.agent.destroy();
    }

    private withRetries<A>(
        attempt: () => TE.TaskEither<Failure, A>,
        retryable: (f: Failure) => boolean,
        deadline: Deadline,
    ): TE.TaskEither<Failure, A> {
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
        return loop(0);
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
    ): TE.TaskEither<Failure, A> {
        const operation = `${method} ${path}`;
        return () =>
            this.limiter.run(async (): Promise<E.Either<Failure, A>> => {
                const remaining = deadline.at - Date.now();
                if (remaining <= 0) {
                    return E.left({ kind: "network", operation, detail: `no time left in ${tuningKey(this.settings.namespace, "requestTimeoutSeconds")}`, sent: false });
                }
                // One attempt may use a third of the operation's budget, so a hung request leaves room to recover.
                const timeoutMs = Math.min(remaining, Math.max(1000, this.settings.requestTimeoutMs / 3));
                try {
                    // node-fetch's own timeout (headers, then body) is far cheaper than an AbortController per request.
                    const res = await fetch(`${this.settings.apiUrl}${path}`, {
                        method,
                        agent: this.agent,
                        timeout: timeoutMs,
                        headers: {
                            "X-API-TOKEN": this.settings.apiToken,
                            Accept: "application/json",
                            "User-Agent": "pulumi-logzio-siem",
                            ...(body === undefined ? {} : { "Content-Type": "application/json" }),
                        },
                        body: body === undefined ? undefined : JSON.stringify(body),
                    });
                    const text = await res.text();
                    const requestId = res.headers.get("x-request-id") ?? undefined;
                    if (res.status < 200 || res.status >= 300) {
                        // Scrubbed before anything is cut or parsed, so no fragment of an echoed token survives.
                        const body = scrub(text, [this.settings.apiToken]);
                        return E.left(httpFailure(operation, res.status, body, requestId, res.headers.get("retry-after")));
                    }
                    const json = E.tryCatch(() => JSON.parse(text) as unknown, () => `not JSON: ${excerpt(text)}`);
                    return pipe(
                        json,
                        E.chain(decodeWith(codec, "the response")),
                        E.mapLeft((detail): Failure => ({ kind: "decode", operation, detail, requestId, accountId: idIn(json) })),
                    );
                } catch (e) {
                    return E.left(networkFailure(operation, e, timeoutMs));
                }
            });
    }
}

function idIn(json: E.Either<string, unknown>): number | undefined {
    if (E.isLeft(json) || typeof json.right !== "object" || json.right === null) return undefined;
    const id = (json.right as { accountId?: unknown }).accountId;
    return typeof id === "number" && Number.isSafeInteger(id) && id > 0 ? id : undefined;
}

function withAttempts(f: Failure, attempts: number): Failure {
    return f.kind === "http" || f.kind === "network" ? { ...f, attempts } : f;
}

function networkFailure(operation: string, e: unknown, timeoutMs: number): Failure {
    if (e instanceof FetchError && (e.type === "request-timeout" || e.type === "body-timeout")) {
        return { kind: "network", operation, detail: `no answer within ${Math.round(timeoutMs / 1000)}s`, sent: true, timedOut: true };
    }
    const code = e instanceof FetchError ? (e.code ?? e.errno) : (e as { code?: string }).code;
    const sent = !(code !== undefined && NOT_SENT_CODES.has(code));
    const detail = `${sent ? "the connection failed before an answer" : "could not connect"} (${code ?? (e as Error).message})`;
    return { kind: "network", operation, detail, sent };
}

/** Logz.io's error bodies come in several shapes (FACTS.md): take what each one offers. */
export function httpFailure(
    operation: string,
    status: number,
    text: string,
    headerRequestId?: string,
    retryAfter?: string | null,
): Failure {
    const parsed = pipe(
        E.tryCatch(() => JSON.parse(text) as unknown, () => text),
        // Some Logz.io endpoints answer a list of errors: the first one speaks for the request.
        E.map((json) => (Array.isArray(json) && json.length > 0 ? (json[0] as unknown) : json)),
        E.chainW((json) => pipe(ErrorBody.decode(json), E.mapLeft(() => text))),
    );
    const fields: { errorCode?: string; message?: string; requestId?: string } = pipe(
        parsed,
        E.match(
            (raw) => ({ message: raw.trim() === "" ? undefined : excerpt(stripHtml(raw)) }),
            (body) =>
                typeof body === "string"
                    ? { message: body }
                    : {
                          errorCode: body.errorCode,
                          message: "message" in body ? body.message : "errorMessage" in body ? body.errorMessage : undefined,
                          requestId: body.requestId,
                      },
        ),
    );
    return {
        kind: "http",
        operation,
        status,
        ...fields,
        requestId: fields.requestId ?? headerRequestId,
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

function stripHtml(text: string): string {
    const title = /<title>([^<]*)<\/title>/i.exec(text)?.[1];
    return title ?? text.replace(/<[^>]*>/g, " ").replace(/\s+/g, " ");
}

function excerpt(text: string): string {
    const flat = text.replace(/\s+/g, " ").trim();
    return flat.length > 200 ? `${flat.slice(0, 197)}...` : flat;
}
