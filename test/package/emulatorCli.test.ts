// The `logzio-emulator` command as users run it (node + the built cli.js, a real process): help, a busy port,
// state kept across restarts, and the UI-like subcommands, including the `pulumi up` -> UI delete -> refresh ->
// destroy loop driven through Pulumi's real dynamic-provider host.
import { ChildProcess, spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { expect } from "chai";
import { LogzioEmulator } from "../../emulator";
import { ProviderHost, urnFor } from "../../testing/runner/hostDriver";
import { emulatorConfig } from "../../testing";
import { EXAMPLES } from "../../harness/exampleScenarios";
import { createVia, REPO_ROOT, serializedProvider, startHost } from "../helpers/support";

const CLI = path.join(REPO_ROOT, "dist", "emulator", "cli.js");
const GRACE_KEY = "logzio-siem:provisioningGraceMinutes";
const TOKEN = "cli-test-token";

function run(...args: string[]): { status: number | null; stdout: string; stderr: string } {
    const r = spawnSync(process.execPath, [CLI, ...args], { encoding: "utf8", timeout: 60_000 });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Starts `logzio-emulator` and resolves with its URL once it prints the listening line. */
function serve(...args: string[]): Promise<{ proc: ChildProcess; url: string; out: () => string }> {
    const proc = spawn(process.execPath, [CLI, ...args], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    proc.stdout!.setEncoding("utf8").on("data", (d: string) => (out += d));
    proc.stderr!.setEncoding("utf8").on("data", (d: string) => (out += d));
    return new Promise((resolve, reject) => {
        const onData = () => {
            // The last line of the start-up banner: everything above it has been printed.
            const m = /listening on (http:\/\/\S+)[\s\S]*Stop it with/.exec(out);
            if (m) {
                proc.stdout!.off("data", onData);
                resolve({ proc, url: m[1], out: () => out });
            }
        };
        proc.stdout!.on("data", onData);
        proc.once("exit", (code) => reject(new Error(`emulator exited ${code}: ${out}`)));
    });
}

async function stop(proc: ChildProcess): Promise<void> {
    if (proc.exitCode !== null) return;
    const exited = new Promise((r) => proc.once("exit", r));
    proc.kill("SIGTERM");
    await exited;
}

const noStack = (text: string) => expect(text, "no stack trace").to.not.match(/^\s+at /m);

describe("logzio-emulator command", function () {
    this.timeout(120_000);
    let tmp: string;
    const running: ChildProcess[] = [];
    before(() => (tmp = fs.mkdtempSync(path.join(os.tmpdir(), "logzio-emulator-cli-"))));
    afterEach(async () => {
        await Promise.all(running.splice(0).map(stop));
    });
    after(() => fs.rmSync(tmp, { recursive: true, force: true }));

    it("--help prints the usage, with the serve options and the UI-like commands", () => {
        const r = run("--help");
        expect(r.status).to.equal(0);
        for (const word of ["--state <file>", "--port", "delete <accountId>", "rename <accountId> <name>", "fault <route> <kind>"]) {
            expect(r.stdout).to.include(word);
        }
    });

    it("the banner configures a stack with the README's own lines (pulumi config set), and names the README's flags", async () => {
        const emulator = await serve("--port", "0", "--token", "dev-token");
        running.push(emulator.proc);
        const readme = fs.readFileSync(path.join(REPO_ROOT, "README.md"), "utf8");
        const banner = emulator.out();
        expect(banner).to.not.include("LOGZIO_CUSTOM_API_URL").and.not.include("LOGZIO_API_TOKEN");
        // The README's emulator section runs it on port 8080 with the token dev-token.
        const lines = banner
            .split("\n")
            .map((l) => l.trim())
            .filter((l) => l.startsWith("pulumi config set"))
            .map((l) => l.replace(emulator.url, "http://127.0.0.1:8080"));
        expect(lines).to.have.length(3);
        for (const line of lines) expect(readme, line).to.include(line);
        const act = /^Act on it.*$/m.exec(banner)![0];
        for (const flag of ["--port", "--token"]) expect(act).to.include(flag);
        expect(act).to.not.include("--url");
    });

    it("a busy port is one line on stderr and exit code 1, without a stack trace", async () => {
        const busy = await LogzioEmulator.start();
        try {
            const port = new URL(busy.url).port;
            const r = run("--port", port);
            expect(r.status).to.equal(1);
            expect(r.stderr.trim().split("\n")).to.deep.equal([
                `logzio-emulator: port 127.0.0.1:${port} is already in use (another emulator?); choose another with --port`,
            ]);
            noStack(r.stderr);
        } finally {
            await busy.close();
        }
    });

    it("a bad flag or an unreachable emulator is a short message, not a stack trace", () => {
        const bad = run("--port", "eighty");
        expect(bad.status).to.equal(2);
        expect(bad.stderr.split("\n")[0]).to.equal(`logzio-emulator: --port must be a non-negative integer, got "eighty"`);
        noStack(bad.stderr);
        const nobody = run("delete", "100001", "--url", "http://127.0.0.1:9");
        expect(nobody.status).to.equal(1);
        expect(nobody.stderr).to.match(/^logzio-emulator: no emulator answers at http:\/\/127\.0\.0\.1:9 /);
        noStack(nobody.stderr);
    });

    it("--state keeps accounts (ids, names, createdAt) across a restart, and new ids continue after them", async () => {
        const state = path.join(tmp, "state.json");
        const first = await serve("--token", TOKEN, "--state", state);
        running.push(first.proc);
        const created = await createSiem(first.url, "kept-siem");
        expect(run("rename", String(created.accountId), "kept-renamed", "--url", first.url, "--token", TOKEN).status).to.equal(0);
        await stop(first.proc);

        const second = await serve("--token", TOKEN, "--state", state);
        running.push(second.proc);
        expect(second.out()).to.include("1 SIEM account restored");
        const listed = await list(second.url);
        expect(listed).to.deep.include({ accountId: created.accountId, accountName: "kept-renamed", type: "SECURITY_ACCOUNT" });
        const accounts = JSON.parse(run("accounts", "--url", second.url, "--token", TOKEN).stdout) as {
            accountId: number;
            createdAt: string;
        }[];
        expect(accounts.find((a) => a.accountId === created.accountId)?.createdAt).to.equal(created.createdAt);
        const next = await createSiem(second.url, "after-restart");
        expect(next.accountId).to.equal(created.accountId + 1);
    });

    it("fault makes the next request fail as asked; the admin API needs the token", async () => {
        const { proc, url } = await serve("--token", TOKEN);
        running.push(proc);
        const r = run("fault", "create", "status", "--status", "503", "--times", "2", "--url", url, "--token", TOKEN);
        expect(r.status, r.stderr).to.equal(0);
        for (let i = 0; i < 2; i++) expect((await postSiem(url, "faulted")).status).to.equal(503);
        expect((await postSiem(url, "faulted")).status).to.equal(200);
        const unauthorized = run("accounts", "--url", url, "--token", "wrong");
        expect(unauthorized.status).to.equal(1);
        expect(unauthorized.stderr).to.include("HTTP 401");
        const bad = run("fault", "create", "explode", "--url", url, "--token", TOKEN);
        expect(bad.stderr).to.include(`unknown fault kind "explode"`);
    });

    it("--max-in-flight sets Logz.io's cap per main account (default 100); stats shows it with the 429s answered", async () => {
        const byDefault = await serve("--token", TOKEN);
        running.push(byDefault.proc);
        const stats = (url: string) => {
            const r = run("stats", "--url", url, "--token", TOKEN);
            expect(r.status, r.stderr).to.equal(0);
            return JSON.parse(r.stdout) as Record<string, number>;
        };
        expect(stats(byDefault.url)).to.include({ maxInFlightLimit: 100, rejected429: 0 });
        const capped = await serve("--token", TOKEN, "--max-in-flight", "0");
        running.push(capped.proc);
        const refused = await postSiem(capped.url, "refused");
        expect(refused.status).to.equal(429);
        expect(await refused.text()).to.equal("Too Many Requests");
        expect(stats(capped.url)).to.include({ maxInFlightLimit: 0, rejected429: 1, maxInFlightPerAccount: 0 });
        expect(run("--help").stdout).to.include("--max-in-flight <n>").and.include("default 100");
    });

    it("up -> delete in the 'UI' -> refresh -> destroy, through Pulumi's dynamic-provider host", async () => {
        const { proc, url } = await serve("--token", TOKEN, "--state", path.join(tmp, "loop.json"));
        running.push(proc);
        const { config, secretKeys } = emulatorConfig({ logzio: { url, token: TOKEN } });
        expect(secretKeys).to.deep.equal(["logzio:apiToken"]);
        // Each `pulumi` command starts its own provider host, so each step below gets a fresh one.
        const withHost = async <T>(step: (host: ProviderHost) => Promise<T>): Promise<T> => {
            const host = await startHost(undefined, { bare: true, config: { ...config, [GRACE_KEY]: "0" } });
            try {
                return await step(host);
            } finally {
                await host.stop();
                expect(host.stdout() + host.stderr()).to.not.include(TOKEN);
            }
        };
        const provider = await serializedProvider();
        const urn = urnFor("loop");
        const created = await withHost((host) =>
            createVia(host, provider, "loop", { accountName: "loop-siem", email: "loop@example.com" }),
        );
        // While the account exists, destroy refuses (Logz.io has no delete call) and names the account.
        const refused = await withHost((host) =>
            host.delete(created.id, urn, created.properties).then(
                () => "",
                (e: Error) => e.message,
            ),
        );
        expect(refused).to.include(`SIEM account ${created.id} ("loop-siem") still exists`);

        const deleted = run("delete", created.id, "--url", url, "--token", TOKEN);
        expect(deleted.stdout.trim()).to.equal(`deleted account ${created.id} ("loop-siem")`);

        const refreshed = await withHost((host) => host.read(created.id, urn, created.properties));
        expect(refreshed.id, "refresh drops the deleted account").to.equal("");
        await withHost((host) => host.delete(created.id, urn, created.properties));
    });
});

async function postSiem(url: string, accountName: string): Promise<Response> {
    return fetch(`${url}/v2/account-management/siem`, {
        method: "POST",
        headers: { "X-API-TOKEN": TOKEN, "content-type": "application/json" },
        body: JSON.stringify({ accountName, email: "cli@example.com" }),
    });
}

async function createSiem(url: string, accountName: string): Promise<{ accountId: number; createdAt: string }> {
    const res = await postSiem(url, accountName);
    expect(res.status).to.equal(200);
    return (await res.json()) as { accountId: number; createdAt: string };
}

async function list(url: string): Promise<unknown[]> {
    const res = await fetch(`${url}/v1/associated-accounts`, { headers: { "X-API-TOKEN": TOKEN } });
    return (await res.json()) as unknown[];
}

describe("npm run demo -- --help", () => {
    it("answers at once, before any build: in a folder with only package.json and scripts/, and runs nothing", function () {
        this.timeout(60_000);
        // Nothing to build with (no tsconfig, no node_modules, no dist): a help that built first would fail here.
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "logzio-siem-demo-help-"));
        try {
            fs.copyFileSync(path.join(REPO_ROOT, "package.json"), path.join(dir, "package.json"));
            fs.cpSync(path.join(REPO_ROOT, "scripts"), path.join(dir, "scripts"), { recursive: true });
            const r = spawnSync(process.platform === "win32" ? "npm.cmd" : "npm", ["run", "--silent", "demo", "--", "--help"], {
                cwd: dir,
                encoding: "utf8",
                timeout: 60_000,
            });
            expect(r.status, r.stderr).to.equal(0);
            expect(r.stdout).to.include("Usage: npm run demo");
            expect(r.stdout).to.include(`--example <name>   ${EXAMPLES.join(", ")}`);
            expect(r.stdout).to.not.include("emulator for");
            expect(fs.existsSync(path.join(dir, "dist")), "nothing was built").to.equal(false);
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });

    it("offers every example the README lists, onboarding included", () => {
        const readme = fs.readFileSync(path.join(REPO_ROOT, "README.md"), "utf8");
        const list = /^More examples[^\n]*\n\n((?:- [^\n]*\n)+)/m.exec(readme);
        expect(list, "README has the list of examples").to.not.equal(null);
        const listed = [...list![1].matchAll(/^- `([a-z-]+)`:/gm)].map((m) => m[1]);
        expect(listed).to.include("onboarding");
        expect(EXAMPLES).to.include.members(["quickstart", ...listed]);
        // The help's list (plain JavaScript, no build) is the one the demo runs.
        const entry = require(path.join(REPO_ROOT, "scripts", "demo.cjs")) as { EXAMPLES: string[] };
        expect(entry.EXAMPLES).to.deep.equal([...EXAMPLES]);
    });
});
