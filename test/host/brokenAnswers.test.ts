// Logz.io's answers going wrong, through Pulumi's real dynamic-provider host against the emulator over loopback:
// stalled answers neither hang the host nor keep its sockets, redirects reach no other host, and an answer lost while
// Logz.io's list lags gives a message that claims only what is known.
import { expect } from "chai";
import { LogzioEmulator, ROUTES } from "../../emulator";
import { ProviderHost, urnFor } from "../../testing/runner/hostDriver";
import {
    Recorder,
    createVia,
    hostError,
    serializedProvider,
    settledInFlight,
    startEmulator,
    startHost,
    startRecorder,
} from "../helpers/support";

const CREATE = ROUTES.create;
const LIST = ROUTES.list;

describe("answers that stall, redirect or get lost, through the host", function () {
    this.timeout(60_000);
    let emulator: LogzioEmulator;
    let provider: string;
    let host: ProviderHost;
    let seq = 0;
    const name = (tag: string) => `hard-${tag}-${++seq}`;

    before(async () => {
        provider = await serializedProvider();
        emulator = await startEmulator();
        host = await startHost(emulator, {
            config: {
                "logzio-siem:maxConcurrency": "2",
                "logzio-siem:requestTimeoutSeconds": "3",
                "logzio-siem:retryBaseMs": "5",
            },
        });
    });
    after(async () => {
        await host?.stop();
        await emulator?.close();
    });
    beforeEach(() => {
        emulator.reset();
        emulator.setProvisioningMs(0);
    });
    afterEach(() => {
        expect(host.stdout() + host.stderr(), "the token is in no host log line").to.not.include(emulator.token);
    });

    it("stalled list bodies end within requestTimeoutSeconds, free their sockets, and the host serves the next request", async () => {
        const created = await createVia(host, provider, "kept", { accountName: name("kept"), email: "k@example.com" });
        emulator.injectFaults(LIST, ...Array.from({ length: 12 }, () => ({ kind: "slowBody" as const, stallAfterBytes: 4 })));
        // Two refreshes one after the other: each list request stalls after its first bytes, on both slots of the cap.
        for (let i = 0; i < 2; i++) {
            const started = Date.now();
            const err = await hostError(host.read(created.id, urnFor("kept"), { __provider: provider, ...created.properties }));
            expect(Date.now() - started, "bounded by requestTimeoutSeconds (3 s) plus a margin").to.be.below(5500);
            expect(err.message, err.message).to.include("GET /v1/associated-accounts failed");
            // The attempt's own limit, or the operation's, whichever ends first.
            expect(err.message).to.match(/did not arrive completely|time limit/);
        }
        expect(await settledInFlight(emulator), "every stalled socket was destroyed").to.equal(0);
        emulator.reset(); // the fault clears
        const next = await createVia(host, provider, "after", { accountName: name("after"), email: "a@example.com" });
        expect(emulator.siemAccounts().map((a) => String(a.accountId))).to.deep.equal([next.id]);
    });

    describe("redirects are never followed", () => {
        let recorder: Recorder;
        beforeEach(async () => (recorder = await startRecorder()));
        afterEach(async () => recorder.close());

        it("a 307 on the create POST: an error naming 307 and the host, nothing sent there, no id from it in state", async () => {
            emulator.injectFaults(CREATE, { kind: "redirect", status: 307, location: `${recorder.url}/v2/account-management/siem` });
            const err = await hostError(createVia(host, provider, "redir", { accountName: name("redir"), email: "r@example.com" }));
            expect(err.message).to.include("HTTP 307").and.include(`redirected to host ${recorder.host}`);
            expect(err.partialCreate).to.equal(undefined);
            expect(recorder.received).to.have.length(0);
            expect(emulator.siemAccounts()).to.have.length(0);
        });

        it("a 302 on the list during refresh: an error, never the other host's empty list as proof the account is gone", async () => {
            const created = await createVia(host, provider, "kept", { accountName: name("kept"), email: "k@example.com" });
            emulator.injectFaults(LIST, { kind: "redirect", status: 302, location: `${recorder.url}/v1/associated-accounts` });
            const err = await hostError(host.read(created.id, urnFor("kept"), { __provider: provider, ...created.properties }));
            expect(err.message).to.include("HTTP 302");
            expect(recorder.received).to.have.length(0);
        });
    });

    it("provisioningGraceMinutes 0 and a list that lags: the error says accounts may exist, not that none was created", async () => {
        const graceZero = await startHost(emulator, {
            config: {
                "logzio-siem:provisioningGraceMinutes": "0",
                "logzio-siem:retryBaseMs": "5",
                "logzio-siem:requestTimeoutSeconds": "10",
            },
        });
        try {
            emulator.setProvisioningMs(60_000);
            emulator.injectFaults(CREATE, ...Array.from({ length: 3 }, () => ({ kind: "statusAfterCommit" as const, status: 503 })));
            const err = await hostError(createVia(graceZero, provider, "lag", { accountName: name("lag"), email: "l@example.com" }));
            expect(emulator.siemAccounts()).to.have.length(3);
            expect(err.message).to.not.include("was not created");
            expect(err.message).to.include("up to 3 may exist").and.include("Settings > Manage accounts");
        } finally {
            await graceZero.stop();
        }
    });
});
