// The SiemAccount lifecycle, built on the two calls Logz.io documents: POST /v2/account-management/siem
// and GET /v1/associated-accounts. There is no GET, PUT or DELETE for one SIEM account, so: every input
// change is a replacement, refresh reads the list, delete only succeeds when the account is already gone,
// and a create whose answer is lost is settled by looking the account up before anything is retried.
// Failures stay values (TaskEither) until `run`, the Pulumi boundary, throws one clear Error.
import type * as dynamic from "@pulumi/pulumi/dynamic";
import type * as t from "io-ts";
import * as E from "fp-ts/Either";
import * as TE from "fp-ts/TaskEither";
import { pipe } from "fp-ts/function";
import { AccountDirectory } from "./accountDirectory";
import { AccountView, CreateSiemResponse, SECURITY_ACCOUNT, SiemAccountInputs, SiemAccountState, decodeWith } from "./codecs";
import { Failure, isTransient, toError } from "./errors";
import { checkInputs, isUnknown } from "./inputs";
import { Deadline, LogzioClient, deadlineIn } from "./logzioClient";
import { DEFAULT_NAMESPACE, Settings, tuningKey } from "./settings";

/** Everything one Logz.io main account needs, shared by all resources in the host that use it. */
export interface Account {
    readonly settings: Settings;
    readonly client: LogzioClient;
    readonly directory: AccountDirectory;
    /**
     * accountNames this host is creating (no id yet) or has created (their id): Logz.io may not list a new
     * account for minutes, so the list alone cannot stop two resources making one name twice.
     */
    readonly claims: Map<string, number | undefined>;
}
export type AccountResolver = (namespace: string) => E.Either<Failure, Account>;

type Props = Record<string, unknown>;
// Ambiguous creates (answer lost) are settled by a lookup; this bounds how often the POST is then repeated.
const MAX_CREATE_ROUNDS = 3;

export class SiemAccountProvider implements dynamic.ResourceProvider<Props, SiemAccountState> {
    constructor(private readonly resolve: AccountResolver) {}

    async check(_olds: Props, news: Props): Promise<dynamic.CheckResult<Props>> {
        return checkInputs(news);
    }

    async diff(id: string, olds: SiemAccountState, news: Props): Promise<dynamic.DiffResult> {
        const replaces = changedProperties(id, olds, news);
        // No update call exists, so every change replaces. Delete first: the old account must be gone
        // (deleted in the UI) before a new billed one is created, never two side by side by accident.
        return { changes: replaces.length > 0, replaces, deleteBeforeReplace: true };
    }

    create(raw: Props): Promise<dynamic.CreateResult<SiemAccountState>> {
        return this.run(raw, (account, inputs) =>
            pipe(
                inputs.existingAccountId !== undefined ? adopt(account, inputs, inputs.existingAccountId) : createNew(account, inputs),
                TE.map((outs) => ({ id: String(outs.accountId), outs })),
            ),
        );
    }

