// bench/profiling/createPath.ts, the tool that lists which provider/ files one create goes through: its probe
// placement (instrument), how entries become visits and touches (visitsOf), and real creates through the host, held to
// "a create touches each file of its path once" as bounds that scheduling cannot break.
import { expect } from "chai";
import * as ts from "typescript";
import { formatCreatePath, measureCreatePath, visitsOf } from "../../bench/profiling/createPath";
import { PathEntry, instrument } from "../../bench/profiling/createPathPreload";

describe("bench: createPath, the files one create goes through", function () {
    it("puts a probe at the start of every function body, concise arrows included, and none in tsc's helpers", () => {
        const code = [
            `var __importStar = (this && this.__importStar) || (function () { return function (mod) { return mod; }; })();`,
            `Object.defineProperty(exports, "x", { enumerable: true, get: function () { return 1; } });`,
            `function named(a) { return a + 1; }`,
            `const arrow = (a) => ({ a });`,
            `class Box { constructor(now = () => 5) { this.now = now; } get size() { return 1; } open() { return [1, 2].map((n) => n * 2); } }`,
            `Object.assign(exports, { named, arrow, Box, helper: __importStar });`,
        ].join("\n");
        const seen: string[] = [];
        const probe = (_file: string, fn: string): void => void seen.push(fn);
        const out = instrument(ts, code, "/nowhere/provider/sample.js");
        const mod = { exports: {} as Record<string, unknown> };
        const g = globalThis as Record<string, unknown>;
        g.__benchCreatePathProbe = probe;
        try {
            new Function("module", "exports", out)(mod, mod.exports);
            const m = mod.exports as {
                named: (a: number) => number;
                arrow: (a: number) => { a: number };
                Box: new () => { now(): number; size: number; open(): number[] };
                helper: (x: number) => number;
            };
            expect(m.named(1)).to.equal(2);
            expect(m.arrow(3)).to.deep.equal({ a: 3 });
            const box = new m.Box();
            expect(box.now()).to.equal(5);
            expect(box.size).to.equal(1);
            expect(box.open()).to.deep.equal([2, 4]);
            expect(m.helper(7)).to.equal(7);
            expect((mod.exports as { x: number }).x).to.equal(1);
        } finally {
            delete g.__benchCreatePathProbe;
        }
        expect(seen).to.deep.equal(["named", "arrow", "Box.constructor", "now", "Box.size", "Box.open", "Box.open/λ", "Box.open/λ"]);
    });

    it("counts a visit for each entry from another file or from the host; none for a file's own calls, a resumption or a callback", () => {
        const host = "/x/node_modules/@pulumi/pulumi/cmd/dynamic-provider/index.js";
        const entries: PathEntry[] = [
            { file: "a.ts", fn: "create", from: null, outside: host },
            { file: "a.ts", fn: "inner", from: "a.ts" },
            { file: "b.ts", fn: "one", from: "a.ts" },
            { file: "c.ts", fn: "x", from: "b.ts" },
            { file: "b.ts", fn: "two", from: "a.ts" },
            { file: "a.ts", fn: "then", from: null, outside: "/x/node_modules/fp-ts/lib/TaskEither.js" },
            { file: "a.ts", fn: "later", from: null },
            // a's callback, run by c while a is still on the stack beneath it: a was never left.
            { file: "c.ts", fn: "run", from: "a.ts" },
            { file: "a.ts", fn: "task", from: "c.ts", beneath: ["a.ts"] },
            { file: "b.ts", fn: "back", from: "c.ts" },
            { file: "b.ts", fn: "three", from: "a.ts" },
        ];
        const p = visitsOf(entries);
        expect([p.resumptions, p.continuations]).to.deep.equal([2, 1]);
        expect(p.visits.map((v) => `${v.file}<${v.from}`)).to.deep.equal([
            "a.ts<(host)",
            "b.ts<a.ts",
            "c.ts<b.ts",
            "b.ts<a.ts",
            "c.ts<a.ts",
            "b.ts<c.ts",
            "b.ts<a.ts",
        ]);
        const by = (f: string) => p.files.find((x) => x.file === f)!;
        // b: one, two (a's visits in a row: one touch; b's own visit to c between them does not end it), back, three.
        expect([by("b.ts").visits, by("b.ts").touches, by("b.ts").entries]).to.deep.equal([4, 3, 4]);
        expect(by("b.ts").from).to.deep.equal(["a.ts", "c.ts", "a.ts"]);
        expect(p.files.map((f) => [f.file, f.step])).to.deep.equal([
            ["a.ts", true],
            ["b.ts", true],
            ["c.ts", true],
        ]);
        expect(visitsOf([{ file: "a.ts", fn: "f", from: null, outside: host }]).files[0].step).to.equal(false);
    });

    // The criterion, "a create touches each file of its path once": each step file (one that hands control on to
    // another provider/ file) once per create, and the wire's step files (logzio/) once per request. Helpers (names,
    // codecs, the clocks, the journal's files) are consulted where they are needed. Scheduling can only turn a visit into
    // a resumption (a list started by a timer) or add a request (a retry), so the bounds hold on a busy machine.
    it("follows a real create through the provider host: each step file touched once, the wire's once per request", async function () {
        this.timeout(120_000);
        const [first, second] = await measureCreatePath(3);
        for (const p of [first, second]) {
            expect(p.visits[0]).to.include({ file: "lifecycle/siemAccountProvider.ts", from: "(host)" });
            expect(p.requests[0]).to.match(/^GET \/v1\/associated-accounts /);
            expect(p.requests.filter((r) => !r.startsWith("GET /v1/associated-accounts"))).to.deep.equal([
                "POST /v2/account-management/siem 200",
            ]);
            const files = p.files.map((f) => f.file);
            // The POST goes through the client, and the create's own steps through create.ts.
            expect(files).to.include.members(["lifecycle/create.ts", "logzio/logzioClient.ts", "lookups/listingIndex.ts"]);
            for (const f of p.files) {
                expect(f.visits, f.file).to.be.at.least(f.touches).and.at.most(f.entries);
                if (!f.step) continue;
                if (f.file.startsWith("logzio/")) expect(f.touches, f.file).to.be.at.most(p.requests.length);
                else expect(f.touches, `${f.file}, touched from ${f.from.join(", ")}`).to.equal(1);
            }
            expect(p.files.reduce((n, f) => n + f.visits, 0)).to.equal(p.visits.length);
        }
        expect(formatCreatePath("first", first, 37)).to.match(/^first: \d+ of 37 provider files/);
    });
});
