// The emulator never loses an account silently: admin `add` validates ids as Logz.io holds them,
// a state file it cannot restore stops the command and stays as it was, and one state file has one emulator.
import { ChildProcess, spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as http from "node:http";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { expect } from "chai";
import { LogzioEmulator, ROUTES } from "../../emulator";
import { REPO_ROOT } from "../helpers/support";

const CLI = path.join(REPO_ROOT, "dist", "emulator", "cli.js");
const TOKEN = "safety-test-token";

function run(...args: string[]): { status: number | null; stdout: string; stderr: string } {
    const r = spawnSync(process.execPath, [CLI, ...args], { encoding: "utf8", timeout: 60_000 });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function serve(...args: string[]): Promise<{ proc: ChildProcess; url: string }> {
    const proc = spawn(process.execPath, [CLI, ...args], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    proc.stdout!.setEncoding("utf8").on("data", (d: string) => (out += d));
    proc.stderr!.setEncoding("utf8").on("data", (d: string) => (out += d));
    return new Promise((resolve, reject) => {
        proc.stdout!.on("data", () => {
            const m = /listening on (http:\/\/\S+)[\s\S]*Stop it with/.exec(out);
            if (m) resolve({ proc, url: m[1] });
        });
        proc.once("exit", (code) => reject(new Error(`emulator exited ${code}: ${out}`)));
    });
}

async function stop(proc: ChildProcess): Promise<void> {
    if (proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise((r) => proc.once("exit", r));
    proc.kill("SIGTERM");
    await exited;
}

async function post(url: string, path_: string, body: unknown): Promise<{ status: number; json: unknown }> {
    const res = await fetch(`${url}${path_}`, {
        method: "POST",
        headers: { "X-API-TOKEN": TOKEN, "content-type": "application/json" },
        body: JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, json: text === "" ? undefined : JSON.parse(text) };
}

describe("emulator: never loses an account silently", function () {
    this.timeout(120_000);

    describe("admin add validates ids", () => {
        let emulator: LogzioEmulator;
        beforeEach(async () => (emulator = await LogzioEmulator.start({ token: TOKEN })));
        afterEach(() => emulator.close());

        for (const bad of ["abc", 1e20, 2 ** 53, 0, -5, 1.5]) {
            it(`refuses accountId ${JSON.stringify(bad)} with 400, and creates keep working`, async () => {
                const r = await post(emulator.url, "/__emulator/accounts", { accountName: "seeded", accountId: bad });
                expect(r.status).to.equal(400);
                expect((r.json as { message: string }).message).to.include("accountId must be a positive integer");
                const created = await post(emulator.url, ROUTES.create.split(" ")[1], { accountName: "after", email: "a@example.com" });
                expect(created.status).to.equal(200);
                expect(emulator.accounts()).to.have.length(2); // the owner and the new one
            });
        }

        it("refuses an id in use with 409, leaving the account as it was", async () => {
            const first = await post(emulator.url, "/__emulator/accounts", { accountName: "first", accountId: 500 });
            expect(first.status).to.equal(201);
            const again = await post(emulator.url, "/__emulator/accounts", { accountName: "second", accountId: 500 });
            expect(again.status).to.equal(409);
            expect(emulator.accounts().find((a) => a.accountId === 500)?.accountName).to.equal("first");
        });

        it("the library refuses the same ids (addAccount)", () => {
            expect(() => emulator.addAccount({ accountName: "x", accountId: 2 ** 53 })).to.throw("accountId must be a positive integer");
            expect(() => emulator.addAccount({ accountName: "x", accountId: "abc" as unknown as number })).to.throw("accountId must be");
        });

        it("`logzio-emulator add --id` refuses a bad id before calling the emulator", () => {
            const r = run("add", "x", "--id", "abc", "--url", emulator.url, "--token", TOKEN);
            expect(r.status).to.equal(2);
            expect(r.stderr.split("\n")[0]).to.equal(`logzio-emulator: --id must be a positive integer below 2^53, got "abc"`);
        });
    });

    describe("--state", () => {
        let tmp: string;
        const running: ChildProcess[] = [];
        beforeEach(() => (tmp = fs.mkdtempSync(path.join(os.tmpdir(), "logzio-emulator-safety-"))));
        afterEach(async () => {
            await Promise.all(running.splice(0).map(stop));
            fs.rmSync(tmp, { recursive: true, force: true });
        });

        const saved = (accounts: unknown[]) =>
            `${JSON.stringify({ version: 1, ownerAccountId: 100000, ownerAccountName: "main", accounts }, null, 2)}\n`;
        const account = (accountId: unknown, accountName = `a${String(accountId)}`) => ({
            accountId,
            accountName,
            type: "SECURITY_ACCOUNT",
            accountsToScan: [100000],
            isUsingRepositoryAccount: false,
            createdAt: "2026-01-01T00:00:00Z",
        });

        for (const [what, accounts] of [
            ["a repeated id", [account(100001), account(100001, "twin")]],
            ["an id that is not a positive integer", [account("abc")]],
            ["the owner's id", [account(100000)]],
        ] as [string, unknown[]][]) {
            it(`a state file with ${what}: one line, exit 1, nothing served, the file untouched`, () => {
                const file = path.join(tmp, "state.json");
                const text = saved(accounts);
                fs.writeFileSync(file, text);
                const r = run("--state", file, "--token", TOKEN);
                expect(r.status).to.equal(1);
                expect(r.stdout).to.not.include("listening on");
                const lines = r.stderr.trim().split("\n");
                expect(lines).to.have.length(1);
                expect(lines[0]).to.match(/^logzio-emulator: the state file .* cannot be restored/);
                expect(fs.readFileSync(file, "utf8")).to.equal(text);
                expect(fs.existsSync(`${file}.lock`), "the lock is released").to.equal(false);
            });
        }

        it("a second emulator on a state file in use refuses to start; after the first stops, it starts", async () => {
            const file = path.join(tmp, "shared.json");
            const first = await serve("--state", file, "--token", TOKEN);
            running.push(first.proc);
            const created = await post(first.url, "/v2/account-management/siem", { accountName: "kept", email: "k@example.com" });
            expect(created.status).to.equal(200);
            const before = fs.readFileSync(file, "utf8");

            const second = run("--state", file, "--token", TOKEN);
            expect(second.status).to.equal(1);
            expect(second.stderr.trim()).to.match(/^logzio-emulator: the state file .* is in use by another emulator \(pid \d+/);
            expect(fs.readFileSync(file, "utf8")).to.equal(before);

            await stop(first.proc);
            const third = await serve("--state", file, "--token", TOKEN);
            running.push(third.proc);
            const next = await post(third.url, "/v2/account-management/siem", { accountName: "next", email: "n@example.com" });
            expect((next.json as { accountId: number }).accountId).to.equal((created.json as { accountId: number }).accountId + 1);
        });

        it("ids are never reused: a deleted account's id is not handed out again after a restart on the state file", async () => {
            const file = path.join(tmp, "ids.json");
            const first = await serve("--state", file, "--token", TOKEN);
            running.push(first.proc);
            const created = await post(first.url, "/v2/account-management/siem", { accountName: "gone", email: "g@example.com" });
            const goneId = (created.json as { accountId: number }).accountId;
            expect(run("delete", String(goneId), "--url", first.url, "--token", TOKEN).status).to.equal(0);
            await stop(first.proc);

            const second = await serve("--state", file, "--token", TOKEN);
            running.push(second.proc);
            const next = await post(second.url, "/v2/account-management/siem", { accountName: "new", email: "n@example.com" });
            expect((next.json as { accountId: number }).accountId).to.be.greaterThan(goneId);
        });

        for (const signal of ["SIGTERM", "SIGINT"] as const) {
            it(`${signal}: a clean stop, exit code 0, the state written, the lock released, the port free`, async () => {
                const file = path.join(tmp, `${signal}.json`);
                const first = await serve("--state", file, "--token", TOKEN);
                const created = await post(first.url, "/v2/account-management/siem", { accountName: "kept", email: "k@example.com" });
                expect(created.status).to.equal(200);
                // An idle keep-alive connection of a client must not hold the stop up.
                const agent = new http.Agent({ keepAlive: true });
                await new Promise<void>((resolve, reject) =>
                    http
                        .get(`${first.url}/v2/whoami`, { agent, headers: { "X-API-TOKEN": TOKEN } }, (res) =>
                            res.resume().on("end", resolve),
                        )
                        .on("error", reject),
                );
                const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) =>
                    first.proc.once("exit", (code, sig) => r({ code, signal: sig })),
                );
                first.proc.kill(signal);
                expect(await exited).to.deep.equal({ code: 0, signal: null });
                agent.destroy();
                expect(fs.existsSync(`${file}.lock`), "the lock is released").to.equal(false);
                const state = JSON.parse(fs.readFileSync(file, "utf8")) as { accounts: { accountName: string }[] };
                expect(state.accounts.map((a) => a.accountName)).to.deep.equal(["kept"]);
                const port = Number(new URL(first.url).port);
                const server = net.createServer();
                await new Promise<void>((resolve, reject) => server.once("error", reject).listen(port, "127.0.0.1", resolve));
                await new Promise((r) => server.close(r));
            });
        }

        it("a lock whose pid now belongs to another running process (another start time) is taken over", async () => {
            const file = path.join(tmp, "reused.json");
            // This test's own process runs, but it is not the emulator that wrote the lock: that one started at tick 1.
            fs.writeFileSync(`${file}.lock`, `${process.pid} 1\n`);
            const second = await serve("--state", file, "--token", TOKEN);
            running.push(second.proc);
            expect(fs.readFileSync(`${file}.lock`, "utf8").split(" ")[0]).to.equal(String(second.proc.pid));
        });

        it("a lock held by a running emulator is refused, pid and start time checked", async () => {
            const file = path.join(tmp, "held.json");
            const first = await serve("--state", file, "--token", TOKEN);
            running.push(first.proc);
            const [pid, start] = fs.readFileSync(`${file}.lock`, "utf8").trim().split(" ");
            expect(pid).to.equal(String(first.proc.pid));
            if (fs.existsSync("/proc/self/stat")) expect(start).to.match(/^\d+$/);
            const second = run("--state", file, "--token", TOKEN);
            expect(second.status).to.equal(1);
            expect(second.stderr).to.include(`in use by another emulator (pid ${first.proc.pid}`);
        });

        it("a lock left by an emulator killed with SIGKILL is taken over", async () => {
            const file = path.join(tmp, "killed.json");
            const first = await serve("--state", file, "--token", TOKEN);
            const exited = new Promise((r) => first.proc.once("exit", r));
            first.proc.kill("SIGKILL");
            await exited;
            expect(fs.existsSync(`${file}.lock`)).to.equal(true);
            const second = await serve("--state", file, "--token", TOKEN);
            running.push(second.proc);
            expect(fs.readFileSync(`${file}.lock`, "utf8").split(" ")[0].trim()).to.equal(String(second.proc.pid));
        });
    });

    describe("readings of Logz.io's storage", () => {
        let emulator: LogzioEmulator;
        beforeEach(async () => (emulator = await LogzioEmulator.start({ token: TOKEN })));
        afterEach(() => emulator.close());

        const create = (body: Record<string, unknown>) =>
            post(emulator.url, "/v2/account-management/siem", { accountName: "r", email: "r@example.com", ...body });

        it("by default, an empty or omitted accountsToScan is stored as the main account (the documented default)", async () => {
            expect(((await create({ accountsToScan: [] })).json as { accountsToScan: number[] }).accountsToScan).to.deep.equal([100000]);
            expect(((await create({})).json as { accountsToScan: number[] }).accountsToScan).to.deep.equal([100000]);
        });

        it("asGiven keeps an empty list; addsMain adds the main account to any list", async () => {
            emulator.setScanReading("asGiven");
            expect(((await create({ accountsToScan: [] })).json as { accountsToScan: number[] }).accountsToScan).to.deep.equal([]);
            emulator.setScanReading("addsMain");
            const sub = emulator.addAccount({ accountName: "logs", type: "SUB_ACCOUNT" });
            const stored = ((await create({ accountsToScan: [sub.accountId] })).json as { accountsToScan: number[] }).accountsToScan;
            expect(stored).to.deep.equal([100000, sub.accountId]);
        });

        it("name normalisation stores and lists the name trimmed, collapsed and lower-cased, as asked", async () => {
            emulator.setNameNormalisation(["trim", "collapse", "lowercase"]);
            const r = await create({ accountName: "  Prod   SIEM " });
            expect((r.json as { accountName: string }).accountName).to.equal("prod siem");
            expect(emulator.siemAccounts()[0].accountName).to.equal("prod siem");
            expect(() => emulator.setNameNormalisation(["upper" as "trim"])).to.throw("nameNormalisation takes");
        });
    });
});
