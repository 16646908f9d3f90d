// The package as users get it: `npm pack`, installed into a fresh folder next to @pulumi/pulumi, then a
// SiemAccount serialized there and run by the host whose cwd is that folder (code under node_modules).
import { execFileSync, spawn } from "node:child_process";
import * as fs from "node:fs";
import { createRequire } from "node:module";
import * as os from "node:os";
import * as path from "node:path";
import { expect } from "chai";
import { LogzioEmulator } from "../emulator";
import { captureResourcesIn } from "../harness/providerCapture";
import { ProviderHost } from "../harness/hostDriver";
import { REPO_ROOT, SIEM_TYPE, createVia, serializedProvider, startEmulator, startHost } from "./support";

const npm = process.platform === "win32" ? "npm.cmd" : "npm";

describe("packed: the npm package installed into a fresh project", function () {
    this.timeout(300_000);
    let dir: string;
    let emulator: LogzioEmulator;
    let installedProvider: string;

    before(async () => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "logzio-siem-consumer-"));
        // --ignore-scripts: dist/ is already built by `npm test`.
        const packed = JSON.parse(
            execFileSync(npm, ["pack", "--json", "--ignore-scripts", "--pack-destination", dir], { cwd: REPO_ROOT, encoding: "utf8" }),
        ) as { filename: string }[];
        const pulumiVersion = (JSON.parse(fs.readFileSync(require.resolve("@pulumi/pulumi/package.json"), "utf8")) as { version: string }).version;
        fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name: "consumer", private: true }));
        execFileSync(
            npm,
            ["install", "--no-audit", "--no-fund", "--prefer-offline", "--loglevel=error", `./${packed[0].filename}`, `@pulumi/pulumi@${pulumiVersion}`],
            { cwd: dir, stdio: ["ignore", "ignore", "inherit"] },
        );
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

    it("ships the provider and the emulator, not tests or sources", () => {
        const pkg = path.join(dir, "node_modules", "pulumi-logzio-siem");
        expect(fs.existsSync(path.join(pkg, "dist", "provider", "index.js"))).to.equal(true);
        expect(fs.existsSync(path.join(pkg, "dist", "provider", "index.d.ts"))).to.equal(true);
        expect(fs.existsSync(path.join(pkg, "dist", "emulator", "cli.js"))).to.equal(true);
        for (const absent of ["dist/test", "dist/harness", "provider", "test", "tsconfig.json"]) {
            expect(fs.existsSync(path.join(pkg, absent)), absent).to.equal(false);
        }
    });

    it("serializes the same small shim under node_modules as in the repo", async () => {
        expect(installedProvider).to.equal(await serializedProvider());
        expect(installedProvider.length).to.be.at.most(4096);
    });

    it("creates an account through the host running in the consumer folder, with the installed runtime", async () => {
        // What the shim's require resolves to from the host's cwd (createRequire, as the shim does it).
        const resolved = createRequire(path.join(dir, "anchor.js")).resolve("pulumi-logzio-siem/runtime");
        expect(resolved).to.equal(fs.realpathSync(path.join(dir, "node_modules", "pulumi-logzio-siem", "dist", "provider", "runtime.js")));
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

    it("runs the standalone emulator command from the installed package", async () => {
        const bin = path.join(dir, "node_modules", ".bin", "logzio-emulator");
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
});
