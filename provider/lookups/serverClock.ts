// Logz.io's clock as seen through the `Date` header of its answers. `createdAt` comes from that clock, so the
// provisioning grace compares it with this, never with the local clock (which may be hours off).
import { performance } from "node:perf_hooks";

export class ServerClock {
    /** The latest `Date` Logz.io sent, and when it arrived on this host's monotonic clock. */
    private seen?: { serverMs: number; at: number };

    /** Records a `Date` header (RFC 9110 IMF-fixdate); anything unparseable is ignored. */
    observe(date: string | null | undefined): void {
        const serverMs = date ? Date.parse(date) : NaN;
        if (!Number.isNaN(serverMs)) this.seen = { serverMs, at: performance.now() };
    }

    /**
     * Logz.io's current time: its last `Date` plus the time elapsed here since (monotonic, so the local
     * wall clock plays no part). A `Date` has whole seconds, so this lags by under a second: ages come out
     * slightly short, which keeps an account in its grace period rather than dropping it early.
     */
    now(): number | undefined {
        return this.seen && this.seen.serverMs + (performance.now() - this.seen.at);
    }
}
