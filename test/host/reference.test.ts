// Read-only references: `SiemAccount.get(name, id)` (and the `id` resource option) make the engine call the
// provider's read with that id; these tests go through Pulumi's real dynamic-provider host, and through the
// testing kit (`runStack`) as a user's stack would.
import * as path from "node:path";
import { expect } from "chai";
import { SiemAccount } from "../../provider";
import { captureResources } from "../../testing/runner/providerCapture";
import { urnFor } from "../../testing/runner/hostDriver";
import { LogzioEmulator } from "../../emulator";
import { runStack, SIEM_ACCOUNT_TYPE } from "../../testing";
import { REPO_ROOT, hostError, startEmulator, startHost } from "../helpers/support";

const LONG_AGO = "2024-01-02T03:04:05Z";

describe("SiemAccount.get: read an existing account without managing it", function () {
    this.timeout(120_000);
    let emulator: LogzioEmulator;
    before(async () => (emulator = await startEmulator()));
    after(async () => emulator?.close());

    it("registers a read (not a create) with the id, and the host's read fills every output from the list", async () => {
        const existing = emulator.addAccount({ accountName: "soc-prod", createdAt: LONG_AGO, email: "soc@example.com" });
        const captured = await captureResources(() => {
            SiemAccount.get("ref", String(existing.accountId));
        });
        expect(captured).to.have.length(1);
        expect(captured[0].type).to.equal(SIEM_ACCOUNT_TYPE);
        const host = await startHost(emulator);
        try {
            const read = await host.read(String(existing.accountId), urnFor("ref"), captured[0].inputs);
            expect(read.id).to.equal(String(existing.accountId));
            const { __provider, ...outputs } = read.properties;
            expect(__provider).to.be.a("string");
            // Logz.io's list has id and name only: the rest is empty, never invented.
            expect(outputs).to.deep.equal({
                accountId: existing.accountId,
                accountName: "soc-prod",
                email: "",
                accountsToScan: [],
                isUsingRepositoryAccount: false,
                createdAt: "",
                // The owning main account, as for a managed account (GET /v2/whoami).
                mainAccountId: 100000,
                apiUrl: emulator.url,
            });
            expect(emulator.count("POST /v2/account-management/siem")).to.equal(0);
        } finally {
            await host.stop();
        }
    });

    it("echoes what the caller states, and reads the live name (a UI rename shows)", async () => {
        const existing = emulator.addAccount({ accountName: "soc-old", createdAt: LONG_AGO });
        emulator.renameAccount(existing.accountId, "soc-new");
        const captured = await captureResources(() => {
            new SiemAccount("ref2", { accountName: "soc-old", email: "soc@example.com" }, { id: String(existing.accountId) });
        });
        const host = await startHost(emulator);
        try {
            const read = await host.read(String(existing.accountId), urnFor("ref2"), captured[0].inputs);
            expect(read.properties).to.include({ accountId: existing.accountId, accountName: "soc-new", email: "soc@example.com" });
        } finally {
            await host.stop();
        }
    });

    it("an id listed as another type fails the read, saying so; an id not listed reads as gone", async () => {
        const sub = emulator.addAccount({ accountName: "logs", type: "SUB_ACCOUNT", createdAt: LONG_AGO });
        const captured = await captureResources(() => {
            SiemAccount.get("nope", String(sub.accountId));
        });
        const host = await startHost(emulator);
        try {
            const err = await hostError(host.read(String(sub.accountId), urnFor("nope"), captured[0].inputs));
            expect(err.message).to.include(`lists account ${sub.accountId} as "logs" of type SUB_ACCOUNT`);
            expect((await host.read("999999", urnFor("nope"), captured[0].inputs)).id).to.equal("");
        } finally {
            await host.stop();
        }
    });
});

describe("testing kit: runStack runs a user's stack against the emulator", function () {
    this.timeout(180_000);
    const program = path.join(REPO_ROOT, "test", "fixtures", "reference");

    it("creates the managed account, reads the referenced one, and returns outputs and resources", async () => {
        const emulator = await startEmulator();
        try {
            const existing = emulator.addAccount({ accountName: "soc-prod", createdAt: LONG_AGO });
            const result = await runStack({ program, emulator, config: { existingId: String(existing.accountId) } });
            const managed = emulator.siemAccounts().find((a) => a.accountName === "kit-managed")!;
            expect(result.outputs).to.deep.equal({
                managedId: managed.accountId,
                existingId: existing.accountId,
                existingName: "soc-prod",
                existingEmail: "",
                existingCreatedAt: "",
            });
            expect(result.siemAccounts.map((r) => [r.name, r.id])).to.have.deep.members([
                ["managed", String(managed.accountId)],
                ["existing", String(existing.accountId)],
            ]);
            expect(emulator.count("POST /v2/account-management/siem")).to.equal(1);
            expect(result.log + JSON.stringify(result.resources)).to.not.include(emulator.token);
        } finally {
            await emulator.close();
        }
    });

    it("fails with the provider's message when a SiemAccount cannot be created", async () => {
        const emulator = await startEmulator();
        try {
            const existing = emulator.addAccount({ accountName: "soc-prod", createdAt: LONG_AGO });
            emulator.addAccount({ accountName: "kit-managed", createdAt: LONG_AGO });
            const failure = await runStack({ program, emulator, config: { existingId: String(existing.accountId) } }).then(
                () => "",
                (e: Error) => e.message,
            );
            expect(failure).to.include(`a SIEM account named "kit-managed" already exists`);
            expect(failure).to.not.include(emulator.token);
        } finally {
            await emulator.close();
        }
    });
});
