#!/usr/bin/env node
// `logzio-emulator`: a Logz.io API on loopback for your own `pulumi up` / `refresh` / `destroy`, plus subcommands
// that act on a running emulator the way a person would in the Logz.io UI (through its admin API, admin.ts).
import { parseArgs } from "node:util";
import { ADMIN_PREFIX } from "./admin";
import { ROUTES, routeKey } from "./routes";
import { LogzioEmulator, type EmulatorOptions, type Fault } from "./server";
import { loadState, lockState, restoreState, saveState } from "./stateFile";

const ROUTE_HELP = Object.entries(ROUTES)
    .map(([name, key]) => `${name} (${key})`)
    .join(", ");

const USAGE = `Usage: logzio-emulator [serve] [options]           start an emulator (the default command)
       logzio-emulator <command> [args] [options]     act on a running emulator, as in the Logz.io UI

Serve options (flags win over the environment variables in brackets):
  --host <host>            listen address [LOGZIO_EMULATOR_HOST] (default 127.0.0.1)
  --port <n>               listen port, 0 = any free port [LOGZIO_EMULATOR_PORT] (default 0)
  --token <token>          the API token it accepts in X-API-TOKEN [LOGZIO_EMULATOR_TOKEN] (default emulator-token)
  --state <file>           keep the accounts in this JSON file, so they survive restarts [LOGZIO_EMULATOR_STATE]
  --latency-ms <n>         latency added to every request [LOGZIO_EMULATOR_LATENCY_MS] (default 0)
  --max-in-flight <n>      answer 429 past this many concurrent requests of the main account, all clients
                           together [LOGZIO_EMULATOR_MAX_IN_FLIGHT] (default 100, Logz.io's limit)
  --provisioning-ms <n>    hide new SIEM accounts from the account list this long [LOGZIO_EMULATOR_PROVISIONING_MS] (default 0)

  Point a stack at it:  pulumi config set logzio:customApiUrl http://127.0.0.1:<port>
                        pulumi config set --secret logzio:apiToken <token>
                        pulumi config set logzio-siem:provisioningGraceMinutes 0
  Stop it with Ctrl-C, SIGTERM or SIGHUP: it stops listening, writes the --state file, releases the file's lock and
  exits 0. Started by npx (or npm run), it also stops so when that npx ends (a signal to npx, e.g. kill <pid of
  npx>): npx's shell does not pass signals on. Ids are never reused, across restarts on one --state file too.

Commands (find the emulator with --port, or --host/--port, or --url; authenticate with --token):
  accounts                           list every account (JSON)
  delete <accountId>                 delete an account, as the Logz.io UI's delete icon does
  rename <accountId> <name>          rename an account, as in the Logz.io UI
  add <name> [--type <type>] [--id <n>]
                                     add an account that already "exists" (default type SECURITY_ACCOUNT; the id:
                                     a positive integer not in use, default the next free one)
  fault <route> <kind> [--status <n>] [--body <text>] [--ms <n>] [--times <n>]
                                     make the next request (or --times requests) to a route fail:
                                     status, statusAfterCommit (need --status; --body answers that text),
                                     delay (needs --ms), resetBeforeCommit, resetAfterCommit, malformed200,
                                     schemaViolating200, hang, hostileList (needs --shape empty|withoutOwner)
  count <route>                      how many requests a route has had, and how many faults still wait for it
  stats                              requests in flight, their high-water marks, the cap and its 429s (JSON)
  Routes: ${ROUTE_HELP}
  --url <url>                        the emulator's URL [LOGZIO_EMULATOR_URL]

  -h, --help                         show this help`;

const OPTIONS = {
    host: { type: "string" },
    port: { type: "string" },
    token: { type: "string" },
    state: { type: "string" },
    url: { type: "string" },
    type: { type: "string" },
    id: { type: "string" },
    status: { type: "string" },
    ms: { type: "string" },
    body: { type: "string" },
    shape: { type: "string" },
    times: { type: "string" },
    "latency-ms": { type: "string" },
    "max-in-flight": { type: "string" },
    "provisioning-ms": { type: "string" },
    help: { type: "boolean", short: "h" },
} as const;

