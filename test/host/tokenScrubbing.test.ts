// The API token, through Pulumi's real dynamic-provider host against the emulator: in no output, no host log line and no
// error, and scrubbed from Logz.io's error bodies in every form Logz.io might echo it (percent-encoded, base64, HTML
// entities, hex, split across a line, a UUID without its dashes).
import { expect } from "chai";
import { LogzioEmulator, ROUTES } from "../../emulator";
import { urnFor } from "../../testing/runner/hostDriver";
import { hostFixtures, createVia, hostError } from "../helpers/support";

describe("the token is in no output, log line or error, through the host", function () {
    this.timeout(60_000);
    let emulator: LogzioEmulator;
    let provider: string;
    const host = hostFixtures("test", (f) => ({ provider, emulator } = f));

    it("the token is in no output, no host log line and no error", async () => {
        const h = await host();
        const created = await createVia(h, provider, "secret-check", { accountName: "secret-check", email: "s@example.com" });
        expect(JSON.stringify(created.properties)).to.not.include(emulator.token);
        await hostError(createVia(h, provider, "dup", { accountName: "secret-check", email: "s@example.com" }));
        expect(h.stdout() + h.stderr()).to.not.include(emulator.token);
    });

    describe("the token is scrubbed in every form Logz.io might echo", () => {
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
