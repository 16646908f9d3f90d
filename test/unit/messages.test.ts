// Every message a person reads, as text: whole sentences, what happened on the first line (the engine's progress
// rows show only that line), the advice after it and said once, and failures quoted inside others without theirs.
import { expect } from "chai";
import * as t from "io-ts";
import { Failure, describeFailure, toError } from "../../provider/logzio/errors";
import * as msg from "../../provider/lifecycle/messages";
import { useNeutralWording } from "../../provider/lifecycle/wording";
import { Settings } from "../../provider/config/settings";
import { SiemAccountInputs } from "../../provider/logzio/codecs";
import { headline, sentence } from "../../provider/logzio/text";

const settings: Settings = {
    namespace: "logzio",
    apiUrl: "https://api-eu.logz.io",
    apiToken: "token-of-the-main-account",
    maxConcurrency: 25,
    maxRetries: 5,
    requestTimeoutMs: 120_000,
    retryBaseMs: 250,
    maxBackoffMs: 10_000,
    provisioningGraceMs: 15 * 60_000,
    tokenCheckMs: 10_000,
};
const live = { accountId: 123456 as t.Int, accountName: "platform-siem", type: "SECURITY_ACCOUNT" };
const state = { accountName: "platform-siem", createdAt: "2026-12-01T10:00:00Z", mainAccountId: 1, apiUrl: "https://api.logz.io" };
const inputs = { accountName: "platform-siem", email: "soc@example.com" } as SiemAccountInputs;
const unauthorized: Failure = { kind: "http", operation: "GET /v2/whoami", status: 401, message: "Unauthorized", requestId: "r-1" };
const unavailable: Failure = { kind: "http", operation: "POST /v2/account-management/siem", status: 503, attempts: 6 };
const dropped: Failure = { kind: "network", operation: "POST /v2/account-management/siem", detail: "socket hang up", sent: true };

// A rename in the Logz.io UI, refreshed: the program still asks for the old name.
const renamedInUi = {
    replaces: ["accountName"],
    olds: { ...state, accountName: "renamed-in-ui", storedName: "platform-siem", requested: { accountName: "platform-siem" } },
    news: { accountName: "platform-siem", email: "soc@example.com" },
};
// The program asks for another accountsToScan and email.
const scanChanged = {
    replaces: ["email", "accountsToScan"],
    olds: {
        ...state,
        storedName: "platform-siem",
        requested: { accountName: "platform-siem", email: "soc@example.com", accountsToScan: [1, 2] },
    },
    news: { accountName: "platform-siem", email: "new@example.com", accountsToScan: [3] },
};

