// Adoption (existingAccountId) through Pulumi's real dynamic-provider host: an existing SIEM account is taken without
// a POST and managed from then on; an unknown id, a non-SIEM account and a SIEM account of another name are refused,
// saying what to set instead.
import { expect } from "chai";
import { LogzioEmulator } from "../../emulator";
import { ProviderHost } from "../../testing/runner/hostDriver";
import { OWNER_ID, lifecycleHosts } from "../helpers/lifecycleHosts";
import { hostError } from "../helpers/support";

describe("adoption through the host: existingAccountId", function () {
    const lc = lifecycleHosts(1);
    let emulator: LogzioEmulator;
    let host: ProviderHost;
    before(() => ({ emulator, host } = lc));
    const { uniqueName, seedId, lists, posts, freshHost, up, seed, refresh, diffAgainst } = lc;

    describe("adoption: existingAccountId", () => {
        it("adopts an existing SIEM account without a POST, and manages it from then on", async () => {
            const name = uniqueName("adopt");
            const existing = seed(name);
            const h = await freshHost();

            const m = await up(h, "adopt", { accountName: name, email: "adopt@example.com", existingAccountId: existing.accountId });

            expect(m.id).to.equal(String(existing.accountId));
            expect(m.outs).to.include({
                accountId: existing.accountId,
                accountName: name,
                email: "adopt@example.com",
                existingAccountId: existing.accountId,
            });
            expect(posts(), "no POST").to.equal(0);
            expect(lists()).to.equal(1);
            expect(emulator.siemAccounts()).to.have.length(1);

            // Refresh finds it; the unchanged program is no change; destroy refuses while it is live.
            expect((await refresh(h, m)).properties).to.deep.equal(m.outs);
            const d = await diffAgainst(h, m, m.outs, {
                accountName: name,
                email: "adopt@example.com",
                existingAccountId: existing.accountId,
            });
            expect(d.changes).to.equal("none");
            const err = await hostError(h.delete(m.id, m.urn, m.outs));
            expect(err.message).to.include(`SIEM account ${m.id} ("${name}")`);
            expect(posts()).to.equal(0);
            expect(emulator.siemAccounts()).to.have.length(1);
        });

        it("an unknown id fails clearly, without a POST", async () => {
            const unknownId = seedId(); // never added: no account has it
            const err = await hostError(
                up(host, "adopt-unknown", {
                    accountName: uniqueName("adopt-unknown"),
                    email: "u@example.com",
                    existingAccountId: unknownId,
                }),
            );
            expect(err.message).to.include(`existingAccountId ${unknownId}`).and.include("no account with that id");
            expect(err.message).to.include("Settings > Manage accounts");
            expect(posts()).to.equal(0);
            expect(lists()).to.be.at.most(1);
            expect(emulator.siemAccounts()).to.have.length(0);
        });

        it("a non-SIEM account (the main account) fails, naming its type", async () => {
            const err = await hostError(
                up(host, "adopt-owner", { accountName: "main-account", email: "o@example.com", existingAccountId: OWNER_ID }),
            );
            expect(err.message).to.include(`existingAccountId ${OWNER_ID}`).and.include("OWNER_ACCOUNT").and.include("not a SIEM account");
            expect(posts()).to.equal(0);
            expect(emulator.siemAccounts()).to.have.length(0);
        });

        it("a SIEM account with another name fails, naming both names", async () => {
            const real = await up(host, "adopt-real", { accountName: uniqueName("adopt-real"), email: "r@example.com" });
            const realName = String(real.outs.accountName);
            const wrong = uniqueName("adopt-wrong");
            const err = await hostError(
                up(host, "adopt-wrong", { accountName: wrong, email: "r@example.com", existingAccountId: Number(real.id) }),
            );
            expect(err.message).to.include(`existingAccountId ${real.id}`).and.include(`"${realName}"`).and.include(`"${wrong}"`);
            expect(err.message, "tells the name to use").to.include(`Set accountName: "${realName}"`);
            expect(posts()).to.equal(1);
            expect(emulator.siemAccounts()).to.have.length(1);
        });
    });
});
