// The fixture of the host-level fault suites (createFaults, errorBodies, listFaults): one emulator and two hosts of
// Pulumi's real dynamic-provider host over gRPC, started once per suite, and the checks those suites share. Each test
// checks how many accounts exist afterwards and how many requests reached Logz.io, so a retry that duplicates an
// account or a lookup that is skipped shows up as a count.
//
// A host asks Logz.io who its main account is once (GET /v2/whoami) and keeps the answer; one throwaway create per
// host before each test makes sure that is done, so the request sequences the tests expect are exact.
import * as net from "node:net";
import { expect } from "chai";
import { LogzioEmulator, ROUTES } from "../../emulator";
import { HostCallError, ProviderHost } from "../../testing/runner/hostDriver";
import { createVia, serializedProvider, startEmulator, startHost } from "./support";

export const CREATE = ROUTES.create;
export const LIST = ROUTES.list;
export const OWNER_ID = 100000;

/** A port nothing listens on: connections to it are refused before any request is sent. */
async function closedPort(): Promise<number> {
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as net.AddressInfo;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    return port;
}

/**
 * Registers a suite's hooks and returns its fixtures. The hosts, the emulator and the provider are set by the suite's
 * `before`: read them in tests, through the returned object (`fx.host`, `fx.emulator`); the helpers may be taken at once.
 */
export function faultHosts() {
    const fx = {
        provider: "",
        emulator: undefined as unknown as LogzioEmulator,
        /**
         * Short budget (3 s, so one attempt times out after 1 s), fast backoff, default maxRetries (5), and
         * logzio-siem:provisioningGraceMinutes 0 ("Logz.io lists a new account at once", as this emulator does by
         * default): a lookup that misses the account may repeat the POST. The namespace logzio-down points at a port
         * that refuses every connection.
         */
        host: undefined as unknown as ProviderHost,
        /** logzio-siem:maxRetries 2 (three attempts at most) and the default provisioningGraceMinutes (15). */
        tight: undefined as unknown as ProviderHost,
    };
    let seq = 0;

    const helpers = {
        /** A number not used before in this suite: account names never collide. */
        nextSeq: () => ++seq,
        args: (tag: string) => ({
            accountName: `res-${tag}-${++seq}`,
            email: `${tag}@example.com`,
            accountsToScan: [OWNER_ID],
            isUsingRepositoryAccount: true,
        }),
        posts: () => fx.emulator.requests.filter((r) => `${r.method} ${r.path}` === CREATE),
        counts: () => ({
            posts: fx.emulator.count(CREATE),
            lists: fx.emulator.count(LIST),
            accounts: fx.emulator.siemAccounts().length,
        }),
        /** Every attempt carried the whole body, not an empty or partial one. */
        expectFullBodies: (sent: Record<string, unknown>) => {
            for (const p of helpers.posts()) expect(p.body, "body of every POST attempt").to.deep.equal(sent);
        },
        /** Exactly one account, named as asked, and its id is the one Pulumi got. */
        expectOneAccount: (created: { id: string; properties: Record<string, unknown> }, name: string) => {
            const accounts = fx.emulator.siemAccounts();
            expect(accounts.map((a) => a.accountName)).to.deep.equal([name]);
            expect(created.id).to.equal(String(accounts[0].accountId));
            expect(created.properties.accountId).to.equal(accounts[0].accountId);
            expect(created.properties.accountName).to.equal(name);
        },
        /** What happened on the first line, at most one line of advice after it, whole sentences, no token, and the text a person needs. */
        expectClearError: (err: HostCallError, ...parts: (string | RegExp)[]) => {
            const lines = err.details.split("\n");
            expect(lines.length, "what happened, then what to do").to.be.within(1, 2);
            for (const line of lines) expect(line, "a sentence").to.match(/\S[.!?]$/);
            expect(err.details).to.not.include(fx.emulator.token);
            for (const p of parts) {
                if (typeof p === "string") expect(err.details).to.include(p);
                else expect(err.details).to.match(p);
            }
        },
        /** One throwaway create per host, so each host has asked who its main account is (see the opening comment). */
        async learnMainAccount(): Promise<void> {
            fx.emulator.reset();
            for (const h of [fx.host, fx.tight])
                await createVia(h, fx.provider, "flush", { accountName: `flush-${++seq}`, email: "flush@example.com" });
        },
    };

    before(async function () {
        this.timeout(120_000);
        fx.provider = await serializedProvider();
        fx.emulator = await startEmulator();
        const down = `http://127.0.0.1:${await closedPort()}`;
        [fx.host, fx.tight] = await Promise.all([
            startHost(fx.emulator, {
                config: {
                    "logzio-siem:retryBaseMs": "5",
                    "logzio-siem:requestTimeoutSeconds": "3",
                    "logzio-siem:provisioningGraceMinutes": "0",
                    // A second namespace whose API refuses every connection.
                    "logzio-down:customApiUrl": down,
                    "logzio-down:apiToken": fx.emulator.token,
                    "logzio-down:retryBaseMs": "5",
                    "logzio-down:maxRetries": "2",
                },
            }),
            startHost(fx.emulator, {
                config: { "logzio-siem:retryBaseMs": "5", "logzio-siem:maxRetries": "2", "logzio-siem:requestTimeoutSeconds": "10" },
            }),
        ]);
    });
    after(async () => {
        await Promise.all([fx.host?.stop(), fx.tight?.stop()]);
        await fx.emulator?.close();
    });
    beforeEach(async () => {
        fx.emulator.setProvisioningMs(0);
        await helpers.learnMainAccount();
        fx.emulator.reset();
    });
    afterEach(() => {
        for (const h of [fx.host, fx.tight]) expect(h.stdout() + h.stderr(), "host output").to.not.include(fx.emulator.token);
    });

    return Object.assign(fx, helpers);
}
