// Creates sent from this machine whose outcome it never learned. A provider host killed while its POST was in
// flight (or whose answer was lost and never settled) leaves no trace in Pulumi's state, and Logz.io may list the
// account only minutes later: the next `pulumi up` would POST the name again and bill a second account. So each
// create is written down here before its POST is sent. Certainly not created: the record goes. Created: the record
// keeps the id until a later operation hands this id back from the stack's state (diff, read, update or delete: Pulumi
// recorded it), because the engine that asked may have died before it could record the answer (a killed CLI leaves
// the provider host running, and the host's answer goes nowhere). The duplicate guard reads the records of the name it
// is about to create; a record older than the provisioning grace (Logz.io would list the account by now) is settled.
//
// Where: `$PULUMI_LOGZIO_SIEM_JOURNAL_DIR`, else `${PULUMI_HOME:-~/.pulumi}/logzio-siem/unsettled-creates/`: the
// user's Pulumi home, never the project folder. One file per create (concurrent hosts never write the same file),
// written to a temporary name and renamed, so a reader never sees half a record. A record holds no token and no
// name: the main account id, a hash of the name's key (names.ts), the API URL without credentials, the times, and the
// account's id once it is known.
// A machine that never sent the create (a fresh CI runner) has no record: that limit is documented.
import { createHash, randomUUID } from "node:crypto";
import { promises as fs } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

export const JOURNAL_DIR_ENV = "PULUMI_LOGZIO_SIEM_JOURNAL_DIR";

/** One create whose outcome is unknown, as read back. */
export interface JournalRecord {
    /** The record's file: what a user removes once they have checked Logz.io. */
    readonly file: string;
    readonly mainAccountId: number;
    readonly apiUrl: string;
    /** When the POST was about to be sent, by this machine's clock (ISO 8601). */
    readonly sentAt: string;
    /** The same moment on Logz.io's clock (its `Date` headers), when known: what the provisioning grace is measured on. */
    readonly sentAtLogzioMs?: number;
    /** The account the create made, when this machine learned it (Pulumi may not have). */
    readonly accountId?: number;
}

const WITH_ID = /-id(\d+)\.json$/;

/** The journal's folder for this environment. */
export function journalDir(env: NodeJS.ProcessEnv = process.env): string {
    const given = env[JOURNAL_DIR_ENV];
    if (given !== undefined && given !== "") return given;
    const home = env.PULUMI_HOME !== undefined && env.PULUMI_HOME !== "" ? env.PULUMI_HOME : path.join(os.homedir(), ".pulumi");
    return path.join(home, "logzio-siem", "unsettled-creates");
}

/**
 * The part of a record's file name that names the create: main account and name, the name only as a hash of its key
 * (names.ts's nameKey, which the caller gives: "Prod" and " prod" are one create to Logz.io).
 */
function prefixOf(mainAccountId: number, key: string): string {
    const hash = createHash("sha256").update(`pulumi-logzio-siem\0${key}`).digest("hex").slice(0, 32);
    return `${mainAccountId}-${hash}-`;
}

export class CreateJournal {
    private warned = false;
    /** Files of records that hold an account id, by id: read from the folder once per host, then kept up to date. */
    private byId?: Promise<Map<number, string[]>>;
    /** The folder exists (made once per host: a create should not pay for it each time). */
    private made = false;
    /** What this host wrote in each of its records, so recording the id needs no read. */
    private readonly written = new Map<string, string>();

    constructor(
        readonly dir: string,
        private readonly warn: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
    ) {}

    /**
     * Writes the record of a create about to be sent; resolves once it is on disk (renamed into place) with its file,
     * or undefined when the folder cannot be written (said once per host; the create goes on without a record).
     */
    async record(mainAccountId: number, key: string, apiUrl: string, logzioNowMs: number | undefined): Promise<string | undefined> {
        const file = path.join(this.dir, `${prefixOf(mainAccountId, key)}${Date.now()}-${randomUUID()}.json`);
        const body: Omit<JournalRecord, "file"> = {
            mainAccountId,
            apiUrl,
            sentAt: new Date().toISOString(),
            ...(logzioNowMs === undefined ? {} : { sentAtLogzioMs: logzioNowMs }),
        };
        const temp = path.join(this.dir, `.tmp-${randomUUID()}`);
        try {
            if (!this.made) await fs.mkdir(this.dir, { recursive: true, mode: 0o700 });
            this.made = true;
            await fs.writeFile(temp, `${JSON.stringify(body)}\n`, { mode: 0o600 });
            await fs.rename(temp, file);
            this.written.set(file, JSON.stringify(body));
            return file;
        } catch (e) {
            await fs.rm(temp, { force: true }).catch(() => undefined);
            // The folder was removed since it was made (a user clearing records by hand): make it again, once.
            if (this.made && errorCode(e) === "ENOENT") {
                this.made = false;
                return this.record(mainAccountId, key, apiUrl, logzioNowMs);
            }
            this.warnOnce(`cannot write the record of a create to ${this.dir} (${errorCode(e)})`);
            return undefined;
        }
    }