type Values = ReturnType<typeof parse>["values"];
const parse = (argv: string[]) => parseArgs({ args: argv, options: OPTIONS, allowPositionals: true });

/** A mistake the user can fix: printed as one line (plus the usage when asked), never as a stack trace. */
class UsageError extends Error {
    constructor(
        message: string,
        readonly showUsage = false,
    ) {
        super(message);
    }
}

function int(flag: string, raw: string | undefined): number | undefined {
    if (raw === undefined || raw === "") return undefined;
    if (!/^\d+$/.test(raw)) throw new UsageError(`${flag} must be a non-negative integer, got "${raw}"`, true);
    return Number(raw);
}

async function serve(values: Values, env: NodeJS.ProcessEnv): Promise<void> {
    // Who started it, read first: npx may be stopped as soon as the ready lines are out, and a parent read after that
    // would already be the process that adopted the orphan.
    const startedBy = process.ppid;
    const stateFile = values.state ?? env.LOGZIO_EMULATOR_STATE;
    // Locked before it is read: a second emulator on the same file refuses to start instead of handing out its ids.
    let release = (): void => undefined;
    try {
        if (stateFile) release = lockState(stateFile);
    } catch (e) {
        throw new UsageError((e as Error).message);
    }
    process.once("exit", () => release());
    let saved: ReturnType<typeof loadState>;
    try {
        saved = stateFile ? loadState(stateFile) : undefined;
    } catch (e) {
        release();
        throw new UsageError((e as Error).message);
    }
    const opts: EmulatorOptions = {
        host: values.host ?? env.LOGZIO_EMULATOR_HOST,
        port: int("--port", values.port ?? env.LOGZIO_EMULATOR_PORT),
        token: values.token ?? env.LOGZIO_EMULATOR_TOKEN,
        latencyMs: int("--latency-ms", values["latency-ms"] ?? env.LOGZIO_EMULATOR_LATENCY_MS),
        maxInFlight: int("--max-in-flight", values["max-in-flight"] ?? env.LOGZIO_EMULATOR_MAX_IN_FLIGHT),
        provisioningMs: int("--provisioning-ms", values["provisioning-ms"] ?? env.LOGZIO_EMULATOR_PROVISIONING_MS),
        ...(saved
            ? { ownerAccountId: saved.ownerAccountId, ownerAccountName: saved.ownerAccountName, nextAccountId: saved.nextAccountId }
            : {}),
    };
    let emulator: LogzioEmulator;
    let ready = false;
    try {
        emulator = await LogzioEmulator.start({ ...opts, onChange: () => ready && stateFile && saveState(emulator, stateFile) });
    } catch (e) {
        release();
        const err = e as NodeJS.ErrnoException;
        const where = `${opts.host ?? "127.0.0.1"}:${opts.port ?? 0}`;
        if (err.code === "EADDRINUSE")
            throw new UsageError(`port ${where} is already in use (another emulator?); choose another with --port`);
        if (err.code === "EACCES") throw new UsageError(`not allowed to listen on ${where}; choose a port above 1023 with --port`);
        throw e;
    }
    try {
        if (saved) restoreState(emulator, saved);
    } catch (e) {
        // Never serve (and later save) a state that lost accounts: stop, with the file as it was.
        await emulator.close();
        release();
        throw new UsageError(`the state file ${stateFile} cannot be restored (${(e as Error).message}); it was left untouched`);
    }
    ready = true;
    if (stateFile) saveState(emulator, stateFile);
    const siem = emulator.siemAccounts().length;
    console.log(`Logz.io emulator listening on ${emulator.url} (token: ${emulator.token})`);
    if (stateFile) console.log(`Accounts are kept in ${stateFile} (${siem} SIEM account${siem === 1 ? "" : "s"} restored)`);
    // The same lines as the README's "Try it on the emulator".
    console.log(`Point your stack at it:
  pulumi config set logzio:customApiUrl ${emulator.url}
  pulumi config set --secret logzio:apiToken ${emulator.token}
  pulumi config set logzio-siem:provisioningGraceMinutes 0`);
    const port = new URL(emulator.url).port;
    console.log(
        `Act on it as in the Logz.io UI: logzio-emulator accounts|delete|rename|add|fault|count|stats ... --port ${port} --token ${emulator.token}`,
    );
    console.log("Stop it with Ctrl-C (or SIGTERM).");

    // A clean stop: stop listening (open connections are closed), write the state, release the lock, exit 0.
    // A second signal while closing changes nothing; the first one's stop finishes.
    let stopping = false;
    const stop = (why: string): void => {
        if (stopping) return;
        stopping = true;
        console.log(`${why}, closing the emulator`);
        void emulator.close().then(
            () => {
                try {
                    if (stateFile) saveState(emulator, stateFile);
                } finally {
                    release();
                }
                process.exit(0);
            },
            (e: unknown) => {
                release();
                console.error(`logzio-emulator: closing failed: ${(e as Error).message}`);
                process.exit(1);
            },
        );
    };
    for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) process.on(signal, () => stop(`${signal} received`));
    // Under npx (npm exec) or npm run, npm starts `sh -c logzio-emulator ...`, and that shell is our parent. A signal
    // to npm reaches the shell, which dies without passing it on: we would run on, orphaned, holding the port and
    // the lock. So there, the parent's end is a stop too.
    if (env.npm_command === "exec" || env.npm_command === "run-script") {
        setInterval(() => process.ppid !== startedBy && stop("the npx (npm) that started it ended"), 200).unref();
    }
}

