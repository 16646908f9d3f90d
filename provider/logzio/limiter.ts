// A FIFO counting semaphore: caps requests in flight to one Logz.io account across every resource in the
// provider host (Logz.io allows 100 concurrent requests per account and answers 429 past that). Its slots adapt:
// a 429 halves them, answers grow them back up to `capacity` (the rule is aimd.ts's), because other hosts of the same
// account take from Logz.io's 100 too and only a 429 says so.
import { Signal, Window, initialWindow, next, slots } from "./aimd";

export interface LimiterOptions {
    /** false: a fixed cap of `capacity` (no adaptation). Default true. */
    adaptive?: boolean;
    /** Start at the ceiling instead of half of it (aimd.ts's initialWindow). Default false. */
    startAtCeiling?: boolean;
}

export class Limiter {
    private active = 0;
    private readonly waiting: (() => void)[] = [];
    private ceiling: number;
    private window: Window;
    private readonly adaptive: boolean;

    constructor(capacity: number, options: LimiterOptions = {}) {
        this.ceiling = capacity;
        this.adaptive = options.adaptive ?? true;
        this.window = this.adaptive && options.startAtCeiling !== true ? initialWindow(capacity) : { size: capacity, epoch: 0 };
    }

    /** The ceiling (logzio-siem:maxConcurrency). May be lowered while in use (a namespace with a smaller cap joins). */
    get capacity(): number {
        return this.ceiling;
    }

    set capacity(n: number) {
        this.ceiling = n;
        this.pump();
    }

    /** Slots allowed now: the ceiling, or less after Logz.io answered 429. */
    get slots(): number {
        return this.adaptive ? slots(this.window, this.ceiling) : this.ceiling;
    }

    get inFlight(): number {
        return this.active;
    }

    /**
     * Runs `task` once a slot is free. With `until` (ms since the epoch), a caller still waiting then gives up
     * and gets `late()` instead: waiting for a slot counts against the operation's time like everything else.
     * `signal` says what the task's result tells of Logz.io's room (a 429, an answer); it adapts the slots.
     */
    async run<T>(task: () => Promise<T>, until?: number, late?: () => T, signal?: (result: T) => Signal): Promise<T> {
        // Anyone already waiting goes first: a newcomer never overtakes the queue.
        if (this.waiting.length > 0 || this.active >= this.slots) {
            const got = await new Promise<boolean>((resolve) => {
                const entry = () => {
                    if (timer) clearTimeout(timer);
                    resolve(true);
                };
                const timer =
                    until === undefined || late === undefined
                        ? undefined
                        : setTimeout(
                              () => {
                                  const i = this.waiting.indexOf(entry);
                                  if (i >= 0) this.waiting.splice(i, 1);
                                  resolve(false);
                              },
                              Math.max(0, until - Date.now()),
                          );
                this.waiting.push(entry);
            });
            if (!got) return late!();
        } else {
            this.active++;
        }
        const sentIn = this.window.epoch;
        let result: T | undefined;
        let done = false;
        try {
            result = await task();
            done = true;
            return result;
        } finally {
            if (done && signal && this.adaptive) this.window = next(this.window, signal(result as T), sentIn, this.ceiling);
            this.active--;
            this.pump();
        }
    }

    /** Hands free slots to the waiters in arrival order (the waiter's slot is counted before it wakes). */
    private pump(): void {
        while (this.waiting.length > 0 && this.active < this.slots) {
            this.active++;
            this.waiting.shift()!();
        }
    }
}
