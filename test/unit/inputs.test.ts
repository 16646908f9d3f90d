// checkInputs: one named failure per bad property, unknowns pass, accountsToScan as a sorted set,
// token-like keys refused and dropped, unknown keys refused.
import { expect } from "chai";
import { SECRET_SIG, SIG_KEY } from "../../testing/runner/hostDriver";
import { UNKNOWN, checkInputs, isUnknown } from "../../provider/lifecycle/inputs";
import { MAX_MESSAGE_CHARS } from "../../provider/logzio/text";

const GOOD = { accountName: "siem-prod", email: "sec@example.com" } as const;

describe("checkInputs", () => {
    it("the unknown placeholder is the engine's UUID", () => {
        expect(UNKNOWN).to.equal("04da6b54-80e4-46f7-96ec-b56ff0331ba9");
        expect(isUnknown("04da6b54-80e4-46f7-96ec-b56ff0331ba9")).to.equal(true);
        expect(isUnknown("siem-prod")).to.equal(false);
    });

    it("passes good inputs through with no failures", () => {
        const news = {
            ...GOOD,
            accountsToScan: [12345],
            isUsingRepositoryAccount: true,
            existingAccountId: 24601,
            configNamespace: "logzio-eu",
        };
        expect(checkInputs(news)).to.deep.equal({ inputs: news, failures: [] });
    });

    it("passes the minimal inputs (accountName, email) and adds nothing", () => {
        expect(checkInputs({ ...GOOD })).to.deep.equal({ inputs: { ...GOOD }, failures: [] });
    });

    it("ignores __provider (the serialized provider the engine sends along)", () => {
        const result = checkInputs({ ...GOOD, __provider: "exports.handler = ..." });
        expect(result.failures).to.deep.equal([]);
        expect(result.inputs).to.not.have.property("__provider");
    });

    it("email: 'required' only when there is none; an address that is not one is 'invalid'", () => {
        for (const email of ["not-an-email", "sec@example", 7]) {
            const [failure] = checkInputs({ ...GOOD, email }).failures;
            expect(failure.reason, String(email))
                .to.match(/^email .* is invalid/)
                .and.not.include("required");
        }
        for (const email of [undefined, ""]) {
            const [failure] = checkInputs({ accountName: GOOD.accountName, ...(email === undefined ? {} : { email }) }).failures;
            expect(failure.reason).to.match(/^email is required/);
        }
    });

    describe("a table of bad inputs: one failure, on the right property, whose reason names it", () => {
        const table: { name: string; news: Record<string, unknown>; property: string; shows?: string }[] = [
            { name: "accountName missing", news: { email: GOOD.email }, property: "accountName", shows: "nothing" },
            { name: "accountName empty", news: { ...GOOD, accountName: "" }, property: "accountName", shows: '""' },
            { name: "accountName blank", news: { ...GOOD, accountName: "   " }, property: "accountName", shows: '"   "' },
            { name: "accountName a number", news: { ...GOOD, accountName: 42 }, property: "accountName", shows: "42" },
            { name: "accountName with /", news: { ...GOOD, accountName: "prod/siem" }, property: "accountName", shows: '"prod/siem"' },
            { name: "accountName with <", news: { ...GOOD, accountName: "<siem>" }, property: "accountName", shows: '"<siem>"' },
            { name: "accountName with :", news: { ...GOOD, accountName: "siem:prod" }, property: "accountName", shows: '"siem:prod"' },
            { name: "accountName with *", news: { ...GOOD, accountName: "siem*" }, property: "accountName", shows: '"siem*"' },
            { name: "accountName with |", news: { ...GOOD, accountName: "a|b" }, property: "accountName", shows: '"a|b"' },
            { name: "accountName with ?", news: { ...GOOD, accountName: "why?" }, property: "accountName", shows: '"why?"' },
            { name: "email missing", news: { accountName: GOOD.accountName }, property: "email", shows: "nothing" },
            { name: "email without @", news: { ...GOOD, email: "security" }, property: "email", shows: '"security"' },
            { name: "email without domain dot", news: { ...GOOD, email: "sec@example" }, property: "email", shows: '"sec@example"' },
            { name: "email a number", news: { ...GOOD, email: 7 }, property: "email", shows: "7" },
            { name: "accountsToScan a string", news: { ...GOOD, accountsToScan: "12345" }, property: "accountsToScan", shows: '"12345"' },
            { name: "accountsToScan a number", news: { ...GOOD, accountsToScan: 12345 }, property: "accountsToScan", shows: "12345" },
            {
                name: "accountsToScan negative id",
                news: { ...GOOD, accountsToScan: [1, -1] },
                property: "accountsToScan",
                shows: "[1] is -1",
            },
            { name: "accountsToScan fraction", news: { ...GOOD, accountsToScan: [1.5] }, property: "accountsToScan", shows: "[0] is 1.5" },
            {
                name: "accountsToScan string id",
                news: { ...GOOD, accountsToScan: [3, "4"] },
                property: "accountsToScan",
                shows: '[1] is "4"',
            },
            { name: "accountsToScan null id", news: { ...GOOD, accountsToScan: [null] }, property: "accountsToScan", shows: "[0] is null" },
            {
                name: "isUsingRepositoryAccount a string",
                news: { ...GOOD, isUsingRepositoryAccount: "true" },
                property: "isUsingRepositoryAccount",
                shows: '"true"',
            },
            {
                name: "isUsingRepositoryAccount a number",
                news: { ...GOOD, isUsingRepositoryAccount: 1 },
                property: "isUsingRepositoryAccount",
                shows: "1",
            },
            { name: "existingAccountId zero", news: { ...GOOD, existingAccountId: 0 }, property: "existingAccountId", shows: "0" },
            { name: "existingAccountId negative", news: { ...GOOD, existingAccountId: -3 }, property: "existingAccountId", shows: "-3" },
            {
                name: "existingAccountId a string",
                news: { ...GOOD, existingAccountId: "24601" },
                property: "existingAccountId",
                shows: '"24601"',
            },
            {
                name: "existingAccountId a fraction",
                news: { ...GOOD, existingAccountId: 2.5 },
                property: "existingAccountId",
                shows: "2.5",
            },
            {
                name: "configNamespace with a space",
                news: { ...GOOD, configNamespace: "logzio eu" },
                property: "configNamespace",
                shows: '"logzio eu"',
            },
            {
                name: "configNamespace with a colon",
                news: { ...GOOD, configNamespace: "logzio:eu" },
                property: "configNamespace",
                shows: '"logzio:eu"',
            },
            { name: "configNamespace empty", news: { ...GOOD, configNamespace: "" }, property: "configNamespace", shows: '""' },
            { name: "configNamespace a number", news: { ...GOOD, configNamespace: 5 }, property: "configNamespace", shows: "5" },
            { name: "unknown key", news: { ...GOOD, acountName: "typo" }, property: "acountName" },
            { name: "token as apiToken", news: { ...GOOD, apiToken: "s3cr3t-token-value" }, property: "apiToken" },
        ];

        for (const row of table) {
            it(row.name, () => {
                const { failures } = checkInputs(row.news);
                expect(failures.map((f) => f.property)).to.deep.equal([row.property]);
                expect(failures[0].reason).to.include(row.property);
                if (row.shows !== undefined) expect(failures[0].reason).to.include(row.shows);
            });
        }
    });

    it("reports every bad property at once, each by name", () => {
        const { failures } = checkInputs({
            accountName: "a/b",
            email: "x",
            accountsToScan: ["1"],
            isUsingRepositoryAccount: "yes",
            existingAccountId: 0,
        });
        expect(failures.map((f) => f.property)).to.have.members([
            "accountName",
            "email",
            "accountsToScan",
            "isUsingRepositoryAccount",
            "existingAccountId",
        ]);
        for (const f of failures) expect(f.reason).to.include(f.property);
    });

    it("lists every bad element of accountsToScan in one reason", () => {
        const { failures } = checkInputs({ ...GOOD, accountsToScan: [1, -2, 3, "x"] });
        expect(failures).to.have.length(1);
        expect(failures[0].reason).to.include("[1] is -2");
        expect(failures[0].reason).to.include('[3] is "x"');
        expect(failures[0].reason).to.not.include("[0]");
    });

    describe("unknown values (preview) pass", () => {
        for (const key of ["accountName", "email", "accountsToScan", "isUsingRepositoryAccount", "existingAccountId", "configNamespace"]) {
            it(`${key} unknown as a whole`, () => {
                const result = checkInputs({ ...GOOD, [key]: UNKNOWN });
                expect(result.failures).to.deep.equal([]);
                expect(result.inputs[key]).to.equal(UNKNOWN);
            });
        }

        it("accountsToScan with unknown elements, kept as given", () => {
            const result = checkInputs({ ...GOOD, accountsToScan: [30, UNKNOWN, 10] });
            expect(result.failures).to.deep.equal([]);
            expect(result.inputs.accountsToScan).to.deep.equal([30, UNKNOWN, 10]);
        });

        it("an unknown element does not hide a bad one next to it", () => {
            const { failures } = checkInputs({ ...GOOD, accountsToScan: [UNKNOWN, -1] });
            expect(failures.map((f) => f.property)).to.deep.equal(["accountsToScan"]);
            expect(failures[0].reason).to.include("[1] is -1");
        });

        it("everything unknown at once", () => {
            const all = {
                accountName: UNKNOWN,
                email: UNKNOWN,
                accountsToScan: UNKNOWN,
                isUsingRepositoryAccount: UNKNOWN,
                existingAccountId: UNKNOWN,
                configNamespace: UNKNOWN,
            };
            expect(checkInputs(all)).to.deep.equal({ inputs: all, failures: [] });
        });
    });

    describe("accountsToScan is a set", () => {
        it("is sorted numerically (not as strings)", () => {
            expect(checkInputs({ ...GOOD, accountsToScan: [100, 9, 25] }).inputs.accountsToScan).to.deep.equal([9, 25, 100]);
        });

        it("drops repeats", () => {
            expect(checkInputs({ ...GOOD, accountsToScan: [5, 3, 5, 3, 1] }).inputs.accountsToScan).to.deep.equal([1, 3, 5]);
        });

        it("keeps an empty list empty", () => {
            const result = checkInputs({ ...GOOD, accountsToScan: [] });
            expect(result.failures).to.deep.equal([]);
            expect(result.inputs.accountsToScan).to.deep.equal([]);
        });

        it("does not mutate the caller's array", () => {
            const scan = [3, 1, 2];
            checkInputs({ ...GOOD, accountsToScan: scan });
            expect(scan).to.deep.equal([3, 1, 2]);
        });

        it("two orderings normalise to the same value", () => {
            const a = checkInputs({ ...GOOD, accountsToScan: [2, 1, 3] }).inputs.accountsToScan;
            const b = checkInputs({ ...GOOD, accountsToScan: [3, 3, 2, 1] }).inputs.accountsToScan;
            expect(a).to.deep.equal(b);
        });
    });

    describe("token-like keys are refused and dropped", () => {
        const secret = "fake-token-inputs-a1b2c3d4";
        for (const key of ["apiToken", "api_token", "api-token", "APITOKEN", "token", "Token", "x-api-token", "X-API-TOKEN"]) {
            it(key, () => {
                const result = checkInputs({ ...GOOD, [key]: secret });
                expect(result.failures.map((f) => f.property)).to.deep.equal([key]);
                expect(result.failures[0].reason).to.include(key);
                expect(result.failures[0].reason).to.include("logzio:apiToken");
                expect(result.failures[0].reason).to.not.include(secret);
                expect(result.inputs).to.not.have.property(key);
                expect(JSON.stringify(result)).to.not.include(secret);
            });
        }
    });

    describe("unknown keys are refused", () => {
        it("names the key and lists the real inputs", () => {
            const result = checkInputs({ ...GOOD, region: "eu" });
            expect(result.failures).to.have.length(1);
            expect(result.failures[0].property).to.equal("region");
            expect(result.failures[0].reason).to.include("region is not a SiemAccount input");
            for (const key of [
                "accountName",
                "email",
                "accountsToScan",
                "isUsingRepositoryAccount",
                "existingAccountId",
                "configNamespace",
            ]) {
                expect(result.failures[0].reason).to.include(key);
            }
            expect(result.inputs).to.not.have.property("region");
        });

        it("refuses each of several unknown keys", () => {
            const result = checkInputs({ ...GOOD, foo: 1, bar: 2 });
            expect(result.failures.map((f) => f.property)).to.have.members(["foo", "bar"]);
        });
    });

    describe("hostile inputs: secrets hidden, every reason bounded, lists summarised", () => {
        const secret = (value: unknown) => ({ [SIG_KEY]: SECRET_SIG, value });

        it("a secret-wrapped value is shown as [secret], never its contents", () => {
            const result = checkInputs({
                accountName: secret("team/secret-name"),
                email: secret(42),
                accountsToScan: [1, secret("top-secret-id")],
            });
            expect(result.failures.map((f) => f.property)).to.have.members(["accountName", "email", "accountsToScan"]);
            for (const f of result.failures) {
                expect(f.reason).to.include("[secret]");
                expect(f.reason).to.not.match(/secret-name|top-secret-id|42/);
            }
        });

        it("100,000 bad accountsToScan entries: one reason of at most 2 KB that counts the rest", () => {
            const result = checkInputs({ ...GOOD, accountsToScan: Array.from({ length: 100_000 }, (_, i) => `id-${i}`) });
            expect(result.failures).to.have.length(1);
            expect(result.failures[0].reason.length).to.be.at.most(MAX_MESSAGE_CHARS);
            expect(result.failures[0].reason).to.include('[9] is "id-9"').and.include("and 99,990 more");
        });

        it("a huge value is cut in its reason", () => {
            const result = checkInputs({ ...GOOD, email: "x".repeat(1_000_000) });
            expect(result.failures[0].reason.length).to.be.at.most(MAX_MESSAGE_CHARS);
        });

        it("100,000 unknown properties: ten named failures and one that counts the rest", () => {
            const news: Record<string, unknown> = { ...GOOD };
            for (let i = 0; i < 100_000; i++) news[`extra${i}`] = i;
            const result = checkInputs(news);
            expect(result.failures).to.have.length(11);
            expect(result.failures[10].reason).to.include("and 99,980 more");
            for (const f of result.failures) expect(f.reason.length).to.be.at.most(MAX_MESSAGE_CHARS);
        });
    });
});
