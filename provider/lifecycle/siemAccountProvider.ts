// The SiemAccount lifecycle, built on the calls Logz.io documents: POST /v2/account-management/siem,
// GET /v1/associated-accounts and GET /v2/whoami. There is no GET, PUT or DELETE for one SIEM account, so:
// every input change is a replacement, refresh reads the list, delete only succeeds when the account is
// already gone, and a create whose answer is lost is settled by looking the account up (create.ts).
// Absence is concluded only from a whole list (listingIndex.ts) of the owning main account, past the set-up
// grace by Logz.io's clock (absence.ts). Failures stay values (TaskEither) until `runWith`, the Pulumi boundary,
// throws one clear Error.
import { performance } from "node:perf_hooks";
import type * as dynamic from "@pulumi/pulumi/dynamic";
import type * as t from "io-ts";
import * as E from "fp-ts/Either";
import * as TE from "fp-ts/TaskEither";
import { pipe } from "fp-ts/function";
import { Account, AccountResolver, noteManaged, releaseId } from "./account";
import { Listing, isAnswer } from "../lookups/accountDirectory";
import { SiemAccountInputs, SiemAccountState, decodeWith } from "../logzio/codecs";
import { createOrAdopt } from "./create";
import { Deadline, deadlineIn } from "../logzio/deadline";
import { changedProperties, driftInputs } from "./diff";
import { Failure, toError } from "../logzio/errors";
import { Owner, ownerOf } from "./accountState";
import { graceOf, ownedElsewhere } from "../lookups/absence";
import { findSiem, listedAsOther, notWhole } from "../lookups/listingIndex";
import { checkInputs, isUnknown } from "./inputs";
import * as msg from "./messages";
import { hasLooseSpaces, sameName } from "./names";
import { warn } from "../host/engineLog";
import { duplicateAtCheck, heldByAnother, holds, replacementOf, runMemory } from "./previewGuard";
import { hiddenValues, nameIsSecret, secretKeysOf } from "./secrecy";
import { SECRET_INPUTS } from "../program/state";
import { bounded, hideValues } from "../logzio/text";
import { DEFAULT_NAMESPACE } from "../config/settings";
import { sentence } from "../logzio/text";

/** Built once: a create decodes its inputs with it. */
const decodeInputs = decodeWith(SiemAccountInputs, "the inputs");

export type { Account, AccountResolver } from "./account";

type Props = Record<string, unknown>;

export class SiemAccountProvider implements dynamic.ResourceProvider<Props, SiemAccountState> {
    constructor(private readonly resolve: AccountResolver) {}

    /**
     * Inputs first (no HTTP call when any is bad), then the provider settings of the resource's namespace,
     * then, once per host and main account, whether Logz.io accepts the token there, and for a resource not in
     * state whether its accountName is already taken (previewGuard.ts): mistakes show at preview. No failure shows a
     * value the program marked secret.
     */
    async check(olds: Props, news: Props): Promise<dynamic.CheckResult<Props>> {
        const result = await this.checkShowing(olds, news);
        if (result.failures === undefined || result.failures.length === 0) return result;
        const secret = secretKeysOf(news);
        if (secret.size === 0) return result;
        const hidden = hiddenValues(news);
        // The engine prints a failure's property with its value, secret or not (`property email value ... has a
        // problem`): a secret input's failure is the resource's instead, and its reason names the property.
        const failures = result.failures.map((f) => ({
            property: secret.has(f.property) ? "" : f.property,
            reason: bounded(hideValues(f.reason, hidden)),
        }));
        return { ...result, failures };
    }

