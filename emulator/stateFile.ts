// `logzio-emulator --state <file>`: the accounts survive a restart, like a real Logz.io account's would. The file is
// rewritten (atomically: temp file, then rename) after every change; faults, counters and the clock are not kept.
import * as fs from "node:fs";
import * as path from "node:path";
import type { EmulatedAccount, LogzioEmulator } from "./server";

export interface SavedState {
    version: 1;
    ownerAccountId: number;
    ownerAccountName: string;
    /** Every account but the owner, in id order. */
    accounts: EmulatedAccount[];
}

/** The saved state, or undefined when the file does not exist yet. Throws a one-line error when it is unusable. */
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
    if (state?.version !== 1 || !Number.isSafeInteger(state.ownerAccountId) || !Array.isArray(state.accounts)) {
        throw new Error(`the state file ${file} is not an emulator state (version 1); move it away to start empty`);
    }
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
    };
    const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
    fs.writeFileSync(tmp, `${JSON.stringify(state, null, 2)}\n`);
    fs.renameSync(tmp, file);
}
