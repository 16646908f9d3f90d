// How a provider host builds the Account each resource runs with (account.ts): the one way, used by runtime.ts, the
// plugin and the tests alike, after refusing a proxy that cannot carry the token (reach). Per main account (URL and
// token) one concurrency cap, one list directory and one whoami;
// per host one set of claimed names, one map of managed accounts and, when given, one journal of creates whose
// outcome is unknown. A namespace keeps its own settings and client over those shared parts.
import { createHash } from "node:crypto";
import * as E from "fp-ts/Either";
import * as TE from "fp-ts/TaskEither";
import { pipe } from "fp-ts/function";
import { Account, Claims, ManagedAccounts } from "../lifecycle/account";
import { AccountDirectory, LISTS_IN_FLIGHT } from "../lookups/accountDirectory";
import { CreateJournal } from "../lifecycle/createJournal";
import { deadlineIn } from "../logzio/deadline";
import { LogzioClient, Transport, newTransport } from "../logzio/logzioClient";
import { MainAccount, MainAccountCache } from "../lookups/mainAccount";
import { proxyFor } from "../logzio/proxy";
import { Settings } from "../config/settings";

/** What every namespace reaching one main account shares: only what must be shared. */
interface SharedAccount {
    readonly transport: Transport;
    readonly directory: AccountDirectory;
    readonly whoami: MainAccountCache;
    /** The clients of the namespaces that reach it; shared list requests go through the most patient one. */
    readonly clients: LogzioClient[];
}

/** Lists take slots of the cap like any request: never more of them in flight than the cap allows. */
export function listsInFlight(cap: number): number {
    return Math.min(LISTS_IN_FLIGHT, cap);
}

export class HostAccounts {
    private readonly byMainAccount = new Map<string, SharedAccount>();
    // Claims are keyed inside by the main account whoami names (account.ts): two tokens of one main account share them.
    private readonly claims = new Claims();
    private readonly managed: ManagedAccounts = new Map();

    /** `journal`: where creates whose outcome is unknown are recorded; none kept without one. */
    constructor(private readonly journal?: CreateJournal) {}

    /**
     * The Account for these settings, or why it cannot reach Logz.io safely: a proxy from the environment that cannot
     * carry the token (or is not a URL) is refused here, before any request. The one way a host turns settings into an
     * Account (runtime.ts for the dynamic provider, the plugin's configure).
     */
    reach(settings: Settings): E.Either<string, Account> {
        return pipe(
            proxyFor(settings.apiUrl),
            E.map(() => this.accountOf(settings)),
        );
    }

    /** The namespace's own view of its main account: its settings and client, the main account's shared parts. */
    accountOf(settings: Settings): Account {
        // Namespaces that point at the same main account with the same token share its cap, lists and whoami.
        const key = `${settings.apiUrl}#${createHash("sha256").update(settings.apiToken).digest("hex")}`;
        let shared = this.byMainAccount.get(key);
        if (!shared) {
            shared = newShared(settings);
            this.byMainAccount.set(key, shared);
        }
        const client = new LogzioClient(settings, undefined, shared.transport);
        shared.clients.push(client);
        // The cap is Logz.io's per account: the smallest any namespace of this main account asks for holds for all,
        // and the lists follow it.
        const cap = Math.min(shared.transport.limiter.capacity, settings.maxConcurrency);
        shared.transport.limiter.capacity = cap;
        shared.transport.agent.maxSockets = cap;
        shared.directory.maxInFlight = listsInFlight(cap);
        return {
            settings,
            client,
            directory: shared.directory,
            main: new MainAccount((deadline) => client.whoami(deadline), shared.whoami),
            claims: this.claims,
            managed: this.managed,
            ...(this.journal === undefined ? {} : { journal: this.journal }),
        };
    }
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
        }, listsInFlight(settings.maxConcurrency)),
    };
}
