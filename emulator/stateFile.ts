// `logzio-emulator --state <file>`: the accounts survive a restart, like a real Logz.io account's would. The file is
// rewritten (atomically: temp file, then rename) after every change; faults, counters and the clock are not kept.
// The id counter is kept too, so an id handed out once (and deleted since) is never handed out again, as on Logz.io.
// One emulator at a time owns a state file: a lock file next to it (`<file>.lock`, holding the owner's pid and, on
// Linux, that process's start time) makes a second one refuse to start, since two writers would hand out the same
// ids and the last one to write would win. A lock whose pid is gone, or now belongs to another process, is stale.
import * as fs from "node:fs";
import * as path from "node:path";
import type { EmulatedAccount, LogzioEmulator } from "./server";
import { ACCOUNT_TYPES } from "./types";

export interface SavedState {
    version: 1;
    ownerAccountId: number;
    ownerAccountName: string;
    /** Every account but the owner, in id order. */
    accounts: EmulatedAccount[];
    /** The id the next new account gets (absent in files written before it was kept: then above every saved id). */
    nextAccountId?: number;
}

const isId = (v: unknown): v is number => typeof v === "number" && Number.isSafeInteger(v) && v > 0;

/**
 * The saved state, or undefined when the file does not exist yet. Throws a one-line error when it is unusable,
 * including any account that could not be put back as it was saved (a bad or repeated id, an unknown type): an
 * emulator that started without it would serve, and then save, a state that silently lost accounts.
 */
export function loadState(file: string): SavedState | undefined {
    let text: string;
    try {
        text = fs.readFileSync(file, "utf8");
    } catch (e) {
        if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined;
        throw new Error(`cannot read the state file ${file}: ${(e as Error).message}`);
    }
    let state: SavedState;
    try {
        state = JSON.parse(text) as SavedState;
    } catch (e) {
        throw new Error(`the state file ${file} is not valid JSON (${(e as Error).message}); move it away to start empty`);
    }
    if (
        state?.version !== 1 ||
        !isId(state.ownerAccountId) ||
        !Array.isArray(state.accounts) ||
        !(state.nextAccountId === undefined || isId(state.nextAccountId))
    ) {
        throw new Error(`the state file ${file} is not an emulator state (version 1); move it away to start empty`);
    }
    const seen = new Set<number>([state.ownerAccountId]);
    state.accounts.forEach((a, i) => {
        const bad = (why: string) => new Error(`the state file ${file} cannot be restored: accounts[${i}] ${why}; it was left untouched`);
        if (typeof a !== "object" || a === null) throw bad("is not an account");
        if (!isId(a.accountId)) throw bad(`has accountId ${JSON.stringify(a.accountId)}, not a positive integer`);
        if (seen.has(a.accountId)) throw bad(`repeats accountId ${a.accountId}`);
        seen.add(a.accountId);
        if (typeof a.accountName !== "string") throw bad("has no accountName");
        if (!(ACCOUNT_TYPES as readonly unknown[]).includes(a.type) || a.type === "OWNER_ACCOUNT")
            throw bad(`has type ${JSON.stringify(a.type)}`);
        if (typeof a.createdAt !== "string" || Number.isNaN(Date.parse(a.createdAt))) throw bad("has no usable createdAt");
        if (!Array.isArray(a.accountsToScan) || !a.accountsToScan.every((id) => Number.isSafeInteger(id) && id >= 0))
            throw bad("has no usable accountsToScan");
    });
    return state;
}

/** Puts the saved accounts back into a freshly started emulator (same ids, names and createdAt). */
export function restoreState(emulator: LogzioEmulator, state: SavedState): void {
    for (const a of state.accounts) emulator.addAccount(a);
}

export function saveState(emulator: LogzioEmulator, file: string): void {
    const all = emulator.accounts();
    const owner = all.find((a) => a.type === "OWNER_ACCOUNT");
    const state: SavedState = {
        version: 1,
        ownerAccountId: owner?.accountId ?? 0,
        ownerAccountName: owner?.accountName ?? "",
        accounts: all.filter((a) => a.type !== "OWNER_ACCOUNT"),
        nextAccountId: emulator.nextAccountId,
    };
    const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
    fs.writeFileSync(tmp, `${JSON.stringify(state, null, 2)}\n`);
    fs.renameSync(tmp, file);
}

export const lockFileOf = (file: string): string => `${file}.lock`;

/**
 * When a process started (field 22 of /proc/<pid>/stat, clock ticks since boot), or undefined where there is no
 * /proc (not Linux) or no such process. With the pid it names one process: a pid reused later has another start.
 */
export function processStart(pid: number): string | undefined {
    try {
        const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
        // The command name (field 2) is in parentheses and may hold spaces or parentheses: count from the last ")".
        return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19];
    } catch {
        return undefined;
    }
}

/** Whether the lock's holder (`<pid> [<start time>]`) is still the process that wrote it. */
function holderRuns(pid: number, start: string | undefined): boolean {
    if (!alive(pid)) return false;
    const now = processStart(pid);
    // A start time recorded and readable now must match; otherwise the pid alone decides (the safe side).
    return start === undefined || now === undefined || now === start;
}

/**
 * Takes the state file's lock for this process, or throws a one-line error naming the emulator that holds it.
 * A lock left by a process that no longer runs (killed with SIGKILL), or whose pid now belongs to another process,
 * is taken over. Returns its release.
 */
export function lockState(file: string): () => void {
    const lock = lockFileOf(file);
    const mine = `${process.pid}${processStart(process.pid) === undefined ? "" : ` ${processStart(process.pid)}`}\n`;
    for (let attempt = 0; attempt < 2; attempt++) {
        try {
            fs.writeFileSync(lock, mine, { flag: "wx" });
            let released = false;
            return () => {
                if (released) return;
                released = true;
                try {
                    if (fs.readFileSync(lock, "utf8") === mine) fs.unlinkSync(lock);
                } catch {
                    // already gone
                }
            };
        } catch (e) {
            if ((e as NodeJS.ErrnoException).code !== "EEXIST")
                throw new Error(`cannot lock the state file ${file}: ${(e as Error).message}`);
        }
        const [pidText, start] = fs.readFileSync(lock, "utf8").trim().split(/\s+/);
        const holder = Number(pidText);
        if (Number.isSafeInteger(holder) && holder > 0 && holder !== process.pid && holderRuns(holder, start)) {
            throw new Error(
                `the state file ${file} is in use by another emulator (pid ${holder}, lock ${lock}); stop it first, or use another --state file`,
            );
        }
        fs.rmSync(lock, { force: true }); // stale: its owner is gone
    }
    throw new Error(`cannot lock the state file ${file}: ${lock} keeps reappearing`);
}

function alive(pid: number): boolean {
    try {
        process.kill(pid, 0);
        return true;
    } catch (e) {
        return (e as NodeJS.ErrnoException).code === "EPERM";
    }
}
