// The emulator's load: requests accepted and not yet answered (in all, per route and per main account), the
// high-water marks, and Logz.io's rate limit: past `maxInFlight` requests in flight for one main account (every token
// of it, every client), a request is answered 429 on arrival, before anything is done (so a refused create created
// nothing). Logz.io documents "100 concurrent API requests per account": the default.
import type * as http from "node:http";
import { nonNegative } from "./wire";

/** Logz.io's documented limit: 100 concurrent API requests per account. */
export const LOGZIO_MAX_IN_FLIGHT = 100;

export interface InFlightStats {
    /** Requests in flight now, every account's and those of no account (an unknown token). */
    inFlight: number;
    /** High-water mark of `inFlight`. */
    maxInFlight: number;
    /** Highest number any one main account ever had in flight (what the cap bounds). */
    maxInFlightPerAccount: number;
    /** The cap per main account. */
    maxInFlightLimit: number;
    /** Requests answered 429 because their main account was at the cap (scripted 429 faults are not counted). */
    rejected429: number;
}

export class InFlight {
    private count = 0;
    private readonly byRoute = new Map<string, number>();
    private readonly byAccount = new Map<string, number>();
    private highWater = 0;
    private accountHighWater = 0;
    private rejected = 0;
    private limit = LOGZIO_MAX_IN_FLIGHT;

    constructor(limit: number | undefined) {
        this.setLimit(limit);
    }

    /** undefined: Logz.io's 100. */
    setLimit(n: number | undefined): void {
        this.limit = n === undefined ? LOGZIO_MAX_IN_FLIGHT : nonNegative(n, "maxInFlight");
    }

    /** A snapshot. */
    get stats(): InFlightStats {
        return {
            inFlight: this.count,
            maxInFlight: this.highWater,
            maxInFlightPerAccount: this.accountHighWater,
            maxInFlightLimit: this.limit,
            rejected429: this.rejected,
        };
    }

    /**
     * Checked on arrival, for the request's main account (undefined for a token of no account: Logz.io cannot count
     * it against one; it is answered 401). false (counted as a 429) when that account is at the cap.
     */
    admit(account: string | undefined): boolean {
        if (account !== undefined && (this.byAccount.get(account) ?? 0) >= this.limit) {
            this.rejected++;
            return false;
        }
        return true;
    }

    /** Requests in flight on a route, keyed "METHOD /path". */
    on(route: string): number {
        return this.byRoute.get(route) ?? 0;
    }

    /** Counts an admitted request as in flight until its response is finished or its socket is gone. */
    track(res: http.ServerResponse, route: string, account: string | undefined): void {
        this.count++;
        this.highWater = Math.max(this.highWater, this.count);
        // Keyed by the raw "METHOD /path", whatever the path: routeKey (and so inFlightOn) refuses unknown ones.
        this.byRoute.set(route, this.on(route) + 1);
        if (account !== undefined) {
            const n = (this.byAccount.get(account) ?? 0) + 1;
            this.byAccount.set(account, n);
            this.accountHighWater = Math.max(this.accountHighWater, n);
        }
        let done = false;
        const leave = (): void => {
            if (!done) {
                this.count--;
                this.byRoute.set(route, this.on(route) - 1);
                if (account !== undefined) this.byAccount.set(account, (this.byAccount.get(account) ?? 1) - 1);
            }
            done = true;
        };
        res.once("finish", leave);
        res.once("close", leave);
    }

    /** After a reset: the high-water marks restart from what is in flight now, and the 429 count from 0. */
    resetCounters(): void {
        this.highWater = this.count;
        this.accountHighWater = Math.max(0, ...this.byAccount.values());
        this.rejected = 0;
    }
}
