// Creating a SIEM account (or adopting one): the duplicate guard, claims, the journal of creates whose outcome is
// unknown, the POST, and settling a create whose answer was lost by looking the account up before anything is repeated.
import { performance } from "node:perf_hooks";
import type * as t from "io-ts";
import * as TE from "fp-ts/TaskEither";
import { pipe } from "fp-ts/function";
import { Account } from "./account";
import { Listing } from "../lookups/accountDirectory";
import { AccountView, SECURITY_ACCOUNT, SiemAccountInputs, SiemAccountState, Whoami } from "../logzio/codecs";
import { CreateJournal, JournalRecord } from "./createJournal";
import { Deadline } from "../logzio/deadline";
import { Failure } from "../logzio/errors";
import { Owner, ownerOf, publicUrl, requestedOf, stateFromLookup, stateFromResponse } from "./accountState";
import { findSiem, findSiemNamed, notWhole } from "../lookups/listingIndex";
import { duplicateRefusal } from "./duplicates";
import * as msg from "./messages";
import { nameKey, sameName } from "./names";
import { mayHaveCreated } from "../logzio/postRepeat";
import { runMemory } from "./previewGuard";

// Ambiguous creates (answer lost) are settled by a lookup; this bounds how often the POST is then repeated.
const MAX_CREATE_ROUNDS = 3;

/** A new account, or the adoption of `existingAccountId`, recorded under the main account the token belongs to. */
export function createOrAdopt(
    account: Account,
    inputs: SiemAccountInputs,
    asked: number,
    deadline: Deadline,
): TE.TaskEither<Failure, SiemAccountState> {
    if (inputs.existingAccountId !== undefined) {
        const id = inputs.existingAccountId;
        return pipe(
            account.main.get(deadline),
            TE.chain((main) => adopt(account, inputs, id, ownerOf(main, account.settings), asked, deadline)),
        );
    }
    return createNew(account, inputs, asked, deadline);
}

function createNew(
    account: Account,
    inputs: SiemAccountInputs,
    asked: number,
    deadline: Deadline,
): TE.TaskEither<Failure, SiemAccountState> {
    // Names are claimed per main account as whoami names it, so two tokens of one main account share them (account.ts).
    // whoami is asked once per host (check's token probe has usually asked it already).
    return pipe(
        account.main.get(deadline),
        TE.chain((main) => claimAndCreate(account, inputs, main, asked, deadline)),
    );
}

function claimAndCreate(
    account: Account,
    inputs: SiemAccountInputs,
    main: Whoami,
    asked: number,
    deadline: Deadline,
): TE.TaskEither<Failure, SiemAccountState> {
    const name = inputs.accountName;
    // Claimed synchronously, before anything else is awaited, so two resources of one name cannot both get past here.
    // Keyed as Logz.io may hold the name: "Prod" and " prod" are one name to it (names.ts).
    const claims = account.claims.of(main.accountId);
    const key = nameKey(name);
    const claim = claims.get(key);
    if (claim !== undefined) {
        return TE.left(
            msg.refused(
                claim.state === "created"
                    ? // Another resource of this stack created it in this run: never offered for adoption.
                      msg.nameHeldInStack({ accountId: claim.id as t.Int, accountName: name, type: SECURITY_ACCOUNT }, "")
                    : claim.state === "unsettled"
                      ? msg.unsettledClaim(name)
                      : msg.creatingNow(name),
            ),
        );
    }
    claims.set(key, { state: "creating" });
    const owner = ownerOf(main, account.settings);
    const { journal } = account;
    return pipe(
        // Claims cover this host's own creates, so the guard only has to see Logz.io as of this call.
        account.directory.list(asked, deadline),
        TE.chain((listing) => {
            const existing = findSiemNamed(listing.accounts, name);
            if (existing) {
                // Its outcome is known now: a record of an earlier create of this name has done its work.
                return pipe(
                    TE.fromTask(() => forgetCreates(journal, main.accountId, key)),
                    TE.chain(() =>
                        TE.left<Failure, SiemAccountState>({
                            kind: "refused",
                            message: duplicateRefusal(account, existing, runMemory(account).held),
                            names: [existing.accountName],
                        }),
                    ),
                );
            }
            const why = notWhole(listing, main.accountId);
            if (why !== undefined) return TE.left(msg.refused(msg.listNotWhole(why, `a SIEM account named "${name}"`, "guard")));
            if (!journal) return postUntilSettled(account, inputs, owner, deadline, 1);
            return pipe(
                TE.fromTask(() => unknownOutcomes(account, journal, main.accountId, key, listing)),
                TE.chain((pending) => {
                    if (pending.length === 0) return recordedPost(account, journal, inputs, key, owner, deadline);
                    // A record of an account another resource of this stack manages: named as such, never offered for adoption.
                    const held = pending.find((r) => r.accountId !== undefined && account.managed.has(r.accountId));
                    return TE.left(
                        msg.refused(
                            held?.accountId !== undefined
                                ? msg.nameHeldInStack(
                                      { accountId: held.accountId as t.Int, accountName: name, type: SECURITY_ACCOUNT },
                                      account.managed.get(held.accountId) ?? "",
                                  )
                                : msg.unknownOutcome(name, main.accountId, pending[0]),
                        ),
                    );
                }),
            );
        }),
        TE.map((state) => {
            claims.set(key, { state: "created", id: state.accountId, at: performance.now() });
            return state;
        }),
        TE.orElseFirst((failure) => {
            if (failure.kind === "refused" && failure.id !== undefined) {
                // A partial create has an id: the name stays taken by it.
                claims.set(key, { state: "created", id: Number(failure.id), at: performance.now() });
            } else if (failure.kind === "refused" && failure.unsettled) {
                claims.set(key, { state: "unsettled" });
            } else {
                // Certainly not created (refused before any POST, or a definite answer): the name is free.
                claims.delete(key);
            }
            return TE.right(undefined);
        }),
    );
}

