/**
 * A local, stateful emulator of the parts of the Logz.io public API that the SIEM provider uses:
 *   POST /v2/account-management/siem   (postSIEM)
 *   GET  /v1/associated-accounts       (getRelatedAccounts)
 *   GET  /v2/whoami                    (whoAmI)
 * It is a real HTTP server on loopback (node:http, or node:https with the `tls` option) so clients are exercised
 * over real sockets, keep-alive included. Shapes follow Logz.io's public API spec, as summarized in docs/logzio-api.md.
 * Under /__emulator it also serves an admin API (admin.ts): UI-like changes and fault injection.
 * This file is the server and LogzioEmulator's API: the request pipeline (admin, in-flight cap per main account, latency, faults,
 * auth), recording, knobs, clock and lifecycle. The accounts are store.ts's, the routes' answers handlers.ts's,
 * what faults do faults.ts's, the load and its cap inFlight.ts's, paced bodies pacing.ts's.
 */
import * as http from "node:http";
import * as https from "node:https";
import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { setMaxListeners } from "node:events";
import type { AddressInfo } from "node:net";
import { ADMIN_PREFIX, adminReply } from "./admin";
import { sendPaced } from "./pacing";
import { FaultQueue, faultAfterHandling, faultBeforeHandling } from "./faults";
import { Knobs, Route, routeTable } from "./handlers";
import { routeKey } from "./routes";
import { InFlight, InFlightStats } from "./inFlight";
import { AccountStore } from "./store";
import {
    AccountType,
    EmulatedAccount,
    EmulatorOptions,
    Fault,
    NAME_NORMALISATIONS,
    NameNormalisation,
    RequestRecord,
    SCAN_READINGS,
    ScanReading,
} from "./types";
import { Outcome, Reply, apiError, headerValue, jsonReply, nonNegative, parseLoosely, readBody, reply } from "./wire";

export * from "./types";
export * from "./routes";
export { FAULT_KINDS, checkFault } from "./faults";

const UNAUTHORIZED_MESSAGE = "Unauthorized. Make sure your API token is valid";

export class LogzioEmulator {
    static async start(opts: EmulatorOptions = {}): Promise<LogzioEmulator> {
        const emulator = new LogzioEmulator(opts);
        await emulator.listen(opts.host ?? "127.0.0.1", opts.port ?? 0);
        return emulator;
    }

    readonly token: string;
    private readonly tokens: Set<string>;
    readonly requests: RequestRecord[] = [];

    private readonly server: http.Server | https.Server;
    private readonly scheme: "http" | "https";
    private readonly routes: Map<string, Route>;
    private readonly store: AccountStore;
    private readonly clock: () => number;
    private readonly onChange: () => void;
    private readonly shutdown = new AbortController(); // cancels latency/delay waits on close()
    private readonly faults = new FaultQueue();
    private clockOffset = 0;
    private sendDate = true;
    private latencyMs: number;
    // Read live by the handlers (handlers.ts): the setters below change them between requests.
    private readonly knobs: Knobs = { provisioningMs: 0, scanReading: "documented", nameNormalisation: [] };
    private readonly recordAnswers: boolean;
    private readonly inFlight: InFlight;
    private baseUrl = "";
    private closing: Promise<void> | undefined;

