// Every usual way to install: the tarball next to the oldest supported @pulumi/pulumi (3.139.0, the first with
// `configure` for dynamic providers) driving its own real host, a version below the peer range refused by npm,
// a git URL (npm clones it and `prepare` builds dist/ with the dev dependencies), and a local folder.
import { execFileSync, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { expect } from "chai";
import { LogzioEmulator } from "../../emulator";
import { captureResourcesIn } from "../../testing/runner/providerCapture";
import { emptyConsumer, git, npm, npmInstall, packedTarball, snapshotRepo } from "../../harness/packed";
import { REPO_ROOT, SIEM_TYPE, createVia, startEmulator, startHost } from "../helpers/support";

const OLDEST_PULUMI = "3.139.0";

/** Loads every entry point in a consumer folder, in a fresh node, as a program would. */
function requireAll(dir: string): Record<string, string[]> {
    const script = `const out = {};
        for (const m of ["pulumi-logzio-siem", "pulumi-logzio-siem/emulator", "pulumi-logzio-siem/testing", "pulumi-logzio-siem/runtime"]) out[m] = Object.keys(require(m)).sort();
        console.log(JSON.stringify(out));`;
    return JSON.parse(execFileSync(process.execPath, ["-e", script], { cwd: dir, encoding: "utf8" })) as Record<string, string[]>;
}

function expectEntryPoints(dir: string): void {
    const loaded = requireAll(dir);
    expect(loaded["pulumi-logzio-siem"]).to.include("SiemAccount");
    expect(loaded["pulumi-logzio-siem/emulator"]).to.include("LogzioEmulator");
    expect(loaded["pulumi-logzio-siem/testing"]).to.include.members(["runStack", "LogzioEmulator"]);
    expect(loaded["pulumi-logzio-siem/runtime"]).to.include.members(["configure", "provider"]);
}

describe("install: every usual way", function () {
    this.timeout(900_000);
    const dirs: string[] = [];
    after(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

    describe(`with the oldest supported @pulumi/pulumi (${OLDEST_PULUMI})`, () => {
        let dir: string;
        let emulator: LogzioEmulator;
        before(async () => {
            dir = emptyConsumer("oldest");
            dirs.push(dir);
            npmInstall(dir, [packedTarball(), `@pulumi/pulumi@${OLDEST_PULUMI}`]);
            emulator = await startEmulator();
        });
        after(async () => emulator?.close());

        it("one Pulumi runtime: the program's; SiemAccount registers under its mocks and its host creates the account", async () => {
            const installed = JSON.parse(fs.readFileSync(path.join(dir, "node_modules", "@pulumi", "pulumi", "package.json"), "utf8")) as {
                version: string;
            };
            expect(installed.version).to.equal(OLDEST_PULUMI);
            expect(fs.existsSync(path.join(dir, "node_modules", "pulumi-logzio-siem", "node_modules", "@pulumi"))).to.equal(false);
            expectEntryPoints(dir);
            const [res] = await captureResourcesIn(
                dir,
                `const { SiemAccount } = require("pulumi-logzio-siem");
                 new SiemAccount("oldest", { accountName: "oldest", email: "o@example.com" });`,
            );
            expect(res.type).to.equal(SIEM_TYPE);
            // The host is the consumer's 3.139.0 one (resolved from its cwd), configured with the stack config.
            const host = await startHost(emulator, { cwd: dir });
            try {
                const created = await createVia(host, String(res.inputs.__provider), "oldest", {
                    accountName: "oldest",
                    email: "o@example.com",
                });
                expect(emulator.siemAccounts().map((a) => String(a.accountId))).to.deep.equal([created.id]);
                expect(host.stdout() + host.stderr()).to.not.include(emulator.token);
            } finally {
                await host.stop();
            }
        });

        it("a @pulumi/pulumi below the peer range is refused by npm at install, not silently duplicated", () => {
            const below = emptyConsumer("below-range");
            dirs.push(below);
            const r = spawnSync(
                npm,
                ["install", "--dry-run", "--prefer-offline", "--no-audit", "--no-fund", packedTarball(), "@pulumi/pulumi@3.138.0"],
                { cwd: below, encoding: "utf8" },
            );
            expect(r.status).to.not.equal(0);
            expect(r.stderr).to.include("ERESOLVE");
            expect(r.stderr).to.include('peer @pulumi/pulumi@">=3.139.0 <4"');
        });
    });

    describe("from git and from a local folder", () => {
        let source: string;
        before(() => {
            // What would be committed now, as a repository of its own.
            source = snapshotRepo("git-source");
            dirs.push(source);
            git(source, "init", "-q");
            git(source, "add", "-A");
            git(source, "commit", "-q", "-m", "snapshot");
        });

        it("npm i git+file://<clone>: prepare builds dist/, then every entry point loads", () => {
            const dir = emptyConsumer("git");
            dirs.push(dir);
            npmInstall(dir, [`git+file://${source}`, `@pulumi/pulumi@${require("@pulumi/pulumi/package.json").version}`]);
            const pkg = path.join(dir, "node_modules", "pulumi-logzio-siem");
            expect(fs.existsSync(path.join(pkg, "dist", "provider", "host", "runtime.js"))).to.equal(true);
            expect(fs.existsSync(path.join(pkg, "dist", "test")), "only the files list is installed").to.equal(false);
            expectEntryPoints(dir);
            const help = spawnSync(path.join(dir, "node_modules", ".bin", "logzio-emulator"), ["--help"], { encoding: "utf8" });
            expect(help.stdout).to.include("--state <file>");
        });

        it("npm i --install-links <folder>: a real copy (prepare run), next to the program's own @pulumi/pulumi", () => {
            // The folder as a developer has it: dependencies installed (shared with this repository here).
            fs.symlinkSync(path.join(REPO_ROOT, "node_modules"), path.join(source, "node_modules"));
            const dir = emptyConsumer("folder");
            dirs.push(dir);
            npmInstall(dir, [source, `@pulumi/pulumi@${require("@pulumi/pulumi/package.json").version}`], ["--install-links"]);
            const pkg = path.join(dir, "node_modules", "pulumi-logzio-siem");
            expect(fs.lstatSync(pkg).isSymbolicLink(), "copied, not linked").to.equal(false);
            expect(fs.existsSync(path.join(pkg, "node_modules", "@pulumi", "pulumi"))).to.equal(false);
            expectEntryPoints(dir);
        });
    });
});
