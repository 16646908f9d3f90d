// The package as users install it, the one helper for it: `npm pack` once per process, then fresh folders outside
// the repository with the tarball (or a git URL, or a folder) installed by npm next to their own @pulumi/pulumi.
// The e2e tests and the engine benchmark share one such install (consumerInstall).
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

const REPO_ROOT = path.resolve(__dirname, "..", "..");

export const npm = process.platform === "win32" ? "npm.cmd" : "npm";
const INSTALL_FLAGS = ["--prefer-offline", "--no-audit", "--no-fund", "--loglevel=error"];

/** The version of a dev dependency installed here: consumers use the same, so npm's cache has it. */
export function versionOf(pkg: string): string {
    return (JSON.parse(fs.readFileSync(require.resolve(`${pkg}/package.json`, { paths: [REPO_ROOT] }), "utf8")) as { version: string })
        .version;
}

export function tempDir(label: string): string {
    return fs.mkdtempSync(path.join(os.tmpdir(), `logzio-siem-${label}-`));
}

let tarball: string | undefined;
/** `npm pack` of this repository (dist/ is already built by `npm test`, hence --ignore-scripts). */
export function packedTarball(): string {
    if (!tarball || !fs.existsSync(tarball)) {
        const dir = tempDir("pack");
        const packed = JSON.parse(
            execFileSync(npm, ["pack", "--json", "--ignore-scripts", "--pack-destination", dir], { cwd: REPO_ROOT, encoding: "utf8" }),
        ) as { filename: string }[];
        tarball = path.join(dir, packed[0].filename);
    }
    return tarball;
}

export function npmInstall(dir: string, specs: string[], extraFlags: string[] = []): void {
    execFileSync(npm, ["install", ...INSTALL_FLAGS, ...extraFlags, ...specs], { cwd: dir, stdio: ["ignore", "ignore", "inherit"] });
}

/** A folder with only a package.json, ready for npm install. */
export function emptyConsumer(label: string): string {
    const dir = tempDir(label);
    fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name: `consumer-${label}`, private: true }));
    return dir;
}

/** The files git would commit now (tracked, plus new files that are not ignored), copied with their symlinks. */
export function snapshotRepo(label: string): string {
    const dir = tempDir(label);
    const files = execFileSync("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], {
        cwd: REPO_ROOT,
        encoding: "utf8",
    })
        .split("\0")
        .filter((f) => f && fs.existsSync(path.join(REPO_ROOT, f)));
    for (const f of files) {
        const from = path.join(REPO_ROOT, f);
        fs.mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
        // A committed symlink (examples/node_modules/pulumi-logzio-siem -> ../..) is made anew: fs.cpSync of a link to
        // a folder fails on Node.js 22 and later without `recursive`, which would copy the folder it points at.
        if (fs.lstatSync(from).isSymbolicLink()) fs.symlinkSync(fs.readlinkSync(from), path.join(dir, f));
        else fs.copyFileSync(from, path.join(dir, f));
    }
    return dir;
}

export function git(dir: string, ...args: string[]): void {
    execFileSync("git", ["-c", "user.name=test", "-c", "user.email=test@example.com", ...args], { cwd: dir, stdio: "ignore" });
}

/**
 * The @pulumi/pulumi the e2e programs run on: the one pinned here, or LOGZIO_SIEM_E2E_PULUMI_VERSION (an exact
 * version: CI sets the oldest the peer range admits), so the same tests prove each end of the range.
 */
export function e2ePulumiVersion(): string {
    const wanted = process.env.LOGZIO_SIEM_E2E_PULUMI_VERSION?.trim();
    if (!wanted) return versionOf("@pulumi/pulumi");
    if (!/^\d+\.\d+\.\d+$/.test(wanted)) {
        throw new Error(`LOGZIO_SIEM_E2E_PULUMI_VERSION "${wanted}" is not an exact version.\nSet it to one such as 3.139.0, or unset it.`);
    }
    return wanted;
}

let installed: string | undefined;
/**
 * One folder per process whose node_modules holds the packed package next to @pulumi/pulumi (e2ePulumiVersion),
 * TypeScript and ts-node; each e2e project links its node_modules to it. Removed when the process exits.
 */
export function consumerInstall(): string {
    if (installed) return installed;
    const dir = emptyConsumer("e2e-consumer");
    process.once("exit", () => fs.rmSync(dir, { recursive: true, force: true }));
    npmInstall(dir, [
        packedTarball(),
        `@pulumi/pulumi@${e2ePulumiVersion()}`,
        `typescript@${versionOf("typescript")}`,
        `ts-node@${versionOf("ts-node")}`,
    ]);
    return (installed = dir);
}
