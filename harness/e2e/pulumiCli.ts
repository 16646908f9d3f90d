// Finds the real Pulumi CLI and its Node.js language host for the end-to-end tests, the demo and the engine
// benchmarks: a folder given in PULUMI_E2E_CLI_DIR, else the build that scripts/pulumi-cli.sh provides where Go is
// installed (built once, then reused from its cache), else `pulumi` on PATH. Programs always run as users run them,
// `pulumi up` in a project folder through the language host: a CLI without one is no CLI here, and the e2e suites
// skip with the reason this returns (never a silent fallback to another way of running programs).
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";

const REPO_ROOT = path.resolve(__dirname, "..", "..", "..");

export interface PulumiCli {
    /** Folder holding `pulumi` (and `pulumi-resource-pulumi-nodejs`, the dynamic-provider launcher). */
    binDir: string;
    version: string;
    /** Where `pulumi-language-nodejs` was found: next to `pulumi` or elsewhere on PATH. */
    languageHost: string;
}

export type CliLookup = { ok: true; cli: PulumiCli } | { ok: false; reason: string };

let cached: CliLookup | undefined;

const onPath = (name: string): string | undefined => {
    const r = spawnSync("sh", ["-c", `command -v ${name}`], { encoding: "utf8" });
    return r.status === 0 && r.stdout.trim() ? path.dirname(r.stdout.trim()) : undefined;
};

function describe(binDir: string): CliLookup {
    const pulumi = path.join(binDir, "pulumi");
    const r = spawnSync(pulumi, ["version"], { encoding: "utf8" });
    if (r.status !== 0) return { ok: false, reason: `${pulumi} does not run: ${r.stderr || r.error?.message}` };
    // The engine looks for plugins next to `pulumi` first, then on PATH.
    const hostDir = fs.existsSync(path.join(binDir, "pulumi-language-nodejs")) ? binDir : onPath("pulumi-language-nodejs");
    if (!hostDir) return { ok: false, reason: `the Pulumi CLI in ${binDir} has no Node.js language host (pulumi-language-nodejs)` };
    return { ok: true, cli: { binDir, version: r.stdout.trim(), languageHost: path.join(hostDir, "pulumi-language-nodejs") } };
}

/** A CLI that is there already: PULUMI_E2E_CLI_DIR, the script's cached build, or `pulumi` on PATH. Builds nothing. */
export function existingPulumiCli(): CliLookup {
    const given = process.env.PULUMI_E2E_CLI_DIR;
    if (given) return describe(given);
    const built = spawnSync("bash", [path.join(REPO_ROOT, "scripts", "pulumi-cli.sh"), "--check"], { cwd: REPO_ROOT, encoding: "utf8" });
    if (built.status === 0 && built.stdout.trim()) return describe(built.stdout.trim());
    const found = onPath("pulumi");
    if (found) return describe(found);
    return { ok: false, reason: "the Pulumi CLI is not installed (build it with `npm run pulumi-cli`, which needs Go)" };
}

/** The CLI to test with, building it first where Go is installed (minutes the first time, instant after). */
export function providePulumiCli(): CliLookup {
    if (cached) return cached;
    if (process.env.PULUMI_E2E_CLI_DIR) return (cached = existingPulumiCli());
    if (onPath("go")) {
        // stderr is inherited: a first build prints what it does instead of sitting silent for minutes.
        const r = spawnSync("bash", [path.join(REPO_ROOT, "scripts", "pulumi-cli.sh")], {
            cwd: REPO_ROOT,
            encoding: "utf8",
            stdio: ["ignore", "pipe", "inherit"],
        });
        const dir = r.stdout.trim().split("\n").pop() ?? "";
        if (r.status === 0 && dir) return (cached = describe(dir));
        return (cached = { ok: false, reason: `scripts/pulumi-cli.sh could not build the Pulumi CLI (exit ${r.status})` });
    }
    const found = onPath("pulumi");
    if (found) return (cached = describe(found));
    return (cached = { ok: false, reason: "neither the Pulumi CLI nor Go (to build it) is installed on this machine" });
}
