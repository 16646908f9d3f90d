// The emulator's load: requests accepted and not yet answered (in all and per route), the high-water mark, and
// the cap (maxInFlight) past which a request is answered 429 on arrival, as Logz.io's rate limit would.
import type * as http from "node:http";
import { nonNegative } from "./wire";

export class InFlight {
    private count = 0;
    private readonly byRoute = new Map<string, number>();
    private highWater = 0;
    private rejected = 0;
    private limit: number | undefined;

    constructor(limit: number | undefined) {
        this.setLimit(limit);
    }

    setLimit(n: number | undefined): void {
        this.limit = n === undefined ? undefined : nonNegative(n, "maxInFlight");
    }

    /** A snapshot; maxInFlight is the high-water mark of accepted requests. */
    get stats(): { inFlight: number; maxInFlight: number; rejected429: number } {
        return { inFlight: this.count, maxInFlight: this.highWater, rejected429: this.rejected };
    }

    /** Checked on arrival: false (counted as a 429) when the cap is reached; rejected requests never count as in flight. */
    admit(): boolean {
        if (this.limit !== undefined && this.count >= this.limit) {
            this.rejected++;
            return false;
        }
        return true;
    }

    /** Requests in flight on a route, keyed "METHOD /path". */
    on(route: string): number {
        return this.byRoute.get(route) ?? 0;
    }

    /** Counts an accepted request as in flight until its response is finished or its socket is gone. */
    track(res: http.ServerResponse, route: string): void {
        this.count++;
        this.highWater = Math.max(this.highWater, this.count);
        // Keyed by the raw "METHOD /path", whatever the path: routeKey (and so inFlightOn) refuses unknown ones.
        this.byRoute.set(route, this.on(route) + 1);
        let done = false;
        const leave = (): void => {
            if (!done) {
                this.count--;
                this.byRoute.set(route, this.on(route) - 1);
            }
            done = true;
        };
        res.once("finish", leave);
        res.once("close", leave);
    }

    /** After a reset: the high-water mark restarts from what is in flight now, and the 429 count from 0. */
    resetCounters(): void {
        this.highWater = this.count;
        this.rejected = 0;
    }
}