    private async checkShowing(olds: Props, news: Props): Promise<dynamic.CheckResult<Props>> {
        const checked = checkInputs(news);
        // A new or changed name with spaces Logz.io may not keep; a name already in state stays accepted (refusing it
        // now would force a rename, and so a replacement of a billed account).
        const name = news.accountName;
        if (
            typeof name === "string" &&
            hasLooseSpaces(name) &&
            name !== olds.accountName &&
            !checked.failures.some((f) => f.property === "accountName")
        ) {
            checked.failures.push({ property: "accountName", reason: bounded(msg.looseSpaces(name)) });
        }
        const namespace = news.configNamespace;
        // Not known until apply (preview), or itself invalid: which settings apply cannot be told yet.
        if (isUnknown(namespace) || checked.failures.some((f) => f.property === "configNamespace")) return checked;
        const account = this.resolve(typeof namespace === "string" ? namespace : DEFAULT_NAMESPACE);
        if (E.isLeft(account)) {
            const f = account.left;
            const reasons =
                f.kind === "config" ? f.problems.map((p) => sentence(`Logz.io provider configuration: ${p}`)) : [toError(f).message];
            // Not a resource property: an empty property makes the engine report it against the resource.
            const failures = reasons.slice(0, 10).map((reason) => ({ property: "", reason: bounded(reason) }));
            return { inputs: checked.inputs, failures: [...checked.failures, ...failures] };
        }
        // The program runs: a delete later in this run is a resource leaving it, not `pulumi destroy`.
        runMemory(account.right).programRan = true;
        if (checked.failures.length > 0) return checked;
        const { settings } = account.right;
        // The token probe has its own short budget, and an outage it meets is remembered for the other checks of this
        // main account (MainAccount.probe): during an outage a preview waits for one probe, not one per resource.
        const main = await account.right.main.probe(deadlineIn(settings.tokenCheckMs))();
        // Only Logz.io's answer fails the check; an outage is left to the operation, which retries and reports it.
        if (E.isLeft(main) && isAnswer(main.left)) {
            const reason = toError(msg.refused(msg.tokenRefused(settings, main.left)), [settings.apiToken], settings.namespace).message;
            return { inputs: checked.inputs, failures: [{ property: "", reason }] };
        }
        // The check passes, but the preview says once per main account that the token went unchecked, and why.
        const warning = E.isLeft(main) ? account.right.main.outageWarning(settings, main.left) : undefined;
        if (warning !== undefined) await warn(warning);
        // A resource not yet in state: its name already taken at Logz.io fails here, at preview, as up would.
        const duplicate = E.isRight(main) ? await duplicateAtCheck(account.right, olds, checked.inputs) : undefined;
        if (duplicate !== undefined) return { inputs: checked.inputs, failures: [{ property: "", reason: duplicate }] };
        return checked;
    }

    async diff(id: string, olds: SiemAccountState, news: Props): Promise<dynamic.DiffResult> {
        const replaces = changedProperties(id, olds, news);
        const namespace = (olds as Props).configNamespace;
        const account = namespace === undefined || typeof namespace === "string" ? this.resolve(namespace ?? DEFAULT_NAMESPACE) : undefined;
        if (account !== undefined && E.isRight(account)) {
            // An account of the stack's state: another resource's create must never be told to adopt it.
            noteManaged(account.right, id, olds);
            const { settings } = account.right;
            // The config may now reach another main account than the one that owns the account (a new token or URL):
            // preview and up say so, rather than "unchanged". The answer is the check's, kept per main account: no
            // further call; during an outage the probe's remembered outage, so the operations report it.
            const main = await account.right.main.probe(deadlineIn(settings.tokenCheckMs))();
            if (E.isRight(main)) {
                const owner = ownerOf(main.right, settings);
                if (ownedElsewhere(olds, owner)) {
                    throw toError(
                        msg.refused(msg.switchedMainAccount(id, olds, owner, settings)),
                        [settings.apiToken],
                        settings.namespace,
                        hiddenValues(olds as Props),
                    );
                }
            }
            const memory = runMemory(account.right);
            if (replaces.length === 0) holds(memory, Number(id), olds);
            else {
                const replacement = { replaces, olds, news };
                memory.replacing.set(id, replacement);
                // Known now, not only when up reaches the delete: the preview says it, with the ways that keep the account.
                await warn(hideValues(msg.replacementAhead(id, replacement), [...hiddenValues(olds as Props), ...hiddenValues(news)]));
            }
        }
        // No update call exists, so every change replaces. Delete first: the old account must be gone
        // (deleted in the UI) before a new billed one is created, never two side by side by accident.
        return { changes: replaces.length > 0, replaces, deleteBeforeReplace: true };
    }

    create(raw: Props): Promise<dynamic.CreateResult<SiemAccountState>> {
        const checked = checkInputs(raw);
        // check lets the engine's placeholder for a value computed later pass (preview); create must never send it.
        const unknown = Object.entries(checked.inputs)
            .filter(([, v]) => isUnknown(v) || (Array.isArray(v) && v.some(isUnknown)))
            .map(([k]) => `${k} is not known yet (a value computed during the update reached create); run \`pulumi up\` again`);
        const problems = [...checked.failures.map((f) => f.reason), ...unknown];
        const inputs = pipe(
            problems.length > 0
                ? E.left<Failure, SiemAccountInputs>({ kind: "input", problems })
                : pipe(
                      decodeInputs(checked.inputs),
                      E.mapLeft((detail): Failure => ({ kind: "input", problems: [detail] })),
                  ),
        );
        const hidden = { values: hiddenValues(raw), name: nameIsSecret(raw) };
        if (E.isLeft(inputs)) return Promise.reject(toError(inputs.left, [], undefined, hidden.values));
        // Read and delete get only the state: it keeps which inputs were secret, so their messages hide them too.
        const secret = checked.inputs[SECRET_INPUTS];
        return this.runWith(inputs.right.configNamespace, hidden, (account, asked, deadline) =>
            pipe(
                createOrAdopt(account, inputs.right, asked, deadline),
                TE.map((outs) => {
                    // Kept by this resource from now on: a resource leaving the program with this id leaves it here.
                    holds(runMemory(account), outs.accountId, outs);
                    return { id: String(outs.accountId), outs: secret === undefined ? outs : { ...outs, [SECRET_INPUTS]: secret } };
                }),
                TE.mapLeft((failure) => withProvider(failure, raw.__provider, secret)),
            ),
        );
    }

