// The journal of creates whose outcome this machine never learned (PULUMI_LOGZIO_SIEM_JOURNAL_DIR), through Pulumi's
// real dynamic-provider host against the emulator: a provider killed mid-POST or a CLI killed after its host made the
// account refuses the next run's create with no second POST; a record settles once Logz.io lists the account, once
// Pulumi hands the id back, or once it is older than the provisioning grace; an unwritable folder is said once.
import { promises as fs } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { expect } from "chai";
import { LogzioEmulator } from "../../emulator";
import { ProviderHost, urnFor } from "../../testing/runner/hostDriver";
import { HostSetup, createVia, hostError, hostFixtures } from "../helpers/support";

const LATE = 3_600_000; // Logz.io listing new accounts an hour late: the guard's list shows nothing

describe("the journal of creates whose outcome is unknown, through the host", function () {
    this.timeout(60_000);
    let emulator: LogzioEmulator;
    let provider: string;
    const host = hostFixtures("test", (f) => ({ provider, emulator } = f));
    const posts = () => emulator.count("create");

    const check = (h: ProviderHost, name: string, args: Record<string, unknown>, olds: Record<string, unknown> = {}) =>
        h.check(urnFor(name), olds, { __provider: provider, ...args });

    let journal: string;
    beforeEach(async () => {
        journal = await fs.mkdtemp(path.join(os.tmpdir(), "names-journal-"));
    });
    afterEach(async () => {
        await fs.rm(journal, { recursive: true, force: true });
    });
    const records = async () => (await fs.readdir(journal)).filter((f) => f.endsWith(".json"));
    const withJournal = (): HostSetup => ({ env: { PULUMI_LOGZIO_SIEM_JOURNAL_DIR: journal } });

    it("a provider killed mid-POST: the next run is refused while Logz.io does not list the account, with no second POST", async () => {
        emulator.setProvisioningMs(LATE);
        // Logz.io holds the POST, then creates the account although nobody is left to hear the answer.
        emulator.injectFaults("create", { kind: "delay", ms: 1500 });
        const first = await host(withJournal());
        const args = { accountName: "killed-siem", email: "k@example.com" };
        const { inputs } = await check(first, "killed", args);
        const pending = first.create(urnFor("killed"), inputs).catch(() => undefined);
        const until = Date.now() + 10_000;
        while (emulator.inFlightOn("create") === 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 10));
        expect(emulator.inFlightOn("create"), "the POST is in flight").to.equal(1);
        process.kill(first.pid, "SIGKILL");
        await pending;
        const created = Date.now() + 10_000;
        while (emulator.siemAccounts().length === 0 && Date.now() < created) await new Promise((r) => setTimeout(r, 20));
        expect(emulator.siemAccounts(), "created, not listed").to.have.length(1);
        expect(await records(), "written before the POST").to.have.length(1);

        const second = await host(withJournal());
        const err = await hostError(second.create(urnFor("killed"), (await check(second, "killed", args)).inputs));
        const [record] = await records();
        expect(err.message).to.include(`a create of SIEM account "killed-siem" under main account 100000 was sent from this machine`);
        expect(err.message).to.include("outcome is unknown").and.include(path.join(journal, record));
        expect(err.message).to.include("existingAccountId: <its id>");
        expect(posts(), "no second POST").to.equal(1);
        const text = await fs.readFile(path.join(journal, record), "utf8");
        expect(text, "no name and no token in the record").to.not.include("killed-siem").and.not.include(emulator.token);

        // Once Logz.io lists it, the ordinary duplicate guard answers, and the record has done its work.
        emulator.setProvisioningMs(0);
        const listed = await hostError(second.create(urnFor("killed"), (await check(second, "killed2", args)).inputs));
        expect(listed.message).to.include(`existingAccountId: ${emulator.siemAccounts()[0].accountId},`);
        expect(await records()).to.deep.equal([]);
        expect(posts()).to.equal(1);
    });

    it("a record older than the provisioning grace by Logz.io's clock is settled: the create goes ahead", async () => {
        // The POST never reached Logz.io's work (it hangs); the provider is killed meanwhile.
        emulator.injectFaults("create", { kind: "hang" });
        const first = await host(withJournal());
        const args = { accountName: "stale-siem", email: "s@example.com" };
        const pending = first.create(urnFor("stale"), (await check(first, "stale", args)).inputs).catch(() => undefined);
        const until = Date.now() + 10_000;
        while (emulator.inFlightOn("create") === 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 10));
        process.kill(first.pid, "SIGKILL");
        await pending;
        expect(await records()).to.have.length(1);
        expect(emulator.siemAccounts()).to.deep.equal([]);

        emulator.advanceClock(16 * 60_000); // past the default grace of 15 minutes: Logz.io would list it by now
        const second = await host(withJournal());
        const made = await createVia(second, provider, "stale", args);
        expect(emulator.siemAccounts().map((a) => String(a.accountId))).to.deep.equal([made.id]);
        expect(await records(), "only the new create's record, with its id").to.have.length(1);
        expect((await records())[0]).to.match(new RegExp(`-id${made.id}\\.json$`));
    });

    it("a killed CLI whose provider host made the account: the next run is refused naming it, with no second POST", async () => {
        // The host finished the create, but the engine that asked was gone and recorded nothing.
        emulator.setProvisioningMs(LATE);
        const first = await host(withJournal());
        const args = { accountName: "orphan-siem", email: "o@example.com" };
        const made = await createVia(first, provider, "orphan", args);
        expect(await records()).to.have.length(1);
        expect((await records())[0]).to.match(new RegExp(`-id${made.id}\\.json$`));

        const second = await host(withJournal());
        const err = await hostError(second.create(urnFor("orphan"), (await check(second, "orphan", args)).inputs));
        expect(err.message).to.include(`and made account ${made.id}`).and.include(`existingAccountId: ${made.id} to the resource args`);
        expect(posts(), "no second POST").to.equal(1);
    });

    it("a record of a create that made an account goes once Pulumi hands its id back; one that made none leaves none", async () => {
        const h = await host(withJournal());
        const made = await createVia(h, provider, "known", { accountName: "known-siem", email: "k@example.com" });
        expect(await records()).to.have.length(1);
        // The next run's refresh (or diff, or delete) comes with the id from state: Pulumi recorded it.
        const next = await host(withJournal());
        await next.read(made.id, urnFor("known"), made.properties);
        const until = Date.now() + 5000;
        while ((await records()).length > 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
        expect(await records()).to.deep.equal([]);
        emulator.injectFaults("create", { kind: "status", status: 400, body: '{"message":"no"}' });
        await hostError(createVia(h, provider, "refused", { accountName: "refused-siem", email: "r@example.com" }));
        expect(await records()).to.deep.equal([]);
        expect(posts()).to.equal(2);
    });

    it("an unwritable journal folder is said once, and creates go on", async () => {
        const file = path.join(journal, "a-file");
        await fs.writeFile(file, "");
        const h = await host({ env: { PULUMI_LOGZIO_SIEM_JOURNAL_DIR: path.join(file, "journal") } });
        await createVia(h, provider, "one", { accountName: "one-siem", email: "o@example.com" });
        await createVia(h, provider, "two", { accountName: "two-siem", email: "t@example.com" });
        expect(posts()).to.equal(2);
        const until = Date.now() + 5000;
        const said = "a create interrupted on this machine will not be remembered";
        while (!h.stderr().includes(said) && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
        expect(h.stderr().split(said), h.stderr()).to.have.length(2);
    });
});
