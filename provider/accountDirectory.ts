// Logz.io has no GET for one SIEM account, only the list of associated accounts, and one provider host serves
// every SiemAccount of a stack. Lookups therefore share list requests, without ever answering a caller from
// a list requested before it asked: a read, an adoption check or a duplicate guard sees Logz.io as of the
// moment it was asked (a rename, deletion or creation in the UI just before is visible to it).
//
// At most one list is in flight. Callers that asked after it started wait for the next one, which starts
// when the one in flight has finished and callers have stopped arriving for a moment: a burst of 500 reads
// costs two or three list calls, a lone read one list call and no wait.
import { performance } from "node:perf_hooks";
import * as E from "fp-ts/Either";
import * as TE from "fp-ts/TaskEither";
import { AccountView } from "./codecs";
import { Failure } from "./errors";
import { Deadline } from "./logzioClient";

/** One answer of GET /v1/associated-accounts, with Logz.io's clock when it arrived (its `Date` header). */
export interface Listing {
    readonly accounts: readonly AccountView[];
    readonly logzioNow?: number;
}

/** The next list waits until no caller has joined it for this long (a burst still arriving)... */
export const GATHER_QUIET_MS = 50;
/** ...but never longer than this after its first caller joined. */
export const GATHER_MAX_MS = 1000;

type Result<A> = Promise<E.Either<Failure, A>>;

interface Pending {
    readonly promise: Result<Listing>;
    readonly start: () => void;
    readonly firstJoin: number;
    lastJoin: number;
}

export class AccountDirectory {
    /** The newest list requested (in flight or answered successfully) and when its request started. */
    private latest?: { startedAt: number; result: Result<Listing> };
    private inFlight = false;
    private next?: Pending;
    private timer?: NodeJS.Timeout;

    constructor(
        private readonly fetchList: () => TE.TaskEither<Failure, Listing>,
        /** Monotonic milliseconds: "when a caller asked" must not move with the wall clock. */
        readonly now: () => number = () => performance.now(),
    ) {}

    /** A list whose request started at or after `asked` (a value of `now()`), waited for within `deadline`. */
    list(asked: number, deadline: Deadline): TE.TaskEither<Failure, Listing> {
        return () => withinDeadline(this.listFrom(asked), deadline, "GET /v1/associated-accounts");
    }

    private listFrom(asked: number): Result<Listing> {
        if (this.latest && this.latest.startedAt >= asked) return this.latest.result;
        if (!this.inFlight && !this.next) return this.start();
        const now = this.now();
        if (!this.next) {
            let start!: () => void;
            const promise = new Promise<E.Either<Failure, Listing>>((resolve) => (start = () => resolve(this.start())));
            this.next = { promise, start, firstJoin: now, lastJoin: now };
        }
        this.next.lastJoin = now;
        this.schedule();
        return this.next.promise;
    }

    private start(): Result<Listing> {
        const entry = { startedAt: this.now(), result: this.fetchList()() };
        this.latest = entry;
        this.inFlight = true;
        void entry.result.then((r) => {
            this.inFlight = false;
            // A failed list is never reused: the next caller asks Logz.io again.
            if (E.isLeft(r) && this.latest === entry) this.latest = undefined;
            this.schedule();
        });
        return entry.result;
    }

    /** Starts the waiting list once nothing is in flight and its callers have stopped arriving. */
    private schedule(): void {
        const next = this.next;
        if (!next || this.inFlight || this.timer) return;
        const now = this.now();
        const wait = Math.min(GATHER_QUIET_MS - (now - next.lastJoin), GATHER_MAX_MS - (now - next.firstJoin));
        if (wait > 0) {
            this.timer = setTimeout(() => {
                this.timer = undefined;
                this.schedule();
            }, Math.ceil(wait));
            return;
        }
        this.next = undefined;
        next.start();
    }
}

/** Logz.io answered, and asking again would get the same answer: a 4xx other than 429, or an unusable 200. */
export function isAnswer(f: Failure): boolean {
    return (f.kind === "http" && f.status >= 400 && f.status < 500 && f.status !== 429) || f.kind === "decode";
}

/** A shared request waited for by one operation: the operation ends at its own deadline even if the request has not. */
export function withinDeadline<A>(shared: Result<A>, deadline: Deadline, operation: string): Result<A> {
    const left = deadline.at - Date.now();
    const expired = (): E.Either<Failure, A> =>
        E.left({
            kind: "network",
            operation,
            detail: "no answer within the operation's time limit (requestTimeoutSeconds)",
            sent: true,
            timedOut: true,
        });
    if (left <= 0) return Promise.resolve(expired());
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<E.Either<Failure, A>>((resolve) => (timer = setTimeout(() => resolve(expired()), left)));
    return Promise.race([shared, timeout]).finally(() => clearTimeout(timer));
}
