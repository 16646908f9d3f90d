// A FIFO counting semaphore: caps requests in flight to one Logz.io account across every resource in the
// provider host (Logz.io allows 100 concurrent requests per account and answers 429 past that).
export class Limiter {
    private active = 0;
    private readonly waiting: (() => void)[] = [];

    constructor(readonly capacity: number) {}

    get inFlight(): number {
        return this.active;
    }

    async run<T>(task: () => Promise<T>): Promise<T> {
        if (this.active >= this.capacity) {
            await new Promise<void>((resolve) => this.waiting.push(resolve));
        } else {
            this.active++;
        }
        try {
            return await task();
        } finally {
            const next = this.waiting.shift();
            // Hand the slot straight to the next waiter so a newcomer cannot overtake it.
            if (next) next();
            else this.active--;
        }
    }
}
