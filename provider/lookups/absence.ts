// When an account missing from a list may be called gone. Never when the state names another main account than the
// configured one; not while it may still be setting up (its provisioning grace), measured on Logz.io's clock. (Whether
// the list itself can be the whole truth is listingIndex.ts's notWhole.)
import { performance } from "node:perf_hooks";
import { Account, createdHereAt } from "../lifecycle/account";
import type { Owner } from "../lifecycle/accountState";
import type { Listing } from "./accountDirectory";

type Props = Record<string, unknown>;

/**
 * Whether the state names another main account than the configured one. The id decides: the same main
 * account reached at another URL (a proxy, the emulator on a new port) is still its owner. State written
 * before owners were recorded has none and is read as before.
 */
export function ownedElsewhere(state: Props, owner: Owner): boolean {
    return typeof state.mainAccountId === "number" && state.mainAccountId !== owner.mainAccountId;
}

/**
 * Where an account missing from the list stands in its set-up grace. Its age is measured on Logz.io's clock
 * (the `Date` of the list's answer against `createdAt`, both Logz.io's), or, when Logz.io sent no `Date`,
 * on this host's own clock since it created the account. Never the local wall clock against Logz.io's.
 */
export function graceOf(account: Account, id: string, state: Props, listing: Listing): "over" | "within" | "unknown" {
    const grace = account.settings.provisioningGraceMs;
    if (grace <= 0) return "over";
    // Adopted accounts have no createdAt: they were listed when adopted, so they are past setting up.
    if (state.createdAt === "" || state.createdAt === undefined) return "over";
    const created = createdAtMs(state.createdAt);
    // A createdAt that cannot be read as an instant says nothing about the account's age.
    if (created === undefined) return "unknown";
    const here = createdHereAt(account, Number(id));
    const age = listing.logzioNow !== undefined ? listing.logzioNow - created : here !== undefined ? performance.now() - here : undefined;
    if (age === undefined) return "unknown";
    return age < grace ? "within" : "over";
}

// An ISO 8601 date-time without a zone designator: `Date.parse` would read it in this host's time zone.
const WITHOUT_OFFSET = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/;
const WITH_OFFSET = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}(:?\d{2})?)$/i;
/** The latest instant a wall-clock time can name: the westernmost zone is 12 hours behind UTC. */
const LATEST_ZONE_MS = 12 * 3_600_000;

/**
 * `createdAt` as an instant, never read in this host's time zone. With an offset (Logz.io's documented form, `...Z`)
 * it is exact. Without one, the zone is unknown: it is taken as the latest instant it can name, so an account is
 * never older than it may be (a young account is kept, not dropped). Any other text is unknown (undefined).
 */
export function createdAtMs(createdAt: unknown): number | undefined {
    if (typeof createdAt !== "string") return undefined;
    const text = createdAt.trim();
    if (WITH_OFFSET.test(text)) {
        const ms = Date.parse(text.replace(" ", "T"));
        return Number.isNaN(ms) ? undefined : ms;
    }
    if (WITHOUT_OFFSET.test(text)) {
        const ms = Date.parse(`${text.replace(" ", "T")}Z`);
        return Number.isNaN(ms) ? undefined : ms + LATEST_ZONE_MS;
    }
    // Other forms count only with an explicit zone (`Tue, 01 Dec 2026 10:00:00 GMT`).
    const ms = /(GMT|UTC|Z|[+-]\d{4})$/i.test(text) ? Date.parse(text) : NaN;
    return Number.isNaN(ms) ? undefined : ms;
}
