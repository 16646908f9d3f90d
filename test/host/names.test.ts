// Names (issue 22): one account per name per main account whatever the tokens, one Unicode identity for names in every
// comparison, accountName refusals a person can act on, messages that keep their adopt line and never offer an account
// the stack manages, and the journal of creates whose outcome this machine never learned. Through Pulumi's real
// dynamic-provider host against the emulator, except the key's property over every code point.
import { promises as fs } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { expect } from "chai";
import { LogzioEmulator } from "../../emulator";
import { nameKey, sameName } from "../../provider/lifecycle/names";
import { ProviderHost, urnFor } from "../../testing/runner/hostDriver";
import { HostSetup, createVia, hostError, serializedProvider, startEmulator, startHost } from "../helpers/support";

const LATE = 3_600_000; // Logz.io listing new accounts an hour late: the guard's list shows nothing

describe("names: one account per name, one identity for names, refusals that say what to fix", function () {
    this.timeout(60_000);
    let emulator: LogzioEmulator;
    let provider: string;
    const hosts: ProviderHost[] = [];
    const posts = () => emulator.count("create");

    before(async () => {
        provider = await serializedProvider();
    });
    beforeEach(async () => {
        emulator = await startEmulator({ otherTokens: ["second-token-of-the-main-account"] });
    });
    afterEach(async () => {
        await Promise.all(hosts.splice(0).map((h) => h.stop()));
        await emulator.close();
    });

    async function host(setup: HostSetup = {}): Promise<ProviderHost> {
        const h = await startHost(emulator, setup);
        hosts.push(h);
        return h;
    }

    const check = (h: ProviderHost, name: string, args: Record<string, unknown>, olds: Record<string, unknown> = {}) =>
        h.check(urnFor(name), olds, { __provider: provider, ...args });

    describe("A. claims belong to the main account whoami names, not to a token", () => {
        // Two namespaces reach one main account with two different tokens (both accepted by the emulator).
        const twoTokens = (e: LogzioEmulator) => ({
            "logzio-b:customApiUrl": e.url,
            "logzio-b:apiToken": "second-token-of-the-main-account",
        });

        it("the emulator: every token of its main account is accepted, and whoami names the one main account", async () => {
            emulator.addToken("third-token");
            const whoami = async (token: string) => {
                const res = await fetch(`${emulator.url}/v2/whoami`, { headers: { "X-API-TOKEN": token } });
                return { status: res.status, body: (await res.json()) as unknown };
            };
            const answers = await Promise.all([emulator.token, "second-token-of-the-main-account", "third-token"].map(whoami));
            expect(answers.map((a) => a.status)).to.deep.equal([200, 200, 200]);
            expect(new Set(answers.map((a) => JSON.stringify(a.body))).size).to.equal(1);
            expect((await whoami("not-a-token")).status).to.equal(401);
        });

        it("one name in two namespaces with two tokens of one main account, Logz.io listing late: one POST, the second refused", async () => {
            emulator.setProvisioningMs(LATE);
            const h = await host({ config: twoTokens(emulator) });
            const first = await createVia(h, provider, "in-a", { accountName: "shared-siem", email: "a@example.com" });
            const second = await check(h, "in-b", { accountName: "shared-siem", email: "b@example.com", configNamespace: "logzio-b" });
            expect(second.failures, "Logz.io does not list it yet: check cannot see it").to.deep.equal([]);
            const err = await hostError(h.create(urnFor("in-b"), second.inputs));
            expect(err.message).to.include(
                `"shared-siem" is the name of SIEM account ${first.id}, which another resource of this stack manages`,
            );
            expect(err.message, "never offered for adoption: two resources would manage one account").to.not.include("existingAccountId");
            expect(posts()).to.equal(1);
            expect(emulator.siemAccounts()).to.have.length(1);
            expect(emulator.requestsTo("create")[0].token).to.equal(emulator.token);
        });

        it("the same, both creates at once: one POST, one account", async () => {
            emulator.setProvisioningMs(LATE);
            const h = await host({ config: twoTokens(emulator) });
            const inA = await check(h, "in-a", { accountName: "twin-siem", email: "a@example.com" });
            const inB = await check(h, "in-b", { accountName: "Twin-SIEM", email: "b@example.com", configNamespace: "logzio-b" });
            const results = await Promise.allSettled([h.create(urnFor("in-a"), inA.inputs), h.create(urnFor("in-b"), inB.inputs)]);
            expect(results.map((r) => r.status).sort()).to.deep.equal(["fulfilled", "rejected"]);
            const refused = results.find((r): r is PromiseRejectedResult => r.status === "rejected")!;
            expect(String(refused.reason.message)).to.match(/(creating accountName|another resource of this stack manages)/);
            expect(posts()).to.equal(1);
            expect(emulator.siemAccounts()).to.have.length(1);
        });
    });

    describe("B. one identity for names: NFKC, Unicode case folding, spaces", () => {
        it("every code point's key is its own key and that of its upper and lower case", () => {
            const bad: string[] = [];
            for (let cp = 0; cp <= 0x10ffff; cp++) {
                if (cp >= 0xd800 && cp <= 0xdfff) continue;
                const c = String.fromCodePoint(cp);
                const k = nameKey(c);
                if (nameKey(k) !== k || nameKey(c.toUpperCase()) !== k || nameKey(c.toLowerCase()) !== k) bad.push(cp.toString(16));
            }
            expect(bad).to.deep.equal([]);
        });

        // Names Unicode holds as one under case folding (and compatibility forms) that lower case alone keeps apart.
        const PAIRS: [string, string][] = [
            ["STRASSE-siem", "straße-siem"],
            ["ẞtrasse-siem", "sstrasse-siem"],
            ["ſecure-siem", "secure-siem"],
            ["ﬁnance-siem", "finance-siem"],
            ["Ｐｒｏｄ-siem", "prod-siem"],
        ];
        for (const [listed, asked] of PAIRS) {
            it(`"${asked}" finds the listed "${listed}": check, create guard and adoption agree`, async () => {
                expect(sameName(listed, asked)).to.equal(true);
                const existing = emulator.addAccount({ accountName: listed });
                const h = await host();
                const checked = await check(h, "dup", { accountName: asked, email: "d@example.com" });
                expect(checked.failures.map((f) => f.reason).join("\n")).to.include(`existingAccountId: ${existing.accountId},`);
                const err = await hostError(h.create(urnFor("dup"), { __provider: provider, accountName: asked, email: "d@example.com" }));
                expect(err.message).to.include(`existingAccountId: ${existing.accountId},`);
                expect(posts()).to.equal(0);
                const adopted = await createVia(h, provider, "adopt", {
                    accountName: asked,
                    email: "d@example.com",
                    existingAccountId: existing.accountId,
                });
                expect(adopted.id).to.equal(String(existing.accountId));
            });
        }

        it("two creates of names that fold to one, in one host: one POST", async () => {
            emulator.setProvisioningMs(LATE);
            const h = await host();
            const one = await check(h, "one", { accountName: "straße-ops", email: "o@example.com" });
            const two = await check(h, "two", { accountName: "STRASSE-OPS", email: "o@example.com" });
            const results = await Promise.allSettled([h.create(urnFor("one"), one.inputs), h.create(urnFor("two"), two.inputs)]);
            expect(results.map((r) => r.status).sort()).to.deep.equal(["fulfilled", "rejected"]);
            expect(posts()).to.equal(1);
        });

        it("a listed name Logz.io gives in another folding of the stored one is no drift: refresh and diff plan nothing", async () => {
            const h = await host();
            const created = await createVia(h, provider, "fold", { accountName: "straße-fold", email: "f@example.com" });
            emulator.renameAccount(Number(created.id), "STRASSE-FOLD");
            const read = await h.read(created.id, urnFor("fold"), created.properties);
            expect(read.inputs, "no drift inputs").to.equal(undefined);
            const { inputs } = await check(h, "fold", { accountName: "straße-fold", email: "f@example.com" }, created.properties);
            const diff = await h.diff(created.id, urnFor("fold"), read.properties, inputs);
            expect(diff.changes).to.equal("none");
        });
    });

    describe("C. refusals a person can act on", () => {
        const ROWS: { title: string; name: string; shows: string[] }[] = [
            {
                title: "a no-break space",
                name: "prod\u00a0siem",
                // The name as given, with the invisible character written out, so it can be seen in the message.
                shows: ['accountName "prod\\u00a0siem"', "U+00A0 (no-break space) at position 5", 'write it as "prod siem"'],
            },
            {
                title: "a zero-width space",
                name: "prod\u200bsiem",
                shows: ['accountName "prod\\u200bsiem"', "U+200B (zero-width space) at position 5", 'write it as "prodsiem"'],
            },
            { title: "a tab", name: "prod\tsiem", shows: ["U+0009 (tab) at position 5", 'write it as "prod siem"'] },
            { title: "an en dash", name: "prod\u2013siem", shows: ["U+2013 (en dash) at position 5", 'write it as "prod-siem"'] },
            {
                title: "a slash",
                name: "prod/siem",
                shows: ['accountName "prod/siem" may contain only letters', "U+002F (slash) at position 5"],
            },
            {
                title: "a decomposed accent (e + U+0301)",
                name: "Cafe\u0301-siem",
                shows: ["U+0301 at position 5", 'write it composed, "Café-siem" (é is U+00E9)'],
            },
        ];
        for (const row of ROWS) {
            it(`${row.title}: refused at check with its code point and the spelling to use, no HTTP call`, async () => {
                const h = await host();
                const { failures } = await check(h, "bad", { accountName: row.name, email: "b@example.com" });
                expect(failures.map((f) => f.property)).to.deep.equal(["accountName"]);
                for (const s of row.shows) expect(failures[0].reason).to.include(s);
                expect(emulator.requests).to.deep.equal([]);
            });
        }

        it("a very long listed name keeps the existingAccountId line, in check and in the create guard", async () => {
            const name = "n".repeat(3000);
            const existing = emulator.addAccount({ accountName: name });
            const h = await host();
            const { failures } = await check(h, "long", { accountName: name, email: "l@example.com" });
            expect(failures[0].reason).to.include(`existingAccountId: ${existing.accountId},`);
            const err = await hostError(h.create(urnFor("long"), { __provider: provider, accountName: name, email: "l@example.com" }));
            expect(err.message).to.include(`existingAccountId: ${existing.accountId},`);
            expect(posts()).to.equal(0);
        });

        describe("two resources of one stack swapping names", () => {
            async function swapStack() {
                const h = await host();
                const a = await createVia(h, provider, "a", { accountName: "alpha-siem", email: "a@example.com" });
                const b = await createVia(h, provider, "b", { accountName: "beta-siem", email: "b@example.com" });
                return { a, b };
            }

            it("preview: the first renamed resource's check never offers the other's account for adoption", async () => {
                const { a, b } = await swapStack();
                // A new `pulumi preview`: a new host, which has seen nothing of the stack yet.
                const h = await host();
                const news = { accountName: "beta-siem", email: "a@example.com" };
                const withOlds = await check(h, "a", news, { __provider: provider, accountName: "alpha-siem", email: "a@example.com" });
                expect(withOlds.failures).to.deep.equal([]);
                const diff = await h.diff(a.id, urnFor("a"), a.properties, withOlds.inputs);
                expect(diff.replaces).to.include("accountName");
                // The engine checks the replacement again, without olds.
                const recheck = await check(h, "a", news);
                const reason = recheck.failures.map((f) => f.reason).join("\n");
                expect(reason).to.include("being renamed").and.include(`accountId ${b.id}`);
                expect(reason).to.not.include("existingAccountId");
            });

            it("up: the create guard names the other resource's account as this stack's, with no adopt line, and sends no POST", async () => {
                const { a, b } = await swapStack();
                const before = posts();
                const h = await host();
                // The engine diffs the other resource (its state) before this one's replacement is created.
                await h.diff(b.id, urnFor("b"), b.properties, { ...b.properties, accountName: "alpha-siem" });
                emulator.deleteAccount(Number(a.id)); // A's old account, deleted in the UI so its replacement may go ahead
                emulator.advanceClock(20 * 60_000); // past its set-up grace: its absence is evidence
                await h.delete(a.id, urnFor("a"), a.properties);
                const err = await hostError(
                    h.create(urnFor("a"), { __provider: provider, accountName: "beta-siem", email: "a@example.com" }),
                );
                expect(err.message).to.include(`SIEM account ${b.id}, which another resource of this stack manages`);
                expect(err.message).to.not.include("existingAccountId");
                expect(posts()).to.equal(before);
            });
        });
    });

    describe("D. the journal of creates whose outcome is unknown", () => {
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
});
