// LogzioClient under a hostile or broken network, against the emulator over loopback: bounded time and no
// leaked sockets for dripping/stalled bodies and late headers, redirects never followed, every usable id of
// a created account kept, hostile bodies handled in linear time and bounded, and the token scrubbed.
import { expect } from "chai";
import * as E from "fp-ts/Either";
import { LogzioEmulator, ROUTES } from "../../emulator";
import { CreateSiemRequest } from "../../provider/logzio/codecs";
import { describeFailure, toError } from "../../provider/logzio/errors";
import { deadlineIn } from "../../provider/logzio/deadline";
import { LogzioClient } from "../../provider/logzio/logzioClient";
import { Settings } from "../../provider/config/settings";
import { MAX_MESSAGE_CHARS } from "../../provider/logzio/text";
import { Recorder, emulatorPerSuite, left, right, settledInFlight, startRecorder, testSettings } from "../helpers/support";

// Holds " and \ so its JSON-escaped form differs from the raw one.
const TOKEN = 'tok-"transport"\\5e0c9a4f-77d2';
const OWNER = 100000;
const LIST = ROUTES.list;
const CREATE = ROUTES.create;
const WHOAMI = ROUTES.whoami;

const body = (accountName: string) => ({ accountName, email: "a@b.co" }) as CreateSiemRequest;

