// Logz.io has no GET for one SIEM account, only the list of associated accounts. One provider host serves
// every SiemAccount in a stack, so lookups share list requests: a caller asks for a list at least as fresh
// as a moment it names, and gets the one in flight or just fetched when that is fresh enough.
import * as E from "fp-ts/Either";
import * as TE from "fp-ts/TaskEither";
import { AccountView } from "./codecs";
import { Failure } from "./errors";

/** A list this young is reused by reads, deletes and the duplicate guard. */
export const REUSE_WINDOW_MS = 2000;

export class AccountDirectory {
    private latest?: { startedAt: number; result: Promise<E.Either<Failure, AccountView[]>> };
    /** When this host last created an account: a list requested before then cannot show it. */
    private changedAt = 0;

    constructor(private readonly fetchList: () => TE.TaskEither<Failure, AccountView[]>) {}

    /** A list whose request started at or after `freshAfter` (ms since the epoch). */
    list(freshAfter: number = Date.now() - REUSE_WINDOW_MS): TE.TaskEither<Failure, AccountView[]> {
        return () => {
            const latest = this.latest;
            if (latest && latest.startedAt >= freshAfter && latest.startedAt > this.changedAt) return latest.result;
            const entry = { startedAt: Date.now(), result: this.fetchList()() };
            this.latest = entry;
            // A failed list is never reused: the next caller asks Logz.io again.
            void entry.result.then((r) => {
                if (E.isLeft(r) && this.latest === entry) this.latest = undefined;
            });
            return entry.result;
        };
    }

    /** Whether the latest list was requested at or after `since` (so it cannot predate a change made before). */
    isFreshSince(since: number): boolean {
        return this.latest !== undefined && this.latest.startedAt >= since;
    }

    /** Called after this host created an account, so no later lookup is answered from an older list. */
    noteChange(): void {
        this.changedAt = Date.now();
    }
}
