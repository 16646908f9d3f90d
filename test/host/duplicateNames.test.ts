// The duplicate guard: one account per name per main account, through Pulumi's real dynamic-provider host against the
// emulator. Whatever the token (claims belong to the main account whoami names), whatever the case, spacing or Unicode
// form (NFKC, Unicode case folding: check, the create guard and adoption agree), and refusals that keep their adopt
// line and never offer an account another resource of the stack manages. Across runs: after lost state, an account
// made in the UI, two concurrent creates, and refusals that name every account of the run Logz.io already lists.
import { expect } from "chai";
import { LogzioEmulator, ROUTES } from "../../emulator";
import { sameName } from "../../provider/lifecycle/names";
import { ProviderHost, urnFor } from "../../testing/runner/hostDriver";
import { Managed, lifecycleHosts } from "../helpers/lifecycleHosts";
import { createVia, hostError, hostFixtures } from "../helpers/support";

const LATE = 3_600_000; // Logz.io listing new accounts an hour late: the guard's list shows nothing

describe("duplicate guard: one account per name per main account, through the host", function () {
    this.timeout(60_000);
    let emulator: LogzioEmulator;
    let provider: string;
    const host = hostFixtures("test", (f) => ({ provider, emulator } = f), { otherTokens: ["second-token-of-the-main-account"] });
    const posts = () => emulator.count("create");

    const check = (h: ProviderHost, name: string, args: Record<string, unknown>, olds: Record<string, unknown> = {}) =>
        h.check(urnFor(name), olds, { __provider: provider, ...args });

    describe("whatever the token: claims belong to the main account whoami names", () => {
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

    describe("whatever the case, spacing or Unicode form (NFKC, Unicode case folding)", () => {
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

        for (const asked of ["Prod-Siem", " prod-siem ", "PROD-SIEM", "prod-siem  "]) {
            it(`refuses ${JSON.stringify(asked)} when "prod-siem" exists, without a POST`, async () => {
                const existing = emulator.addAccount({ accountName: "prod-siem" });
                const h = await host();
                // create as the engine sends it after state loss (check's spacing rule aside: create guards on its own).
                const err = await hostError(h.create(urnFor("dup"), { __provider: provider, accountName: asked, email: "s@example.com" }));
                expect(err.message).to.include(`already exists (accountId ${existing.accountId})`);
                expect(emulator.count(ROUTES.create)).to.equal(0);
                expect(emulator.siemAccounts()).to.have.length(1);
            });
        }

        it("two resources whose names differ only in case cannot both create in one host", async () => {
            const h = await host();
            const [a, b] = await Promise.allSettled([
                h.create(urnFor("a"), { __provider: provider, accountName: "Team-A", email: "a@example.com" }),
                h.create(urnFor("b"), { __provider: provider, accountName: "team-a", email: "b@example.com" }),
            ]);
            expect([a.status, b.status].sort()).to.deep.equal(["fulfilled", "rejected"]);
            expect(emulator.siemAccounts()).to.have.length(1);
        });

        it("adoption takes the account Logz.io holds in another case", async () => {
            const existing = emulator.addAccount({ accountName: "prod-siem" });
            const h = await host();
            const adopted = await createVia(h, provider, "adopt", {
                accountName: "Prod-Siem",
                email: "s@example.com",
                existingAccountId: existing.accountId,
            });
            expect(adopted.id).to.equal(String(existing.accountId));
        });
    });

    describe("refusals that keep the adopt line and never offer an account the stack manages", () => {
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
});

describe("the duplicate guard across runs: one accountName, one account, through the host", function () {
    const lc = lifecycleHosts(3);
    let provider: string;
    let emulator: LogzioEmulator;
    let host: ProviderHost;
    before(() => ({ provider, emulator, host } = lc));
    const { uniqueName, posts, lists, freshHost, up, seed } = lc;

    describe("duplicate guard: one accountName, one account", () => {
        it("after lost state a re-run is refused with the id and the existingAccountId line, which then adopts it", async () => {
            const name = uniqueName("lost");
            const args = { accountName: name, email: "lost@example.com" };
            const first = await up(host, "lost", args);
            expect(posts()).to.equal(1);

            // State is lost: a new `pulumi up` (a new host) creates the same resource again. Its check already
            // fails, so `pulumi preview` shows it; and the guard before the POST refuses it on its own too.
            const rerun = await freshHost();
            const urn = urnFor("lost");
            const check = await rerun.check(urn, {}, { __provider: provider, ...args });
            expect(check.failures.map((f) => f.reason).join("\n")).to.include(`"${name}" already exists (accountId ${first.id})`);
            const err = await hostError(rerun.create(urn, check.inputs));
            expect(err.message).to.include(`"${name}" already exists (accountId ${first.id})`);
            expect(err.message).to.include(`existingAccountId: ${first.id}`);
            expect(err.message).to.equal(`provider host create failed: ${check.failures[0].reason}`);
            expect(posts(), "no second POST").to.equal(1);
            expect(emulator.siemAccounts()).to.have.length(1);

            // The line the message offers adopts the account, still without a POST.
            const adopted = await up(rerun, "lost", { ...args, existingAccountId: Number(first.id) });
            expect(adopted.id).to.equal(first.id);
            expect(posts()).to.equal(1);
            expect(emulator.siemAccounts().map((a) => String(a.accountId))).to.deep.equal([first.id]);
        });

        it("an account of that name made in the UI blocks the create, in a host that never saw it", async () => {
            const name = uniqueName("handmade");
            const handmade = seed(name);
            const h = await freshHost();
            const urn = urnFor("handmade");
            const check = await h.check(urn, {}, { __provider: provider, accountName: name, email: "h@example.com" });
            expect(check.failures.map((f) => f.reason).join("\n")).to.include(`existingAccountId: ${handmade.accountId}`);
            // Past the check (the engine creates what it checked), the guard before the POST refuses on its own.
            const err = await hostError(h.create(urn, check.inputs));
            expect(err.message).to.include(`"${name}" already exists (accountId ${handmade.accountId})`);
            expect(err.message).to.include(`existingAccountId: ${handmade.accountId}`);
            expect(posts()).to.equal(0);
            // One list for the check, one requested after the create was asked for the guard.
            expect(lists()).to.equal(2);
            expect(emulator.siemAccounts()).to.have.length(1);
        });

        it("two concurrent creates of the same name in one host make one account", async () => {
            const name = uniqueName("twin");
            const args = { accountName: name, email: "twin@example.com" };
            const [one, two] = await Promise.allSettled([up(host, "twin-1", args), up(host, "twin-2", args)]);
            const ok = [one, two].filter((r): r is PromiseFulfilledResult<Managed> => r.status === "fulfilled");
            const failed = [one, two].filter((r): r is PromiseRejectedResult => r.status === "rejected");
            expect(ok).to.have.length(1);
            expect(failed).to.have.length(1);
            expect(String(failed[0].reason.message)).to.include(`"${name}"`);
            expect(posts()).to.equal(1);
            expect(emulator.siemAccounts().map((a) => [String(a.accountId), a.accountName])).to.deep.equal([[ok[0].value.id, name]]);
        });

        it("each refusal names the other accounts of the run that Logz.io already lists, so one round adopts them all", async () => {
            const names = [uniqueName("round-a"), uniqueName("round-b")];
            const h = await freshHost();
            // Both pass their checks (Logz.io lists neither yet); then both are made in the UI before the creates.
            const checked = await Promise.all(
                names.map((n, i) => h.check(urnFor(`round-${i}`), {}, { __provider: provider, accountName: n, email: "r@example.com" })),
            );
            for (const c of checked) expect(c.failures).to.deep.equal([]);
            const [a, b] = names.map((n) => seed(n));
            const first = await hostError(h.create(urnFor("round-0"), checked[0].inputs));
            expect(first.message).to.include(`existingAccountId: ${a.accountId}`).and.not.include(String(b.accountId));
            const second = await hostError(h.create(urnFor("round-1"), checked[1].inputs));
            const [happened, advice] = second.message.split("\n");
            expect(happened).to.include(`"${names[1]}" already exists (accountId ${b.accountId})`);
            // The advice names the one found before it too, with the line that adopts it.
            expect(advice).to.include(`existingAccountId: ${b.accountId}`).and.include(`"${names[0]}" (existingAccountId: ${a.accountId})`);
            expect(posts()).to.equal(0);
        });

        it("a second resource with an accountName this host already created is refused, no second POST", async () => {
            const name = uniqueName("again");
            await up(host, "again-1", { accountName: name, email: "a@example.com" });
            const first = emulator.siemAccounts()[0];
            const err = await hostError(up(host, "again-2", { accountName: name, email: "a@example.com" }));
            // Another resource of this stack manages it: named, never offered for adoption (two resources would manage one account).
            expect(err.message)
                .to.include(`"${name}"`)
                .and.include(`SIEM account ${first.accountId}, which another resource of this stack manages`);
            expect(err.message).to.not.include("existingAccountId");
            expect(posts()).to.equal(1);
            expect(emulator.siemAccounts()).to.have.length(1);
        });
    });
});
