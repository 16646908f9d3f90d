// A real PostgreSQL server on loopback for the tests that share one Pulumi state backend between stacks and
// processes (`pulumi login postgres://...`, the CLI's PostgreSQL backend since 3.176): its own data directory made by
// initdb, its own free port, password authentication, started with pg_ctl and stopped and removed by stop() (and
// when the process exits). Its binaries come from PULUMI_E2E_PG_BIN, else Debian's /usr/lib/postgresql/<version>/bin
// (the newest), else PATH. None found is an error that says how to install them: the tests that need a shared
// backend fail, never skip. PostgreSQL refuses to run as root: as root, the server runs as the `postgres` user
// (which Debian's package creates) through runuser.
import { execFileSync, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";

export interface PostgresServer {
    /** The URL `pulumi login` takes: postgres://user:password@127.0.0.1:port/db?sslmode=disable. */
    readonly url: string;
    readonly port: number;
    /** A fresh database on this server, and its login URL: a backend of its own. */
    createDatabase(name: string): string;
    /** The rows of a query on a database, one line each (psql -At): to read what the backend stored. */
    query(database: string, sql: string): string[];
    stop(): void;
}

const USER = "pulumi";
const BINARIES = ["initdb", "pg_ctl", "postgres", "psql", "createdb"];

/** The folder that holds initdb, pg_ctl, postgres, psql and createdb, or why there is none. */
export function findPostgresBin(): { ok: true; bin: string } | { ok: false; reason: string } {
    const candidates: string[] = [];
    if (process.env.PULUMI_E2E_PG_BIN) candidates.push(process.env.PULUMI_E2E_PG_BIN);
    const debian = "/usr/lib/postgresql";
    if (fs.existsSync(debian)) {
        const versions = fs
            .readdirSync(debian)
            .filter((v) => /^\d+$/.test(v))
            .sort((a, b) => Number(b) - Number(a));
        candidates.push(...versions.map((v) => path.join(debian, v, "bin")));
    }
    for (const dir of (process.env.PATH ?? "").split(path.delimiter)) if (dir) candidates.push(dir);
    const bin = candidates.find((dir) => BINARIES.every((b) => fs.existsSync(path.join(dir, b))));
    if (bin) return { ok: true, bin };
    return {
        ok: false,
        reason:
            `PostgreSQL's server programs (${BINARIES.join(", ")}) were not found in PULUMI_E2E_PG_BIN, /usr/lib/postgresql/<version>/bin or PATH.\n` +
            "Install them (Debian/Ubuntu: `apt-get install -y postgresql`; .ci/run does) or set PULUMI_E2E_PG_BIN to their folder.",
    };
}

/** A free TCP port on loopback (the kernel's pick; the server binds it a moment later). */
function freePort(): Promise<number> {
    return new Promise((resolve, reject) => {
        const s = net.createServer();
        s.once("error", reject);
        s.listen(0, "127.0.0.1", () => {
            const { port } = s.address() as net.AddressInfo;
            s.close(() => resolve(port));
        });
    });
}

/** Starts a PostgreSQL server of its own; throws (with the way to install it) when PostgreSQL is not there. */
export async function startPostgres(): Promise<PostgresServer> {
    const found = findPostgresBin();
    if (!found.ok) throw new Error(found.reason);
    const { bin } = found;
    const asRoot = process.getuid?.() === 0;
    if (asRoot && spawnSync("id", ["-u", "postgres"]).status !== 0) {
        throw new Error(
            "PostgreSQL refuses to run as root, and there is no `postgres` user to run it as.\n" +
                "Install Debian's package (`apt-get install -y postgresql`, which creates the user), or run the tests as another user.",
        );
    }
    // runuser keeps the environment apart from HOME/USER: PostgreSQL reads only its arguments and PG* variables.
    const run = (program: string, args: string[], opts: { input?: string } = {}): string =>
        execFileSync(
            asRoot ? "runuser" : path.join(bin, program),
            asRoot ? ["-u", "postgres", "--", path.join(bin, program), ...args] : args,
            {
                encoding: "utf8",
                input: opts.input,
                stdio: ["pipe", "pipe", "pipe"],
                env: { ...process.env, PGPASSWORD: password, LC_ALL: "C" },
            },
        );

    // As root, the `postgres` user must reach the folder: a TMPDIR under /root would not do, /tmp does.
    const base = asRoot && spawnSync("runuser", ["-u", "postgres", "--", "test", "-x", os.tmpdir()]).status !== 0 ? "/tmp" : os.tmpdir();
    const root = fs.mkdtempSync(path.join(base, "logzio-siem-pg-"));
    const data = path.join(root, "data");
    const password = randomBytes(12).toString("hex");
    const pwfile = path.join(root, "pwfile");
    fs.writeFileSync(pwfile, `${password}\n`, { mode: 0o600 });
    if (asRoot) {
        // The server's user owns its folder (initdb wants the data directory's parent writable, the rest 0700).
        execFileSync("chown", ["-R", "postgres", root]);
    }
    let started = false;
    const stop = (): void => {
        if (started) {
            started = false;
            try {
                run("pg_ctl", ["-D", data, "-m", "immediate", "-w", "stop"]);
            } catch {
                // stopped already (or never started): the folder goes anyway
            }
        }
        fs.rmSync(root, { recursive: true, force: true });
    };
    process.once("exit", stop);
    try {
        run("initdb", ["-D", data, "-U", USER, `--pwfile=${pwfile}`, "--auth=scram-sha-256", "-E", "UTF8", "--no-instructions"]);
        const port = await freePort();
        // Loopback TCP only, the unix socket in the server's own folder, and enough connections for a fleet of CLIs.
        const options = `-p ${port} -h 127.0.0.1 -k ${root} -c max_connections=200 -c fsync=off`;
        run("pg_ctl", ["-D", data, "-l", path.join(root, "server.log"), "-o", options, "-w", "-t", "60", "start"]);
        started = true;
        const login = (db: string): string => `postgres://${USER}:${password}@127.0.0.1:${port}/${db}?sslmode=disable`;
        const pgArgs = ["-h", "127.0.0.1", "-p", String(port), "-U", USER];
        const server: PostgresServer = {
            url: login("postgres"),
            port,
            createDatabase(name) {
                run("createdb", [...pgArgs, name]);
                return login(name);
            },
            query(database, sql) {
                return run("psql", [...pgArgs, "-d", database, "-At", "-v", "ON_ERROR_STOP=1", "-c", sql])
                    .split("\n")
                    .filter((l) => l !== "");
            },
            stop() {
                process.removeListener("exit", stop);
                stop();
            },
        };
        return server;
    } catch (e) {
        const log = path.join(root, "server.log");
        const tail = fs.existsSync(log) ? `\n${fs.readFileSync(log, "utf8").slice(-2000)}` : "";
        const stderr = (e as { stderr?: string }).stderr ?? "";
        process.removeListener("exit", stop);
        stop();
        throw new Error(`PostgreSQL could not be started: ${(e as Error).message}\n${stderr}${tail}`);
    }
}