/** One call to a running emulator's admin API; returns the parsed JSON answer (undefined for none). */
async function admin(values: Values, env: NodeJS.ProcessEnv, method: string, path: string, body?: unknown): Promise<unknown> {
    const port = values.port ?? env.LOGZIO_EMULATOR_PORT;
    const base =
        values.url ??
        env.LOGZIO_EMULATOR_URL ??
        (port ? `http://${values.host ?? env.LOGZIO_EMULATOR_HOST ?? "127.0.0.1"}:${port}` : undefined);
    if (!base) throw new UsageError("which emulator? pass --url http://127.0.0.1:<port> (or --port <port>)", true);
    const token = values.token ?? env.LOGZIO_EMULATOR_TOKEN ?? "emulator-token";
    let res: Response;
    try {
        res = await fetch(`${base.replace(/\/+$/, "")}${ADMIN_PREFIX}${path}`, {
            method,
            headers: { "X-API-TOKEN": token, ...(body === undefined ? {} : { "content-type": "application/json" }) },
            body: body === undefined ? undefined : JSON.stringify(body),
        });
    } catch (e) {
        const cause = (e as { cause?: { code?: string } }).cause?.code ?? (e as Error).message;
        throw new UsageError(`no emulator answers at ${base} (${cause}); start one with: logzio-emulator --port <port>`);
    }
    const text = await res.text();
    const json: unknown = text === "" ? undefined : JSON.parse(text);
    if (!res.ok)
        throw new UsageError(`${method} ${ADMIN_PREFIX}${path}: HTTP ${res.status}: ${(json as { message?: string })?.message ?? text}`);
    return json;
}

/** An id as Logz.io gives them: a positive integer that JavaScript holds exactly. */
function positiveId(raw: string): number {
    const id = /^\d{1,16}$/.test(raw) ? Number(raw) : NaN;
    if (!Number.isSafeInteger(id) || id <= 0) throw new UsageError(`--id must be a positive integer below 2^53, got "${raw}"`, true);
    return id;
}

/** The HTTP form of a route; an unknown one is a usage error, before anything is sent. */
function knownRoute(route: string): string {
    try {
        return routeKey(route);
    } catch (e) {
        throw new UsageError((e as Error).message);
    }
}

