// nameKey (provider/lifecycle/names.ts), the one identity of names in every comparison: a property over every code
// point. What the duplicate guard makes of it through the host is in test/host/duplicateNames.test.ts.
import { expect } from "chai";
import { nameKey } from "../../provider/lifecycle/names";

describe("nameKey: one identity for names (NFKC, Unicode case folding, spaces)", () => {
    it("every code point's key is its own key and that of its upper and lower case", () => {
        const bad: string[] = [];
        for (let cp = 0; cp <= 0x10ffff; cp++) {
            if (cp >= 0xd800 && cp <= 0xdfff) continue;
            const c = String.fromCodePoint(cp);
            const k = nameKey(c);
            if (nameKey(k) !== k || nameKey(c.toUpperCase()) !== k || nameKey(c.toLowerCase()) !== k) bad.push(cp.toString(16));
        }
        expect(bad).to.deep.equal([]);
    });
});