    private constructor(opts: EmulatorOptions) {
        // Every request waiting out its latency listens on this one signal: hundreds at once are expected.
        setMaxListeners(0, this.shutdown.signal);
        this.token = opts.token ?? "emulator-token";
        this.tokens = new Set([this.token, ...(opts.otherTokens ?? [])]);
        this.clock = opts.now ?? Date.now;
        this.onChange = opts.onChange ?? (() => undefined);
        this.clockOffset = opts.clockSkewMs ?? 0;
        this.latencyMs = nonNegative(opts.latencyMs ?? 0, "latencyMs");
        this.inFlight = new InFlight(opts.maxInFlight);
        this.knobs.provisioningMs = nonNegative(opts.provisioningMs ?? 0, "provisioningMs");
        this.setScanReading(opts.scanReading ?? "documented");
        this.setNameNormalisation(opts.nameNormalisation ?? []);
        this.recordAnswers = opts.recordAnswers ?? false;
        this.store = new AccountStore(
            opts.ownerAccountId ?? 100000,
            opts.ownerAccountName ?? "main-account",
            opts.nextAccountId,
            () => this.nowMs(),
            () => this.onChange(),
        );
        this.routes = routeTable({ store: this.store, knobs: this.knobs, nowMs: () => this.nowMs() });
        const handler = (req: http.IncomingMessage, res: http.ServerResponse) => void this.onRequest(req, res);
        this.scheme = opts.tls ? "https" : "http";
        this.server = opts.tls ? https.createServer({ key: opts.tls.key, cert: opts.tls.cert }, handler) : http.createServer(handler);
        // Longer than typical client idle timeouts, so a keep-alive client rarely reuses a socket the
        // server is closing at the same moment (a spurious ECONNRESET). close() destroys them anyway.
        this.server.keepAliveTimeout = 30_000;
    }

    get url(): string {
        return this.baseUrl;
    }

    /** The id the next new account gets: above every id handed out so far, deleted ones included (as Logz.io's). */
    get nextAccountId(): number {
        return this.store.nextAccountId;
    }

    /** Emulator state as plain numbers, a snapshot: requests in flight, their high-water marks, the cap, its 429s. */
    get stats(): InFlightStats {
        return this.inFlight.stats;
    }

    /** Stops listening and destroys every socket, including idle keep-alive and hanging ones. Idempotent. */
    close(): Promise<void> {
        this.closing ??= new Promise<void>((resolve) => {
            this.shutdown.abort();
            this.server.close(() => resolve());
            this.server.closeAllConnections();
        });
        return this.closing;
    }

    // ---------------------------------------------------------------- state

    accounts(type?: AccountType): EmulatedAccount[] {
        return this.store.accounts(type);
    }

    siemAccounts(): EmulatedAccount[] {
        return this.accounts("SECURITY_ACCOUNT");
    }

    /** Seeds an account as if it existed already. createdAt (default: now) also drives provisioningMs. */
    addAccount(a: Partial<EmulatedAccount> & { accountName: string }): EmulatedAccount {
        return this.store.addAccount(a);
    }

    /** "Deleted in the UI". The owner account cannot be deleted. */
    deleteAccount(id: number): boolean {
        return this.store.deleteAccount(id);
    }

    /** "Renamed in the UI". */
    renameAccount(id: number, name: string): boolean {
        return this.store.renameAccount(id, name);
    }

    /** Forgets accounts (the owner is restored), pending faults, recorded requests and counters. Knobs and clock stay. */
    reset(): void {
        this.store.reset();
        this.faults.clear();
        this.requests.length = 0; // in place: callers may hold the array
        this.inFlight.resetCounters();
        this.onChange();
    }

    // ---------------------------------------------------------------- clock

    advanceClock(ms: number): void {
        this.clockOffset += ms;
    }

    /** Sets the emulator's clock this far from the machine's (an hour ahead: 3_600_000; a day behind: -86_400_000). */
    setClockSkew(ms: number): void {
        if (!Number.isFinite(ms)) throw new Error(`clock skew must be a finite number, got ${ms}`);
        this.clockOffset = ms;
    }

    /** Whether answers carry a `Date` header (from the emulator's clock, as Logz.io's carry its own). Default true. */
    setSendDate(on: boolean): void {
        this.sendDate = on;
    }

    nowMs(): number {
        return this.clock() + this.clockOffset;
    }

    // ---------------------------------------------------------------- faults and knobs

    /**
     * Queues faults for a route (`create`, `list`, `whoami`, or the HTTP form such as "POST /v2/account-management/siem").
     * Requests take them in order, each fault answering `times` requests (default 1). Throws, queueing none, for an
     * unknown route or a fault that is not well formed.
     */
    injectFaults(route: string, ...faults: Fault[]): void {
        this.faults.add(routeKey(route), faults);
    }

