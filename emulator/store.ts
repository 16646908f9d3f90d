// The emulator's accounts: the main (owner) account and its sub accounts, kept by id, and the id counter that, as
// Logz.io's, only ever goes up (a deleted account's id is never handed out again). UI-like changes (seed, delete,
// rename) go through here; what the routes answer is handlers.ts's.
import type { AccountType, EmulatedAccount } from "./types";
import { isoSeconds } from "./wire";

/** An account as stored: its createdAt also as milliseconds, for provisioningMs. */
export interface StoredAccount extends EmulatedAccount {
    createdAtMs: number;
}

export class AccountStore {
    private store = new Map<number, StoredAccount>();
    private nextId: number;

    /**
     * @param now the emulator's clock (skew included), for createdAt
     * @param onChange called after every change (not after reset: the emulator calls it once for the whole reset)
     */
    constructor(
        readonly ownerId: number,
        readonly ownerName: string,
        nextAccountId: number | undefined,
        private readonly now: () => number,
        private readonly onChange: () => void,
    ) {
        this.nextId = Math.max(this.ownerId + 1, nextAccountId ?? 0);
        this.seedOwner();
    }

    /** The id the next new account gets: above every id handed out so far, deleted ones included (as Logz.io's). */
    get nextAccountId(): number {
        return this.nextId;
    }

    has(id: number): boolean {
        return this.store.has(id);
    }

    get(id: number): StoredAccount | undefined {
        return this.store.get(id);
    }

    /** Every stored account, in insertion order (the stored objects themselves: callers only read them). */
    all(): StoredAccount[] {
        return [...this.store.values()];
    }

    accounts(type?: AccountType): EmulatedAccount[] {
        return this.all()
            .filter((a) => type === undefined || a.type === type)
            .sort((a, b) => a.accountId - b.accountId)
            .map(publicCopy);
    }

    /** Seeds an account as if it existed already. createdAt (default: now) also drives provisioningMs. */
    addAccount(a: Partial<EmulatedAccount> & { accountName: string }): EmulatedAccount {
        const type = a.type ?? "SECURITY_ACCOUNT";
        if (type === "OWNER_ACCOUNT") throw new Error("the emulator has exactly one owner account");
        const accountId = a.accountId ?? this.nextId;
        // Logz.io's ids are positive integers; anything else here would break every later create (nextId).
        if (typeof accountId !== "number" || !Number.isSafeInteger(accountId) || accountId <= 0 || !Number.isSafeInteger(accountId + 1)) {
            throw new Error(`accountId must be a positive integer below 2^53 - 1, got ${JSON.stringify(accountId) ?? String(accountId)}`);
        }
        if (this.store.has(accountId)) throw new Error(`account ${accountId} already exists`);
        if (typeof a.accountName !== "string") throw new Error("accountName must be a string");
        const createdAtMs = a.createdAt !== undefined ? Date.parse(a.createdAt) : this.now();
        if (Number.isNaN(createdAtMs)) throw new Error(`invalid createdAt: ${a.createdAt}`);
        const account: StoredAccount = {
            accountId,
            accountName: a.accountName,
            type,
            email: a.email,
            accountsToScan: [...(a.accountsToScan ?? (type === "SECURITY_ACCOUNT" ? [this.ownerId] : []))],
            isUsingRepositoryAccount: a.isUsingRepositoryAccount ?? false,
            createdAt: a.createdAt ?? isoSeconds(createdAtMs),
            createdAtMs,
        };
        if (account.email === undefined) delete account.email;
        this.nextId = Math.max(this.nextId, accountId + 1);
        this.store.set(accountId, account);
        this.onChange();
        return publicCopy(account);
    }

    /** "Deleted in the UI". The owner account cannot be deleted. */
    deleteAccount(id: number): boolean {
        const deleted = id !== this.ownerId && this.store.delete(id);
        if (deleted) this.onChange();
        return deleted;
    }

    /** "Renamed in the UI". */
    renameAccount(id: number, name: string): boolean {
        const account = this.store.get(id);
        if (account) account.accountName = name;
        if (account) this.onChange();
        return account !== undefined;
    }

    /** Forgets every account but a fresh owner, and restarts the ids after it. */
    reset(): void {
        this.store = new Map();
        this.nextId = this.ownerId + 1;
        this.seedOwner();
    }

    private seedOwner(): void {
        const createdAtMs = this.now();
        this.store.set(this.ownerId, {
            accountId: this.ownerId,
            accountName: this.ownerName,
            type: "OWNER_ACCOUNT",
            accountsToScan: [],
            isUsingRepositoryAccount: false,
            createdAt: isoSeconds(createdAtMs),
            createdAtMs,
        });
    }
}

function publicCopy(a: StoredAccount): EmulatedAccount {
    const { createdAtMs: _internal, ...rest } = a;
    return { ...rest, accountsToScan: [...a.accountsToScan] };
}
