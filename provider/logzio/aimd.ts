// How many requests one host lets into flight to a main account when Logz.io says 429: additive increase,
// multiplicative decrease (AIMD), as TCP shares a link. Logz.io counts 100 requests in flight per account over every
// client of the account, which no host can see; a 429 is the only sign that others are using the room. So on a 429 the
// window halves (never below 1), and each answered request grows it by 1/window (about one more slot per round trip),
// up to logzio-siem:maxConcurrency. Pure functions: limiter.ts applies them to its slots, and the client hands the
// limiter signalOf to read each attempt's outcome with.
import * as E from "fp-ts/Either";
import type { Failure } from "./errors";

/** The adaptive cap: `size` (fractional; whole slots are its floor) and the epoch it was last halved in. */
export interface Window {
    readonly size: number;
    /** Bumped at each halving: a 429 to a request sent before it was already answered by that halving. */
    readonly epoch: number;
}

/** What an exchange says about Logz.io's room: 429 (too many), answered, or nothing either way (a 500, a timeout). */
export type Signal = "tooMany" | "answered" | "neutral";

/** What an attempt's outcome says of Logz.io's room: a 429, an answer, or neither (a 500, a network failure). */
export function signalOf<A>(result: E.Either<Failure, A>): Signal {
    if (E.isRight(result)) return "answered";
    const f = result.left;
    return f.kind === "http" && f.status === 429 ? "tooMany" : "neutral";
}

/**
 * Where a host starts: half of the ceiling. A fleet of hosts that each start at their ceiling oversubscribes the
 * account at once (8 hosts at 25 send 200 against 100) and half of the first burst is answered 429; starting at half
 * (8 x 12 = 96) fits, and a lone host is back at its ceiling after about ceiling/2 round trips (bench/fleet.ts).
 */
export function initialWindow(ceiling: number): Window {
    return { size: Math.max(1, Math.floor(ceiling / 2)), epoch: 0 };
}

/** Whole slots the window allows now: at least 1, at most the ceiling. */
export function slots(w: Window, ceiling: number): number {
    return Math.max(1, Math.min(ceiling, Math.floor(w.size)));
}

/**
 * The window after an answer to a request sent in epoch `sentIn`. A 429 halves it once per epoch: the requests already
 * in flight when it halved were sent under the larger window, and their 429s say nothing new.
 */
export function next(w: Window, signal: Signal, sentIn: number, ceiling: number): Window {
    const size = Math.min(w.size, ceiling);
    if (signal === "tooMany") {
        return sentIn < w.epoch ? w : { size: Math.max(1, Math.floor(size / 2)), epoch: w.epoch + 1 };
    }
    if (signal === "answered") return { size: Math.min(ceiling, size + 1 / Math.max(1, size)), epoch: w.epoch };
    return size === w.size ? w : { size, epoch: w.epoch };
}
