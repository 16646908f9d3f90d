// A FIFO counting semaphore: caps requests in flight to one Logz.io account across every resource in the
// provider host (Logz.io allows 100 concurrent requests per account and answers 429 past that).
export class Limiter {
    private active = 0;
    private readonly waiting: (() => void)[] = [];

    /** May be lowered while in use (a namespace with a smaller cap joins): slots above it are not handed on. */
    constructor(public capacity: number) {}

    get inFlight(): number {
        return this.active;
    }

    /**
     * Runs `task` once a slot is free. With `until` (ms since the epoch), a caller still waiting then gives up
     * and gets `late()` instead: waiting for a slot counts against the operation's time like everything else.
     */
    async run<T>(task: () => Promise<T>, until?: number, late?: () => T): Promise<T> {
        if (this.active >= this.capacity) {
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
        try {
            return await task();
        } finally {
            // Hand the slot straight to the next waiter so a newcomer cannot overtake it (while within capacity).
            const next = this.active <= this.capacity ? this.waiting.shift() : undefined;
            if (next) next();
            else this.active--;
        }
    }
}
