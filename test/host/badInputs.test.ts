// Bad inputs through Pulumi's real dynamic-provider host against the emulator: check refuses them naming the property
// (and the character, with its code point and the spelling to use), create refuses the same inputs on its own, all
// before any HTTP call; a secret input's value is never echoed, and a huge input gives one bounded failure.
import { expect } from "chai";
import { LogzioEmulator } from "../../emulator";
import { ProviderHost, SECRET_SIG, SIG_KEY, urnFor } from "../../testing/runner/hostDriver";
import { MAX_MESSAGE_CHARS } from "../../provider/logzio/text";
import { hostError, hostFixtures } from "../helpers/support";

describe("bad inputs: refused at check and at create, before any HTTP call, through the host", function () {
    this.timeout(60_000);
    let emulator: LogzioEmulator;
    let provider: string;
    const hostWith = hostFixtures("suite", (f) => ({ provider, emulator } = f));
    /** One host for the file: bad inputs never reach Logz.io, so nothing carries over from one test to the next. */
    let host: ProviderHost;
    before(async () => (host = await hostWith()));

    const check = (h: ProviderHost, name: string, args: Record<string, unknown>) =>
        h.check(urnFor(name), {}, { __provider: provider, ...args });

    describe("one failure naming the property, and no HTTP call", () => {
        const good = { accountName: "ok-name", email: "ok@example.com" };
        const table: { title: string; args: Record<string, unknown>; property: string }[] = [
            { title: "missing accountName", args: { email: good.email }, property: "accountName" },
            { title: "empty accountName", args: { ...good, accountName: "" }, property: "accountName" },
            { title: "blank accountName", args: { ...good, accountName: "   " }, property: "accountName" },
            { title: "accountName with /", args: { ...good, accountName: "team/siem" }, property: "accountName" },
            { title: "accountName with <>", args: { ...good, accountName: "<siem>" }, property: "accountName" },
            { title: "accountName with :", args: { ...good, accountName: "a:b" }, property: "accountName" },
            { title: "accountName as number", args: { ...good, accountName: 42 }, property: "accountName" },
            { title: "missing email", args: { accountName: good.accountName }, property: "email" },
            { title: "email without @", args: { ...good, email: "secops.example.com" }, property: "email" },
            { title: "email with space", args: { ...good, email: "sec ops@example.com" }, property: "email" },
            { title: "accountsToScan not a list", args: { ...good, accountsToScan: 5 }, property: "accountsToScan" },
            { title: "negative accountsToScan id", args: { ...good, accountsToScan: [1, -2] }, property: "accountsToScan" },
            { title: "fractional accountsToScan id", args: { ...good, accountsToScan: [1.5] }, property: "accountsToScan" },
            { title: "string accountsToScan id", args: { ...good, accountsToScan: ["7"] }, property: "accountsToScan" },
            {
                title: "isUsingRepositoryAccount as string",
                args: { ...good, isUsingRepositoryAccount: "yes" },
                property: "isUsingRepositoryAccount",
            },
            { title: "existingAccountId zero", args: { ...good, existingAccountId: 0 }, property: "existingAccountId" },
            { title: "configNamespace with spaces", args: { ...good, configNamespace: "my ns" }, property: "configNamespace" },
            { title: "a token passed as an input", args: { ...good, apiToken: "leaked-token-value" }, property: "apiToken" },
            { title: "an unknown property", args: { ...good, acountName: "typo" }, property: "acountName" },
        ];
        for (const row of table) {
            it(`${row.title} -> ${row.property}`, async () => {
                const checked = await host.check(urnFor("bad"), {}, { __provider: provider, ...row.args });
                expect(checked.failures.map((f) => f.property)).to.deep.equal([row.property]);
                expect(checked.failures[0].reason).to.include(row.property);
                // The engine stops at check failures; create must refuse the same inputs on its own too.
                const err = await hostError(host.create(urnFor("bad"), { __provider: provider, ...row.args }));
                expect(err.message).to.include("invalid SiemAccount inputs").and.include(row.property);
                expect(err.message).to.not.include("leaked-token-value");
                expect(emulator.requests, "no request reached Logz.io").to.have.length(0);
            });
        }

        it("reports every bad property at once", async () => {
            const checked = await host.check(
                urnFor("bad"),
                {},
                { __provider: provider, accountName: "a|b", email: "nope", accountsToScan: [-1], apiToken: "leaked-token-value" },
            );
            expect(checked.failures.map((f) => f.property).sort()).to.deep.equal(["accountName", "accountsToScan", "apiToken", "email"]);
            expect(JSON.stringify(checked)).to.not.include("leaked-token-value");
            expect(emulator.requests).to.have.length(0);
        });
    });

    describe("accountName: the character that is wrong, with its code point, and the spelling to use", () => {
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
                const { failures } = await check(host, "bad", { accountName: row.name, email: "b@example.com" });
                expect(failures.map((f) => f.property)).to.deep.equal(["accountName"]);
                for (const s of row.shows) expect(failures[0].reason).to.include(s);
                expect(emulator.requests).to.deep.equal([]);
            });
        }

        it("check refuses a new name with surrounding or repeated spaces, naming the spelling to use", async () => {
            const { failures } = await host.check(
                urnFor("loose"),
                {},
                { __provider: provider, accountName: " prod  siem ", email: "s@example.com" },
            );
            expect(failures.map((f) => f.property)).to.deep.equal(["accountName"]);
            expect(failures[0].reason).to.include('write it as "prod siem"');
            expect(emulator.requests).to.deep.equal([]);
        });
    });

    describe("check failures echo no secret and stay bounded", () => {
        it("a secret-wrapped input value is shown as [secret]", async () => {
            const checked = await host.check(
                urnFor("secret"),
                {},
                {
                    __provider: provider,
                    accountName: { [SIG_KEY]: SECRET_SIG, value: "bad/secret-name" },
                    email: "s@example.com",
                },
            );
            expect(checked.failures.map((f) => f.property)).to.deep.equal(["accountName"]);
            expect(checked.failures[0].reason).to.include("[secret]").and.not.include("secret-name");
        });

        it("100,000 bad accountsToScan entries: one failure of at most 2 KB, and create refuses them the same way", async () => {
            const args = {
                accountName: "many-siem",
                email: "m@example.com",
                accountsToScan: Array.from({ length: 100_000 }, (_, i) => -i - 1),
            };
            const checked = await host.check(urnFor("many"), {}, { __provider: provider, ...args });
            expect(checked.failures).to.have.length(1);
            expect(checked.failures[0].reason.length).to.be.at.most(MAX_MESSAGE_CHARS);
            expect(checked.failures[0].reason).to.include("and 99,990 more");
            const err = await hostError(host.create(urnFor("many"), { __provider: provider, ...args }));
            expect(err.details.length).to.be.at.most(MAX_MESSAGE_CHARS);
            expect(emulator.requests).to.have.length(0);
        });
    });
});
