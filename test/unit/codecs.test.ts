// The io-ts codecs against bodies shaped like Logz.io's spec (docs/logzio-api.md; the account types from its OpenAPI
// subset in test/fixtures), and the readable decode errors (`field.path: expected Type, received value`).
import { expect } from "chai";
import * as t from "io-ts";
import * as E from "fp-ts/Either";
import {
    AccountName,
    AccountView,
    AssociatedAccounts,
    CreateSiemRequest,
    CreateSiemResponse,
    DateTimeString,
    Email,
    ErrorBody,
    NonNegativeInt,
    SECURITY_ACCOUNT,
    SiemAccountInputs,
    SiemAccountState,
    Whoami,
    decodeWith,
    formatDecodeErrors,
} from "../../provider/logzio/codecs";
import { DOCUMENTED_ACCOUNT_TYPES } from "../helpers/logzioContract";

/** Decodes and returns the formatted error lines (fails the test if the value decodes). */
function errorsOf(codec: t.Decoder<unknown, unknown>, value: unknown): string[] {
    const result = codec.decode(value);
    if (E.isRight(result)) throw new Error(`expected ${JSON.stringify(value)} to be refused by ${codec.name}`);
    return formatDecodeErrors(result.left);
}

function decoded<A>(codec: t.Decoder<unknown, A>, value: unknown): A {
    const result = codec.decode(value);
    if (E.isLeft(result)) throw new Error(`expected a decode, got: ${formatDecodeErrors(result.left).join("; ")}`);
    return result.right;
}

