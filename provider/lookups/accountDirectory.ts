// Logz.io has no GET for one SIEM account, only the list of associated accounts, and one provider host serves
// every SiemAccount of a stack. Lookups therefore share list requests, without ever answering a caller from
// a list requested before it asked: a read, an adoption check or a duplicate guard sees Logz.io as of the
// moment it was asked (a rename, deletion or creation in the UI just before is visible to it).
//
// A lookup with no list in flight starts one at once: a lone read waits for nothing. One that finds a list in
// flight, requested before it asked, joins the next list, which starts once callers have stopped arriving for
// a moment (the rest of a burst), without waiting for the one in flight: a wave of the engine costs two lists
// and one round trip plus a few milliseconds. At most `maxInFlight` lists run at once per main account (they
// also take slots of logzio-siem:maxConcurrency, like every request); a list waiting for a slot keeps gathering.
// A failed list is never an answer for a caller that needs a fresh list; the check's early warning, which accepts an
// older list, shares a recent failure as it shares an answer (previewGuard.ts).
import * as dc from "node:diagnostics_channel";
import { performance } from "node:perf_hooks";
import * as E from "fp-ts/Either";
import * as TE from "fp-ts/TaskEither";
import { AccountView } from "../logzio/codecs";
import { Deadline } from "../logzio/deadline";
import { Failure } from "../logzio/errors";

/** One answer of GET /v1/associated-accounts, with Logz.io's clock when it arrived (its `Date` header). */
export interface Listing {
    readonly accounts: readonly AccountView[];
    readonly logzioNow?: number;
}

/**
 * The next list starts once no caller has joined it for this long. Chosen from measured gaps between the
 * lookups of one engine wave (bench/README.md): median about 0.5 ms, 90th percentile 6-9 ms on a loaded
 * 2-core machine; creates trickle in one by one behind the engine's serial checks, about 5-7 ms apart.
 */
export const GATHER_QUIET_MS = 5;
/**
 * With more than this many lookups waiting, the burst is bigger than a wave of the engine (hundreds of RPCs at
 * once, which the host takes in over most of a second, with gaps of up to ~20 ms between them): the next list
 * then waits for a longer quiet, so that a few lists serve it all.
 */
export const BURST_CALLERS = 16;
export const GATHER_QUIET_BURST_MS = 50;
/**
 * ...but never later than this after its first caller joined (a steady stream still gets lists). 500 RPCs sent at
 * once reach one host over 1 to 1.5 s on 2 cores; with a 1 s limit such a burst sometimes took a fourth list.
 */
export const GATHER_MAX_MS = 2000;
/**
 * Lists in flight at once per main account (never more than logzio-siem:maxConcurrency). As many as the engine
 * runs operations at once on 2 cores (--parallel 8): with 2, creates arriving one by one queued for a slot and
 * `pulumi up` at 150 ms latency took a third longer than one list per create.
 */
export const LISTS_IN_FLIGHT = 8;

/**
 * Published for every lookup answered, when something subscribes (the benchmark does): monotonic ms of when
 * it asked, when its list's request started and ended, and when it got its answer.
 */
export const LOOKUP_CHANNEL = "pulumi-logzio-siem:lookup";
export interface LookupRecord {
    readonly asked: number;
    readonly listStarted: number;
    readonly listEnded: number;
    readonly answered: number;
    /** The list's sequence number in this directory. */
    readonly list: number;
    readonly ok: boolean;
    /** false for a lookup that accepted an older list (the check's early duplicate warning, previewGuard.ts). */
    readonly fresh: boolean;
}
const lookups = dc.channel(LOOKUP_CHANNEL);

type Result<A> = Promise<E.Either<Failure, A>>;

interface Started {
    readonly seq: number;
    readonly startedAt: number;
    endedAt?: number;
    readonly result: Result<Listing>;
}

interface Pending {
    readonly started: Promise<Started>;
    readonly start: (s: Started) => void;
    readonly firstJoin: number;
    lastJoin: number;
}

export class AccountDirectory {
    /** The newest list started that has not failed (in flight or answered). */
    private latest?: Started;
    /** The newest list answered successfully. */
    private answered?: Started;
    /** The newest list that failed, once it has ended: shared only with callers that accept an older list. */
    private failed?: Started & { endedAt: number };
    private inFlight = 0;
    /** Lookups not answered yet. */
    private waiting = 0;
    private seq = 0;
    private next?: Pending;
    private timer?: NodeJS.Timeout;
    /** The most lists this directory has had in flight at once. */
    peakInFlight = 0;

