// The Python side of the end-to-end tests: the Python language host (built beside the CLI by scripts/pulumi-cli.sh)
// and a virtualenv holding the `pulumi` package (from PyPI: the newest release not newer than the CLI, which is the
// CLI's own version when PyPI has it; PyPI lags the Go proxy, 3.276.0 was not there on 2026-12-04) and the generated
// SDK in sdk/python
// (`pip install`, from a copy, so that pip's build/ and *.egg-info never land in the work tree). The venv is kept
// in the cache folder beside the CLI, one per CLI version and SDK content: built once (pip needs PyPI then), reused.
// The v3.68 Python host ignores `runtime.options.virtualenv`, so a project runs with the venv's bin first on PATH.
import { createHash } from "node:crypto";
import { execFileSync, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

const REPO_ROOT = path.resolve(__dirname, "..", "..", "..");

export type PythonLookup = { ok: true; hostDir: string; venv: string; pulumiVersion: string } | { ok: false; reason: string };

const onPath = (name: string): string | undefined => {
    const r = spawnSync("sh", ["-c", `command -v ${name}`], { encoding: "utf8" });
    return r.status === 0 && r.stdout.trim() ? path.dirname(r.stdout.trim()) : undefined;
};

function cacheRoot(): string {
    const xdg = process.env.XDG_CACHE_HOME || path.join(os.homedir(), ".cache");
    return process.env.PULUMI_LOGZIO_SIEM_CACHE || path.join(xdg, "pulumi-logzio-siem");
}

/** The SDK's committed files (and new ones not ignored): what `pip install ./sdk/python` installs. */
function sdkFiles(): string[] {
    return execFileSync("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard", "sdk/python"], {
        cwd: REPO_ROOT,
        encoding: "utf8",
    })
        .split("\0")
        .filter((f) => f && fs.existsSync(path.join(REPO_ROOT, f)));
}

/**
 * The Python language host next to `pulumi` (or on PATH) and a venv with `pulumi<=<the CLI's version>` and the SDK,
 * or why they cannot be had (no host, no python3: the tests skip, saying so). A pip failure throws: the tests fail.
 * `cliVersion` is what `pulumi version` prints (v3.248.0).
 */
export function providePython(binDir: string, cliVersion: string): PythonLookup {
    const hostDir = fs.existsSync(path.join(binDir, "pulumi-language-python")) ? binDir : onPath("pulumi-language-python");
    if (!hostDir) return { ok: false, reason: "no Python language host (pulumi-language-python): `npm run pulumi-cli` builds it" };
    const python = onPath("python3") ? "python3" : undefined;
    if (!python) return { ok: false, reason: "python3 is not installed" };

    const files = sdkFiles();
    if (!files.some((f) => f.endsWith("pyproject.toml")))
        throw new Error(`no sdk/python/pyproject.toml in ${REPO_ROOT}: run scripts/gen-sdks.sh`);
    const hash = createHash("sha256");
    for (const f of files)
        hash.update(f)
            .update("\0")
            .update(fs.readFileSync(path.join(REPO_ROOT, f)))
            .update("\0");
    const version = cliVersion.replace(/^v/, "");
    const venv = path.join(cacheRoot(), "python", `cli-${version}-sdk-${hash.digest("hex").slice(0, 12)}`);
    // `.ready` is written last: a venv an interrupted build left behind is made again, not reused.
    const ready = path.join(venv, ".ready");
    if (fs.existsSync(ready)) return { ok: true, hostDir, venv, pulumiVersion: fs.readFileSync(ready, "utf8").trim() };
    fs.rmSync(venv, { recursive: true, force: true });
    const sdkCopy = fs.mkdtempSync(path.join(os.tmpdir(), "logzio-siem-python-sdk-"));
    try {
        for (const f of files) {
            const to = path.join(sdkCopy, path.relative("sdk/python", f));
            fs.mkdirSync(path.dirname(to), { recursive: true });
            fs.copyFileSync(path.join(REPO_ROOT, f), to);
        }
        const run = (cmd: string, args: string[]) => execFileSync(cmd, args, { stdio: ["ignore", "ignore", "inherit"] });
        run(python, ["-m", "venv", venv]);
        const py = path.join(venv, "bin", "python");
        run(py, ["-m", "pip", "install", "--quiet", "--disable-pip-version-check", `pulumi<=${version}`, sdkCopy]);
        const installed = execFileSync(py, ["-c", "import importlib.metadata as m; print(m.version('pulumi'))"], { encoding: "utf8" });
        fs.writeFileSync(ready, `${installed.trim()}\n`);
    } catch (e) {
        // A failure, not a skip: an SDK that pip cannot install is what the Python tests are there to catch.
        fs.rmSync(venv, { recursive: true, force: true });
        throw new Error(`the Python venv could not be made (pip install "pulumi<=${version}" ./sdk/python): ${(e as Error).message}`);
    } finally {
        fs.rmSync(sdkCopy, { recursive: true, force: true });
    }
    return { ok: true, hostDir, venv, pulumiVersion: fs.readFileSync(ready, "utf8").trim() };
}