/** Every message, as the current wording (TypeScript, or neutral for the plugin) writes it. */
const allMessages = (): Record<string, string> => ({
    duplicateName: msg.duplicateName(live),
    "duplicateName with others found in the run": `${msg.duplicateName(live)} ${msg.alsoListed([
        { ...live, accountId: 7 as t.Int, accountName: "siem-eu" },
    ])}`,
    creatingNow: msg.creatingNow("platform-siem"),
    unsettledClaim: msg.unsettledClaim("platform-siem"),
    stillExists: msg.stillExists(live),
    "stillExists (a resource leaving the program)": msg.stillExists(live, { programRan: true }),
    "stillExists (a replacement after a rename in the UI)": msg.stillExists(live, { replacement: renamedInUi }),
    "stillExists (a replacement the program asked for)": msg.stillExists(live, { replacement: scanChanged }),
    "replacementAhead (a rename in the UI)": msg.replacementAhead("123456", renamedInUi),
    "replacementAhead (the program changed)": msg.replacementAhead("123456", scanChanged),
    switchedMainAccount: msg.switchedMainAccount("123456", state, { mainAccountId: 2, apiUrl: settings.apiUrl }, settings),
    stillProvisioning: msg.stillProvisioning(settings, "123456", state),
    "ageUnknown (refresh)": msg.ageUnknown(settings, "123456", state, "refresh"),
    "ageUnknown (delete)": msg.ageUnknown(settings, "123456", state, "delete"),
    ...Object.fromEntries(
        (["refresh", "delete", "guard", "lookup", "adopt"] as const).map((doing) => [
            `listNotWhole (${doing})`,
            msg.listNotWhole("the list is empty", "SIEM account 123456", doing),
        ]),
    ),
    "unusableList (refresh)": msg.unusableList(unauthorized, "SIEM account 123456", "refresh"),
    otherMainAccount: msg.otherMainAccount("123456", state, { mainAccountId: 2, apiUrl: settings.apiUrl }, settings, "delete"),
    tokenRefused: msg.tokenRefused(settings, unauthorized),
    "unsettled (lookup failed)": msg.unsettled(inputs, dropped, unauthorized),
    "unsettled (not listed)": msg.unsettled(inputs, dropped, undefined, settings),
    notCreated: msg.notCreated(inputs, unavailable, 3),
    partialCreateMessage: msg.partialCreateMessage(inputs, 123456, "accountId was a string"),
    adoptUnknownId: msg.adoptUnknownId(123456, settings.apiUrl),
    adoptNotSiem: msg.adoptNotSiem(123456, { ...live, type: "GENERAL" }),
    adoptOtherName: msg.adoptOtherName(123456, live, "other-name"),
    nameHeldInStack: msg.nameHeldInStack(live, "old-siem"),
    renamedOntoListed: msg.renamedOntoListed(live),
    unknownOutcome: msg.unknownOutcome("platform-siem", 1, {
        file: "/home/u/.pulumi/logzio-siem/unsettled-creates/1-ab.json",
        sentAt: "2026-12-01T10:00:00.000Z",
    }),
    "unknownOutcome (made an account)": msg.unknownOutcome("platform-siem", 1, {
        file: "/home/u/.pulumi/logzio-siem/unsettled-creates/1-ab-id123456.json",
        sentAt: "2026-12-01T10:00:00.000Z",
        accountId: 123456,
    }),
});
const messages = allMessages();

/** The sentences of a text, for finding one said twice. */
const sentencesOf = (text: string) =>
    text
        .split(/(?<=[.!?])\s+/)
        .map((s) => s.trim())
        .filter((s) => s.length > 0);

