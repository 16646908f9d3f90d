// Pulumi's dynamic-provider host prints each failed check, diff, read and delete as `${error}: ${error.stack}` on
// its stderr before it returns the error to the engine, and the engine shows both: the stderr line under the stack
// (twice: in the progress and under Diagnostics) and the error under the resource. The runtime runs inside that
// host, so it drops exactly the echoes of errors this package made; anything else written there passes through.

/** Echo texts still expected, with how many times each. Bounded: create and update errors are never echoed. */
const expected = new Map<string, number>();
const MAX_EXPECTED = 256;

/** Called for each error this package makes: the host may print it as `${error}: ${error.stack}`. */
export function expectEcho(echo: string): void {
    expected.set(echo, (expected.get(echo) ?? 0) + 1);
    if (expected.size > MAX_EXPECTED) expected.delete(expected.keys().next().value as string);
}

/** Whether `line` is an expected echo; each expectation is used once. */
export function takeEcho(line: string): boolean {
    const n = expected.get(line);
    if (n === undefined) return false;
    if (n > 1) expected.set(line, n - 1);
    else expected.delete(line);
    return true;
}

const INSTALLED = Symbol.for("pulumi-logzio-siem.quietHostEchoes");

/** Wraps `console.error` of this process (the host) once, so the echoes of our errors are not printed. */
export function quietHostEchoes(): void {
    const holder = console as unknown as Record<symbol, boolean>;
    if (holder[INSTALLED]) return;
    holder[INSTALLED] = true;
    const print = console.error.bind(console);
    console.error = (...args: unknown[]): void => {
        if (args.length === 1 && typeof args[0] === "string" && takeEcho(args[0])) return;
        print(...args);
    };
}
