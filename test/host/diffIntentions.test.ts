// Diff compares what the program asks for with what it asked for before, never with what Logz.io stored: Logz.io's
// default accountsToScan, a list it adds the main account to, a name it stores in another case or trimmed plan no
// replacement, and a refresh reports no drift; a rename in the UI and a real change of the program still replace.
// Through Pulumi's real dynamic-provider host against the emulator, as the engine runs `up`, `refresh`, `up`.
import { expect } from "chai";
import { LogzioEmulator } from "../../emulator";
import { ProviderHost, urnFor } from "../../testing/runner/hostDriver";
import { hostFixtures, createVia } from "../helpers/support";

describe("diff compares intentions with intentions, through the host", function () {
    this.timeout(60_000);
    let emulator: LogzioEmulator;
    let provider: string;
    const host = hostFixtures("test", (f) => ({ provider, emulator } = f));

    /** check -> create -> read (a refresh) -> diff of the same program, as the engine runs `up`, `refresh`, `up`. */
    async function upRefreshUp(h: ProviderHost, name: string, args: Record<string, unknown>) {
        const urn = urnFor(name);
        const created = await createVia(h, provider, name, args);
        const { inputs } = await h.check(urn, {}, { __provider: provider, ...args });
        const diffAfterCreate = await h.diff(created.id, urn, created.properties, inputs);
        const read = await h.read(created.id, urn, created.properties);
        const diffAfterRefresh = await h.diff(created.id, urn, read.properties, inputs);
        return { created, read, diffAfterCreate, diffAfterRefresh };
    }

    it("an empty accountsToScan stored as [main] (Logz.io's documented default) plans no replacement", async () => {
        const h = await host();
        const r = await upRefreshUp(h, "scan-empty", { accountName: "scan-empty", email: "s@example.com", accountsToScan: [] });
        expect(emulator.siemAccounts()[0].accountsToScan).to.deep.equal([100000]);
        expect(r.created.properties.accountsToScan).to.deep.equal([100000]);
        expect(r.created.properties.requested).to.deep.include({ accountsToScan: [] });
        expect(r.diffAfterCreate.changes).to.equal("none");
        expect(r.diffAfterRefresh.changes).to.equal("none");
    });

    it("a list Logz.io adds the main account to plans no replacement (reading addsMain)", async () => {
        emulator.setScanReading("addsMain");
        const sub = emulator.addAccount({ accountName: "logs", type: "SUB_ACCOUNT" });
        const h = await host();
        const r = await upRefreshUp(h, "scan-adds", {
            accountName: "scan-adds",
            email: "s@example.com",
            accountsToScan: [sub.accountId],
        });
        expect(emulator.siemAccounts()[0].accountsToScan).to.have.members([100000, sub.accountId]);
        expect(r.diffAfterCreate.changes).to.equal("none");
        expect(r.diffAfterRefresh.changes).to.equal("none");
    });

    it("a name stored in another case plans no replacement, and a refresh reports no drift", async () => {
        emulator.setNameNormalisation(["trim", "collapse", "lowercase"]);
        const h = await host();
        const r = await upRefreshUp(h, "cased", { accountName: "Prod-Siem", email: "s@example.com" });
        expect(emulator.siemAccounts()[0].accountName).to.equal("prod-siem");
        expect(r.created.properties).to.include({ accountName: "prod-siem", storedName: "prod-siem" });
        expect(r.diffAfterCreate.changes).to.equal("none");
        expect(r.read.inputs, "no drift: the inputs stay the program's").to.equal(undefined);
        expect(r.diffAfterRefresh.changes).to.equal("none");
    });

    it("a name with spaces already in state stays accepted and stable when Logz.io trimmed it", async () => {
        emulator.setNameNormalisation(["trim", "collapse"]);
        const h = await host();
        const urn = urnFor("spaced");
        const args = { accountName: " spaced  name ", email: "s@example.com" };
        // Created by an older version (no check refusal then): create takes the inputs as they are.
        const created = await h.create(urn, { __provider: provider, ...args });
        expect(created.properties.accountName).to.equal("spaced name");
        const checked = await h.check(urn, { __provider: provider, ...args }, { __provider: provider, ...args });
        expect(checked.failures).to.deep.equal([]);
        expect((await h.diff(created.id, urn, created.properties, checked.inputs)).changes).to.equal("none");
    });

    it("drift (a rename in the UI) is a replacement that names accountName, and read hands the engine the live name", async () => {
        const h = await host();
        const args = { accountName: "drift-me", email: "s@example.com" };
        const urn = urnFor("drift");
        const created = await createVia(h, provider, "drift", args);
        emulator.renameAccount(Number(created.id), "renamed-in-ui");
        const read = await h.read(created.id, urn, created.properties);
        expect(read.properties.accountName).to.equal("renamed-in-ui");
        expect(read.inputs).to.deep.include({ accountName: "renamed-in-ui", email: "s@example.com" });
        const { inputs } = await h.check(urn, {}, { __provider: provider, ...args });
        const diff = await h.diff(created.id, urn, read.properties, inputs);
        expect(diff.replaces).to.deep.equal(["accountName"]);
        // A program that takes the UI's name is no change.
        const taken = await h.check(urn, {}, { __provider: provider, ...args, accountName: "renamed-in-ui" });
        expect((await h.diff(created.id, urn, read.properties, taken.inputs)).changes).to.equal("none");
    });

    it("a real change of the program still replaces", async () => {
        const h = await host();
        const r = await upRefreshUp(h, "changed", { accountName: "changed", email: "old@example.com", accountsToScan: [] });
        const { inputs } = await h.check(urnFor("changed"), {}, { __provider: provider, accountName: "changed", email: "new@example.com" });
        expect((await h.diff(r.created.id, urnFor("changed"), r.read.properties, inputs)).replaces).to.deep.equal(["email"]);
    });
});