    read(id: string, state?: SiemAccountState): Promise<dynamic.ReadResult<SiemAccountState>> {
        const props = (state ?? {}) as SiemAccountState;
        return this.runWith(props.configNamespace, (account) =>
            pipe(
                account.directory.list(),
                TE.map((accounts): dynamic.ReadResult<SiemAccountState> => {
                    const live = findSiem(accounts, Number(id));
                    if (live) return { id, props: { ...props, accountName: live.accountName } };
                    // Missing: still provisioning (kept), or deleted outside Pulumi (no id: refresh drops it).
                    return provisioning(account, props) ? { id, props } : {};
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
        const asked = Date.now();
        return this.runWith(state.configNamespace, (account) =>
            pipe(
                account.directory.list(),
                // A refusal is confirmed with a list requested after this call: a UI deletion moments ago must not
                // be hidden by a cached list.
                TE.chain((accounts) =>
                    findSiem(accounts, Number(id)) && !account.directory.isFreshSince(asked) ? account.directory.list(asked) : TE.right(accounts),
                ),
                TE.chain((accounts) => {
                    const live = findSiem(accounts, Number(id));
                    if (live) return TE.left(refused(stillExists(live)));
                    if (provisioning(account, state)) return TE.left(refused(stillProvisioning(account, id, state)));
                    for (const [name, claimed] of account.claims) if (String(claimed) === id) account.claims.delete(name);
                    return TE.right(undefined);
                }),
            ),
        );
    }

    /** The Pulumi boundary for create: decode the inputs (no HTTP call when they are bad), then act. */
    private run<A>(raw: Props, op: (account: Account, inputs: SiemAccountInputs) => TE.TaskEither<Failure, A>): Promise<A> {
        const checked = checkInputs(raw);
        const inputs = pipe(
            checked.failures.length > 0
                ? E.left<Failure, SiemAccountInputs>({ kind: "input", problems: checked.failures.map((f) => f.reason) })
                : pipe(
                      decodeWith(SiemAccountInputs, "the inputs")(checked.inputs),
                      E.mapLeft((detail): Failure => ({ kind: "input", problems: [detail] })),
                  ),
        );
        if (E.isLeft(inputs)) return Promise.reject(toError(inputs.left));
        return this.runWith(inputs.right.configNamespace, (account) => op(account, inputs.right));
    }

    private async runWith<A>(namespace: string | undefined, op: (account: Account) => TE.TaskEither<Failure, A>): Promise<A> {
        const account = this.resolve(namespace ?? DEFAULT_NAMESPACE);
        if (E.isLeft(account)) throw toError(account.left);
        const result = await op(account.right)();
        if (E.isLeft(result)) throw toError(result.left, [account.right.settings.apiToken], account.right.settings.namespace);
        return result.right;
    }
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

// --- create ----------------------------------------------------------------------------------------

function createNew(account: Account, inputs: SiemAccountInputs): TE.TaskEither<Failure, SiemAccountState> {
    const name = inputs.accountName;
    if (account.claims.has(name)) {
        const id = account.claims.get(name);
        return TE.left(
            refused(
                id !== undefined
                    ? duplicateName({ accountId: id as t.Int, accountName: name, type: SECURITY_ACCOUNT })
                    : `another SiemAccount in this stack is creating accountName "${name}" under the same Logz.io account right now; ` +
                          `Logz.io would make two billed accounts with one name, so give each resource its own accountName`,
            ),
        );
    }
    account.claims.set(name, undefined);
    const deadline = deadlineIn(account.settings.requestTimeoutMs);
    return pipe(
        account.directory.list(),
        TE.chain((accounts) => {
            const existing = accounts.find((a) => a.type === SECURITY_ACCOUNT && a.accountName === name);
            return existing ? TE.left(refused(duplicateName(existing))) : postUntilSettled(account, inputs, deadline, 1);
        }),
        TE.map((state) => {
            account.claims.set(name, state.accountId);
            account.directory.noteChange();
            return state;
        }),
        TE.orElseFirst((failure) => {
            // A partial create has an id: keep the claim. Otherwise nothing of ours holds the name.
            if (failure.kind === "refused" && failure.id !== undefined) account.claims.set(name, Number(failure.id));
            else account.claims.delete(name);
            return TE.right(undefined);
        }),
    );
}

/**
 * POST, and when the answer is lost or unusable, find out from the list whether the account was created
 * before doing anything else. Only when Logz.io clearly lists no such account is the POST repeated.
 */
function postUntilSettled(
    account: Account,
    inputs: SiemAccountInputs,
    deadline: Deadline,
    round: number,
): TE.TaskEither<Failure, SiemAccountState> {
    const body = {
        accountName: inputs.accountName,
        email: inputs.email,
        ...(inputs.accountsToScan === undefined ? {} : { accountsToScan: inputs.accountsToScan }),
        ...(inputs.isUsingRepositoryAccount === undefined ? {} : { isUsingRepositoryAccount: inputs.isUsingRepositoryAccount }),
    };
    return pipe(
        account.client.createSiemAccount(body, deadline),
        TE.map((res) => stateFromResponse(inputs, res)),
        TE.orElse((failure) => {
            // A definite answer (400, 401, 429 after every retry, never connected): nothing was created.
            if (!mayHaveCreated(failure)) return TE.left(failure);
            const since = Date.now();
            return pipe(
                lookupCreated(account, inputs.accountName, since),
                TE.mapLeft((lookupFailure) => refused(unsettled(inputs, failure, lookupFailure))),
                TE.chain((found) => {
                    if (found) return TE.right(stateFromLookup(inputs, found));
                    if (failure.kind === "decode") {
                        // Logz.io said 200, so it was created. With an id in the body, keep it in Pulumi's hands.
                        return TE.left(
                            failure.accountId !== undefined
                                ? partialCreate(inputs, failure.accountId, failure.detail)
                                : refused(unsettled(inputs, failure)),
                        );
                    }
                    // A POST that timed out may still be running at Logz.io: not listed now proves nothing.
                    // Keep looking until the deadline; never send it again.
                    if (failure.kind === "network" && failure.timedOut) return awaitListed(account, inputs, failure, deadline, 0);
                    // "Not listed" proves "not created" only where Logz.io lists new accounts at once
                    // (provisioningGraceMinutes 0). Otherwise a second POST could bill a second account.
                    if (account.settings.provisioningGraceMs > 0) return TE.left(refused(unsettled(inputs, failure, undefined, account)));
                    if (round >= MAX_CREATE_ROUNDS || Date.now() >= deadline.at) {
                        return TE.left(refused(notCreated(inputs, failure, round)));
                    }
                    return postUntilSettled(account, inputs, deadline, round + 1);
                }),
            );
        }),
    );
}

/** Looks the account up again, backing off, until it is listed or the operation's time is up. */
function awaitListed(
    account: Account,
    inputs: SiemAccountInputs,
    failure: Failure,
    deadline: Deadline,
    poll: number,
): TE.TaskEither<Failure, SiemAccountState> {
    const { retryBaseMs, maxBackoffMs, provisioningGraceMs } = account.settings;
    const wait = Math.min(maxBackoffMs, Math.max(50, retryBaseMs) * 2 ** poll);
    if (Date.now() + wait >= deadline.at) {
        return TE.left(refused(unsettled(inputs, failure, undefined, provisioningGraceMs > 0 ? account : undefined)));
    }
    return pipe(
        TE.fromTask(() => new Promise<void>((resolve) => setTimeout(resolve, wait))),
        TE.chain(() => pipe(lookupCreated(account, inputs.accountName, Date.now()), TE.mapLeft((f) => refused(unsettled(inputs, failure, f))))),
        TE.chain((found) => (found ? TE.right(stateFromLookup(inputs, found)) : awaitListed(account, inputs, failure, deadline, poll + 1))),
    );
}

/** Did Logz.io perhaps act on the POST even though we have no usable answer? */
function mayHaveCreated(f: Failure): boolean {
    if (f.kind === "decode") return true; // a 200 came back: it was created
    if (f.kind === "network") return f.sent;
    return f.kind === "http" && isTransient(f) && f.status !== 429;
}

/** A list requested after the failure (so it can show the account), searched by name. */
function lookupCreated(account: Account, name: string, since: number): TE.TaskEither<Failure, AccountView | undefined> {
    return pipe(
        account.directory.list(since),
        TE.map((accounts) => accounts.find((a) => a.type === SECURITY_ACCOUNT && a.accountName === name)),
    );
}

function adopt(account: Account, inputs: SiemAccountInputs, id: number): TE.TaskEither<Failure, SiemAccountState> {
    return pipe(
        account.directory.list(),
        TE.chain((accounts) => {
            const match = accounts.find((a) => a.accountId === id);
            if (!match) {
                return TE.left(
                    refused(
                        `existingAccountId ${id}: no account with that id under this Logz.io main account (${account.settings.apiUrl}). ` +
                            `Check the id in Logz.io under Settings > Manage accounts; a SIEM account created minutes ago may not be listed yet`,
                    ),
                );
            }
            if (match.type !== SECURITY_ACCOUNT) {
                return TE.left(refused(`existingAccountId ${id}: account "${match.accountName}" is a ${match.type}, not a SIEM account (SECURITY_ACCOUNT)`));
            }
            if (match.accountName !== inputs.accountName) {
                return TE.left(
                    refused(
                        `existingAccountId ${id}: the SIEM account is named "${match.accountName}" in Logz.io but accountName is "${inputs.accountName}"; ` +
                            `set accountName: "${match.accountName}" to adopt it (there is no rename API)`,
                    ),
                );
            }
            return TE.right({ ...stateFromLookup(inputs, match), createdAt: "" });
        }),
    );
}

// --- state -------------------------------------------------------------------------------------------

function baseState(inputs: SiemAccountInputs) {
    return {
        email: inputs.email,
        ...(inputs.existingAccountId === undefined ? {} : { existingAccountId: inputs.existingAccountId }),
        ...(inputs.configNamespace === undefined ? {} : { configNamespace: inputs.configNamespace }),
    };
}

function stateFromResponse(inputs: SiemAccountInputs, res: CreateSiemResponse): SiemAccountState {
    return {
        accountId: res.accountId,
        accountName: res.accountName,
        accountsToScan: res.accountsToScan ?? inputs.accountsToScan ?? [],
        isUsingRepositoryAccount: res.isUsingRepositoryAccount ?? inputs.isUsingRepositoryAccount ?? false,
        createdAt: res.createdAt ?? new Date().toISOString(),
        ...baseState(inputs),
    };
}

/** The list returns id, name and type only: the rest comes from the inputs; createdAt is "about now". */
function stateFromLookup(inputs: SiemAccountInputs, found: AccountView): SiemAccountState {
    return {
        accountId: found.accountId,
        accountName: found.accountName,
        accountsToScan: inputs.accountsToScan ?? [],
        isUsingRepositoryAccount: inputs.isUsingRepositoryAccount ?? false,
        createdAt: new Date().toISOString().replace(/\.\d+Z$/, "Z"),
        ...baseState(inputs),
    };
}

function findSiem(accounts: readonly AccountView[], id: number): AccountView | undefined {
    return accounts.find((a) => a.accountId === id && a.type === SECURITY_ACCOUNT);
}

/** Logz.io takes minutes to list a new account: missing within the grace period is not "deleted". */
function provisioning(account: Account, state: Props): boolean {
    const created = typeof state.createdAt === "string" ? Date.parse(state.createdAt) : NaN;
    return !Number.isNaN(created) && Date.now() - created < account.settings.provisioningGraceMs;
}

// --- messages ----------------------------------------------------------------------------------------

const refused = (message: string): Failure => ({ kind: "refused", message });

function partialCreate(inputs: SiemAccountInputs, id: number, detail: string): Failure {
    const state = stateFromLookup(inputs, { accountId: id as t.Int, accountName: inputs.accountName, type: SECURITY_ACCOUNT });
    return {
        kind: "refused",
        id: String(id),
        properties: state,
        message:
            `SIEM account "${inputs.accountName}" was created (accountId ${id}) but Logz.io's answer was unusable: ${detail}. ` +
            `Pulumi keeps the id in state; run \`pulumi refresh\` to complete it`,
    };
}

function duplicateName(existing: AccountView): string {
    return (
        `a SIEM account named "${existing.accountName}" already exists (accountId ${existing.accountId}); ` +
        `creating another would add a second billed account with the same name. ` +
        `To manage the existing account with this resource, add to its args:  existingAccountId: ${existing.accountId},  ` +
        `or choose another accountName`
    );
}

function stillExists(live: AccountView): string {
    return (
        `SIEM account ${live.accountId} ("${live.accountName}") still exists, and Logz.io has no API call that deletes SIEM accounts. ` +
        `Delete it in the Logz.io UI (Settings > Manage accounts, the delete icon; a shared Repository account must be reset first), ` +
        `then run \`pulumi refresh\` and this operation again. ` +
        `To keep the account and only remove it from this stack, set the resource option \`retainOnDelete: true\`, run \`pulumi up\`, then remove the resource`
    );
}

function stillProvisioning(account: Account, id: string, state: Props): string {
    return (
        `SIEM account ${id} ("${String(state.accountName)}") was created at ${String(state.createdAt)} and Logz.io does not list it yet ` +
        `(new accounts take a few minutes to set up), so it cannot be confirmed gone. Retry once it is older than ` +
        `${tuningKey(account.settings.namespace, "provisioningGraceMinutes")}, or set the resource option \`retainOnDelete: true\` to drop it from the stack without deleting it`
    );
}

function unsettled(inputs: SiemAccountInputs, failure: Failure, lookupFailure?: Failure, account?: Account): string {
    const cause = failure.kind === "decode" ? `Logz.io answered but the body was unusable (${failure.detail})` : describeBrief(failure);
    const lookup = lookupFailure
        ? `; looking it up failed too (${describeBrief(lookupFailure)})`
        : "; Logz.io does not list it (yet: new accounts can take minutes to appear), so the request was not repeated";
    const wait = account ? `wait ${Math.ceil(account.settings.provisioningGraceMs / 60_000)} minutes (${tuningKey(account.settings.namespace, "provisioningGraceMinutes")}), then ` : "";
    return (
        `could not establish whether SIEM account "${inputs.accountName}" was created: ${cause}${lookup}. ` +
        `Check Logz.io under Settings > Manage accounts: if "${inputs.accountName}" exists, add existingAccountId: <its id> to the resource args ` +
        `and run \`pulumi up\` again; if it does not, ${wait}run \`pulumi up\` again (the duplicate-name guard stops a second account once it is listed)`
    );
}

/** Only what is known: each POST may have acted, and a list that lags would not show it. */
function notCreated(inputs: SiemAccountInputs, failure: Failure, rounds: number): string {
    return (
        `SIEM account "${inputs.accountName}" could not be created: ${describeBrief(failure)}; after ${rounds} attempt(s) Logz.io lists no such account. ` +
        `provisioningGraceMinutes 0 assumes Logz.io lists new accounts at once; if it lists them late, up to ${rounds} may exist: ` +
        `check Settings > Manage accounts before running \`pulumi up\` again`
    );
}

function describeBrief(f: Failure): string {
    return toError(f).message;
}