describe("transport: LogzioClient against a hostile or broken network", function () {
    this.timeout(30_000);
    let emulator: LogzioEmulator;
    const clients: LogzioClient[] = [];

    function clientWith(over: Partial<Settings> = {}): LogzioClient {
        const client = new LogzioClient(testSettings(emulator, over));
        clients.push(client);
        return client;
    }

    emulatorPerSuite({ token: TOKEN, ownerAccountId: OWNER }, (e) => (emulator = e));
    afterEach(() => {
        for (const c of clients.splice(0)) c.close();
    });

    describe("bounded time, no leaked sockets", () => {
        it("a body that drips past the attempt's timeout ends with the attempt, its socket destroyed, and the retry recovers", async () => {
            // ~50 bytes at one byte per 200 ms: 10 s for the whole body, far past the 1 s attempt.
            emulator.injectFaults(WHOAMI, { kind: "slowBody", chunkBytes: 1, intervalMs: 200 });
            const started = Date.now();
            const who = await right(clientWith({ requestTimeoutMs: 3000 }).whoami(deadlineIn(6000)));
            expect(who.accountId).to.equal(OWNER);
            expect(emulator.count(WHOAMI)).to.equal(2);
            expect(Date.now() - started).to.be.below(4000);
            expect(await settledInFlight(emulator), "the dripping answer's socket is gone").to.equal(0);
        });

        it("a body that stalls after the headers fails within the attempt's timeout, saying the status arrived but the body did not", async () => {
            emulator.injectFaults(WHOAMI, { kind: "slowBody", stallAfterBytes: 5 });
            const started = Date.now();
            const f = await left(clientWith({ requestTimeoutMs: 3000, maxRetries: 0 }).whoami(deadlineIn(6000)));
            const elapsed = Date.now() - started;
            expect(f).to.include({ kind: "network", timedOut: true });
            expect(describeFailure(f)).to.include("the body of the HTTP 200 answer did not arrive completely within 1s");
            expect(elapsed).to.be.within(900, 2500);
            expect(await settledInFlight(emulator)).to.equal(0);
        });

        it("late headers followed by a slow body: the whole attempt, headers and body, stays within one timeout", async () => {
            // requestTimeoutMs 6000: one attempt may take 2 s. Headers after 1.8 s, then a body that takes 10 s.
            // A timeout that restarts for the body would end this attempt only after 3.8 s.
            emulator.injectFaults(WHOAMI, { kind: "slowBody", headersAfterMs: 1800, chunkBytes: 1, intervalMs: 200 });
            const started = Date.now();
            const f = await left(clientWith({ requestTimeoutMs: 6000, maxRetries: 0 }).whoami(deadlineIn(10_000)));
            expect(f.kind).to.equal("network");
            expect(Date.now() - started).to.be.within(1800, 3300);
            expect(await settledInFlight(emulator)).to.equal(0);
        });

        it("an operation whose every attempt drips ends within requestTimeoutSeconds", async () => {
            emulator.injectFaults(
                LIST,
                ...Array.from({ length: 20 }, () => ({ kind: "slowBody" as const, chunkBytes: 1, intervalMs: 300 })),
            );
            const started = Date.now();
            const f = await left(clientWith({ requestTimeoutMs: 3000, maxRetries: 10 }).listAccounts(deadlineIn(3000)));
            expect(f.kind).to.equal("network");
            expect(Date.now() - started).to.be.below(4500);
            expect(await settledInFlight(emulator)).to.equal(0);
        });

        it("stalled answers on every slot do not block later requests once the fault clears", async () => {
            const client = clientWith({ maxConcurrency: 2, requestTimeoutMs: 3000, maxRetries: 0 });
            emulator.injectFaults(WHOAMI, { kind: "slowBody", stallAfterBytes: 3 }, { kind: "slowBody", stallAfterBytes: 3 });
            const stalled = await Promise.all([client.whoami(deadlineIn(3000))(), client.whoami(deadlineIn(3000))()]);
            expect(stalled.every(E.isLeft)).to.equal(true);
            // The agent holds two sockets at most: were the stalled ones kept, these would wait forever.
            const who = await right(client.whoami(deadlineIn(3000)));
            expect(who.accountId).to.equal(OWNER);
            await right(client.listAccounts(deadlineIn(3000)));
            expect(await settledInFlight(emulator)).to.equal(0);
        });

        it("waiting for a slot counts against the operation's time", async () => {
            const client = clientWith({ maxConcurrency: 1, requestTimeoutMs: 9000, maxRetries: 0 });
            emulator.injectFaults(WHOAMI, { kind: "hang" });
            const hung = client.whoami(deadlineIn(9000))();
            await new Promise((r) => setTimeout(r, 100));
            const started = Date.now();
            const f = await left(client.listAccounts(deadlineIn(1000)));
            expect(Date.now() - started).to.be.below(2500);
            expect(describeFailure(f)).to.include("no time left in logzio-siem:requestTimeoutSeconds");
            expect(emulator.count(LIST)).to.equal(0);
            expect((await hung)._tag).to.equal("Left");
        });
    });

    describe("redirects are never followed", () => {
        let recorder: Recorder;
        beforeEach(async () => (recorder = await startRecorder()));
        afterEach(async () => recorder.close());

        for (const status of [301, 302, 303, 307, 308] as const) {
            it(`a ${status} on the list is an error naming the status and the target host; nothing is sent there`, async () => {
                emulator.injectFaults(LIST, { kind: "redirect", status, location: `${recorder.url}/v1/associated-accounts` });
                const f = await left(clientWith().listAccounts(deadlineIn(5000)));
                expect(f).to.include({ kind: "http", status });
                expect(describeFailure(f)).to.include(`HTTP ${status}`).and.include(`redirected to host ${recorder.host}`);
                expect(recorder.received).to.have.length(0);
                expect(emulator.count(LIST), "not retried").to.equal(1);
            });
        }

        it("a 307 on the create POST sends neither the token nor the body elsewhere, and creates nothing", async () => {
            emulator.injectFaults(CREATE, { kind: "redirect", status: 307, location: `${recorder.url}/v2/account-management/siem` });
            const f = await left(clientWith().createSiemAccount(body("redirected"), deadlineIn(5000)));
            expect(f).to.include({ kind: "http", status: 307 });
            expect(recorder.received).to.have.length(0);
            expect(emulator.siemAccounts()).to.have.length(0);
        });

        it("shows only the target's host: never its credentials, path or query", async () => {
            const location = `http://alice:pw-secret@${recorder.host}/steal?token=${encodeURIComponent(TOKEN)}`;
            emulator.injectFaults(WHOAMI, { kind: "redirect", status: 302, location });
            const text = toError(await left(clientWith().whoami(deadlineIn(5000))), [TOKEN]).message;
            expect(text).to.include(`host ${recorder.host}`);
            for (const part of ["alice", "pw-secret", "steal", "token="]) expect(text).to.not.include(part);
            expect(recorder.received).to.have.length(0);
        });
    });

    describe("every usable id of a created account is kept", () => {
        it("a 200 whose accountId is a numeric string is a result with that id", async () => {
            emulator.injectFaults(CREATE, {
                kind: "statusAfterCommit",
                status: 200,
                body: `{"accountId":"${OWNER + 1}","accountName":"str-id"}`,
            });
            const res = await right(clientWith().createSiemAccount(body("str-id"), deadlineIn(5000)));
            expect(res.accountId).to.equal(OWNER + 1);
            expect(emulator.siemAccounts().map((a) => a.accountId)).to.deep.equal([OWNER + 1]);
        });

        for (const [what, text] of [
            ["JSON truncated after the id", `{"accountId":${OWNER + 1},"accountName":"cut`],
            ["JSON truncated after a quoted id", `{"accountId":"${OWNER + 1}","accou`],
            ["an id with a body that breaks the schema", `{"accountId":${OWNER + 1},"accountName":17}`],
        ]) {
            it(`${what}: a decode failure that carries the id`, async () => {
                emulator.injectFaults(CREATE, { kind: "statusAfterCommit", status: 200, body: text, contentType: "application/json" });
                const f = await left(clientWith().createSiemAccount(body("cut"), deadlineIn(5000)));
                expect(f.kind).to.equal("decode");
                expect(f.kind === "decode" && f.accountId).to.equal(OWNER + 1);
            });
        }

        it("digits cut off by the end of the body are not taken as an id (they may be part of a longer one)", async () => {
            emulator.injectFaults(CREATE, {
                kind: "statusAfterCommit",
                status: 200,
                body: `{"accountId":${OWNER + 1}`,
                contentType: "application/json",
            });
            const f = await left(clientWith().createSiemAccount(body("cut"), deadlineIn(5000)));
            expect(f.kind).to.equal("decode");
            expect(f.kind === "decode" && f.accountId).to.equal(undefined);
        });

        it("a 200 whose body stalls right after the id: the id from what arrived", async () => {
            emulator.injectFaults(CREATE, { kind: "slowBody", chunkBytes: 64, stallAfterBytes: `{"accountId":${OWNER + 1},`.length });
            const f = await left(
                clientWith({ requestTimeoutMs: 3000, maxRetries: 0 }).createSiemAccount(body("stalled"), deadlineIn(3000)),
            );
            expect(f.kind).to.equal("decode");
            expect(f.kind === "decode" && f.accountId).to.equal(OWNER + 1);
            expect(describeFailure(f)).to.include("did not arrive completely");
            expect(emulator.siemAccounts().map((a) => a.accountId)).to.deep.equal([OWNER + 1]);
        });
    });

    describe("hostile bodies: linear, bounded, and a decode failure when they cannot be parsed", () => {
        it("a 2 MB 5xx body of '<' is handled at once and cut to a short message", async function () {
            // Quadratic tag stripping took seconds for 80 KB; over 2 MB it would not finish within this timeout.
            this.timeout(20_000);
            emulator.injectFaults(WHOAMI, { kind: "status", status: 502, body: "<".repeat(2_000_000), contentType: "text/html" });
            const f = await left(clientWith({ maxRetries: 0 }).whoami(deadlineIn(15_000)));
            expect(f).to.include({ kind: "http", status: 502 });
            expect(f.kind === "http" && (f.message ?? "").length).to.be.at.most(200);
        });

        it("a huge JSON error message is bounded", async () => {
            emulator.injectFaults(WHOAMI, {
                kind: "status",
                status: 400,
                body: JSON.stringify({ errorCode: "E".repeat(5000), message: "m".repeat(5000) }),
            });
            const f = await left(clientWith({ maxRetries: 0 }).whoami(deadlineIn(5000)));
            expect(describeFailure(f).length).to.be.at.most(MAX_MESSAGE_CHARS);
        });

        it("a list of 100,000 entries that break the codec gives a summarised error of at most 2 KB", async () => {
            const entries = Array.from({ length: 100_000 }, (_, i) => ({ accountId: `x${i}`, accountName: i, type: "SUB_ACCOUNT" }));
            emulator.injectFaults(LIST, { kind: "status", status: 200, body: JSON.stringify(entries), contentType: "application/json" });
            const f = await left(clientWith().listAccounts(deadlineIn(10_000)));
            expect(f.kind).to.equal("decode");
            const message = toError(f, [TOKEN]).message;
            expect(message.length).to.be.at.most(MAX_MESSAGE_CHARS);
            expect(message).to.match(/and [\d,]+ more/);
        });

        it("deeply nested JSON in a 200 is a decode failure (not a connection failure), not retried", async () => {
            const deep = "[".repeat(200_000) + "]".repeat(200_000);
            emulator.injectFaults(LIST, { kind: "status", status: 200, body: deep, contentType: "application/json" });
            const f = await left(clientWith().listAccounts(deadlineIn(10_000)));
            expect(f.kind).to.equal("decode");
            expect(describeFailure(f)).to.not.include("connection");
            expect(emulator.count(LIST)).to.equal(1);
        });

        it("a 200 body past the size cap is a decode failure, read no further", async function () {
            this.timeout(30_000);
            emulator.injectFaults(WHOAMI, {
                kind: "status",
                status: 200,
                body: `{"accountName":"${"a".repeat(33 * 1024 * 1024)}"}`,
                contentType: "application/json",
            });
            const f = await left(clientWith({ requestTimeoutMs: 20_000 }).whoami(deadlineIn(20_000)));
            expect(f.kind).to.equal("decode");
            expect(describeFailure(f)).to.include("larger than 32 MiB");
        });
    });

    describe("the token, in any form Logz.io may echo it, never reaches a message", () => {
        /** Any 8 characters of the token, in any case. */
        const leaks = (text: string) => {
            const lower = text.toLowerCase();
            for (let i = 0; i + 8 <= TOKEN.length; i++) if (lower.includes(TOKEN.slice(i, i + 8).toLowerCase())) return true;
            return false;
        };
        const echoes: [string, string][] = [
            ["JSON-escaped", JSON.stringify({ message: `token ${TOKEN} is not valid` })],
            ["upper-cased", JSON.stringify({ message: `TOKEN ${TOKEN.toUpperCase()} IS NOT VALID` })],
            ["URL-encoded", JSON.stringify({ message: `see /login?token=${encodeURIComponent(TOKEN)}` })],
            [
                "base64 in a Basic header",
                JSON.stringify({ message: `Authorization: Basic ${Buffer.from(`api:${TOKEN}`).toString("base64")}` }),
            ],
            ["cut by the server", JSON.stringify({ message: `token ${TOKEN.slice(0, 12)}...` })],
            ["across the excerpt's cut (plain text)", `${"e".repeat(190)} ${TOKEN} and more`],
        ];
        for (const [what, text] of echoes) {
            it(`${what}, in an error body`, async () => {
                emulator.injectFaults(WHOAMI, { kind: "status", status: 401, body: text });
                const f = await left(clientWith({ maxRetries: 0 }).whoami(deadlineIn(5000)));
                // The message field itself (shown JSON-quoted, which would hide a leak of `"` or `\`), and all that is shown.
                for (const shown of [
                    f.kind === "http" ? (f.message ?? "") : "",
                    describeFailure(f),
                    JSON.stringify(f),
                    toError(f, [TOKEN]).message,
                ]) {
                    expect(leaks(shown), shown).to.equal(false);
                    expect(shown).to.not.include(Buffer.from(`api:${TOKEN}`).toString("base64").slice(4, 14));
                }
            });
        }

        it("in a 200 that is not JSON, cut into the decode message's excerpt", async () => {
            emulator.injectFaults(WHOAMI, { kind: "status", status: 200, body: `${"n".repeat(185)} ${TOKEN}`, contentType: "text/plain" });
            const f = await left(clientWith().whoami(deadlineIn(5000)));
            expect(f.kind).to.equal("decode");
            expect(leaks(f.kind === "decode" ? f.detail : "")).to.equal(false);
            expect(f.kind === "decode" && f.detail).to.not.include(TOKEN.slice(0, 4));
        });
    });
});