// --- the journal of creates whose outcome is unknown (createJournal.ts) --------------------------------------

/** Logz.io lists the name (`key`: names.ts's nameKey): every record of a create of it has its answer. */
async function forgetCreates(journal: CreateJournal | undefined, mainAccountId: number, key: string): Promise<void> {
    if (!journal) return;
    for (const r of await journal.find(mainAccountId, key)) await journal.clear(r.file);
}

/**
 * Records of earlier creates of this name, not listed now, that may still appear. A record older than the
 * provisioning grace on Logz.io's clock is settled (Logz.io would list the account by now: the same evidence that
 * lets refresh drop an account) and goes; with a grace of 0, "not listed" is "not created" at once.
 */
async function unknownOutcomes(
    account: Account,
    journal: CreateJournal,
    mainAccountId: number,
    key: string,
    listing: Listing,
): Promise<JournalRecord[]> {
    const { logzioNow } = listing;
    const grace = account.settings.provisioningGraceMs;
    const pending: JournalRecord[] = [];
    for (const r of await journal.find(mainAccountId, key)) {
        // A Date header has whole seconds: the record's time may be up to a second early.
        // The account it made is listed (under another name, renamed in the UI): its outcome is in plain sight.
        const settled =
            grace <= 0 ||
            (r.accountId !== undefined && findSiem(listing.accounts, r.accountId) !== undefined) ||
            (r.sentAtLogzioMs !== undefined && logzioNow !== undefined && logzioNow - (r.sentAtLogzioMs + 1000) >= grace);
        if (settled) await journal.clear(r.file);
        else pending.push(r);
    }
    return pending;
}

/** The POST, written down first; the record goes once the outcome is known, and stays while it is not. */
function recordedPost(
    account: Account,
    journal: CreateJournal,
    inputs: SiemAccountInputs,
    key: string,
    owner: Owner,
    deadline: Deadline,
): TE.TaskEither<Failure, SiemAccountState> {
    return pipe(
        TE.fromTask(() => journal.record(owner.mainAccountId, key, owner.apiUrl, account.client.clock.now())),
        TE.chain((file) => {
            // Created: the record keeps the id until Pulumi hands it back (the engine that asked may be gone). Unsettled:
            // it stays as it is. Certainly not created: it goes.
            const settle = (failure?: Failure, id?: number): Promise<void> =>
                file === undefined
                    ? Promise.resolve()
                    : id !== undefined
                      ? journal.created(file, id)
                      : failure?.kind === "refused" && failure.unsettled
                        ? Promise.resolve()
                        : journal.clear(file);
            return pipe(
                postUntilSettled(account, inputs, owner, deadline, 1),
                TE.chainFirst((state) => TE.fromTask(() => settle(undefined, state.accountId))),
                TE.orElse((failure) =>
                    pipe(
                        TE.fromTask(() =>
                            settle(failure, failure.kind === "refused" && failure.id !== undefined ? Number(failure.id) : undefined),
                        ),
                        TE.chain(() => TE.left(failure)),
                    ),
                ),
            );
        }),
    );
}

const unsettledFailure = (message: string): Failure => ({ kind: "refused", message, unsettled: true });

/**
 * POST, and when the answer is lost or unusable, find out from the list whether the account was created
 * before doing anything else. Only when a whole list clearly shows no such account is the POST repeated.
 */