describe("messages: neutral wording for the plugin, read from every language", () => {
    let neutral: Record<string, string> = {};
    before(() => {
        useNeutralWording(true);
        try {
            neutral = allMessages();
        } finally {
            useNeutralWording(false);
        }
    });

    it("no TypeScript syntax in any message, and the same sentences rules", () => {
        for (const [name, text] of Object.entries(neutral)) {
            expect(text, name).to.not.match(/retainOnDelete: true|aliases: \[\{|existingAccountId: [<\d]|resource args|its args/);
            const lines = text.split("\n");
            expect(lines.length, name).to.be.within(1, 2);
            for (const line of lines) expect(line, line).to.match(/\S[.!?]$/);
        }
    });

    it("names each option and property as Python, Go and .NET spell it, where advice names one", () => {
        expect(neutral.stillExists).to.include("retainOnDelete (retain_on_delete in Python, RetainOnDelete in Go and .NET) to true");
        expect(neutral.duplicateName).to.include(
            "existingAccountId (existing_account_id in Python, ExistingAccountId in Go and .NET) set to 123456",
        );
        expect(neutral["stillExists (a resource leaving the program)"]).to.include(
            "the resource option aliases with an alias of its old name",
        );
        // The dynamic provider's wording is unchanged.
        expect(messages.stillExists).to.include("`retainOnDelete: true`");
    });
});

describe("messages: whole sentences, each said once", () => {
    for (const [name, text] of Object.entries(messages)) {
        it(`${name}: what happened first, at most one line of advice, every line a sentence, nothing repeated`, () => {
            const lines = text.split("\n");
            expect(lines.length).to.be.within(1, 2);
            for (const line of lines) expect(line, line).to.match(/\S[.!?]$/);
            const said = sentencesOf(text);
            expect(new Set(said).size, `a sentence said twice in: ${text}`).to.equal(said.length);
            // A thrown error keeps the text as it is (scrubbed, bounded), and so does a check failure reason.
            expect(toError(msg.refused(text)).message).to.equal(text);
        });
    }

    it("no message tells a user to delete an account before naming the ways that keep it", () => {
        const keeps = /retainOnDelete|aliases|revert|rename|set accountName|restore/i;
        for (const [name, text] of Object.entries(messages)) {
            const deleteAt = text.search(/\bdelete (it|this one)\b/i);
            if (deleteAt < 0) continue;
            const keepAt = text.search(keeps);
            expect(keepAt, `${name}: a way that keeps the account, before "delete", in: ${text}`).to.be.within(0, deleteAt - 1);
        }
    });

    it("a replacement after a rename in the UI offers the choice of names; one the program asked for offers its revert", () => {
        for (const text of [
            messages["stillExists (a replacement after a rename in the UI)"],
            messages["replacementAhead (a rename in the UI)"],
        ]) {
            expect(text).to.include('setting accountName: "renamed-in-ui"').and.include('restore "platform-siem" by renaming it back');
        }
        for (const text of [
            messages["stillExists (a replacement the program asked for)"],
            messages["replacementAhead (the program changed)"],
        ]) {
            expect(text).to.include('revert email to "soc@example.com", accountsToScan to [1,2] in the program');
        }
        expect(messages["replacementAhead (the program changed)"].split("\n")[0]).to.include("`pulumi up` will stop at its delete");
    });

    it("the duplicate guard never offers to adopt an account this stack manages, and names aliases first otherwise", () => {
        expect(messages.nameHeldInStack).to.not.include("existingAccountId");
        expect(messages.nameHeldInStack).to.include("which another resource of this stack manages");
        const generic = messages.duplicateName;
        expect(generic.indexOf("aliases")).to.be.within(0, generic.indexOf("existingAccountId: 123456") - 1);
    });

    it("the wrong-token message gives its advice once and ends as a sentence", () => {
        const text = messages.tokenRefused;
        expect(text.split("\n")).to.deep.equal([
            'Logz.io did not accept the API token of config namespace "logzio" at https://api-eu.logz.io: ' +
                'GET /v2/whoami failed: HTTP 401, message "Unauthorized", requestId r-1.',
            "Check that logzio:apiToken is an API token of the main (owner) account, and that the region (or API URL) is that account's.",
        ]);
    });

    it("a failure quoted inside another message brings its first line, not its advice", () => {
        expect(describeFailure(unauthorized)).to.include("\nLogz.io refused the API token");
        expect(messages["unsettled (lookup failed)"]).to.include("looking it up failed too (GET /v2/whoami failed: HTTP 401");
        expect(messages["unsettled (lookup failed)"]).to.not.include("refused the API token");
        expect(messages["unusableList (refresh)"]).to.not.include("refused the API token");
    });

    it("every failure kind, as thrown, ends as a sentence", () => {
        const failures: Failure[] = [
            { kind: "config", problems: ["logzio:apiToken (or LOGZIO_API_TOKEN) is required"] },
            { kind: "input", problems: ["accountName is required"] },
            unauthorized,
            { kind: "http", operation: "GET /v2/whoami", status: 403 },
            unavailable,
            dropped,
            { kind: "decode", operation: "GET /v1/associated-accounts", detail: "(body): expected Array" },
            msg.refused("a rule said no"),
        ];
        for (const f of failures) {
            const lines = toError(f, [settings.apiToken]).message.split("\n");
            for (const line of lines) expect(line, f.kind).to.match(/\S[.!?]$/);
        }
    });

    it("sentence() adds a full stop only where one is missing; headline() takes the first line without it", () => {
        expect(sentence("done")).to.equal("done.");
        expect(sentence("done.")).to.equal("done.");
        expect(sentence("really?")).to.equal("really?");
        expect(sentence('message "Service Unavailable" (after 6 attempts)')).to.equal('message "Service Unavailable" (after 6 attempts).');
        expect(headline("What happened.\nWhat to do.")).to.equal("What happened");
        expect(headline("only this")).to.equal("only this");
    });
});