function accountId(raw: string | undefined): number {
    const id = int("accountId", raw);
    if (id === undefined) throw new UsageError("give the account's id (see: logzio-emulator accounts)", true);
    return id;
}

async function command(name: string, args: string[], values: Values, env: NodeJS.ProcessEnv): Promise<void> {
    const print = (v: unknown) => console.log(JSON.stringify(v, null, 2));
    switch (name) {
        case "accounts":
            return print(await admin(values, env, "GET", "/accounts"));
        case "stats":
            return print(await admin(values, env, "GET", "/stats"));
        case "delete": {
            const gone = (await admin(values, env, "DELETE", `/accounts/${accountId(args[0])}`)) as {
                accountId: number;
                accountName: string;
            };
            return console.log(`deleted account ${gone.accountId} ("${gone.accountName}")`);
        }
        case "rename": {
            if (!args[1]) throw new UsageError("give the new name: logzio-emulator rename <accountId> <name>", true);
            const renamed = (await admin(values, env, "PATCH", `/accounts/${accountId(args[0])}`, { accountName: args[1] })) as {
                accountId: number;
            };
            return console.log(`renamed account ${renamed.accountId} to "${args[1]}"`);
        }
        case "add": {
            if (!args[0]) throw new UsageError("give the account's name: logzio-emulator add <name>", true);
            return print(
                await admin(values, env, "POST", "/accounts", {
                    accountName: args[0],
                    ...(values.type ? { type: values.type } : {}),
                    ...(values.id === undefined ? {} : { accountId: positiveId(values.id) }),
                }),
            );
        }
        case "fault": {
            const [route, kind] = args;
            if (!route || !kind)
                throw new UsageError("give a route and a fault kind: logzio-emulator fault create status --status 503", true);
            const key = knownRoute(route);
            const status = int("--status", values.status);
            const ms = int("--ms", values.ms);
            const times = int("--times", values.times) ?? 1;
            const { body, shape } = values;
            const fault = {
                kind,
                ...(status === undefined ? {} : { status }),
                ...(ms === undefined ? {} : { ms }),
                ...(body === undefined ? {} : { body }),
                ...(shape === undefined ? {} : { shape }),
                ...(times === 1 ? {} : { times }),
            } as Fault;
            // The emulator checks the fault (kind, properties) and answers 400 with the reason.
            await admin(values, env, "POST", "/faults", { route: key, faults: [fault] });
            return console.log(`the next ${times === 1 ? "request" : `${times} requests`} to ${key} will get: ${JSON.stringify(fault)}`);
        }
        case "count": {
            if (!args[0]) throw new UsageError(`give a route: ${ROUTE_HELP}`, true);
            const key = knownRoute(args[0]);
            const counted = (await admin(values, env, "GET", `/count/${encodeURIComponent(key)}`)) as {
                count: number;
                pendingFaults: number;
            };
            return console.log(
                `${key}: ${counted.count} request${counted.count === 1 ? "" : "s"}, ${counted.pendingFaults} still to fault`,
            );
        }
        default:
            throw new UsageError(`unknown command "${name}"`, true);
    }
}

async function main(argv: string[], env: NodeJS.ProcessEnv): Promise<void> {
    let parsed: ReturnType<typeof parse>;
    try {
        parsed = parse(argv);
    } catch (e) {
        throw new UsageError((e as Error).message, true);
    }
    const { values, positionals } = parsed;
    if (values.help) return console.log(USAGE);
    const [name = "serve", ...args] = positionals;
    if (name === "serve") return serve(values, env);
    return command(name, args, values, env);
}

main(process.argv.slice(2), process.env).catch((e: unknown) => {
    if (e instanceof UsageError) {
        console.error(`logzio-emulator: ${e.message}${e.showUsage ? "\n\n" + USAGE : ""}`);
        process.exitCode = e.showUsage ? 2 : 1;
        return;
    }
    // Anything else is still one line: the message, not the stack.
    console.error(`logzio-emulator: ${e instanceof Error ? e.message : String(e)}`);
    process.exitCode = 1;
});
