// What the serialized provider loads inside Pulumi's dynamic-provider host (`pulumi-logzio-siem/runtime`).
// One host process serves every SiemAccount of a stack; module state here is therefore shared by all of
// them: per Logz.io main account (URL and token) one concurrency cap, one list cache and one whoami; per main account
// as whoami names it (its id, whatever the token) one set of claimed names; and one journal of creates whose outcome
// is unknown (createJournal.ts).
// Settings are per namespace: a resource runs with its own namespace's (and `logzio-siem:`), whatever other
// namespaces reach the same main account.
import { createHash } from "node:crypto";
import * as E from "fp-ts/Either";
import * as TE from "fp-ts/TaskEither";
import { pipe } from "fp-ts/function";
import { Claims, ManagedAccounts } from "./account";
import { AccountDirectory, LISTS_IN_FLIGHT } from "./accountDirectory";
import { CreateJournal, journalDir } from "./createJournal";
import { deadlineIn } from "./deadline";
import { Failure } from "./errors";
import { quietHostEchoes } from "./hostEcho";
import { LogzioClient, Transport, newTransport } from "./logzioClient";
import { MainAccount, MainAccountCache } from "./mainAccount";
import { proxyFor } from "./proxy";
import type { ShimRuntime } from "./serializedProvider";
import { ConfigLookup, Settings, envPrefix, resolveSettings } from "./settings";
import { Account, SiemAccountProvider } from "./siemAccountProvider";

// Until `configure` runs (Pulumi CLIs before 3.139 never call it) only the environment is read.
let stackConfig: ConfigLookup = () => undefined;
let stackKeys: readonly string[] = [];
const byNamespace = new Map<string, E.Either<Failure, Account>>();
const byMainAccount = new Map<string, SharedAccount>();
// Claims are keyed inside by the main account whoami names (account.ts): two tokens of one main account share them.
const claims = new Claims();
const managed: ManagedAccounts = new Map();
const journal = new CreateJournal(journalDir());

/** What every namespace reaching one main account shares: only what must be shared. */
interface SharedAccount {
    readonly transport: Transport;
    readonly directory: AccountDirectory;
    readonly whoami: MainAccountCache;
    /** The clients of the namespaces that reach it; shared list requests go through the most patient one. */
    readonly clients: LogzioClient[];
}

/**
 * Called by the serialized provider's `configure` with the stack config the engine sent (and, from this version
 * of the shim on, its keys: keys nobody reads are refused).
 */
export function configure(config: ConfigLookup, keys: readonly string[] = []): void {
    stackConfig = config;
    stackKeys = [...keys];
    byNamespace.clear();
}

/** Settings and shared services for a config namespace (`logzio`, or e.g. `logzio-eu`), made once. */
export function accountFor(namespace: string): E.Either<Failure, Account> {
    let account = byNamespace.get(namespace);
    if (!account) {
        account = pipe(
            resolveSettings(namespace, stackConfig, process.env, stackKeys),
            E.chain((settings) => {
                // Two spellings of one environment prefix (`logzio-eu`, `logzio_eu`) would read each other's variables.
                const clash = [...byNamespace.keys()].find((other) => other !== namespace && envPrefix(other) === envPrefix(namespace));
                return clash === undefined
                    ? E.right(settings)
                    : E.left([
                          `configNamespace "${namespace.slice(0, 60)}" and "${clash.slice(0, 60)}" read the same environment variables ` +
                              `(${envPrefix(namespace)}_API_TOKEN): give each main account a namespace of its own`,
                      ]);
            }),
            // A proxy from the environment that cannot carry the token safely (or is not a URL): refused before any request.
            E.chain((settings) =>
                pipe(
                    proxyFor(settings.apiUrl),
                    E.bimap(
                        (reason) => [reason],
                        () => settings,
                    ),
                ),
            ),
            E.mapLeft((problems): Failure => ({ kind: "config", problems })),
            E.map((settings) => accountOf(settings)),
        );
        byNamespace.set(namespace, account);
    }
    return account;
}

/** The namespace's own view of its main account: its settings and client, the main account's shared parts. */
function accountOf(settings: Settings): Account {
    // Namespaces that point at the same main account with the same token share its cap, lists and whoami.
    const key = `${settings.apiUrl}#${createHash("sha256").update(settings.apiToken).digest("hex")}`;
    let shared = byMainAccount.get(key);
    if (!shared) {
        shared = newShared(settings);
        byMainAccount.set(key, shared);
    }
    const client = new LogzioClient(settings, undefined, shared.transport);
    shared.clients.push(client);
    // The cap is Logz.io's per account: the smallest any namespace of this main account asks for holds for all.
    shared.transport.limiter.capacity = Math.min(shared.transport.limiter.capacity, settings.maxConcurrency);
    shared.transport.agent.maxSockets = shared.transport.limiter.capacity;
    return {
        settings,
        client,
        directory: shared.directory,
        main: new MainAccount((deadline) => client.whoami(deadline), shared.whoami),
        claims,
        managed,
        journal,
    };
}

function newShared(settings: Settings): SharedAccount {
    const transport = newTransport(settings);
    const clients: LogzioClient[] = [];
    // A list is shared by every caller, so it is retried as the most patient namespace would; each caller still
    // waits for it only within its own operation's time.
    const patient = () => clients.reduce((a, b) => (b.settings.maxRetries > a.settings.maxRetries ? b : a));
    return {
        transport,
        clients,
        whoami: new MainAccountCache(),
        directory: new AccountDirectory(() => {
            const client = patient();
            return pipe(
                client.listAccounts(deadlineIn(Math.max(...clients.map((c) => c.settings.requestTimeoutMs)))),
                // Logz.io's clock as of this answer: what a missing account's age is measured with.
                TE.map((accounts) => ({ accounts, logzioNow: client.clock.now() })),
            );
        }),
    };
}

/**
 * One main account's client (with its concurrency cap), lists, whoami and claimed names, for one namespace alone;
 * with a journal of creates only when given one.
 */
export function newAccount(settings: Settings, createJournal?: CreateJournal): Account {
    const client = new LogzioClient(settings);
    return {
        settings,
        client,
        directory: new AccountDirectory(
            () =>
                pipe(
                    client.listAccounts(deadlineIn(settings.requestTimeoutMs)),
                    // Logz.io's clock as of this answer: what a missing account's age is measured with.
                    TE.map((accounts) => ({ accounts, logzioNow: client.clock.now() })),
                ),
            // Lists take slots of the cap like any request; never more of them than the cap allows.
            Math.min(LISTS_IN_FLIGHT, settings.maxConcurrency),
        ),
        main: new MainAccount((deadline) => client.whoami(deadline)),
        claims: new Claims(),
        managed: new Map(),
        ...(createJournal === undefined ? {} : { journal: createJournal }),
    };
}

export const provider = new SiemAccountProvider(accountFor);

// What the serialized shim calls: checked here, since the shim's declarations name nothing of this module.
const forShim: ShimRuntime = { configure, provider };
void forShim;

// This module is loaded by Pulumi's dynamic-provider host: each failure is shown once, by the engine.
quietHostEchoes();
