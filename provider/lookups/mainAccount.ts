// Who a token belongs to (GET /v2/whoami), asked once per host and main account, and what an outage of that call
// means for the checks of a preview. Every namespace reaching the main account shares this; each asks with its own
// client (its own retries and timeouts) and waits within its own deadline.
import { performance } from "node:perf_hooks";
import * as E from "fp-ts/Either";
import type * as TE from "fp-ts/TaskEither";
import { isAnswer, withinDeadline } from "./accountDirectory";
import { Whoami } from "../logzio/codecs";
import { Deadline } from "../logzio/deadline";
import { Failure, describeFailure, unreachableAdvice } from "../logzio/errors";
import type { Settings } from "../config/settings";
import { bounded, headline, scrub } from "../logzio/text";

/** How long a token probe's outage (no answer, or a transient failure) is remembered for the next checks. */
export const PROBE_OUTAGE_MEMORY_MS = 10 * 60_000;

type Result<A> = Promise<E.Either<Failure, A>>;
export type WhoamiFetch = (deadline: Deadline) => TE.TaskEither<Failure, Whoami>;

const OPERATION = "GET /v2/whoami";

/**
 * The rules:
 * - An answer (the account, or a refusal such as 401) is kept for the life of the host.
 * - Concurrent callers share the request in flight. A caller with more time than that request has (a create joining
 *   a check's short probe) does not fail on it: when it ends without an answer, the caller asks again itself.
 * - A token probe (check) that ends without an answer makes every probe of this main account in the next
 *   PROBE_OUTAGE_MEMORY_MS return that outage at once, without a request, until a whoami succeeds: during an outage a
 *   preview waits for one probe, not one per resource. Operations (create, read, delete) never take the remembered
 *   outage: they always ask within their own time.
 */
export class MainAccountCache {
    private known?: E.Either<Failure, Whoami>;
    private inFlight?: { result: Result<Whoami>; until: number };
    private outage?: { failure: Failure; until: number };
    private warned = false;

    constructor(
        private readonly memoryMs = PROBE_OUTAGE_MEMORY_MS,
        private readonly now: () => number = () => performance.now(),
    ) {}

    async ask(fetch: WhoamiFetch, deadline: Deadline, probe: boolean): Result<Whoami> {
        if (this.known) return this.known;
        if (probe && this.outage && this.outage.until > this.now()) return E.left(this.outage.failure);
        const running = this.inFlight;
        const result = await withinDeadline(running ? running.result : this.start(fetch, deadline), deadline, OPERATION);
        if (E.isRight(result) || isAnswer(result.left)) return result;
        if (probe) {
            this.outage = { failure: result.left, until: this.now() + this.memoryMs };
            return result;
        }
        // Another caller's request gave up before this caller's time is up: ask again, with this caller's own time.
        if (running && running.until < deadline.at && Date.now() < deadline.at) return this.ask(fetch, deadline, false);
        return result;
    }

    /** True the first time only: the preview's warning that the token went unchecked is shown once per main account. */
    firstWarning(): boolean {
        const first = !this.warned;
        this.warned = true;
        return first;
    }

    private start(fetch: WhoamiFetch, deadline: Deadline): Result<Whoami> {
        const result = fetch(deadline)();
        const entry = { result, until: deadline.at };
        this.inFlight = entry;
        void result.then((r) => {
            if (this.inFlight === entry) this.inFlight = undefined;
            if (E.isRight(r) || isAnswer(r.left)) {
                this.known = r;
                this.outage = undefined;
            }
        });
        return result;
    }
}

/** One namespace's view of its main account's whoami: its own client asks, the cache is the main account's. */
export class MainAccount {
    constructor(
        private readonly fetch: WhoamiFetch,
        private readonly cache: MainAccountCache = new MainAccountCache(),
    ) {}

    /** For operations: within `deadline`, never failing on another caller's request that gave up earlier. */
    get(deadline: Deadline): TE.TaskEither<Failure, Whoami> {
        return () => this.cache.ask(this.fetch, deadline, false);
    }

    /** For check's token probe: within its short `deadline`, sharing an outage another probe met. */
    probe(deadline: Deadline): TE.TaskEither<Failure, Whoami> {
        return () => this.cache.ask(this.fetch, deadline, true);
    }

    /** The warning for a probe that met an outage: once per main account and host, undefined after the first. */
    outageWarning(settings: Settings, failure: Failure): string | undefined {
        return this.cache.firstWarning() ? probeOutageWarning(settings, failure) : undefined;
    }
}

/**
 * What a check says when the token probe could not reach Logz.io: the check passed (the operation will report the
 * outage), but the token was not checked; the URL and the way there are what to look at. Worded for preview and up
 * alike: check cannot tell them apart.
 */
export function probeOutageWarning(settings: Settings, failure: Failure): string {
    const head = headline(describeFailure(failure, settings.namespace));
    const at = head.includes(settings.apiUrl) ? "" : ` at ${settings.apiUrl}`;
    const proxied = failure.kind === "network" && failure.proxied === true;
    const text =
        `${settings.namespace}:apiToken was not checked: Logz.io could not be reached${at}: ${head}.\n` +
        unreachableAdvice(settings.namespace, proxied);
    return bounded(scrub(text, [settings.apiToken]));
}