    read(id: string, state?: SiemAccountState): Promise<dynamic.ReadResult<SiemAccountState>> {
        const props = (state ?? {}) as SiemAccountState;
        const hidden = hiddenOf(props);
        return this.runWith(props.configNamespace, hidden, (account, asked, deadline) =>
            pipe(
                TE.fromIO(() => noteManaged(account, id, props)),
                TE.chain(() => ownedListing(account, id, props, asked, deadline, "refresh")),
                TE.chain(({ owner, listing }): TE.TaskEither<Failure, dynamic.ReadResult<SiemAccountState>> => {
                    const live = findSiem(listing.accounts, Number(id));
                    // Listed under the configured main account: that account owns it (recorded for older state too).
                    if (live) {
                        hidden.listed(live.accountName);
                        const read = { ...unlisted(id), ...props, accountName: live.accountName, ...owner };
                        // A name other than the one Logz.io stored is drift: the inputs say so, so the engine shows
                        // `~accountName` on the replacement it plans. Otherwise the inputs stay the program's.
                        const recorded = typeof props.storedName === "string" ? props.storedName : props.accountName;
                        // Only for state this provider wrote (a `SiemAccount.get` reference has no program inputs to correct).
                        const managed = typeof props.storedName === "string" || typeof props.mainAccountId === "number";
                        // Compared as every name is (names.ts): a spelling Logz.io may give one name is no rename, and no replacement.
                        if (!managed || (typeof recorded === "string" && sameName(live.accountName, recorded)))
                            return TE.right({ id, props: read });
                        return TE.right({ id, props: read, inputs: driftInputs(read) as SiemAccountState });
                    }
                    const other = listedAsOther(listing.accounts, Number(id));
                    if (other) {
                        hidden.listed(other.accountName);
                        return TE.left(msg.refused(msg.listedAsOtherType(id, props, other, "refresh")));
                    }
                    const why = notWhole(listing, owner.mainAccountId);
                    if (why !== undefined) return TE.left(msg.refused(msg.listNotWhole(why, subjectOf(id, props), "refresh")));
                    switch (graceOf(account, id, props, listing)) {
                        case "within": // still being set up: kept
                            return TE.right({ id, props });
                        case "unknown":
                            return TE.left(msg.refused(msg.ageUnknown(account.settings, id, props, "refresh")));
                        case "over": // deleted outside Pulumi: no id, so refresh drops it
                            return TE.right({});
                    }
                }),
            ),
        );
    }

    /**
     * Never a real change (diff replaces on every change); the engine calls it to retry a resource whose
     * create ended as a partial create. Keep the state, refreshed from the list, so accountId is not lost.
     */
    async update(id: string, olds: SiemAccountState, _news: Props): Promise<dynamic.UpdateResult<SiemAccountState>> {
        const read = await this.read(id, olds);
        return { outs: read.props ?? olds };
    }

    delete(id: string, state: SiemAccountState): Promise<void> {
        const hidden = hiddenOf(state);
        return this.runWith(state.configNamespace, hidden, (account, asked, deadline) =>
            pipe(
                TE.fromIO(() => noteManaged(account, id, state)),
                // Requested after this call: a deletion in the UI moments ago is seen.
                TE.chain(() => ownedListing(account, id, state, asked, deadline, "delete")),
                TE.chain(({ owner, listing }) => {
                    const live = findSiem(listing.accounts, Number(id));
                    if (live) {
                        hidden.listed(live.accountName);
                        const memory = runMemory(account);
                        const replacement = replacementOf(memory, id, state);
                        // Another resource of the program keeps this account (one that adopted it, or the same account
                        // under a new resource name): this resource leaves the stack, the account stays managed.
                        if (!replacement && heldByAnother(memory, Number(id), state, live.accountName)) return TE.right(undefined);
                        return TE.left(msg.refused(msg.stillExists(live, { replacement, programRan: memory.programRan })));
                    }
                    const other = listedAsOther(listing.accounts, Number(id));
                    if (other) {
                        hidden.listed(other.accountName);
                        return TE.left(msg.refused(msg.listedAsOtherType(id, state, other, "delete")));
                    }
                    const why = notWhole(listing, owner.mainAccountId);
                    if (why !== undefined) return TE.left(msg.refused(msg.listNotWhole(why, subjectOf(id, state), "delete")));
                    const grace = graceOf(account, id, state, listing);
                    if (grace === "within") return TE.left(msg.refused(msg.stillProvisioning(account.settings, id, state)));
                    if (grace === "unknown") return TE.left(msg.refused(msg.ageUnknown(account.settings, id, state, "delete")));
                    releaseId(account, Number(id));
                    return TE.right(undefined);
                }),
            ),
        );
    }

