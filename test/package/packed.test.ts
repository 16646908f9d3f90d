// The package as users get it: `npm pack`, installed into a copy of examples/quickstart made outside the
// repository (as `pulumi new` or a copy-out would), next to its own @pulumi/pulumi. Checks what the tarball holds,
// that the example type-checks with Pulumi's template tsconfig, that every entry point has types under both
// module resolutions, that the README's stack test passes there with the testing kit, and that the host running
// in that folder serves SiemAccounts with the installed runtime.
import { execFileSync, spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import { createRequire } from "node:module";
import * as path from "node:path";
import { expect } from "chai";
import { LogzioEmulator } from "../../emulator";
import { captureResourcesIn } from "../../testing/runner/providerCapture";
import { ProviderHost } from "../../testing/runner/hostDriver";
import { npm, npmInstall, packedTarball, tempDir, versionOf } from "../../harness/packed";
import { REPO_ROOT, SIEM_TYPE, createVia, serializedProvider, startEmulator, startHost } from "../helpers/support";

/** The folders the package ships, each with its whole build: `files` in package.json names exactly these. */
const SHIPPED_FOLDERS = ["provider", "emulator", "testing"];

/** What the tarball must hold, derived from the sources: each shipped module's .js, .d.ts and .js.map, and the docs. */
function expectedTarballFiles(): string[] {
    // Every source module under the shipped folders, subfolders included (testing/runner/ is what runStack runs on).
    const modules = (dir: string) =>
        fs
            .readdirSync(path.join(REPO_ROOT, dir), { recursive: true, encoding: "utf8" })
            .filter((f) => f.endsWith(".ts") && !f.endsWith(".d.ts"))
            .map((f) => `${dir}/${f.split(path.sep).join("/").slice(0, -3)}`);
    const shipped = SHIPPED_FOLDERS.flatMap(modules);
    return [
        "CHANGELOG.md",
        "LICENSE",
        // The resource provider plugin's launcher (package.json `bin`).
        "bin/pulumi-resource-logzio-siem",
        "README.md",
        "package.json",
        ...shipped.flatMap((m) => [`dist/${m}.js`, `dist/${m}.d.ts`, `dist/${m}.js.map`]),
    ].sort();
}

/** docs/testing-kit.md's whole stack test, exactly as users read it. */
function readmeStackTest(): string {
    const readme = fs.readFileSync(path.join(REPO_ROOT, "docs", "testing-kit.md"), "utf8");
    const block = /<!-- stack-test:begin -->\s*```ts\n([\s\S]*?)```\s*<!-- stack-test:end -->/.exec(readme);
    expect(block, "docs/testing-kit.md has the stack-test block").to.not.equal(null);
    return block![1];
}

describe("packed: the npm package installed into a copied-out example", function () {
    this.timeout(600_000);
    let dir: string;
    let emulator: LogzioEmulator;
    let installedProvider: string;

    before(async () => {
        dir = tempDir("quickstart");
        fs.cpSync(path.join(REPO_ROOT, "examples", "quickstart"), dir, { recursive: true });
        // The example's own package.json names the registry package; here it is the tarball just packed, with
        // @pulumi/pulumi pinned as in our lock file and the tools the README's stack test uses.
        npmInstall(dir, [
            packedTarball(),
            `@pulumi/pulumi@${versionOf("@pulumi/pulumi")}`,
            `typescript@${versionOf("typescript")}`,
            `@types/node@${versionOf("@types/node")}`,
            `ts-node@${versionOf("ts-node")}`,
            `mocha@${versionOf("mocha")}`,
            `@types/mocha@${versionOf("@types/mocha")}`,
        ]);
        emulator = await startEmulator();
        const [res] = await captureResourcesIn(
            dir,
            `const { SiemAccount } = require("pulumi-logzio-siem");
             new SiemAccount("installed", { accountName: "installed", email: "i@example.com" });`,
        );
        expect(res.type).to.equal(SIEM_TYPE);
        installedProvider = String(res.inputs.__provider);
    });
    after(async () => {
        await emulator?.close();
        if (dir) fs.rmSync(dir, { recursive: true, force: true });
    });

    it("the tarball holds exactly the built modules, their maps, the license, the changelog and the README", () => {
        const [pack] = JSON.parse(
            execFileSync(npm, ["pack", "--dry-run", "--json", "--ignore-scripts"], { cwd: REPO_ROOT, encoding: "utf8" }),
        ) as {
            files: { path: string }[];
        }[];
        expect(pack.files.map((f) => f.path).sort()).to.deep.equal(expectedTarballFiles());
    });

    it("source maps resolve: every shipped map inlines the source it points at", () => {
        const dist = path.join(dir, "node_modules", "pulumi-logzio-siem", "dist");
        const maps = fs.readdirSync(dist, { recursive: true, encoding: "utf8" }).filter((f) => f.endsWith(".js.map"));
        expect(maps.length).to.be.greaterThan(10);
        for (const m of maps) {
            const map = JSON.parse(fs.readFileSync(path.join(dist, m), "utf8")) as { sources: string[]; sourcesContent?: string[] };
            expect(map.sourcesContent, m).to.have.length(map.sources.length);
            expect(
                map.sourcesContent!.every((s) => typeof s === "string" && s.length > 0),
                m,
            ).to.equal(true);
        }
    });

    it("declares @pulumi/pulumi as a peer, so the program's copy is the only one", () => {
        const pkg = JSON.parse(fs.readFileSync(path.join(dir, "node_modules", "pulumi-logzio-siem", "package.json"), "utf8")) as {
            peerDependencies: Record<string, string>;
            dependencies: Record<string, string>;
        };
        expect(pkg.peerDependencies).to.deep.equal({ "@pulumi/pulumi": ">=3.139.0 <4" });
        expect(pkg.dependencies).to.not.have.property("@pulumi/pulumi");
        expect(fs.existsSync(path.join(dir, "node_modules", "pulumi-logzio-siem", "node_modules", "@pulumi"))).to.equal(false);
    });

    it("the copied example type-checks with its own tsconfig (Pulumi's template: moduleResolution node)", () => {
        const r = spawnSync(process.execPath, [path.join(dir, "node_modules", "typescript", "bin", "tsc"), "-p", ".", "--noEmit"], {
            cwd: dir,
            encoding: "utf8",
        });
        expect(r.status, r.stdout + r.stderr).to.equal(0);
    });

    for (const resolution of ["node", "node16"] as const) {
        it(`every documented entry point has types under moduleResolution ${resolution}`, () => {
            const check = path.join(dir, `entry-points-${resolution}`);
            fs.mkdirSync(check);
            fs.writeFileSync(
                path.join(check, "index.ts"),
                [
                    `import { SiemAccount, SiemAccountArgs } from "pulumi-logzio-siem";`,
                    `import { LogzioEmulator } from "pulumi-logzio-siem/emulator";`,
                    `import { runStack, StackTestResult } from "pulumi-logzio-siem/testing";`,
                    `import { configure } from "pulumi-logzio-siem/runtime";`,
                    `const args: SiemAccountArgs = { accountName: "a", email: "a@example.com" };`,
                    `export const used = [SiemAccount.get, args, LogzioEmulator.start, runStack, configure];`,
                    `export type Result = StackTestResult;`,
                    "",
                ].join("\n"),
            );
            const module = resolution === "node" ? "commonjs" : "node16";
            const tsconfig = {
                compilerOptions: { strict: true, noEmit: true, target: "es2020", module, moduleResolution: resolution },
                files: ["index.ts"],
            };
            fs.writeFileSync(path.join(check, "tsconfig.json"), JSON.stringify(tsconfig));
            const r = spawnSync(process.execPath, [path.join(dir, "node_modules", "typescript", "bin", "tsc"), "-p", check], {
                encoding: "utf8",
            });
            expect(r.status, r.stdout + r.stderr).to.equal(0);
        });
    }

    /** mocha with ts-node on one test file of the copied project, as the example's header says to run it. */
    const mochaThere = (file: string) =>
        spawnSync(npm, ["exec", "--", "mocha", "-r", "ts-node/register", file], {
            cwd: dir,
            encoding: "utf8",
            env: { ...process.env, TS_NODE_PROJECT: "tsconfig.json" },
        });

    it("the stack-test example the quickstart carries (test/stack.test.ts) passes there, with the installed kit", () => {
        const r = mochaThere("test/stack.test.ts");
        expect(r.status, r.stdout + r.stderr).to.equal(0);
        expect(r.stdout).to.match(/\b4 passing\b/);
        expect(r.stdout).to.not.match(/failing|pending/);
    });

    it("the documented stack test (docs/testing-kit.md) is the quickstart's test/stack.test.ts, which the test above runs", () => {
        expect(readmeStackTest()).to.equal(
            fs.readFileSync(path.join(REPO_ROOT, "examples", "quickstart", "test", "stack.test.ts"), "utf8"),
        );
    });

    it("serializes the same small shim under node_modules as in the repo", async () => {
        expect(installedProvider).to.equal(await serializedProvider());
        expect(installedProvider.length).to.be.at.most(4096);
    });

    it("creates an account through the host running in the consumer folder, with the installed runtime", async () => {
        // What the shim's require resolves to from the host's cwd (createRequire, as the shim does it).
        const resolved = createRequire(path.join(dir, "anchor.js")).resolve("pulumi-logzio-siem/runtime");
        expect(resolved).to.equal(
            fs.realpathSync(path.join(dir, "node_modules", "pulumi-logzio-siem", "dist", "provider", "host", "runtime.js")),
        );
        const host: ProviderHost = await startHost(emulator, { cwd: dir });
        try {
            const created = await createVia(host, installedProvider, "installed", { accountName: "installed", email: "i@example.com" });
            expect(emulator.siemAccounts().map((a) => String(a.accountId))).to.deep.equal([created.id]);
            expect(created.properties.accountName).to.equal("installed");
            expect(host.stdout() + host.stderr()).to.not.include(emulator.token);
        } finally {
            await host.stop();
        }
    });

    it("starts the resource provider plugin from node_modules/.bin, as Pulumi does, and it serves its schema", async () => {
        const plugin = await ProviderHost.start({
            cwd: dir,
            plugin: path.join(dir, "node_modules", ".bin", "pulumi-resource-logzio-siem"),
        });
        try {
            const schema = await plugin.getSchema();
            expect(schema.name).to.equal("logzio-siem");
            expect(Object.keys(schema.resources as object)).to.deep.equal(["logzio-siem:index:SiemAccount"]);
        } finally {
            await plugin.stop();
        }
    });

    it("runs the standalone emulator command from the installed package", async () => {
        const bin = path.join(dir, "node_modules", ".bin", "logzio-emulator");
        expect(spawnSync(bin, ["--help"], { encoding: "utf8" }).stdout).to.include("--state <file>");
        const child = spawn(bin, ["--port", "0", "--token", "cli-token"], { cwd: dir, stdio: ["ignore", "pipe", "pipe"] });
        try {
            const url = await new Promise<string>((resolve, reject) => {
                let out = "";
                child.stdout.setEncoding("utf8").on("data", (d: string) => {
                    out += d;
                    const m = /listening on (http:\/\/\S+)/.exec(out);
                    if (m) resolve(m[1]);
                });
                child.once("exit", (code) => reject(new Error(`emulator exited ${code}: ${out}`)));
            });
            const res = await fetch(`${url}/v2/whoami`, { headers: { "X-API-TOKEN": "cli-token" } });
            expect(res.status).to.equal(200);
            expect(await res.json()).to.have.property("accountId");
        } finally {
            child.kill("SIGTERM");
        }
    });
    it("`npx logzio-emulator`: a SIGTERM to npx stops the emulator cleanly, leaving no process, lock or port behind", async () => {
        const state = path.join(dir, "npx-state.json");
        const npx = spawn(process.platform === "win32" ? "npx.cmd" : "npx", ["logzio-emulator", "--state", state, "--token", "npx-token"], {
            cwd: dir,
            stdio: ["ignore", "pipe", "pipe"],
        });
        let out = "";
        npx.stdout!.setEncoding("utf8").on("data", (d: string) => (out += d));
        npx.stderr!.setEncoding("utf8").on("data", (d: string) => (out += d));
        const npxExited = new Promise((r) => npx.once("exit", r));
        const url = await new Promise<string>((resolve, reject) => {
            npx.stdout!.on("data", () => {
                const m = /listening on (http:\/\/\S+)[\s\S]*Stop it/.exec(out);
                if (m) resolve(m[1]);
            });
            npx.once("exit", (code) => reject(new Error(`npx exited ${code}: ${out}`)));
        });
        // npm starts the command through `sh -c`: the emulator is npx's grandchild, and its pid is in the lock.
        const emulatorPid = Number(fs.readFileSync(`${state}.lock`, "utf8").split(" ")[0]);
        expect(emulatorPid).to.not.equal(npx.pid);
        npx.kill("SIGTERM"); // as `kill <pid of npx>` does
        await npxExited;
        // Ended: no such process, or one that has exited and waits to be reaped (a zombie, on Linux): the orphan's new
        // parent reaps it when it will (an init that reaps lazily kept some for seconds), and it holds no port or lock.
        const ended = (): boolean => {
            try {
                process.kill(emulatorPid, 0);
            } catch {
                return true;
            }
            try {
                return fs
                    .readFileSync(`/proc/${emulatorPid}/stat`, "utf8")
                    .replace(/^.*\) /s, "")
                    .startsWith("Z");
            } catch {
                return false;
            }
        };
        const gone = async (): Promise<boolean> => {
            for (let i = 0; i < 100; i++) {
                if (ended()) return true;
                await new Promise((r) => setTimeout(r, 100));
            }
            return false;
        };
        expect(await gone(), `the emulator (pid ${emulatorPid}) still runs after npx ended:\n${out}`).to.equal(true);
        expect(fs.existsSync(`${state}.lock`), "the lock is released").to.equal(false);
        expect(out).to.include("closing the emulator");
        const server = (await import("node:net")).createServer();
        await new Promise<void>((resolve, reject) => server.once("error", reject).listen(Number(new URL(url).port), "127.0.0.1", resolve));
        await new Promise((r) => server.close(r));
    });
});

