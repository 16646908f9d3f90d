// The small rules behind absence and names: when two names are one, what a zone-less createdAt means,
// which misspelt key was meant, and scrubbing across the decoded view's slices.
import { expect } from "chai";
import { probablyMeant } from "../../provider/config/configKeys";
import { createdAtMs } from "../../provider/lookups/absence";
import { hasLooseSpaces, nameKey, sameName } from "../../provider/lifecycle/names";
import { REDACTED, scrub } from "../../provider/logzio/text";

describe("names: one name to Logz.io", () => {
    it("case, surrounding and repeated spaces aside", () => {
        expect(sameName("Prod-Siem", " prod-siem ")).to.equal(true);
        expect(sameName("prod  siem", "Prod Siem")).to.equal(true);
        expect(sameName("prod-siem", "prod_siem")).to.equal(false);
        expect(nameKey("  A  b ")).to.equal("a b");
        expect(hasLooseSpaces("a b")).to.equal(false);
        expect(hasLooseSpaces(" a")).to.equal(true);
        expect(hasLooseSpaces("a  b")).to.equal(true);
    });
});

describe("createdAt: never read in the host's time zone", () => {
    it("with an offset: exact", () => {
        expect(createdAtMs("2026-12-01T10:00:00Z")).to.equal(Date.UTC(2026, 11, 1, 10));
        expect(createdAtMs("2026-12-01T10:00:00+09:00")).to.equal(Date.UTC(2026, 11, 1, 1));
    });
    it("without one: the latest instant it can name (UTC-12), whatever TZ says", () => {
        expect(createdAtMs("2026-12-01T10:00:00")).to.equal(Date.UTC(2026, 11, 1, 22));
        expect(createdAtMs("2026-12-01 10:00")).to.equal(Date.UTC(2026, 11, 1, 22));
    });
    it("anything else: unknown", () => {
        expect(createdAtMs("yesterday")).to.equal(undefined);
        expect(createdAtMs("12/01/2026 10:00")).to.equal(undefined);
        expect(createdAtMs(42)).to.equal(undefined);
    });
});

describe("config keys: the key probably meant", () => {
    const known = ["apiToken", "region", "customApiUrl"];
    it("another case, or up to two edits", () => {
        expect(probablyMeant("customApiURL", known)).to.equal("customApiUrl");
        expect(probablyMeant("apiTokn", known)).to.equal("apiToken");
        expect(probablyMeant("cutsomApiUrl", known)).to.equal("customApiUrl");
    });
    it("none for a known key or an unrelated one", () => {
        expect(probablyMeant("apiToken", known)).to.equal(undefined);
        expect(probablyMeant("someBridgedSetting", known)).to.equal(undefined);
        expect(probablyMeant("regio", known)).to.equal(undefined);
    });
});

describe("scrub: the decoded view across its slices", () => {
    const token = "tok-3f2c9a1e-77aa-4b1c-9d2e-0a1b2c3d4e5f";
    it("a percent-encoded token straddling a 1 MiB slice boundary in a 3 MiB body is removed", () => {
        const encoded = [...Buffer.from(token)].map((b) => `%${b.toString(16)}`).join("");
        for (const at of [(1 << 20) - 40, (2 << 20) - 3]) {
            const body = `${"x".repeat(at)}${encoded}${"y".repeat((3 << 20) - at)}`;
            const out = scrub(body, [token]);
            expect(out).to.include(REDACTED);
            expect(out).to.not.include(encoded.slice(0, 30));
        }
    });
    it("a body of a million line breaks, % and & is handled in one pass", () => {
        const body = "\n%&".repeat(1_000_000);
        expect(scrub(body, [token])).to.equal(body);
    });
});
