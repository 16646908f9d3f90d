// ES module programs (`"type": "module"` in package.json) through the real CLI and its Node.js language host: a
// TypeScript one (the host loads it with ts-node's ESM hooks when the project has ts-node and a tsconfig for ES
// modules) and a JavaScript one. `import.meta` in each proves it ran as an ES module, not as CommonJS.
import { expect } from "chai";
import { LogzioEmulator } from "../../emulator";
import { stepsFor } from "../../harness/e2e/stack";
import { E2EContext, e2eDescribe, emulatorPerTest, expectOk, initAgainst } from "./support";

const program = (accountName: string, typed: boolean) =>
    [
        `import * as pulumi from "@pulumi/pulumi";`,
        `import { SiemAccount } from "pulumi-logzio-siem";`,
        ``,
        `const config = new pulumi.Config();`,
        `const siem = new SiemAccount("esm", { accountName: config.get("accountName") ?? "${accountName}", email: "esm@example.com" });`,
        ``,
        `export const accountId = siem.accountId;`,
        `export const loadedAs${typed ? ": string" : ""} = import.meta.url.startsWith("file:") ? "esm" : "unknown";`,
        ``,
    ].join("\n");

/** What the README tells an ESM TypeScript project to use: ES module output and Node's module resolution. */
const ESM_TSCONFIG = {
    compilerOptions: { strict: true, target: "es2022", module: "nodenext", moduleResolution: "nodenext", skipLibCheck: true },
    files: ["index.ts"],
};

e2eDescribe("ES module programs", (ctx: E2EContext) => {
    let emulator: LogzioEmulator;
    emulatorPerTest((e) => (emulator = e));
    const cases: { title: string; name: string; files: Record<string, string> }[] = [
        {
            title: 'TypeScript ("type": "module", ts-node in the project, tsconfig module nodenext)',
            name: "esm-ts-siem",
            files: {
                "index.ts": program("esm-ts-siem", true),
                "tsconfig.json": JSON.stringify(ESM_TSCONFIG, null, 2),
                "package.json": JSON.stringify({ name: "esm-ts", private: true, type: "module", main: "index.ts" }),
            },
        },
        {
            title: 'JavaScript ("type": "module")',
            name: "esm-js-siem",
            files: {
                "index.js": program("esm-js-siem", false),
                "package.json": JSON.stringify({ name: "esm-js", private: true, type: "module", main: "index.js" }),
            },
        },
    ];
    for (const c of cases) {
        it(`an ES module program in ${c.title}: up creates the account, a second preview expects no changes`, async () => {
            const stack = ctx.project("examples/quickstart", { files: { ...c.files, "Pulumi.yaml": "name: esm\nruntime: nodejs\n" } });
            await initAgainst(stack, emulator);
            const up = await stack.up();
            expectOk(up, "pulumi up");
            const [account] = emulator.siemAccounts();
            expect(emulator.siemAccounts().map((a) => a.accountName)).to.deep.equal([c.name]);
            expect(await stack.outputs()).to.deep.equal({ accountId: account.accountId, loadedAs: "esm" });
            const again = await stack.preview({ expectNoChanges: true });
            expectOk(again, "pulumi preview --expect-no-changes");
            expect(stepsFor(again)).to.deep.equal(["same"]);
        });
    }
});