/** runStack from the installed kit, run by node in the project folder as a user's test would; its result as JSON. */
const KIT_RUN = `const { LogzioEmulator, runStack } = require("pulumi-logzio-siem/testing");
(async () => {
    const emulator = await LogzioEmulator.start();
    try {
        const result = await runStack({ program: __dirname, emulator, config: { email: "kit@example.com" } });
        console.log(JSON.stringify({ ok: true, outputs: result.outputs, accounts: emulator.siemAccounts().length }));
    } catch (e) {
        console.log(JSON.stringify({ ok: false, message: e.message, accounts: emulator.siemAccounts().length }));
    } finally {
        await emulator.close();
    }
})();
`;

function kitRun(project: string): { ok: boolean; message?: string; outputs?: Record<string, unknown>; accounts: number } {
    fs.writeFileSync(path.join(project, "kit-run.js"), KIT_RUN);
    const r = spawnSync(process.execPath, ["kit-run.js"], { cwd: project, encoding: "utf8", timeout: 300_000 });
    const line = r.stdout.split("\n").find((l) => l.startsWith("{"));
    expect(line, `no result from the kit:\n${r.stdout}\n${r.stderr}`).to.not.equal(undefined);
    return JSON.parse(line!) as { ok: boolean; message?: string; outputs?: Record<string, unknown>; accounts: number };
}

