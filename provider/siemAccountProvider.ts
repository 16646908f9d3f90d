// The SiemAccount lifecycle, built on the calls Logz.io documents: POST /v2/account-management/siem,
// GET /v1/associated-accounts and GET /v2/whoami. There is no GET, PUT or DELETE for one SIEM account, so:
// every input change is a replacement, refresh reads the list, delete only succeeds when the account is
// already gone, and a create whose answer is lost is settled by looking the account up (create.ts).
// Absence is concluded only from a whole list of the owning main account, past the set-up grace by
// Logz.io's clock (evidence.ts). Failures stay values (TaskEither) until `runWith`, the Pulumi boundary,
// throws one clear Error.
import type * as dynamic from "@pulumi/pulumi/dynamic";
import type * as t from "io-ts";
import * as E from "fp-ts/Either";
import * as TE from "fp-ts/TaskEither";
import { pipe } from "fp-ts/function";
import { Account, AccountResolver, releaseId } from "./account";
import { Listing, isAnswer } from "./accountDirectory";
import { SiemAccountInputs, SiemAccountState, decodeWith } from "./codecs";
import { createOrAdopt } from "./create";
import { Failure, toError } from "./errors";
import { Owner, findSiem, graceOf, notWhole, ownedElsewhere, ownerOf } from "./evidence";
import { checkInputs, isUnknown } from "./inputs";
import { Deadline, deadlineIn } from "./logzioClient";
import * as msg from "./messages";
import { duplicateAtCheck } from "./previewGuard";
import { DEFAULT_NAMESPACE } from "./settings";

export type { Account, AccountResolver } from "./account";

type Props = Record<string, unknown>;

export class SiemAccountProvider implements dynamic.ResourceProvider<Props, SiemAccountState> {
    constructor(private readonly resolve: AccountResolver) {}

    /**
     * Inputs first (no HTTP call when any is bad), then the provider settings of the resource's namespace,
     * then, once per host and main account, whether Logz.io accepts the token there, and for a resource not in
     * state whether its accountName is already taken (previewGuard.ts): mistakes show at preview.
     */
    async check(olds: Props, news: Props): Promise<dynamic.CheckResult<Props>> {
        const checked = checkInputs(news);
        const namespace = news.configNamespace;
        // Not known until apply (preview), or itself invalid: which settings apply cannot be told yet.
        if (isUnknown(namespace) || checked.failures.some((f) => f.property === "configNamespace")) return checked;
        const account = this.resolve(typeof namespace === "string" ? namespace : DEFAULT_NAMESPACE);
        if (E.isLeft(account)) {
            const f = account.left;
            const reasons = f.kind === "config" ? f.problems.map((p) => `Logz.io provider configuration: ${p}`) : [toError(f).message];
            // Not a resource property: an empty property makes the engine report it against the resource.
            return { inputs: checked.inputs, failures: [...checked.failures, ...reasons.map((reason) => ({ property: "", reason }))] };
        }
        if (checked.failures.length > 0) return checked;
        const { settings } = account.right;
        const main = await account.right.main.get(deadlineIn(settings.requestTimeoutMs))();
        // Only Logz.io's answer fails the check; an outage is left to the operation, which retries and reports it.
        if (E.isLeft(main) && isAnswer(main.left)) {
            const reason = toError(msg.refused(msg.tokenRefused(settings, main.left)), [settings.apiToken], settings.namespace).message;
            return { inputs: checked.inputs, failures: [{ property: "", reason }] };
        }
        // A resource not yet in state: its name already taken at Logz.io fails here, at preview, as up would.
        const duplicate = E.isRight(main) ? await duplicateAtCheck(account.right, olds, checked.inputs) : undefined;
        if (duplicate !== undefined) return { inputs: checked.inputs, failures: [{ property: "", reason: duplicate }] };
        return checked;
    }

