// Shared fixtures for host-level tests: the provider text SiemAccount really serializes, and a Pulumi
// dynamic-provider host configured against an emulator the way the engine configures it.
import { randomUUID } from "node:crypto";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import * as path from "node:path";
import { expect } from "chai";
import * as E from "fp-ts/Either";
import type * as TE from "fp-ts/TaskEither";
import { SiemAccount, SiemAccountArgs } from "../../provider";
import { Failure, describeFailure } from "../../provider/logzio/errors";
import { Settings } from "../../provider/config/settings";
import { EmulatorOptions, LogzioEmulator } from "../../emulator";
import { captureResources } from "../../testing/runner/providerCapture";
import { HostCallError, ProviderHost, urnFor } from "../../testing/runner/hostDriver";

export const REPO_ROOT = path.resolve(__dirname, "..", "..", "..");
export const SIEM_TYPE = "pulumi-nodejs:dynamic/logzio:SiemAccount";

let cachedProvider: string | undefined;

/** The `__provider` text of a SiemAccount, serialized by Pulumi under runtime mocks. */
export async function serializedProvider(): Promise<string> {
    if (cachedProvider === undefined) {
        const [res] = await captureResources(() => {
            new SiemAccount("probe", { accountName: "probe", email: "probe@example.com" });
        });
        expect(res.type).to.equal(SIEM_TYPE);
        cachedProvider = String(res.inputs.__provider);
    }
    return cachedProvider;
}

/** An emulator with a random token, so a leak of it anywhere is a leak a test can find. */
export function startEmulator(opts: EmulatorOptions = {}): Promise<LogzioEmulator> {
    return LogzioEmulator.start({ token: `tok-${randomUUID()}`, ...opts });
}

/**
 * Mocha hooks for one emulator shared by a describe block: started before it, closed after it, and before
 * each test emptied and given back its start-up behaviour (no latency, Logz.io's in-flight limit of 100, no provisioning delay).
 */
export function emulatorPerSuite(opts: EmulatorOptions, use: (emulator: LogzioEmulator) => void): void {
    let emulator: LogzioEmulator | undefined;
    before(async () => {
        emulator = await LogzioEmulator.start(opts);
        use(emulator);
    });
    after(async () => {
        await emulator?.close();
    });
    beforeEach(() => {
        emulator!.reset();
        emulator!.setLatency(0);
        emulator!.setMaxInFlight(undefined);
        emulator!.setProvisioningMs(0);
        emulator!.setClockSkew(0);
        emulator!.setSendDate(true);
    });
}

/** Settings for a client or provider pointed at an emulator, fast to retry; tests override what they exercise. */
export function testSettings(emulator: LogzioEmulator, over: Partial<Settings> = {}): Settings {
    return {
        namespace: "logzio",
        apiUrl: emulator.url,
        apiToken: emulator.token,
        maxConcurrency: 5,
        maxRetries: 3,
        requestTimeoutMs: 5000,
        retryBaseMs: 5,
        maxBackoffMs: 20,
        provisioningGraceMs: 15 * 60_000,
        tokenCheckMs: 5000,
        ...over,
    };
}

/** The environment without any LOGZIO_* variable, so only what a test configures is used. */
export function envWithoutLogzio(extra: Record<string, string> = {}): Record<string, string | undefined> {
    const env: Record<string, string | undefined> = {};
    for (const k of Object.keys(process.env)) if (k.startsWith("LOGZIO_")) env[k] = undefined;
    return { ...env, ...extra };
}

export interface HostSetup {
    cwd?: string;
    /** Stack config beyond the emulator's URL and token (token sent as a secret, as `--secret` does). */
    config?: Record<string, string>;
    env?: Record<string, string>;
    /** Leave out the default customApiUrl/apiToken config. */
    bare?: boolean;
}

export async function startHost(emulator: LogzioEmulator | undefined, setup: HostSetup = {}): Promise<ProviderHost> {
    const host = await ProviderHost.start({ cwd: setup.cwd ?? REPO_ROOT, env: envWithoutLogzio(setup.env) });
    const base: Record<string, string> =
        setup.bare || !emulator ? {} : { "logzio:customApiUrl": emulator.url, "logzio:apiToken": emulator.token };
    const config = { ...base, ...setup.config };
    await host.configure(
        config,
        Object.keys(config).filter((k) => /apiToken$/.test(k)),
    );
    return host;
}

