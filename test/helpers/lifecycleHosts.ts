// The fixtures of the host-level lifecycle suites (refresh, every change replaces, delete, adoption, the duplicate
// guard across runs): one emulator whose every request and answer is checked against Logz.io's OpenAPI document after
// each test, three shared hosts (default grace, grace 0, grace 30), spare hosts that have not talked to Logz.io yet,
// and the engine's data flow as helpers:
//   check(olds inputs, program) -> create(checked inputs) -> outputs (+ __provider) become state;
//   diff(id, state, check(...).inputs); read(id, state, inputs) on refresh; delete(id, state).
//
// Every lookup asks for a list requested at or after the moment it was asked, so tests may share a host; a
// host asks Logz.io who its main account is once (GET /v2/whoami) and keeps the answer.
import { expect } from "chai";
import { EmulatedAccount, LogzioEmulator } from "../../emulator";
import { ProviderHost, urnFor } from "../../testing/runner/hostDriver";
import { contractChecker } from "./logzioContract";
import { serializedProvider, startEmulator, startHost } from "./support";

export type Obj = Record<string, unknown>;

export const CREATE = "POST /v2/account-management/siem";
export const LIST = "GET /v1/associated-accounts";
export const OWNER_ID = 100000;
export const LONG_AGO = "2024-01-02T03:04:05Z";
export const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000).toISOString().replace(/\.\d{3}Z$/, "Z");

/** What the engine keeps for a resource: its id, the outputs of create (state) and the checked inputs. */
export interface Managed {
    urn: string;
    id: string;
    outs: Obj;
    inputs: Obj;
}

/**
 * Registers a suite's hooks and returns its fixtures. The hosts and the emulator are set by the suite's `before`:
 * read them in the suite's own `before` or in tests (`before(() => ({ emulator, host } = lc))`); the helpers may be
 * taken at once. `spareHosts`: how many tests of the suite take a host of their own (`freshHost()`).
 */
export function lifecycleHosts(spareHosts: number) {
    const lc = {
        provider: "",
        emulator: undefined as unknown as LogzioEmulator,
        /** The default host: 15 minutes of provisioning grace. */
        host: undefined as unknown as ProviderHost,
        graceZero: undefined as unknown as ProviderHost,
        graceThirty: undefined as unknown as ProviderHost,
    };
    /** Checks what the provider sent and the emulator answered since the last test against Logz.io's spec. */
    let afterEachCheck: () => void = () => undefined;
    /** Hosts that have not talked to Logz.io yet, one per test that needs an empty list cache (started in the background). */
    const spare: Promise<ProviderHost>[] = [];
    const started: Promise<ProviderHost>[] = [];

    let serial = 0;
    let nextSeedId = 700_000;

    before(async function () {
        this.timeout(120_000);
        lc.provider = await serializedProvider();
        // Every request of these flows, and every answer, is checked against Logz.io's OpenAPI document after each test.
        lc.emulator = await startEmulator({ recordAnswers: true });
        afterEachCheck = contractChecker(lc.emulator);
        const shared = [
            startHost(lc.emulator),
            startHost(lc.emulator, { config: { "logzio-siem:provisioningGraceMinutes": "0" } }),
            startHost(lc.emulator, { config: { "logzio-siem:provisioningGraceMinutes": "30" } }),
        ];
        started.push(...shared);
        [lc.host, lc.graceZero, lc.graceThirty] = await Promise.all(shared);
        for (let i = 0; i < spareHosts; i++) {
            const h = startHost(lc.emulator);
            h.catch(() => undefined); // reported by the test that takes it
            spare.push(h);
            started.push(h);
        }
    });
    after(async () => {
        const hosts = await Promise.allSettled(started);
        await Promise.all(hosts.map((h) => (h.status === "fulfilled" ? h.value.stop() : undefined)));
        await lc.emulator?.close();
    });
    beforeEach(() => {
        lc.emulator.reset();
        lc.emulator.setProvisioningMs(0);
    });
    afterEach(() => lc.emulator.setProvisioningMs(0));
    afterEach(() => afterEachCheck());

    const helpers = {
        /** accountNames are unique across the suite: claims and cached lists of a shared host never collide. */
        uniqueName: (base: string) => `${base}-${++serial}`,
        /** Seeded ids never repeat (POSTs after a seed take seedId + 1.., hence the stride). */
        seedId: () => (nextSeedId += 1000),
        lists: () => lc.emulator.count(LIST),
        posts: () => lc.emulator.count(CREATE),

        async freshHost(): Promise<ProviderHost> {
            const h = spare.shift();
            if (!h) throw new Error("no spare host left: ask lifecycleHosts for another one");
            return h;
        },

        /** The engine's check for a program's args (olds = the previous inputs, if any). */
        async checked(h: ProviderHost, urn: string, args: Obj, oldInputs: Obj = {}): Promise<Obj> {
            const res = await h.check(urn, oldInputs, { __provider: lc.provider, ...args });
            expect(res.failures, "check failures").to.deep.equal([]);
            return res.inputs;
        },

        /** `pulumi up` of a new resource: check then create; the outputs are what state keeps. */
        async up(h: ProviderHost, resource: string, args: Obj): Promise<Managed> {
            const urn = urnFor(resource);
            const inputs = await helpers.checked(h, urn, args);
            const res = await h.create(urn, inputs);
            expect(res.properties.__provider, "create echoes __provider into state").to.equal(lc.provider);
            return { urn, id: res.id, outs: res.properties, inputs };
        },

        /** An account that exists in Logz.io since long ago (made by hand, or by an earlier run of the stack). */
        seed(accountName: string, extra: Partial<EmulatedAccount> = {}): EmulatedAccount {
            return lc.emulator.addAccount({
                accountId: helpers.seedId(),
                accountName,
                email: "seed@example.com",
                createdAt: LONG_AGO,
                ...extra,
            });
        },

        /** The state an earlier `pulumi up` would have stored for an account. */
        stateOf(a: EmulatedAccount, resource: string): Managed {
            const inputs = { __provider: lc.provider, accountName: a.accountName, email: a.email ?? "seed@example.com" };
            const outs = {
                ...inputs,
                accountId: a.accountId,
                accountsToScan: a.accountsToScan,
                isUsingRepositoryAccount: a.isUsingRepositoryAccount,
                createdAt: a.createdAt,
            };
            return { urn: urnFor(resource), id: String(a.accountId), outs, inputs };
        },

        refresh: (h: ProviderHost, m: Managed) => h.read(m.id, m.urn, m.outs, m.inputs),

        /** The engine's diff for a program run: news come from check. */
        async diffAgainst(h: ProviderHost, m: Managed, state: Obj, args: Obj) {
            return h.diff(m.id, m.urn, state, await helpers.checked(h, m.urn, args, m.inputs));
        },
    };
    return Object.assign(lc, helpers);
}
