// What a Pulumi program pays for importing the package and declaring SiemAccounts: the entry point loads and
// declares nothing of the runtime (Pulumi type-checks TypeScript programs through these declarations), the shim is a
// plain object (its text is stored twice per resource), and declaring a resource leaves the process as it was.
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { expect } from "chai";
import { SiemAccount } from "../../provider";
import { captureResources } from "../../testing/runner/providerCapture";
import { REPO_ROOT, serializedProvider } from "../helpers/support";

const DIST = path.join(REPO_ROOT, "dist", "provider");
const RUNTIME_PACKAGES = /[\\/]node_modules[\\/](fp-ts|io-ts|node-fetch)[\\/]/;

describe("public surface: what a program importing the package pays", function () {
    this.timeout(60_000);

    it("requiring the entry point loads neither fp-ts, io-ts nor node-fetch", () => {
        const loaded = JSON.parse(
            execFileSync(
                process.execPath,
                ["-e", `require(${JSON.stringify(DIST)}); console.log(JSON.stringify(Object.keys(require.cache)))`],
                {
                    encoding: "utf8",
                },
            ),
        ) as string[];
        expect(
            loaded.some((f) => f.startsWith(DIST)),
            "the entry point itself was loaded",
        ).to.equal(true);
        expect(loaded.filter((f) => RUNTIME_PACKAGES.test(f))).to.deep.equal([]);
    });

    it("the entry point's declarations, followed through every relative import, name only @pulumi/pulumi", () => {
        const seen = new Set<string>();
        const outside = new Set<string>();
        const visit = (file: string) => {
            if (seen.has(file)) return;
            seen.add(file);
            const text = fs.readFileSync(file, "utf8");
            for (const m of text.matchAll(/(?:from\s+|import\()\s*"([^"]+)"/g)) {
                const spec = m[1];
                if (spec.startsWith(".")) visit(path.resolve(path.dirname(file), `${spec}.d.ts`));
                else outside.add(spec);
            }
        };
        visit(path.join(DIST, "index.d.ts"));
        expect(seen.size, "declaration files reached").to.be.greaterThan(2);
        expect([...outside].filter((spec) => spec !== "@pulumi/pulumi" && !spec.startsWith("@pulumi/pulumi/"))).to.deep.equal([]);
    });

    it("the serialized shim is a plain object: no constructor, no prototype, no runtime captured", async () => {
        const text = await serializedProvider();
        expect(text).to.match(/var __provider = \{runtime: __f\d+, configure:/);
        expect(text).to.not.include("prototype");
        expect(text).to.include('require("node:module").createRequire(anchor)("pulumi-logzio-siem/runtime")');
    });

    it("declaring a SiemAccount leaves Error.stackTraceLimit as it was, also when Pulumi refuses the declaration", async () => {
        const before = Error.stackTraceLimit;
        Error.stackTraceLimit = 17;
        try {
            let refused: unknown;
            const captured = await captureResources(() => {
                new SiemAccount("kept", { accountName: "kept", email: "kept@example.com" });
                expect(Error.stackTraceLimit).to.equal(17);
                try {
                    new SiemAccount("", { accountName: "nameless", email: "n@example.com" });
                } catch (e) {
                    refused = e;
                }
                expect(Error.stackTraceLimit).to.equal(17);
            });
            expect(String(refused)).to.include("Missing resource name");
            expect(captured.map((r) => r.name)).to.deep.equal(["kept"]);
            // Errors made afterwards still carry their stack.
            expect(new Error("after").stack?.split("\n").length).to.be.greaterThan(1);
        } finally {
            Error.stackTraceLimit = before;
        }
    });

    it("an error thrown inside new SiemAccount (no name, a bad parent, a throwing transformation) carries the user's file:line", async () => {
        const thrown: { what: string; line: number; error: unknown }[] = [];
        // Each declaration is on the line whose number is taken: the user's `new SiemAccount` frame.
        const lineHere = () => Number([...(new Error().stack ?? "").matchAll(/publicSurface\.test\.[jt]s:(\d+)/g)][1]?.[1]);
        const attempt = (what: string, line: number, declare: () => unknown) => {
            try {
                declare();
                thrown.push({ what, line, error: undefined });
            } catch (error) {
                thrown.push({ what, line, error });
            }
        };
        const args = { accountName: "traced", email: "t@example.com" };
        const failing = () => {
            throw new Error("transform failed");
        };
        await captureResources(() => {
            attempt("no name", lineHere(), () => new SiemAccount("", args));
            attempt("a bad parent", lineHere(), () => new SiemAccount("p", args, { parent: {} as never }));
            attempt("a throwing transformation", lineHere(), () => new SiemAccount("x", args, { transformations: [failing] }));
        });
        expect(thrown.map((t) => t.what)).to.deep.equal(["no name", "a bad parent", "a throwing transformation"]);
        for (const { what, line, error } of thrown) {
            expect(error, what).to.be.instanceOf(Error);
            const stack = String((error as Error).stack);
            expect(stack, what).to.match(/SiemAccount|siemAccount\.[jt]s/);
            expect(stack, what).to.include(`publicSurface.test.ts:${line}:`);
        }
    });
});
