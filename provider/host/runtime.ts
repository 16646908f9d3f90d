// What the serialized provider loads inside Pulumi's dynamic-provider host (`pulumi-logzio-siem/runtime`).
// One host process serves every SiemAccount of a stack; module state here is therefore shared by all of
// them: per Logz.io main account (URL and token) one concurrency cap, one list cache and one whoami; per main account
// as whoami names it (its id, whatever the token) one set of claimed names; and one journal of creates whose outcome
// is unknown (createJournal.ts). hostAccounts.ts builds them; this module resolves each namespace's settings.
// Settings are per namespace: a resource runs with its own namespace's (and `logzio-siem:`), whatever other
// namespaces reach the same main account.
import * as E from "fp-ts/Either";
import { pipe } from "fp-ts/function";
import { CreateJournal, journalDir } from "../lifecycle/createJournal";
import { Failure } from "../logzio/errors";
import { quietHostEchoes } from "./hostEcho";
import { HostAccounts } from "./hostAccounts";
import type { ShimRuntime } from "../program/shim";
import { ConfigLookup, envPrefix, resolveSettings } from "../config/settings";
import { Account, SiemAccountProvider } from "../lifecycle/siemAccountProvider";

// Until `configure` runs (Pulumi CLIs before 3.139 never call it) only the environment is read.
let stackConfig: ConfigLookup = () => undefined;
let stackKeys: readonly string[] = [];
const byNamespace = new Map<string, E.Either<Failure, Account>>();
// Per main account its cap, lists and whoami; per host its claimed names and journal (hostAccounts.ts).
const accounts = new HostAccounts(new CreateJournal(journalDir()));

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
            E.chain((settings) => E.mapLeft((reason: string) => [reason])(accounts.reach(settings))),
            E.mapLeft((problems): Failure => ({ kind: "config", problems })),
        );
        byNamespace.set(namespace, account);
    }
    return account;
}

export const provider = new SiemAccountProvider(accountFor);

// What the serialized shim calls: checked here, since the shim's declarations name nothing of this module.
const forShim: ShimRuntime = { configure, provider };
void forShim;

// This module is loaded by Pulumi's dynamic-provider host: each failure is shown once, by the engine.
quietHostEchoes();
