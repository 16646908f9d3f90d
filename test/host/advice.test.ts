// What the provider host learns in one run, and the advice it gives with it, through Pulumi's real dynamic-provider
// host against the emulator: a replacement is announced at its diff with the ways that keep the account; a resource
// leaving the program whose account another resource keeps leaves quietly; a resource's own delete is still refused.
import { expect } from "chai";
import { LogzioEmulator, ROUTES } from "../../emulator";
import { urnFor } from "../../testing/runner/hostDriver";
import { hostFixtures, createVia, hostError } from "../helpers/support";

type Obj = Record<string, unknown>;

describe("advice: what one run of the host knows, and the ways that keep an account", function () {
    this.timeout(60_000);
    let provider: string;
    let emulator: LogzioEmulator;
    const freshHost = hostFixtures("suite", (f) => ({ provider, emulator } = f));
    /** The state as the engine hands it back: the same values, keys in another order. */
    const reordered = (o: Obj): Obj =>
        Object.fromEntries(
            Object.entries(o)
                .reverse()
                .map(([k, v]) => [k, typeof v === "object" && v !== null && !Array.isArray(v) ? reordered(v as Obj) : v]),
        );

    it("a planned replacement is announced at its diff, with the revert first; the delete's refusal leads with it too", async () => {
        const h = await freshHost();
        const args = { accountName: "advice-replace", email: "a@example.com" };
        const created = await createVia(h, provider, "replaced", args);
        const urn = urnFor("replaced");
        const news = { __provider: provider, ...args, email: "b@example.com" };
        const checked = await h.check(urn, { __provider: provider, ...args }, news);
        const before = h.stderr().length;
        const d = await h.diff(created.id, urn, created.properties, checked.inputs);
        expect(d.replaces).to.deep.equal(["email"]);
        // This driver is no engine: the warning goes to the host's stderr, which the engine also shows.
        // The host's stderr reaches this process after the gRPC answer: wait for it (up to 10 s).
        const until = Date.now() + 10_000;
        while (!h.stderr().slice(before).includes("is planned for replacement") && Date.now() < until)
            await new Promise((r) => setTimeout(r, 20));
        const warned = h.stderr().slice(before);
        expect(warned).to.include(`warning: SIEM account ${created.id} ("advice-replace") is planned for replacement (email changed)`);
        expect(warned).to.include('To keep it, revert email to "a@example.com" in the program');

        const err = await hostError(h.delete(created.id, urn, reordered(created.properties)));
        const keep = err.message.indexOf('To keep it, revert email to "a@example.com"');
        expect(keep).to.be.greaterThan(-1);
        expect(err.message.indexOf("Delete it in the Logz.io UI")).to.be.greaterThan(keep);
        expect(emulator.siemAccounts()).to.have.length(1);
    });

    it("a resource leaving the program whose account another resource adopted leaves quietly; its own delete is refused", async () => {
        // An earlier run created the account as "old".
        const earlier = await freshHost();
        const old = await createVia(earlier, provider, "old", { accountName: "advice-moved", email: "m@example.com" });
        const id = Number(old.id);

        // This run: "new" adopts it (the guard's adopt line followed), then the engine deletes "old", last.
        const h = await freshHost();
        const adopted = await createVia(h, provider, "new", { accountName: "advice-moved", email: "m@example.com", existingAccountId: id });
        expect(adopted.id).to.equal(old.id);
        await h.delete(old.id, urnFor("old"), reordered(old.properties));
        expect(emulator.siemAccounts().map((a) => a.accountId)).to.deep.equal([id]);
        expect(emulator.count(ROUTES.create)).to.equal(1);

        // The adopting resource's own state is not "another resource": deleting it is refused as ever.
        const err = await hostError(h.delete(adopted.id, urnFor("new"), reordered(adopted.properties)));
        expect(err.message).to.include(`SIEM account ${id} ("advice-moved") still exists`);
    });

    it("a resource created in this run and deleted in it is refused, whatever key order the engine hands back", async () => {
        const h = await freshHost();
        const created = await createVia(h, provider, "once", { accountName: "advice-once", email: "o@example.com" });
        const err = await hostError(h.delete(created.id, urnFor("once"), reordered(created.properties)));
        expect(err.message).to.include("still exists");
        // The program ran (a check was seen): a resource leaving it may have been renamed, and retainOnDelete keeps it.
        expect(err.message.indexOf("aliases")).to.be.within(0, err.message.indexOf("Delete it in the Logz.io UI") - 1);
        expect(err.message).to.include("retainOnDelete: true");
    });
});
