// What the serialized provider loads inside Pulumi's dynamic-provider host (`pulumi-logzio-siem/runtime`).
// One host process serves every SiemAccount of a stack; module state here is therefore shared by all of
// them: one client, one concurrency cap and one list cache per Logz.io main account.
import { createHash } from "node:crypto";
import * as E from "fp-ts/Either";
import * as TE from "fp-ts/TaskEither";
import { pipe } from "fp-ts/function";
import { AccountDirectory, LISTS_IN_FLIGHT, MainAccount } from "./accountDirectory";
import { Failure } from "./errors";
import { LogzioClient, deadlineIn } from "./logzioClient";
import { ConfigLookup, Settings, resolveSettings } from "./settings";
import { Account, SiemAccountProvider } from "./siemAccountProvider";

// Until `configure` runs (Pulumi CLIs before 3.139 never call it) only the environment is read.
let stackConfig: ConfigLookup = () => undefined;
const byNamespace = new Map<string, E.Either<Failure, Account>>();
const byMainAccount = new Map<string, Account>();

/** Called by the serialized provider's `configure` with the stack config the engine sent. */
export function configure(config: ConfigLookup): void {
    stackConfig = config;
    byNamespace.clear();
}

/** Settings and shared services for a config namespace (`logzio`, or e.g. `logzio-eu`), made once. */
export function accountFor(namespace: string): E.Either<Failure, Account> {
    let account = byNamespace.get(namespace);
    if (!account) {
        account = pipe(
            resolveSettings(namespace, stackConfig, process.env),
            E.mapLeft((problems): Failure => ({ kind: "config", problems })),
            E.map((settings) => {
                // Namespaces that point at the same main account share its cap and list cache.
                const key = `${settings.apiUrl}#${createHash("sha256").update(settings.apiToken).digest("hex")}`;
                let shared = byMainAccount.get(key);
                if (!shared) {
                    shared = newAccount(settings);
                    byMainAccount.set(key, shared);
                }
                return shared;
            }),
        );
        byNamespace.set(namespace, account);
    }
    return account;
}

/** One main account's client (with its concurrency cap), shared lists, whoami and claimed names. */
export function newAccount(settings: Settings): Account {
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
        main: new MainAccount(() => client.whoami(deadlineIn(settings.requestTimeoutMs))),
        claims: new Map(),
    };
}

export const provider = new SiemAccountProvider(accountFor);