    /**
     * The create made account `accountId`: its record keeps the id until Pulumi hands it back (forgetId), written
     * whole under a name that carries the id, then the record without it removed.
     */
    async created(file: string, accountId: number): Promise<void> {
        const withId = file.replace(/\.json$/, `-id${accountId}.json`);
        const temp = path.join(this.dir, `.tmp-${randomUUID()}`);
        try {
            const known = this.written.get(file);
            this.written.delete(file);
            const body = JSON.parse(known ?? (await fs.readFile(file, "utf8"))) as Record<string, unknown>;
            await fs.writeFile(temp, `${JSON.stringify({ ...body, accountId })}\n`, { mode: 0o600 });
            await fs.rename(temp, withId);
            await fs.rm(file, { force: true });
            const ids = await this.ids();
            ids.set(accountId, [...(ids.get(accountId) ?? []), withId]);
        } catch (e) {
            await fs.rm(temp, { force: true }).catch(() => undefined);
            this.warnOnce(`cannot update ${file} (${errorCode(e)})`);
        }
    }

    /** Pulumi's state holds this account: records of the create that made it have done their work. */
    async forgetId(accountId: number): Promise<void> {
        const ids = await this.ids();
        const files = ids.get(accountId);
        if (files === undefined) return;
        ids.delete(accountId);
        for (const f of files) await this.clear(f);
    }

    private ids(): Promise<Map<number, string[]>> {
        this.byId ??= fs.readdir(this.dir).then(
            (files) => {
                const ids = new Map<number, string[]>();
                for (const f of files) {
                    const id = WITH_ID.exec(f);
                    if (id) ids.set(Number(id[1]), [...(ids.get(Number(id[1])) ?? []), path.join(this.dir, f)]);
                }
                return ids;
            },
            () => new Map<number, string[]>(),
        );
        return this.byId;
    }

    /** The outcome is known and nothing was created (or Logz.io lists the account): the record goes. */
    async clear(file: string): Promise<void> {
        this.written.delete(file);
        try {
            await fs.rm(file, { force: true });
        } catch (e) {
            this.warnOnce(`cannot remove ${file} (${errorCode(e)})`);
        }
    }

    /** The records of creates of a name, by its key, under this main account; none when the folder cannot be read. */
    async find(mainAccountId: number, key: string): Promise<JournalRecord[]> {
        let files: string[];
        try {
            files = await fs.readdir(this.dir);
        } catch (e) {
            if (errorCode(e) !== "ENOENT") this.warnOnce(`cannot read ${this.dir} (${errorCode(e)})`);
            return [];
        }
        const prefix = prefixOf(mainAccountId, key);
        const records: JournalRecord[] = [];
        for (const f of files) {
            if (!f.startsWith(prefix) || !f.endsWith(".json")) continue;
            const file = path.join(this.dir, f);
            try {
                const parsed = JSON.parse(await fs.readFile(file, "utf8")) as Partial<JournalRecord>;
                records.push({
                    file,
                    mainAccountId,
                    apiUrl: typeof parsed.apiUrl === "string" ? parsed.apiUrl : "",
                    sentAt: typeof parsed.sentAt === "string" ? parsed.sentAt : "an unknown time",
                    ...(typeof parsed.sentAtLogzioMs === "number" ? { sentAtLogzioMs: parsed.sentAtLogzioMs } : {}),
                    ...(typeof parsed.accountId === "number" ? { accountId: parsed.accountId } : {}),
                });
            } catch (e) {
                // Removed meanwhile by another host (its outcome became known): nothing to hold against this create.
                if (errorCode(e) === "ENOENT") continue;
                // Unreadable or garbled: still a create that may have happened.
                records.push({ file, mainAccountId, apiUrl: "", sentAt: "an unknown time" });
            }
        }
        return records;
    }

    private warnOnce(what: string): void {
        if (this.warned) return;
        this.warned = true;
        this.warn(
            `pulumi-logzio-siem: ${what}; a create interrupted on this machine will not be remembered by the next run ` +
                `(set ${JOURNAL_DIR_ENV} to a writable folder).`,
        );
    }
}

function errorCode(e: unknown): string {
    const code = (e as { code?: unknown } | null)?.code;
    return typeof code === "string" ? code : String(e);
}
