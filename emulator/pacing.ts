/**
 * Slow answers for the emulator's fault injection: headers that arrive late, bodies that drip a few bytes at
 * a time, and bodies that stall for good after some bytes. They model a congested or broken network path,
 * so a client's time limits can be tested over real sockets.
 */
import type * as http from "node:http";
import { setTimeout as sleep } from "node:timers/promises";

export interface Pace {
    /** Wait this long before sending the status line and headers. */
    headersAfterMs?: number;
    /** Bytes per chunk of the body (default 1). */
    chunkBytes?: number;
    /** Pause between chunks (default 100 ms). */
    intervalMs?: number;
    /** Send this many bytes of the body, then nothing more (the response never ends). */
    stallAfterBytes?: number;
}

/** Writes `body` as `pace` says. Stops quietly when the client goes away or the emulator closes. */
export async function sendPaced(
    res: http.ServerResponse,
    status: number,
    headers: Record<string, string | number>,
    body: Buffer,
    pace: Pace,
    signal: AbortSignal,
): Promise<void> {
    const gone = (): boolean => res.destroyed || signal.aborted;
    try {
        if (pace.headersAfterMs) await sleep(pace.headersAfterMs, undefined, { signal });
        if (gone()) return;
        res.writeHead(status, { ...headers, "content-length": body.length });
        res.flushHeaders();
        const step = Math.max(1, pace.chunkBytes ?? 1);
        const limit = Math.min(body.length, pace.stallAfterBytes ?? body.length);
        for (let at = 0; at < limit; at += step) {
            if (gone()) return;
            res.write(body.subarray(at, Math.min(limit, at + step)));
            if (at + step < limit) await sleep(pace.intervalMs ?? 100, undefined, { signal });
        }
        if (limit === body.length && !gone()) res.end();
        // Otherwise: stalled. Only the client (or close()) ends it.
    } catch {
        // The wait was cut short by close(): nothing left to send.
    }
}
