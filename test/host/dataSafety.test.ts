// Data safety, round two (issue 16), through Pulumi's real dynamic-provider host against the emulator: diffs that
// compare intentions, the duplicate guard for normalised names, absence only from evidence that can carry it,
// settings per namespace, namespaces and config keys refused, and check's bounded token probe during an outage.
import { expect } from "chai";
import { LogzioEmulator, ROUTES } from "../../emulator";
import { ProviderHost, urnFor } from "../../testing/runner/hostDriver";
import { MAX_MESSAGE_CHARS } from "../../provider/logzio/text";
import { hostFixtures, createVia, hostError } from "../helpers/support";

const GRACE = "logzio-siem:provisioningGraceMinutes";

describe("data safety: through the host against the emulator", function () {
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

    describe("1. diff compares intentions with intentions", () => {
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
            const { inputs } = await h.check(
                urnFor("changed"),
                {},
                { __provider: provider, accountName: "changed", email: "new@example.com" },
            );
            expect((await h.diff(r.created.id, urnFor("changed"), r.read.properties, inputs)).replaces).to.deep.equal(["email"]);
        });

        it("check refuses a new name with surrounding or repeated spaces, naming the spelling to use", async () => {
            const h = await host();
            const { failures } = await h.check(
                urnFor("loose"),
                {},
                { __provider: provider, accountName: " prod  siem ", email: "s@example.com" },
            );
            expect(failures.map((f) => f.property)).to.deep.equal(["accountName"]);
            expect(failures[0].reason).to.include('write it as "prod siem"');
            expect(emulator.requests).to.deep.equal([]);
        });
    });

    describe("2. the duplicate guard counts case and spaces as the same name", () => {
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

    describe("3. absence only from a whole list that shows the id gone", () => {
        it("an id listed with another type: refresh and delete refuse, saying so", async () => {
            const h = await host({ config: { [GRACE]: "0" } });
            const urn = urnFor("typed");
            const created = await createVia(h, provider, "typed", { accountName: "typed", email: "t@example.com" });
            const id = Number(created.id);
            emulator.deleteAccount(id);
            emulator.addAccount({ accountId: id, accountName: "typed", type: "SUB_ACCOUNT" });
            const readErr = await hostError(h.read(created.id, urn, created.properties));
            expect(readErr.message).to.include(`lists account ${id} as "typed" of type SUB_ACCOUNT, not as a SIEM account`);
            expect(readErr.message).to.include("stays in state unchanged");
            const deleteErr = await hostError(h.delete(created.id, urn, created.properties));
            expect(deleteErr.message).to.include("not confirmed gone");
        });

        it("a createdAt without an offset is never read in the host's time zone (TZ=Asia/Tokyo): a fresh account is kept", async () => {
            emulator.setProvisioningMs(60 * 60_000); // not listed for an hour
            const h = await host({ env: { TZ: "Asia/Tokyo" } });
            const now = new Date(emulator.nowMs()).toISOString().replace(/\.\d+Z$/, "");
            // Logz.io's answer, with the account's real id, but createdAt without a zone.
            emulator.injectFaults(ROUTES.create, {
                kind: "schemaViolating200",
                body: {
                    accountId: 100001,
                    accountName: "tokyo",
                    createdAt: now,
                    accountsToScan: [100000],
                    isUsingRepositoryAccount: false,
                },
            });
            const urn = urnFor("tokyo");
            const created = await createVia(h, provider, "tokyo", { accountName: "tokyo", email: "t@example.com" });
            expect(created.properties.createdAt).to.equal(now);
            const read = await h.read(created.id, urn, created.properties);
            expect(read.id, "kept: it is minutes old, not nine hours").to.equal(created.id);
            const deleteErr = await hostError(h.delete(created.id, urn, created.properties));
            expect(deleteErr.message).to.include("cannot be confirmed gone");
        });
    });

    describe("4. settings belong to a namespace", () => {
        const shared = (e: LogzioEmulator) => ({ "logzio-b:customApiUrl": e.url, "logzio-b:apiToken": e.token });

        it("a namespace's provisioningGraceMinutes 0 never reaches another namespace on the same main account", async () => {
            const h = await host({ config: { ...shared(emulator), "logzio-b:provisioningGraceMinutes": "0" } });
            // logzio-b resolves first: before, its settings became the main account's for every namespace.
            await createVia(h, provider, "in-b", { accountName: "in-b", email: "b@example.com", configNamespace: "logzio-b" });
            const urn = urnFor("in-default");
            const created = await createVia(h, provider, "in-default", { accountName: "in-default", email: "d@example.com" });
            emulator.deleteAccount(Number(created.id));
            const read = await h.read(created.id, urn, created.properties);
            expect(read.id, "logzio's own grace (15 minutes) keeps it").to.equal(created.id);
        });

        it("a refused token is reported under the resource's own namespace", async () => {
            emulator.injectFaults(ROUTES.whoami, { kind: "status", status: 401, body: '{"message":"Unauthorized"}' });
            const h = await host({ config: shared(emulator) });
            const inB = await h.check(
                urnFor("b"),
                {},
                { __provider: provider, accountName: "b", email: "b@example.com", configNamespace: "logzio-b" },
            );
            expect(inB.failures[0].reason).to.include('config namespace "logzio-b"');
            const inDefault = await h.check(urnFor("d"), {}, { __provider: provider, accountName: "d", email: "d@example.com" });
            expect(inDefault.failures[0].reason).to.include('config namespace "logzio"');
            expect(inDefault.failures[0].reason).to.not.include("logzio-b");
        });
    });

    describe("5. namespaces that collide or are not namespaces are refused", () => {
        for (const ns of ["LOGZIO", "Logzio", "LOGZIO-SIEM", "Logzio_Siem"]) {
            it(`configNamespace ${JSON.stringify(ns)} does not pass check with another namespace's environment token`, async () => {
                const h = await host({ bare: true, env: { LOGZIO_API_TOKEN: emulator.token, LOGZIO_CUSTOM_API_URL: emulator.url } });
                const { failures } = await h.check(
                    urnFor("x"),
                    {},
                    { __provider: provider, accountName: "x", email: "x@example.com", configNamespace: ns },
                );
                expect(failures.map((f) => f.reason).join(" ")).to.match(/would read the environment variables of namespace/);
                expect(emulator.requests).to.deep.equal([]);
            });
        }

        it("a 5,000-character namespace: every reason within 2 KB", async () => {
            const h = await host();
            const { failures } = await h.check(
                urnFor("x"),
                {},
                { __provider: provider, accountName: "x", email: "x@example.com", configNamespace: "n".repeat(5000) },
            );
            expect(failures).to.not.deep.equal([]);
            for (const f of failures) expect(f.reason.length).to.be.at.most(MAX_MESSAGE_CHARS);
        });

        it("two spellings of one environment prefix in one host: the second is refused", async () => {
            const h = await host({
                config: {
                    "logzio-eu:customApiUrl": emulator.url,
                    "logzio-eu:apiToken": emulator.token,
                    "logzio_eu:customApiUrl": emulator.url,
                    "logzio_eu:apiToken": emulator.token,
                },
            });
            const first = await h.check(
                urnFor("a"),
                {},
                { __provider: provider, accountName: "a", email: "a@example.com", configNamespace: "logzio-eu" },
            );
            expect(first.failures).to.deep.equal([]);
            const second = await h.check(
                urnFor("b"),
                {},
                { __provider: provider, accountName: "b", email: "b@example.com", configNamespace: "logzio_eu" },
            );
            expect(second.failures[0].reason).to.include("read the same environment variables");
        });

        it("a configNamespace in state that is not a string: a clear error, nothing dropped", async () => {
            const h = await host();
            const created = await createVia(h, provider, "ns", { accountName: "ns", email: "n@example.com" });
            const err = await hostError(h.read(created.id, urnFor("ns"), { ...created.properties, configNamespace: 42 }));
            expect(err.message).to.include("configNamespace 42, which is not a string");
            expect(err.message).to.not.include("toUpperCase");
        });
    });

    describe("6. unknown keys fail check", () => {
        const cases: [string, Record<string, string>, string][] = [
            ["logzio:customApiURL (case)", { "logzio:customApiURL": "http://127.0.0.1:9" }, "did you mean logzio:customApiUrl?"],
            ["logzio:apiTokn (typo)", { "logzio:apiTokn": "x" }, "did you mean logzio:apiToken?"],
            ["logzio:maxRetires (a tuning key, misspelt)", { "logzio:maxRetires": "1" }, "did you mean logzio-siem:maxRetries?"],
            ["logzio-siem:maxRetrys", { "logzio-siem:maxRetrys": "1" }, "did you mean logzio-siem:maxRetries?"],
            ["logzio-siem:anything", { "logzio-siem:colour": "blue" }, "logzio-siem:colour is not a setting this provider reads"],
        ];
        for (const [what, config, expected] of cases) {
            it(`${what}: refused, naming the key meant`, async () => {
                const h = await host({ config });
                const { failures } = await h.check(urnFor("k"), {}, { __provider: provider, accountName: "k", email: "k@example.com" });
                expect(failures.map((f) => f.reason).join(" | ")).to.include(expected);
                expect(emulator.requests).to.deep.equal([]);
            });
        }

        it("an undefined key under the resource's own namespace is refused", async () => {
            const h = await host({
                config: { "logzio-eu:customApiUrl": emulator.url, "logzio-eu:apiToken": emulator.token, "logzio-eu:timeout": "3" },
            });
            const { failures } = await h.check(
                urnFor("k"),
                {},
                { __provider: provider, accountName: "k", email: "k@example.com", configNamespace: "logzio-eu" },
            );
            expect(failures.map((f) => f.reason).join(" ")).to.include("logzio-eu:timeout is not a setting this provider reads");
        });

        it("keys of Logz.io's bridged provider under logzio: stay untouched", async () => {
            const h = await host({ config: { "logzio:someBridgedSetting": "on", "aws:region": "eu-west-1" } });
            const { failures } = await h.check(urnFor("k"), {}, { __provider: provider, accountName: "k", email: "k@example.com" });
            expect(failures).to.deep.equal([]);
        });
    });

    describe("7. an outage is probed once per host, within check's own budget", () => {
        it("sequential checks against a whoami that never answers: one probe, each check passes", async () => {
            emulator.injectFaults(ROUTES.whoami, ...Array.from({ length: 50 }, () => ({ kind: "hang" as const })));
            const h = await host({ config: { "logzio-siem:requestTimeoutSeconds": "120", "logzio-siem:tokenCheckTimeoutSeconds": "1" } });
            for (let i = 0; i < 6; i++) {
                const { failures } = await h.check(
                    urnFor(`r${i}`),
                    {},
                    { __provider: provider, accountName: `r${i}`, email: "r@example.com" },
                );
                expect(failures).to.deep.equal([]);
            }
            expect(emulator.count(ROUTES.whoami)).to.equal(1);
        });

        it("a create right after a timed-out probe asks whoami itself instead of failing on the probe", async () => {
            emulator.injectFaults(ROUTES.whoami, { kind: "hang" });
            const h = await host({ config: { "logzio-siem:tokenCheckTimeoutSeconds": "1" } });
            const created = await createVia(h, provider, "after", { accountName: "after", email: "a@example.com" });
            expect(created.properties.mainAccountId).to.equal(100000);
            expect(emulator.count(ROUTES.whoami)).to.equal(2);
        });

        it("tokenCheckTimeoutSeconds is checked like the other numbers", async () => {
            const h = await host({ config: { "logzio-siem:tokenCheckTimeoutSeconds": "0" } });
            const { failures } = await h.check(urnFor("t"), {}, { __provider: provider, accountName: "t", email: "t@example.com" });
            expect(failures[0].reason).to.include(
                "logzio-siem:tokenCheckTimeoutSeconds (or LOGZIO_SIEM_TOKEN_CHECK_TIMEOUT_SECONDS) must be a number from 1 to 120",
            );
        });
    });

    describe("8. the token is scrubbed in every form Logz.io might echo", () => {
        // Only through the real path: Logz.io (the emulator) answers an error that echoes the token.
        const forms: [string, (t: string) => string][] = [
            [
                "fully percent-encoded, upper-case hex",
                (t) => [...Buffer.from(t)].map((b) => `%${b.toString(16).toUpperCase().padStart(2, "0")}`).join(""),
            ],
            [
                "fully percent-encoded, lower-case hex",
                (t) => [...Buffer.from(t)].map((b) => `%${b.toString(16).padStart(2, "0")}`).join(""),
            ],
            [
                "base64 wrapped at 76 columns (MIME)",
                (t) =>
                    Buffer.from(`user:${t}`.repeat(3))
                        .toString("base64")
                        .replace(/(.{76})/g, "$1\r\n"),
            ],
            [
                "a Basic value wrapped across lines",
                (t) =>
                    `Basic ${Buffer.from(`u:${t}`)
                        .toString("base64")
                        .replace(/(.{5})/g, "$1\n ")}`,
            ],
            ["HTML entities (decimal)", (t) => [...t].map((c) => `&#${c.charCodeAt(0)};`).join("")],
            ["HTML entities (hex)", (t) => [...t].map((c) => `&#x${c.charCodeAt(0).toString(16)};`).join("")],
            ["hex", (t) => Buffer.from(t).toString("hex")],
            ["hex, upper case", (t) => Buffer.from(t).toString("hex").toUpperCase()],
            ["split across a line break", (t) => `${t.slice(0, 12)}\r\n${t.slice(12)}`],
            ["a UUID token without its dashes", (t) => t.replace(/-/g, "")],
            ["a UUID token in upper case, without its dashes", (t) => t.replace(/-/g, "").toUpperCase()],
        ];
        for (const [what, form] of forms) {
            it(`${what}`, async () => {
                const token = emulator.token;
                emulator.injectFaults(ROUTES.create, {
                    kind: "status",
                    status: 400,
                    body: JSON.stringify({ message: `bad token ${form(token)} given` }),
                });
                const h = await host();
                const err = await hostError(h.create(urnFor("s"), { __provider: provider, accountName: "s", email: "s@example.com" }));
                expect(err.message).to.include("HTTP 400");
                expect(err.message).to.include("[redacted]");
                expect(err.message).to.not.include(form(token).slice(0, 20));
            });
        }
    });
});