function postUntilSettled(
    account: Account,
    inputs: SiemAccountInputs,
    owner: Owner,
    deadline: Deadline,
    round: number,
): TE.TaskEither<Failure, SiemAccountState> {
    return pipe(
        account.client.createSiemAccount(requestedOf(inputs), deadline),
        TE.map((res) => stateFromResponse(account, inputs, res, owner)),
        TE.orElse((failure) => {
            // A definite answer (400, 401, 429 after every retry, never connected): nothing was created.
            if (!mayHaveCreated(failure)) return TE.left(failure);
            return pipe(
                lookupCreated(account, inputs.accountName, owner, account.directory.now(), deadline),
                TE.mapLeft((lookupFailure) => unsettledFailure(msg.unsettled(inputs, failure, lookupFailure))),
                TE.chain((found) => {
                    if (found) return TE.right(stateFromLookup(account, inputs, found, owner));
                    if (failure.kind === "decode") {
                        // Logz.io said 200, so it was created. With an id in the body, keep it in Pulumi's hands.
                        return TE.left(
                            failure.accountId !== undefined
                                ? partialCreate(account, inputs, failure.accountId, failure.detail, owner)
                                : unsettledFailure(msg.unsettled(inputs, failure)),
                        );
                    }
                    // A POST that timed out may still be running at Logz.io: not listed now proves nothing.
                    // Keep looking until the deadline; never send it again.
                    if (failure.kind === "network" && failure.timedOut) return awaitListed(account, inputs, owner, failure, deadline, 0);
                    // "Not listed" proves "not created" only where Logz.io lists new accounts at once
                    // (provisioningGraceMinutes 0). Otherwise a second POST could bill a second account.
                    if (account.settings.provisioningGraceMs > 0)
                        return TE.left(unsettledFailure(msg.unsettled(inputs, failure, undefined, account.settings)));
                    if (round >= MAX_CREATE_ROUNDS || Date.now() >= deadline.at) {
                        return TE.left(msg.refused(msg.notCreated(inputs, failure, round)));
                    }
                    return postUntilSettled(account, inputs, owner, deadline, round + 1);
                }),
            );
        }),
    );
}

/** Looks the account up again, backing off, until it is listed or the operation's time is up. */
function awaitListed(
    account: Account,
    inputs: SiemAccountInputs,
    owner: Owner,
    failure: Failure,
    deadline: Deadline,
    poll: number,
): TE.TaskEither<Failure, SiemAccountState> {
    const { retryBaseMs, maxBackoffMs, provisioningGraceMs } = account.settings;
    const wait = Math.min(maxBackoffMs, Math.max(50, retryBaseMs) * 2 ** poll);
    if (Date.now() + wait >= deadline.at) {
        return TE.left(unsettledFailure(msg.unsettled(inputs, failure, undefined, provisioningGraceMs > 0 ? account.settings : undefined)));
    }
    return pipe(
        TE.fromTask(() => new Promise<void>((resolve) => setTimeout(resolve, wait))),
        TE.chain(() =>
            pipe(
                lookupCreated(account, inputs.accountName, owner, account.directory.now(), deadline),
                TE.mapLeft((f) => unsettledFailure(msg.unsettled(inputs, failure, f))),
            ),
        ),
        TE.chain((found) =>
            found
                ? TE.right(stateFromLookup(account, inputs, found, owner))
                : awaitListed(account, inputs, owner, failure, deadline, poll + 1),
        ),
    );
}

/**
 * A list requested after the failure (so it can show the account), searched by name. A list that cannot be
 * the whole truth and lacks the name fails the lookup: its "not listed" would license a second POST.
 */
function lookupCreated(
    account: Account,
    name: string,
    owner: Owner,
    since: number,
    deadline: Deadline,
): TE.TaskEither<Failure, AccountView | undefined> {
    return pipe(
        account.directory.list(since, deadline),
        TE.chain((listing) => {
            const found = findSiemNamed(listing.accounts, name);
            if (found) return TE.right(found);
            const why = notWhole(listing, owner.mainAccountId);
            return why === undefined
                ? TE.right(undefined)
                : TE.left(msg.refused(msg.listNotWhole(why, `an account named "${name}"`, "lookup")));
        }),
    );
}

function adopt(
    account: Account,
    inputs: SiemAccountInputs,
    id: number,
    owner: Owner,
    asked: number,
    deadline: Deadline,
): TE.TaskEither<Failure, SiemAccountState> {
    return pipe(
        account.directory.list(asked, deadline),
        TE.chain((listing) => {
            const match = listing.accounts.find((a) => a.accountId === id);
            if (!match) {
                const why = notWhole(listing, owner.mainAccountId);
                return TE.left(
                    msg.refused(
                        why !== undefined
                            ? msg.listNotWhole(why, `account ${id}`, "adopt")
                            : msg.adoptUnknownId(id, publicUrl(account.settings.apiUrl)),
                    ),
                );
            }
            if (match.type !== SECURITY_ACCOUNT) return TE.left(msg.refused(msg.adoptNotSiem(id, match)));
            // Logz.io may have stored the name trimmed or in another case: that is still the name asked for.
            if (!sameName(match.accountName, inputs.accountName))
                return TE.left(msg.refused(msg.adoptOtherName(id, match, inputs.accountName)));
            return TE.right({ ...stateFromLookup(account, inputs, match, owner), createdAt: "" });
        }),
    );
}

function partialCreate(account: Account, inputs: SiemAccountInputs, id: number, detail: string, owner: Owner): Failure {
    const state = stateFromLookup(
        account,
        inputs,
        { accountId: id as t.Int, accountName: inputs.accountName, type: SECURITY_ACCOUNT },
        owner,
    );
    return { kind: "refused", id: String(id), properties: state, message: msg.partialCreateMessage(inputs, id, detail) };
}