/**
 * A host-level suite's fixtures: the serialized shim, an emulator started with `emulatorOptions` (one for the suite,
 * reset before each test; or a new one per test) handed to `use`, and the returned `host(setup)`, which starts a
 * provider host on that emulator and stops it with the emulator.
 */
export function hostFixtures(
    per: "suite" | "test",
    use: (fixtures: { provider: string; emulator: LogzioEmulator }) => void,
    emulatorOptions: EmulatorOptions = {},
): (setup?: HostSetup) => Promise<ProviderHost> {
    const hosts: ProviderHost[] = [];
    let provider = "";
    let emulator: LogzioEmulator | undefined;
    const stopAll = async () => {
        await Promise.all(hosts.splice(0).map((h) => h.stop()));
        await emulator?.close();
    };
    const start = async () => {
        emulator = await startEmulator(emulatorOptions);
        use({ provider, emulator });
    };
    before(async () => {
        provider = await serializedProvider();
        if (per === "suite") await start();
    });
    beforeEach(async () => (per === "test" ? start() : emulator!.reset()));
    if (per === "test") afterEach(stopAll);
    else after(stopAll);
    return async (setup = {}) => {
        const h = await startHost(emulator, setup);
        hosts.push(h);
        return h;
    };
}

/** check then create, as the engine does for a new resource; fails on check failures. */
export async function createVia(
    host: ProviderHost,
    provider: string,
    name: string,
    args: Record<string, unknown>,
): Promise<{ id: string; properties: Record<string, unknown> }> {
    const urn = urnFor(name);
    const checked = await host.check(urn, {}, { __provider: provider, ...args });
    expect(checked.failures, `check failures for ${name}`).to.deep.equal([]);
    return host.create(urn, checked.inputs);
}

/** The error a host call rejected with (fails the test when it did not reject). */
export async function hostError(call: Promise<unknown>): Promise<HostCallError> {
    try {
        await call;
    } catch (e) {
        expect(e).to.be.instanceOf(HostCallError);
        return e as HostCallError;
    }
    throw new Error("expected the host call to fail, but it succeeded");
}

export type { SiemAccountArgs };

/** A second loopback server that answers 200 to anything and records what it received (headers and body). */
export interface Recorder {
    url: string;
    host: string;
    received: { method: string; url: string; headers: Record<string, unknown>; body: string }[];
    close(): Promise<void>;
}

export async function startRecorder(): Promise<Recorder> {
    const received: Recorder["received"] = [];
    const server = http.createServer((req, res) => {
        let body = "";
        req.on("data", (c: Buffer) => (body += c.toString("utf8")));
        req.on("end", () => {
            received.push({ method: req.method ?? "", url: req.url ?? "", headers: { ...req.headers }, body });
            res.writeHead(200, { "content-type": "application/json" });
            // What a hostile host would answer: an account id and a list that lacks every real account.
            res.end(req.method === "POST" ? '{"accountId":666,"accountName":"evil"}' : "[]");
        });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const port = (server.address() as AddressInfo).port;
    return {
        url: `http://127.0.0.1:${port}`,
        host: `127.0.0.1:${port}`,
        received,
        close: () =>
            new Promise<void>((resolve) => {
                server.closeAllConnections();
                server.close(() => resolve());
            }),
    };
}

/** Waits (up to `withinMs`) until the emulator has no request in flight: a stalled answer keeps one until its socket is gone. */
export async function settledInFlight(emulator: LogzioEmulator, withinMs = 3000): Promise<number> {
    const until = Date.now() + withinMs;
    while (emulator.stats.inFlight > 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
    return emulator.stats.inFlight;
}

/** The value of a task expected to succeed; its failure, described, otherwise. */
export async function right<A>(task: TE.TaskEither<Failure, A>): Promise<A> {
    const result = await task();
    if (E.isLeft(result)) throw new Error(`expected success, got: ${describeFailure(result.left)}`);
    return result.right;
}

/** The failure of a task expected to fail. */
export async function left<A>(task: TE.TaskEither<Failure, A>): Promise<Failure> {
    const result = await task();
    if (E.isRight(result)) throw new Error(`expected a failure, got: ${JSON.stringify(result.right)}`);
    return result.left;
}
