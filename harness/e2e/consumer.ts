// The package installed as a user installs it: `npm pack` of this repository, then `npm install` of the tarball
// next to @pulumi/pulumi (the pinned version), TypeScript and ts-node in a fresh folder. Done once per test run;
// each e2e project is a folder of its own whose node_modules links to this install.
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

const REPO_ROOT = path.resolve(__dirname, "..", "..", "..");
const npm = process.platform === "win32" ? "npm.cmd" : "npm";

let installed: string | undefined;

function installedVersion(pkg: string): string {
    return (JSON.parse(fs.readFileSync(require.resolve(`${pkg}/package.json`, { paths: [REPO_ROOT] }), "utf8")) as { version: string })
        .version;
}

/** A folder with node_modules holding the packed package; removed when the process exits. */
export function consumerInstall(): string {
    if (installed) return installed;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "logzio-siem-e2e-consumer-"));
    process.once("exit", () => fs.rmSync(dir, { recursive: true, force: true }));
    // --ignore-scripts: dist/ is already built by `npm test`.
    const packed = JSON.parse(
        execFileSync(npm, ["pack", "--json", "--ignore-scripts", "--pack-destination", dir], { cwd: REPO_ROOT, encoding: "utf8" }),
    ) as { filename: string }[];
    fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name: "e2e-consumer", private: true }));
    execFileSync(
        npm,
        [
            "install",
            "--no-audit",
            "--no-fund",
            "--prefer-offline",
            "--loglevel=error",
            `./${packed[0].filename}`,
            `@pulumi/pulumi@${installedVersion("@pulumi/pulumi")}`,
            `typescript@${installedVersion("typescript")}`,
            `ts-node@${installedVersion("ts-node")}`,
        ],
        { cwd: dir, stdio: ["ignore", "ignore", "inherit"] },
    );
    return (installed = dir);
}