    /** How many requests to a route the queued faults are still waiting for (0: every fault has been used). */
    pendingFaults(route: string): number {
        return this.faults.pending(routeKey(route));
    }

    /** Another API token of the main account from now on (one more token in Logz.io's UI). */
    addToken(token: string): void {
        if (typeof token !== "string" || token === "") throw new Error("a token must be a non-empty string");
        this.tokens.add(token);
    }

    setLatency(ms: number): void {
        this.latencyMs = nonNegative(ms, "latency");
    }

    /** Requests in flight per main account past which Logz.io answers 429; undefined: Logz.io's 100. */
    setMaxInFlight(n: number | undefined): void {
        this.inFlight.setLimit(n);
    }

    setProvisioningMs(ms: number): void {
        this.knobs.provisioningMs = nonNegative(ms, "provisioningMs");
    }

    /** Which reading of Logz.io's `accountsToScan` default creates play from now on (EmulatorOptions.scanReading). */
    setScanReading(reading: ScanReading): void {
        if (!SCAN_READINGS.includes(reading))
            throw new Error(`scanReading must be one of ${SCAN_READINGS.join(", ")}, got ${String(reading)}`);
        this.knobs.scanReading = reading;
    }

    /** How creates store names from now on (EmulatorOptions.nameNormalisation); [] stores them as sent. */
    setNameNormalisation(ways: readonly NameNormalisation[]): void {
        const bad = ways.find((w) => !NAME_NORMALISATIONS.includes(w));
        if (bad !== undefined) throw new Error(`nameNormalisation takes ${NAME_NORMALISATIONS.join(", ")}, got ${String(bad)}`);
        this.knobs.nameNormalisation = [...ways];
    }

    /**
     * Requests to a route that arrived and have no finished answer yet: a test sees "the POST is in flight"
     * here, from the server side, instead of guessing a time.
     */
    inFlightOn(route: string): number {
        return this.inFlight.on(routeKey(route));
    }

    /** Requests recorded for a route, whatever their outcome (429s and 401s included). Throws for an unknown route. */
    count(route: string): number {
        return this.requestsTo(route).length;
    }

    /** The recorded requests to a route, in arrival order. Throws for an unknown route. */
    requestsTo(route: string): RequestRecord[] {
        const key = routeKey(route);
        return this.requests.filter((r) => `${r.method} ${r.path}` === key);
    }

    // ---------------------------------------------------------------- HTTP pipeline

    private listen(host: string, port: number): Promise<void> {
        return new Promise((resolve, reject) => {
            this.server.once("error", reject);
            this.server.listen(port, host, () => {
                this.server.off("error", reject);
                const addr = this.server.address() as AddressInfo;
                const hostPart = addr.family === "IPv6" ? `[${addr.address}]` : addr.address;
                this.baseUrl = `${this.scheme}://${hostPart}:${addr.port}`;
                resolve();
            });
        });
    }

    private async onRequest(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
        const requestId = randomUUID();
        try {
            await this.process(req, res, requestId);
        } catch (err) {
            // Aborted waits on close() and client disconnects land here; answer only if someone can still hear.
            if (this.shutdown.signal.aborted || res.headersSent || res.destroyed) return;
            this.send(res, requestId, jsonReply(500, apiError("GENERAL/INTERNAL_ERROR", String(err), requestId)));
        }
    }