describe("codecs", () => {
    describe("POST /v2/account-management/siem", () => {
        // The spec's 200 (example createdAt `2018-04-01T19:18:38Z`).
        const specResponse = {
            accountId: 24601,
            accountName: "siem-prod",
            accountsToScan: [12345, 12346],
            createdAt: "2018-04-01T19:18:38Z",
            isUsingRepositoryAccount: false,
        };

        it("decodes the documented 200 body unchanged", () => {
            expect(decoded(CreateSiemResponse, specResponse)).to.deep.equal(specResponse);
        });

        it("accepts a 200 that carries only accountId and accountName (the rest is optional in the spec)", () => {
            expect(decoded(CreateSiemResponse, { accountId: 7, accountName: "x" })).to.deep.equal({ accountId: 7, accountName: "x" });
        });

        it("requires accountId: the id is what Pulumi stores", () => {
            expect(errorsOf(CreateSiemResponse, { accountName: "siem-prod" })).to.deep.equal(["accountId: expected Int, received nothing"]);
        });

        it("takes an accountId sent as a decimal string: the account exists whatever shape its id came in", () => {
            const decoded = CreateSiemResponse.decode({ ...specResponse, accountId: " 12 " });
            expect(E.isRight(decoded) && decoded.right.accountId).to.equal(12);
        });

        it("names the field and the received value when accountId is a string that is no id", () => {
            for (const bad of ["12a", "-12", "1.5", "", "99999999999999999"]) {
                expect(errorsOf(CreateSiemResponse, { ...specResponse, accountId: bad })).to.deep.equal([
                    `accountId: expected Int, received ${JSON.stringify(bad)}`,
                ]);
            }
        });

        it("names the array index inside accountsToScan (accountsToScan.1)", () => {
            expect(errorsOf(CreateSiemResponse, { ...specResponse, accountsToScan: [12345, "12346"] })).to.deep.equal([
                'accountsToScan.1: expected Int, received "12346"',
            ]);
        });

        it("reports every bad field at once, createdAt included", () => {
            const lines = errorsOf(CreateSiemResponse, {
                ...specResponse,
                accountId: 1.5,
                createdAt: "yesterday",
                isUsingRepositoryAccount: "no",
            });
            expect(lines).to.have.members([
                "accountId: expected Int, received 1.5",
                'createdAt: expected DateTime, received "yesterday"',
                'isUsingRepositoryAccount: expected boolean, received "no"',
            ]);
        });

        it("says (body) when the whole answer is the wrong kind of value", () => {
            const lines = errorsOf(CreateSiemResponse, null);
            expect(lines.length).to.be.greaterThan(0);
            for (const line of lines) expect(line).to.match(/^\(body\): expected .+, received null$/);
        });

        it("encodes the request body the spec shows", () => {
            const body = {
                accountName: "siem prod_1.a-b",
                email: "sec@example.com",
                accountsToScan: [12345],
                isUsingRepositoryAccount: true,
            };
            const request = decoded(CreateSiemRequest, body);
            expect(CreateSiemRequest.encode(request)).to.deep.equal(body);
            expect(errorsOf(CreateSiemRequest, { email: "sec@example.com" })).to.deep.equal([
                "accountName: expected AccountName, received nothing",
            ]);
        });
    });

    describe("GET /v1/associated-accounts (AccountViewV3[])", () => {
        // Every type Logz.io's document lists (test/fixtures' subset), not the emulator's or the provider's own list.
        const types = DOCUMENTED_ACCOUNT_TYPES;
        const list = types.map((type, i) => ({ accountId: 100000 + i, accountName: `acct-${i}`, type }));

        it("decodes a list holding every documented account type", () => {
            expect(types, "the document's AccountViewV3.type values").to.include.members(["OWNER_ACCOUNT", SECURITY_ACCOUNT]);
            const accounts = decoded(AssociatedAccounts, list);
            expect(accounts).to.deep.equal(list);
            expect(accounts.filter((a) => a.type === SECURITY_ACCOUNT).map((a) => a.accountId)).to.deep.equal([
                100000 + types.indexOf(SECURITY_ACCOUNT),
            ]);
        });

        it("keeps a type Logz.io may add later (type is an open string)", () => {
            expect(decoded(AccountView, { accountId: 1, accountName: "n", type: "DATA_LAKE_ACCOUNT" }).type).to.equal("DATA_LAKE_ACCOUNT");
        });

        it("decodes an empty list", () => {
            expect(decoded(AssociatedAccounts, [])).to.deep.equal([]);
        });

        it("names the item index and field of a bad item", () => {
            const bad = [list[0], { accountId: "100001", accountName: "b" }];
            expect(errorsOf(AssociatedAccounts, bad)).to.deep.equal([
                '1.accountId: expected Int, received "100001"',
                "1.type: expected string, received nothing",
            ]);
        });

        it("refuses an object where a list is expected", () => {
            expect(errorsOf(AssociatedAccounts, { accounts: list })[0]).to.match(/^\(body\): expected Array<.*>, received \{"accounts":/);
        });
    });

    describe("GET /v2/whoami", () => {
        it("decodes the spec example", () => {
            expect(decoded(Whoami, { accountName: "Jean Valjean", accountId: 24601 })).to.deep.equal({
                accountName: "Jean Valjean",
                accountId: 24601,
            });
        });

        it("names both missing fields of an empty object", () => {
            expect(errorsOf(Whoami, {})).to.deep.equal([
                "accountId: expected Int, received nothing",
                "accountName: expected string, received nothing",
            ]);
        });

        it("shows a text body as a quoted string under (body)", () => {
            expect(errorsOf(Whoami, "oops")).to.deep.equal(['(body): expected { accountId: Int, accountName: string }, received "oops"']);
        });
    });

    describe("Logz.io error bodies (every shape in docs/logzio-api.md)", () => {
        it("decodes the usual { errorCode, message, requestId, parameters }", () => {
            const body = {
                errorCode: "TimeBasedAccount/ILLEGAL_PLAN_REQUEST",
                message: "Illegal plan request",
                requestId: "8b1a9953-c461-4fd9-8f7e-2b4d3f9e0a11",
                parameters: { retentionDays: 7 },
            };
            expect(decoded(ErrorBody, body)).to.deep.equal(body);
        });

        it("decodes the 401 and 403 bodies of the spec ({ message })", () => {
            const unauthorized = { message: "Unauthorized. There was a problem with the authorization provided in the request." };
            expect(decoded(ErrorBody, unauthorized)).to.deep.equal(unauthorized);
            expect(decoded(ErrorBody, { message: "Insufficient privileges" })).to.deep.equal({ message: "Insufficient privileges" });
        });

        it("decodes { errorMessage }", () => {
            const body = { errorMessage: "Account 1234567 was not found", errorCode: "ACCOUNT/NOT_FOUND" };
            expect(decoded(ErrorBody, body)).to.deep.equal(body);
        });

        it("decodes { errorCode } with no message", () => {
            expect(decoded(ErrorBody, { errorCode: "GENERAL/INTERNAL_ERROR", requestId: "r-1" })).to.deep.equal({
                errorCode: "GENERAL/INTERNAL_ERROR",
                requestId: "r-1",
            });
        });

        it("decodes a bare JSON string", () => {
            expect(decoded(ErrorBody, JSON.parse('"could not find sub account 1234567"'))).to.equal("could not find sub account 1234567");
        });

        it("decodes plain text once it is a string value", () => {
            expect(decoded(ErrorBody, "Too Many Requests")).to.equal("Too Many Requests");
        });

        it("refuses a number, and names the bad errorCode of an object", () => {
            expect(errorsOf(ErrorBody, 42)).to.include("(body): expected string, received 42");
            expect(errorsOf(ErrorBody, { errorCode: 5 })).to.include("errorCode: expected string, received 5");
        });
    });

    describe("refinements", () => {
        it("AccountName takes letters, digits, - . _ and spaces, and refuses each special character", () => {
            for (const ok of ["siem", "SIEM prod", "a.b_c-d 1", "Überwachung"]) expect(AccountName.is(ok), ok).to.equal(true);
            for (const c of ["<", ">", ":", '"', "/", "\\", "|", "?", "*"]) expect(AccountName.is(`bad${c}name`), c).to.equal(false);
            expect(AccountName.is("   ")).to.equal(false);
            expect(AccountName.is("")).to.equal(false);
        });

        it("Email catches the obvious typos", () => {
            expect(Email.is("sec@example.com")).to.equal(true);
            for (const bad of ["sec", "sec@", "sec@example", "a b@example.com", ""]) expect(Email.is(bad), bad).to.equal(false);
        });

        it("NonNegativeInt refuses negatives and fractions by its own name", () => {
            expect(NonNegativeInt.is(0)).to.equal(true);
            expect(errorsOf(t.array(NonNegativeInt), [1, -1, 2.5])).to.deep.equal([
                "1: expected NonNegativeInt, received -1",
                "2: expected NonNegativeInt, received 2.5",
            ]);
        });

        it("DateTime takes the spec's format and refuses nonsense", () => {
            expect(DateTimeString.is("2018-04-01T19:18:38Z")).to.equal(true);
            expect(DateTimeString.is("not a date")).to.equal(false);
        });
    });

    describe("inputs and state", () => {
        it("SiemAccountInputs names each bad field with its value", () => {
            const lines = errorsOf(SiemAccountInputs, { accountName: "a/b", email: "x", accountsToScan: [1, -1], existingAccountId: "5" });
            expect(lines).to.have.members([
                'accountName: expected AccountName, received "a/b"',
                'email: expected Email, received "x"',
                "accountsToScan.1: expected NonNegativeInt, received -1",
                'existingAccountId: expected NonNegativeInt, received "5"',
            ]);
        });

        it("SiemAccountState round-trips the state the provider stores", () => {
            const state = {
                accountId: 24601,
                accountName: "siem-prod",
                email: "sec@example.com",
                accountsToScan: [12345],
                isUsingRepositoryAccount: false,
                createdAt: "2018-04-01T19:18:38Z",
                configNamespace: "logzio-eu",
            };
            expect(decoded(SiemAccountState, state)).to.deep.equal(state);
            expect(errorsOf(SiemAccountState, { ...state, createdAt: undefined })).to.deep.equal([
                "createdAt: expected string, received nothing",
            ]);
        });
    });

    describe("formatDecodeErrors / decodeWith", () => {
        it("decodeWith names what was decoded, the field path and the received value", () => {
            const result = decodeWith(Whoami, "the response")({ accountId: "12", accountName: "main" });
            expect(result).to.deep.equal(E.left('the response did not match the expected shape: accountId: expected Int, received "12"'));
        });

        it("decodeWith joins several problems with '; ' on one line", () => {
            const result = decodeWith(CreateSiemResponse, "the response")({ accountId: "x12", accountName: 3, accountsToScan: [1, "2"] });
            expect(E.isLeft(result)).to.equal(true);
            const text = E.isLeft(result) ? result.left : "";
            expect(text).to.not.include("\n");
            expect(text).to.equal(
                "the response did not match the expected shape: " +
                    'accountId: expected Int, received "x12"; accountName: expected string, received 3; accountsToScan.1: expected Int, received "2"',
            );
        });

        it("decodeWith returns the decoded value on success", () => {
            expect(decodeWith(Whoami, "the response")({ accountId: 1, accountName: "m" })).to.deep.equal(
                E.right({ accountId: 1, accountName: "m" }),
            );
        });

        it("cuts a long received value to 80 characters", () => {
            const [line] = errorsOf(Whoami, { accountId: 1, accountName: { note: "x".repeat(300) } });
            const received = line.split("received ")[1];
            expect(received.length).to.equal(80);
            expect(received.endsWith("...")).to.equal(true);
            expect(line.startsWith("accountName: expected string, received {")).to.equal(true);
        });

        it("does not repeat identical lines", () => {
            const lines = errorsOf(CreateSiemResponse, 7);
            expect(new Set(lines).size).to.equal(lines.length);
        });
    });
});
