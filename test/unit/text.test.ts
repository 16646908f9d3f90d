// Text shown to people: every form of the token scrubbed, scrubbing before cutting, bounded messages,
// summarised lists, and HTML stripped in linear time.
import { expect } from "chai";
import { Failure, toError } from "../../provider/logzio/errors";
import { MAX_MESSAGE_CHARS, REDACTED, bounded, scrub, stripHtml, summarise } from "../../provider/logzio/text";

const TOKEN = 'Tk9-2f6c"1a\\b7/e5d4c3';

describe("text: scrub", () => {
    const leaks = (text: string) => {
        const lower = text.toLowerCase();
        // No 8-character piece of the token in any case.
        for (let i = 0; i + 8 <= TOKEN.length; i++) if (lower.includes(TOKEN.slice(i, i + 8).toLowerCase())) return true;
        return false;
    };

    const forms: [string, string][] = [
        ["as is", `token ${TOKEN} is invalid`],
        ['JSON-escaped (a token with " and \\)', JSON.stringify({ message: `token ${TOKEN} is invalid` })],
        ["JSON-escaped with escaped slashes", JSON.stringify({ message: `token ${TOKEN}` }).replace(/\//g, "\\/")],
        ["upper-cased", `TOKEN ${TOKEN.toUpperCase()} IS INVALID`],
        ["lower-cased", `token ${TOKEN.toLowerCase()} is invalid`],
        ["URL-encoded", `GET /x?token=${encodeURIComponent(TOKEN)}&a=1`],
        ["URL-encoded, lower-case hex", `GET /x?token=${encodeURIComponent(TOKEN).replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase())}`],
        ["base64", `Authorization: Basic ${Buffer.from(TOKEN).toString("base64")}`],
        ["base64 after one byte", `Authorization: Basic ${Buffer.from(`u:${TOKEN}`).toString("base64")}`],
        ["base64 after two bytes", `Authorization: Basic ${Buffer.from(`us:${TOKEN}`).toString("base64")}`],
        ["base64url after three bytes", `t=${Buffer.from(`usr:${TOKEN}:x`).toString("base64url")}`],
        ["a prefix where the text was cut", `invalid token ${TOKEN.slice(0, 11)}`],
        ["a prefix before an ellipsis", `invalid token ${TOKEN.slice(0, 9)}... (truncated by the server)`],
    ];
    for (const [what, text] of forms) {
        it(`removes the token ${what}`, () => {
            const out = scrub(text, [TOKEN]);
            expect(out).to.include(REDACTED);
            if (!what.startsWith("base64")) expect(leaks(out), out).to.equal(false);
            // base64 forms: the token's own encoding, at every byte offset, must be gone.
            if (what.startsWith("base64")) {
                for (let k = 0; k < 3; k++) {
                    const core = Buffer.concat([Buffer.alloc(k), Buffer.from(TOKEN)])
                        .toString("base64")
                        .slice(4, 16);
                    expect(out).to.not.include(core);
                    expect(out).to.not.include(core.replace(/\+/g, "-").replace(/\//g, "_"));
                }
            }
        });
    }

    it("leaves text without the token alone, and does not garble around it", () => {
        expect(scrub('HTTP 401, message "Unauthorized"', [TOKEN])).to.equal('HTTP 401, message "Unauthorized"');
        expect(scrub(`a${TOKEN}b`, [TOKEN])).to.equal(`a${REDACTED}b`);
        expect(scrub(`${TOKEN}${TOKEN}`, [TOKEN])).to.equal(REDACTED);
    });

    it("a token change scrubs the new token (the forms of the last one are not reused)", () => {
        const other = "Zq7-other-token-4242";
        expect(scrub(`old ${TOKEN}`, [TOKEN])).to.equal(`old ${REDACTED}`);
        expect(scrub(`new ${other.toUpperCase()} old ${TOKEN}`, [other])).to.equal(`new ${REDACTED} old ${TOKEN}`);
        expect(scrub(`old ${TOKEN}`, [TOKEN])).to.equal(`old ${REDACTED}`);
    });

    it("text with non-ASCII letters is scrubbed in any case, and the letters around the token stay in place", () => {
        // "İ" lower-cases to two characters in full Unicode: positions must still be those of the original.
        expect(scrub(`İİİ ${TOKEN.toUpperCase()} é`, [TOKEN])).to.equal(`İİİ ${REDACTED} é`);
        expect(scrub(`Ünïcödé ${encodeURIComponent(TOKEN)}`, [TOKEN])).to.equal(`Ünïcödé ${REDACTED}`);
    });

    it("ignores secrets too short to scrub safely (the settings refuse them)", () => {
        expect(scrub("redacted", ["red"])).to.equal("redacted");
    });

    it("scrubs before cutting: toError never leaves a piece of the token at the cut", () => {
        const f: Failure = { kind: "refused", message: `${"x".repeat(MAX_MESSAGE_CHARS - 60)} ${TOKEN} ${"y".repeat(5000)}` };
        const message = toError(f, [TOKEN]).message;
        expect(message.length).to.be.at.most(MAX_MESSAGE_CHARS);
        expect(leaks(message)).to.equal(false);
    });
});

describe("text: bounds", () => {
    it("bounded cuts to the limit and says how much was left out", () => {
        const out = bounded("z".repeat(10_000), 2048);
        expect(out.length).to.be.at.most(2048);
        expect(out).to.match(/\(7,9\d\d\+ more characters\)$/);
        expect(bounded("short", 2048)).to.equal("short");
    });

    it("summarise shows the first items and counts the rest", () => {
        const items = Array.from({ length: 100_000 }, (_, i) => `[${i}] is "x"`);
        const out = summarise(items);
        expect(out).to.include("[9] is");
        expect(out).to.not.include("[10] is");
        expect(out).to.match(/and 99,990 more$/);
        expect(summarise(["a", "b"])).to.equal("a, b");
    });

    it("every Failure kind becomes a message of at most 2 KB", () => {
        const huge = "p".repeat(1_000_000);
        const failures: Failure[] = [
            { kind: "config", problems: Array.from({ length: 100_000 }, () => huge.slice(0, 50)) },
            { kind: "input", problems: [huge] },
            { kind: "http", operation: "GET /x", status: 500, message: huge, errorCode: huge, requestId: huge },
            { kind: "network", operation: "GET /x", detail: huge, sent: true },
            { kind: "decode", operation: "GET /x", detail: huge },
            { kind: "refused", message: huge },
        ];
        for (const f of failures) expect(toError(f, [TOKEN]).message.length, f.kind).to.be.at.most(MAX_MESSAGE_CHARS);
        expect(toError(failures[0]).message).to.include("and 99,990 more");
    });
});

describe("text: stripHtml", () => {
    it("takes the title, or the text without tags", () => {
        expect(stripHtml("<html><head><TITLE>502 Bad Gateway</TITLE></head></html>")).to.equal("502 Bad Gateway");
        expect(stripHtml("<html><body><h1>Down</h1>\n<p>soon</p></body></html>")).to.equal("Down soon");
    });

    it("is linear: a megabyte of '<' (quadratic before) and of '<title>' come back at once", function () {
        // Generous bound: a quadratic pass over these inputs would take hours, a linear one milliseconds.
        this.timeout(20_000);
        expect(stripHtml("<".repeat(1_000_000))).to.have.length(1_000_000);
        expect(stripHtml("<title>".repeat(150_000))).to.equal("");
        expect(stripHtml("<a".repeat(500_000))).to.have.length(1_000_000);
    });
});