describe("packed: the testing kit in the projects `pulumi new javascript` and `pulumi new typescript` make", function () {
    this.timeout(600_000);
    const made: string[] = [];
    after(() => {
        for (const d of made) fs.rmSync(d, { recursive: true, force: true });
    });

    it("a JavaScript project (no typescript, no ts-node: Pulumi's vendored ones): runStack runs its program", () => {
        const dir = tempDir("kit-js");
        made.push(dir);
        fs.writeFileSync(path.join(dir, "Pulumi.yaml"), "name: kit-js\nruntime: nodejs\n");
        fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name: "kit-js", main: "index.js", private: true }));
        fs.writeFileSync(
            path.join(dir, "index.js"),
            `"use strict";
const pulumi = require("@pulumi/pulumi");
const { SiemAccount } = require("pulumi-logzio-siem");
const config = new pulumi.Config();
const siem = new SiemAccount("security", { accountName: "js-siem", email: config.require("email") });
exports.accountId = siem.accountId;
`,
        );
        npmInstall(dir, [packedTarball(), `@pulumi/pulumi@${versionOf("@pulumi/pulumi")}`]);
        expect(fs.existsSync(path.join(dir, "node_modules", "typescript")), "like `pulumi new javascript`: no typescript").to.equal(false);
        const result = kitRun(dir);
        expect(result.ok, result.message).to.equal(true);
        expect(result.accounts).to.equal(1);
        expect(result.outputs?.accountId).to.be.a("number");
    });

    it("a TypeScript project with a type error: runStack fails with the compiler's message, as `pulumi preview` does", () => {
        const dir = tempDir("kit-ts");
        made.push(dir);
        fs.writeFileSync(path.join(dir, "Pulumi.yaml"), "name: kit-ts\nruntime: nodejs\n");
        fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name: "kit-ts", main: "index.ts", private: true }));
        // The tsconfig of Pulumi's typescript template.
        fs.copyFileSync(path.join(REPO_ROOT, "examples", "quickstart", "tsconfig.json"), path.join(dir, "tsconfig.json"));
        fs.writeFileSync(
            path.join(dir, "index.ts"),
            `import * as pulumi from "@pulumi/pulumi";
import { SiemAccount } from "pulumi-logzio-siem";
const config = new pulumi.Config();
const retries: number = config.require("email"); // a type error: string into number
const siem = new SiemAccount("security", { accountName: "ts-siem", email: config.require("email") });
export const accountId = siem.accountId;
export const tries = retries;
`,
        );
        npmInstall(dir, [
            packedTarball(),
            `@pulumi/pulumi@${versionOf("@pulumi/pulumi")}`,
            `typescript@${versionOf("typescript")}`,
            `@types/node@${versionOf("@types/node")}`,
        ]);
        const result = kitRun(dir);
        expect(result.ok, "the kit passed a program `pulumi preview` refuses").to.equal(false);
        expect(result.message).to.include("TS2322");
        expect(result.accounts, "nothing was created").to.equal(0);
    });
});

describe("packed: the layout shows what ships", () => {
    it("`files` in package.json names the shipped folders (and the changelog), not file lists", () => {
        const pkg = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")) as { files: string[] };
        expect(pkg.files).to.deep.equal([...SHIPPED_FOLDERS.map((d) => `dist/${d}/`), "bin/", "CHANGELOG.md"]);
    });

    it("no shipped module imports from outside the shipped folders (harness/ and test/ stay in the repository)", () => {
        const outside: string[] = [];
        for (const dir of SHIPPED_FOLDERS) {
            const root = path.join(REPO_ROOT, dir);
            for (const f of fs.readdirSync(root, { recursive: true, encoding: "utf8" }).filter((x) => x.endsWith(".ts"))) {
                const src = fs.readFileSync(path.join(root, f), "utf8");
                for (const m of src.matchAll(/(?:from|require\()\s*["'](\.{1,2}\/[^"']+)["']/g)) {
                    const target = path.relative(REPO_ROOT, path.resolve(path.dirname(path.join(root, f)), m[1]));
                    if (!SHIPPED_FOLDERS.includes(target.split(path.sep)[0])) outside.push(`${dir}/${f} -> ${m[1]}`);
                }
            }
        }
        expect(outside).to.deep.equal([]);
    });
});