    /**
     * The Pulumi boundary: resolve the namespace's main account, run the operation within one deadline
     * (`asked` is the moment it was asked, for fresh lists), and throw one Error on failure, scrubbed of the token and
     * of every value the program marked secret (`hidden`).
     */
    private async runWith<A>(
        namespace: unknown,
        hidden: Hidden,
        op: (account: Account, asked: number, deadline: Deadline) => TE.TaskEither<Failure, A>,
    ): Promise<A> {
        // State is the engine's to hand back, and can be edited: a namespace in it that is not a string is said so.
        if (namespace !== undefined && typeof namespace !== "string") {
            throw toError(msg.refused(msg.namespaceNotString(namespace)), [], undefined, hidden.values);
        }
        const account = this.resolve(namespace ?? DEFAULT_NAMESPACE);
        if (E.isLeft(account)) throw toError(account.left, [], undefined, hidden.values);
        const { settings } = account.right;
        // Asked now, on the monotonic clock the account directory times its lists with (accountDirectory.ts).
        const result = await op(account.right, performance.now(), deadlineIn(settings.requestTimeoutMs))();
        if (E.isLeft(result)) {
            const f = result.left;
            // A name Logz.io lists for the account (the duplicate, a rename in the UI) stands for the secret name too.
            const listed = hidden.name && f.kind === "refused" && f.names !== undefined ? f.names : [];
            throw toError(f, [settings.apiToken], settings.namespace, [...hidden.values, ...listed]);
        }
        return result.right;
    }
}

// --- read and delete -------------------------------------------------------------------------------

/** What a failure's message must not show: values the program marked secret, and whether its name is one of them. */
interface Hidden {
    readonly values: (string | number)[];
    readonly name: boolean;
}

/** From state, which remembers the secret inputs; `listed` adds a name Logz.io lists for the account when it is secret. */
function hiddenOf(state: Props): Hidden & { listed(name: string): void } {
    const hidden = { values: hiddenValues(state), name: nameIsSecret(state) };
    return { ...hidden, listed: (name) => void (hidden.name && hidden.values.push(name)) };
}

const subjectOf = (id: string, state: Props) => `SIEM account ${id} ("${String(state.accountName)}")`;

/**
 * What read and delete both need first: the configured main account must be the one that owns the resource,
 * then a list of its accounts requested after `asked`. An unusable list is refused, never read as absence.
 */
function ownedListing(
    account: Account,
    id: string,
    state: Props,
    asked: number,
    deadline: Deadline,
    op: "refresh" | "delete",
): TE.TaskEither<Failure, { owner: Owner; listing: Listing }> {
    return pipe(
        account.main.get(deadline),
        TE.map((main) => ownerOf(main, account.settings)),
        TE.chain((owner) =>
            ownedElsewhere(state, owner)
                ? TE.left(msg.refused(msg.otherMainAccount(id, state, owner, account.settings, op)))
                : pipe(
                      account.directory.list(asked, deadline),
                      TE.mapLeft((f) => (f.kind === "decode" ? msg.refused(msg.unusableList(f, subjectOf(id, state), op)) : f)),
                      TE.map((listing) => ({ owner, listing })),
                  ),
        ),
    );
}

/**
 * The engine stores a partial create's properties as the resource's outputs verbatim (the host adds `__provider`
 * only to successful results), and the next refresh or update loads the provider from them: keep it there.
 */
function withProvider(failure: Failure, provider: unknown, secret: unknown): Failure {
    if (failure.kind !== "refused" || failure.id === undefined || provider === undefined) return failure;
    const properties = { ...failure.properties, __provider: provider };
    return { ...failure, properties: secret === undefined ? properties : { ...properties, [SECRET_INPUTS]: secret } };
}

/**
 * What a read starts from when it has no state (`SiemAccount.get` with only an id): the list returns id and name
 * only, so the rest is empty unless the caller passed it.
 */
function unlisted(id: string): SiemAccountState {
    return {
        accountId: Number(id) as t.Int,
        accountName: "",
        email: "",
        accountsToScan: [],
        isUsingRepositoryAccount: false,
        createdAt: "",
    };
}