    constructor(
        private readonly fetchList: () => TE.TaskEither<Failure, Listing>,
        /** At most this many lists in flight at once; lowered with the cap when a namespace lowers it (hostAccounts.ts). */
        public maxInFlight: number = LISTS_IN_FLIGHT,
        /**
         * Monotonic milliseconds: "when a caller asked" must not move with the wall clock. The lifecycle takes `asked`
         * from performance.now() too (siemAccountProvider.ts's runWith); another clock is for tests that pass their own.
         */
        readonly now: () => number = () => performance.now(),
    ) {}

    /**
     * A list whose request started at or after `asked` (a value of `now()`), waited for within `deadline`.
     * `notBefore` (earlier than `asked`) accepts an older list; only the check's early warning does that.
     */
    list(asked: number, deadline: Deadline, notBefore = asked): TE.TaskEither<Failure, Listing> {
        return () => {
            this.waiting++;
            const result = this.listFrom(asked, notBefore);
            void result.then(() => this.waiting--);
            return withinDeadline(result, deadline, "GET /v1/associated-accounts");
        };
    }

    private listFrom(asked: number, notBefore: number): Result<Listing> {
        // A caller that accepts an older list takes an answered one rather than wait for one in flight: the
        // engine's checks run one at a time, so each wait would add up.
        const answered = this.answered;
        if (notBefore < asked && answered && answered.startedAt >= notBefore) return this.answer(asked, notBefore, answered);
        const latest = this.latest;
        if (latest && latest.startedAt >= notBefore) return this.answer(asked, notBefore, latest);
        // Such a caller shares a failure as it shares an answer, unless a list has succeeded since: while Logz.io
        // refuses the list (429) or is down, the checks of a preview pay one list's retries, not one list each.
        const failed = this.failed;
        if (notBefore < asked && failed && failed.endedAt >= notBefore && !(answered && answered.startedAt > failed.startedAt)) {
            return this.answer(asked, notBefore, failed);
        }
        // Nothing in flight and nobody gathering: this caller is alone, its list starts now.
        if (this.inFlight === 0 && !this.next) return this.answer(asked, notBefore, this.start());
        // The list in flight was requested before this caller asked: join the next one.
        const now = this.now();
        if (!this.next) {
            let start!: (s: Started) => void;
            const started = new Promise<Started>((resolve) => (start = resolve));
            this.next = { started, start, firstJoin: now, lastJoin: now };
        }
        const pending = this.next;
        pending.lastJoin = now;
        // schedule() may start it at once (the host was descheduled past the quiet time since `now`): keep hold of it.
        this.schedule();
        return pending.started.then((s) => this.answer(asked, notBefore, s));
    }

    private start(): Started {
        const s: Started = { seq: ++this.seq, startedAt: this.now(), result: this.fetchList()() };
        this.latest = s;
        this.inFlight++;
        this.peakInFlight = Math.max(this.peakInFlight, this.inFlight);
        void s.result.then((r) => {
            s.endedAt = this.now();
            this.inFlight--;
            // A failed list is never reused by a caller that needs a fresh one: it asks Logz.io again.
            if (E.isLeft(r) && this.latest === s) this.latest = undefined;
            if (E.isLeft(r) && (!this.failed || this.failed.startedAt < s.startedAt)) this.failed = { ...s, endedAt: s.endedAt! };
            if (E.isRight(r) && (!this.answered || this.answered.startedAt < s.startedAt)) this.answered = s;
            this.schedule();
        });
        return s;
    }

    /** Starts the gathering list once its callers have stopped arriving and a slot is free. */
    private schedule(): void {
        const next = this.next;
        if (!next || this.timer) return;
        const now = this.now();
        const quiet = this.waiting > BURST_CALLERS ? GATHER_QUIET_BURST_MS : GATHER_QUIET_MS;
        const wait = Math.min(quiet - (now - next.lastJoin), GATHER_MAX_MS - (now - next.firstJoin));
        if (wait > 0) {
            this.timer = setTimeout(() => {
                this.timer = undefined;
                this.schedule();
            }, Math.ceil(wait));
            return;
        }
        // All slots busy: the list ending first calls this again.
        if (this.inFlight >= this.maxInFlight) return;
        this.next = undefined;
        next.start(this.start());
    }

    private answer(asked: number, notBefore: number, s: Started): Result<Listing> {
        if (!lookups.hasSubscribers) return s.result;
        return s.result.then((r) => {
            const answered = this.now();
            const record: LookupRecord = {
                asked,
                listStarted: s.startedAt,
                listEnded: s.endedAt ?? answered,
                answered,
                list: s.seq,
                ok: E.isRight(r),
                fresh: notBefore >= asked,
            };
            lookups.publish(record);
            return r;
        });
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