    private async process(req: http.IncomingMessage, res: http.ServerResponse, requestId: string): Promise<void> {
        const method = req.method ?? "GET";
        const url = new URL(req.url ?? "/", "http://emulator");
        const path = url.pathname;
        const token = headerValue(req, "x-api-token");
        const at = this.nowMs();
        if (path.startsWith(`${ADMIN_PREFIX}/`)) {
            // Admin calls are the "UI", not API traffic: not recorded, not counted in flight, never faulted.
            const { status, json } = adminReply(this, method, path, token, await readBody(req));
            this.send(res, requestId, json === undefined ? { status, body: "", contentType: "text/plain" } : jsonReply(status, json));
            return;
        }
        const contentType = headerValue(req, "content-type");
        const record = (status: number, raw: string, sent?: Reply, fault?: Fault["kind"]): void => {
            this.requests.push({
                method,
                path,
                ...(url.search ? { query: url.search.slice(1) } : {}),
                token,
                contentType,
                body: parseLoosely(raw),
                at,
                status,
                ...(fault ? { fault } : {}),
                ...(sent && this.recordAnswers ? { answer: { status: sent.status, contentType: sent.contentType, body: sent.body } } : {}),
            });
        };

        // Logz.io's limit is per main account, on arrival; rejected requests never count as in flight. Every token
        // here is the one main account's; a request with none of them is no account's (it gets its 401).
        const account = token !== undefined && this.tokens.has(token) ? String(this.store.ownerId) : undefined;
        if (!this.inFlight.admit(account)) {
            const raw = await readBody(req);
            // As Logz.io's: plain text, and no Retry-After (Logz.io documents none: a client must not depend on one).
            const tooMany: Reply = { status: 429, body: "Too Many Requests", contentType: "text/plain" };
            record(429, raw, tooMany);
            this.send(res, requestId, tooMany);
            return;
        }
        this.inFlight.track(res, `${method} ${path}`, account);
        const raw = await readBody(req);
        if (this.latencyMs > 0) await sleep(this.latencyMs, undefined, { signal: this.shutdown.signal });

        // Like a real server, a request keeps being processed even if its client has gone away meanwhile.
        const taken: { fault?: Fault["kind"] } = {};
        const outcome = await this.decide(method, path, token, raw, requestId, taken);
        if (outcome.kind === "reply") {
            record(outcome.reply.status, raw, outcome.reply, taken.fault);
            this.send(res, requestId, outcome.reply);
        } else {
            record(0, raw, undefined, taken.fault);
            if (outcome.kind === "reset") req.socket.resetAndDestroy();
            // "hang": leave the response open; close() or the client's own timeout ends it.
        }
    }

    /** Routing, faults, auth and handling, in that order. */
    private async decide(
        method: string,
        path: string,
        token: string | undefined,
        raw: string,
        requestId: string,
        taken: { fault?: Fault["kind"] },
    ): Promise<Outcome> {
        const route = this.routes.get(path);
        if (!route) return reply(jsonReply(404, { message: "Not found" }));
        if (route.method !== method) {
            return reply({ ...jsonReply(405, { message: "Method not allowed" }), headers: { allow: route.method } });
        }

        // Faults are taken per request in arrival-after-latency order, before auth: they model the server side.
        const fault = this.faults.take(routeKey(`${method} ${path}`));
        taken.fault = fault?.kind;
        const instead = faultBeforeHandling(fault);
        if (instead !== undefined) return instead;
        if (fault?.kind === "delay") await sleep(fault.ms, undefined, { signal: this.shutdown.signal });

        if (token === undefined || !this.tokens.has(token)) return reply(jsonReply(401, { message: UNAUTHORIZED_MESSAGE }));
        const result = route.handle(raw, requestId);
        return faultAfterHandling(fault, result, this.store.ownerId);
    }

    private send(res: http.ServerResponse, requestId: string, r: Reply): void {
        if (res.destroyed || res.headersSent) return;
        const body = Buffer.from(r.body, "utf8");
        // Node would add the machine's time; Logz.io's answers carry Logz.io's, which is this emulator's clock.
        res.sendDate = false;
        const headers = {
            "content-type": r.contentType,
            "content-length": body.length,
            "x-request-id": requestId,
            ...(this.sendDate ? { date: new Date(this.nowMs()).toUTCString() } : {}),
            ...r.headers,
        };
        if (r.pace) {
            void sendPaced(res, r.status, headers, body, r.pace, this.shutdown.signal);
            return;
        }
        res.writeHead(r.status, headers);
        res.end(body);
    }
}
