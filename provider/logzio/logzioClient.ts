// The Logz.io HTTP client: node-fetch over a keep-alive agent (through the environment's proxy, proxy.ts), a
// per-attempt timeout inside one deadline per operation (deadline.ts), a cap on requests in flight, bodies read
// up to a cap, and retries (timing: retryTiming.ts; a POST only when postRepeat.ts allows). What an answer or a
// thrown error comes to is answers.ts's; a 429 also narrows the cap (aimd.ts). Results are TaskEither values; nothing here throws.
import type * as http from "node:http";
import fetch, { Response } from "node-fetch";
import * as t from "io-ts";
import * as E from "fp-ts/Either";
import * as TE from "fp-ts/TaskEither";
import { pipe } from "fp-ts/function";
import { Answered, MAX_BODY_BYTES, MAX_ERROR_BODY_BYTES, Received, failureOf, interpret, redirectFailure } from "./answers";
import { AssociatedAccounts, AccountView, CreateSiemRequest, CreateSiemResponse, Whoami } from "./codecs";
import { Deadline } from "./deadline";
import { Failure, isTransient } from "./errors";
import { scrub } from "./text";
import { signalOf } from "./aimd";
import { Limiter, LimiterOptions } from "./limiter";
import { safeToRepeatPost } from "./postRepeat";
import { Proxy, agentFor, proxyFor } from "./proxy";
import { backoffMs } from "./retryTiming";
import { ServerClock } from "../lookups/serverClock";
import { Settings, tuningKey } from "../config/settings";

const CREATE_PATH = "/v2/account-management/siem";
const LIST_PATH = "/v1/associated-accounts";
const WHOAMI_PATH = "/v2/whoami";

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
    /** Why the environment's proxy cannot be used (HostAccounts.reach refuses such settings first): nothing is sent. */
    readonly refusal?: string;
}

export function newTransport(settings: Settings): Transport {
    const options = { keepAlive: true, maxSockets: settings.maxConcurrency };
    const route = proxyFor(settings.apiUrl);
    const proxy = E.isRight(route) ? route.right : undefined;
    return {
        agent: agentFor(settings.apiUrl, proxy, options),
        limiter: new Limiter(settings.maxConcurrency, capAdaptation(process.env.PULUMI_LOGZIO_SIEM_CAP)),
        clock: new ServerClock(),
        ...(proxy === undefined ? {} : { proxy }),
        ...(E.isLeft(route) ? { refusal: route.left } : {}),
    };
}

/**
 * How the cap adapts (limiter.ts): by default AIMD from half of logzio-siem:maxConcurrency. PULUMI_LOGZIO_SIEM_CAP is
 * for comparisons (bench/fleet.ts), not a setting: `fixed` (no adaptation), `fromCeiling` (AIMD from the ceiling).
 */
export function capAdaptation(value: string | undefined): LimiterOptions {
    if (value === "fixed") return { adaptive: false };
    if (value === "fromCeiling") return { startAtCeiling: true };
    return {};
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
                    const wait = backoffMs(n, failure.kind === "http" ? failure.retryAfterMs : undefined, this.settings);
                    if (Date.now() + wait >= deadline.at) return TE.left(withAttempts(failure, n + 1));
                    return pipe(
                        TE.fromTask(() => this.sleep(wait)),
                        TE.chain(() => loop(n + 1)),
                    );
                }),
            );
        return pipe(loop(0), TE.map(result));
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
                signalOf,
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
                return E.left(redirectFailure(operation, status, res.headers.get("location"), this.settings, requestId));
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

function withAttempts(f: Failure, attempts: number): Failure {
    return f.kind === "http" || f.kind === "network" ? { ...f, attempts } : f;
}