    async diff(id: string, olds: SiemAccountState, news: Props): Promise<dynamic.DiffResult> {
        const replaces = changedProperties(id, olds, news);
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
                      decodeWith(SiemAccountInputs, "the inputs")(checked.inputs),
                      E.mapLeft((detail): Failure => ({ kind: "input", problems: [detail] })),
                  ),
        );
        if (E.isLeft(inputs)) return Promise.reject(toError(inputs.left));
        return this.runWith(inputs.right.configNamespace, (account, asked, deadline) =>
            pipe(
                createOrAdopt(account, inputs.right, asked, deadline),
                TE.map((outs) => ({ id: String(outs.accountId), outs })),
                TE.mapLeft((failure) => withProvider(failure, raw.__provider)),
            ),
        );
    }

    read(id: string, state?: SiemAccountState): Promise<dynamic.ReadResult<SiemAccountState>> {
        const props = (state ?? {}) as SiemAccountState;
        return this.runWith(props.configNamespace, (account, asked, deadline) =>
            pipe(
                ownedListing(account, id, props, asked, deadline, "refresh"),
                TE.chain(({ owner, listing }): TE.TaskEither<Failure, dynamic.ReadResult<SiemAccountState>> => {
                    const live = findSiem(listing.accounts, Number(id));
                    // Listed under the configured main account: that account owns it (recorded for older state too).
                    if (live) return TE.right({ id, props: { ...unlisted(id), ...props, accountName: live.accountName, ...owner } });
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
        return this.runWith(state.configNamespace, (account, asked, deadline) =>
            pipe(
                // Requested after this call: a deletion in the UI moments ago is seen.
                ownedListing(account, id, state, asked, deadline, "delete"),
                TE.chain(({ owner, listing }) => {
                    const live = findSiem(listing.accounts, Number(id));
                    if (live) return TE.left(msg.refused(msg.stillExists(live)));
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
     * (`asked` is the moment it was asked, for fresh lists), and throw one scrubbed Error on failure.
     */
    private async runWith<A>(
        namespace: string | undefined,
        op: (account: Account, asked: number, deadline: Deadline) => TE.TaskEither<Failure, A>,
    ): Promise<A> {
        const account = this.resolve(namespace ?? DEFAULT_NAMESPACE);
        if (E.isLeft(account)) throw toError(account.left);
        const { settings, directory } = account.right;
        const result = await op(account.right, directory.now(), deadlineIn(settings.requestTimeoutMs))();
        if (E.isLeft(result)) throw toError(result.left, [settings.apiToken], settings.namespace);
        return result.right;
    }
}

// --- read and delete -------------------------------------------------------------------------------

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

// --- diff ----------------------------------------------------------------------------------------

function changedProperties(id: string, olds: Props, news: Props): string[] {
    const changed: string[] = [];
    const differs = (key: string, same: (a: unknown, b: unknown) => boolean) => {
        const next = news[key];
        // An omitted optional input means "Logz.io's default": leaving it out never replaces a billed account.
        if (next === undefined) return;
        if (isUnknown(next) || (Array.isArray(next) && next.some(isUnknown)) || !same(olds[key], next)) changed.push(key);
    };
    differs("accountName", (a, b) => a === b);
    differs("email", (a, b) => a === b);
    differs("accountsToScan", sameSet);
    differs("isUsingRepositoryAccount", (a, b) => a === b);
    // Adding the id of the account already managed here is not a change; pointing at another one is.
    differs("existingAccountId", (_a, b) => String(b) === id);
    const namespace = (v: unknown) => (v === undefined ? DEFAULT_NAMESPACE : v);
    if (isUnknown(news.configNamespace) || namespace(olds.configNamespace) !== namespace(news.configNamespace)) {
        changed.push("configNamespace");
    }
    return changed;
}

function sameSet(a: unknown, b: unknown): boolean {
    if (!Array.isArray(a) || !Array.isArray(b)) return false;
    const left = new Set(a);
    const right = new Set(b);
    return left.size === right.size && [...left].every((x) => right.has(x));
}

/**
 * The engine stores a partial create's properties as the resource's outputs verbatim (the host adds `__provider`
 * only to successful results), and the next refresh or update loads the provider from them: keep it there.
 */
function withProvider(failure: Failure, provider: unknown): Failure {
    if (failure.kind !== "refused" || failure.id === undefined || provider === undefined) return failure;
    return { ...failure, properties: { ...failure.properties, __provider: provider } };
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
