// The testing kit cannot pass vacuously: one naming of routes (short names and HTTP forms) in the emulator's API,
// its admin API and its command, with every unknown route an error; faults that say how many times and what to
// answer, refused when malformed; runStack failures that end whole; and the stack-test example
// (examples/quickstart/test/stack.test.ts), which passes, and fails where it should against a Logz.io that lists
// new accounts late.
import { execFile, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { expect } from "chai";
import { LogzioEmulator, ROUTES, runStack } from "../../testing";
import { REPO_ROOT, startEmulator } from "../helpers/support";

const CLI = path.join(REPO_ROOT, "dist", "emulator", "cli.js");
const QUICKSTART = path.join(REPO_ROOT, "examples", "quickstart");
const MOCHA = path.join(REPO_ROOT, "node_modules", "mocha", "bin", "mocha.js");

/** The command, run as users run it, against an emulator in this process (so asynchronously: it must keep answering). */
function cli(emulator: LogzioEmulator, ...args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
    return new Promise((resolve) => {
        execFile(
            process.execPath,
            [CLI, ...args, "--url", emulator.url, "--token", emulator.token],
            { timeout: 60_000 },
            (err, stdout, stderr) => resolve({ status: err ? (typeof err.code === "number" ? err.code : null) : 0, stdout, stderr }),
        );
    });
}

async function call(emulator: LogzioEmulator, route: keyof typeof ROUTES, body?: unknown): Promise<{ status: number; text: string }> {
    const [method, p] = ROUTES[route].split(" ");
    const res = await fetch(`${emulator.url}${p}`, {
        method,
        headers: { "X-API-TOKEN": emulator.token, ...(body === undefined ? {} : { "content-type": "application/json" }) },
        body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, text: await res.text() };
}

async function admin(emulator: LogzioEmulator, method: string, p: string, body?: unknown): Promise<{ status: number; json: unknown }> {
    const res = await fetch(`${emulator.url}/__emulator${p}`, {
        method,
        headers: { "X-API-TOKEN": emulator.token, "content-type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, json: text === "" ? undefined : JSON.parse(text) };
}

const SIEM = { accountName: "kit-siem", email: "kit@example.com" };

describe("testing kit: one naming of routes, and no unknown route anywhere", function () {
    let emulator: LogzioEmulator;
    before(async () => (emulator = await startEmulator()));
    beforeEach(() => emulator.reset());
    after(() => emulator.close());

    it("count and requestsTo take the short name and the HTTP form alike", async () => {
        await call(emulator, "create", SIEM);
        await call(emulator, "list");
        await call(emulator, "list");
        await call(emulator, "whoami");
        for (const [name, key] of Object.entries(ROUTES)) {
            expect(emulator.count(name), name).to.equal(emulator.count(key));
            expect(emulator.requestsTo(name), name).to.deep.equal(emulator.requestsTo(key));
        }
        expect([emulator.count("create"), emulator.count("list"), emulator.count("whoami")]).to.deep.equal([1, 2, 1]);
        expect((emulator.requestsTo("create")[0].body as { accountName: string }).accountName).to.equal("kit-siem");
    });

    it("an unknown route throws in count, requestsTo, injectFaults and pendingFaults, naming the routes there are", () => {
        for (const bad of ["creat", "POST /v2/whoami", "post /v2/account-management/siem", "createSiem", ""]) {
            for (const use of [
                () => emulator.count(bad),
                () => emulator.requestsTo(bad),
                () => emulator.injectFaults(bad, { kind: "hang" }),
                () => emulator.pendingFaults(bad),
            ]) {
                expect(use).to.throw(
                    `unknown route ${JSON.stringify(bad)}; the emulator's routes are create (POST /v2/account-management/siem)`,
                );
            }
        }
    });

    it("the admin API takes both forms, and answers 400 naming the routes for any other", async () => {
        expect((await admin(emulator, "POST", "/faults", { route: "create", faults: [{ kind: "status", status: 503 }] })).status).to.equal(
            204,
        );
        const http = { route: "POST /v2/account-management/siem", faults: [{ kind: "status", status: 502 }] };
        expect((await admin(emulator, "POST", "/faults", http)).status).to.equal(204);
        expect((await call(emulator, "create", SIEM)).status).to.equal(503);
        expect((await call(emulator, "create", SIEM)).status).to.equal(502);
        expect(await admin(emulator, "GET", "/count/create")).to.deep.equal({
            status: 200,
            json: { route: ROUTES.create, count: 2, pendingFaults: 0 },
        });
        expect((await admin(emulator, "GET", `/count/${encodeURIComponent(ROUTES.create)}`)).json).to.have.property("count", 2);
        for (const reply of [
            await admin(emulator, "POST", "/faults", { route: "creat", faults: [{ kind: "hang" }] }),
            await admin(emulator, "GET", "/count/creat"),
        ]) {
            expect(reply.status).to.equal(400);
            expect((reply.json as { message: string }).message).to.include(`unknown route "creat"; the emulator's routes are create`);
        }
    });

    it("the command takes both forms; an unknown route is one line and exit 1, and nothing is queued", async () => {
        const short = await cli(emulator, "fault", "create", "status", "--status", "503");
        expect(short.status, short.stderr).to.equal(0);
        expect(short.stdout).to.include(`the next request to ${ROUTES.create} will get`);
        const http = await cli(emulator, "fault", ROUTES.list, "status", "--status", "500");
        expect(http.status, http.stderr).to.equal(0);
        expect([emulator.pendingFaults("create"), emulator.pendingFaults("list")]).to.deep.equal([1, 1]);
        for (const args of [
            ["fault", "creat", "hang"],
            ["count", "creat"],
        ]) {
            const bad = await cli(emulator, ...args);
            expect(bad.status, args.join(" ")).to.equal(1);
            expect(bad.stderr.trim().split("\n")).to.have.length(1);
            expect(bad.stderr).to.include(
                `unknown route "creat"; the emulator's routes are create (POST /v2/account-management/siem), list`,
            );
        }
        expect([emulator.pendingFaults("create"), emulator.pendingFaults("list")]).to.deep.equal([1, 1]);
        await call(emulator, "create", SIEM);
        const counted = await cli(emulator, "count", "create");
        expect(counted.stdout.trim()).to.equal(`${ROUTES.create}: 1 request, 0 still to fault`);
    });
});

describe("testing kit: faults say how many times and what to answer", function () {
    let emulator: LogzioEmulator;
    before(async () => (emulator = await startEmulator()));
    beforeEach(() => emulator.reset());
    after(() => emulator.close());

    it("times: the fault answers that many requests in a row, then the route answers for real", async () => {
        emulator.injectFaults("whoami", { kind: "status", status: 503, times: 3 }, { kind: "status", status: 500 });
        expect(emulator.pendingFaults("whoami")).to.equal(4);
        const statuses: number[] = [];
        for (let i = 0; i < 5; i++) statuses.push((await call(emulator, "whoami")).status);
        expect(statuses).to.deep.equal([503, 503, 503, 500, 200]);
        expect(emulator.pendingFaults("whoami")).to.equal(0);
    });

    it("a status fault answers the body and content type it is given; a delay answers for real, late", async () => {
        const body = JSON.stringify({ errorCode: "SIEM/SOMETHING", message: "scripted", requestId: "r-1" });
        emulator.injectFaults("create", { kind: "status", status: 409, body, headers: { "retry-after": "1" } });
        const res = await fetch(`${emulator.url}/v2/account-management/siem`, {
            method: "POST",
            headers: { "X-API-TOKEN": emulator.token, "content-type": "application/json" },
            body: JSON.stringify(SIEM),
        });
        expect([res.status, res.headers.get("content-type"), res.headers.get("retry-after"), await res.text()]).to.deep.equal([
            409,
            "application/json",
            "1",
            body,
        ]);
        expect(emulator.siemAccounts()).to.deep.equal([]);
        emulator.injectFaults("create", { kind: "delay", ms: 200 });
        const started = Date.now();
        expect((await call(emulator, "create", SIEM)).status).to.equal(200);
        expect(Date.now() - started).to.be.at.least(190);
        expect(emulator.siemAccounts()).to.have.length(1);
    });

    it("the command says the same: --times and --body", async () => {
        const r = await cli(emulator, "fault", "list", "status", "--status", "502", "--body", "Bad Gateway, scripted", "--times", "2");
        expect(r.status, r.stderr).to.equal(0);
        expect(r.stdout).to.include(`the next 2 requests to ${ROUTES.list} will get`);
        const answers = [await call(emulator, "list"), await call(emulator, "list"), await call(emulator, "list")];
        expect(answers.map((a) => a.status)).to.deep.equal([502, 502, 200]);
        expect(answers[0].text).to.equal("Bad Gateway, scripted");
    });

    it("a malformed fault is refused, naming what is wrong, and none of its batch is queued", () => {
        const cases: [unknown, string][] = [
            [{ kind: "explode" }, `unknown fault kind "explode"; expected one of status, statusAfterCommit, delay`],
            [{ kind: "status", status: 503, tims: 2 }, "a status fault takes kind, times, status, body, contentType, headers; not tims"],
            [{ kind: "status" }, "a status fault needs an integer status from 100 to 599"],
            [{ kind: "status", status: 503, times: 0 }, "a status fault's times must be an integer >= 1"],
            [{ kind: "delay" }, "a delay fault's ms must be an integer >= 0"],
            [{ kind: "hostileList", shape: "short" }, `a hostileList fault's shape must be "empty" or "withoutOwner"`],
            [{ kind: "redirect", status: 200, location: "http://x" }, "a redirect fault's status must be one of 301, 302, 303, 307, 308"],
            [{ kind: "status", status: 500, body: { message: "x" } }, "a status fault's body must be a string"],
        ];
        for (const [fault, message] of cases) {
            expect(() => emulator.injectFaults("create", { kind: "hang" }, fault as never), JSON.stringify(fault)).to.throw(message);
            expect(emulator.pendingFaults("create")).to.equal(0);
        }
    });

    it("the admin API refuses the same faults with a 400 and the same reason", async () => {
        const reply = await admin(emulator, "POST", "/faults", { route: "create", faults: [{ kind: "status", status: 503, tims: 2 }] });
        expect(reply).to.deep.equal({
            status: 400,
            json: { message: "a status fault takes kind, times, status, body, contentType, headers; not tims" },
        });
        expect(emulator.pendingFaults("create")).to.equal(0);
    });
});

describe("testing kit: runStack failures end whole", function () {
    this.timeout(60_000);

    const silent: [string, string, string][] = [
        ["times out", "setInterval(() => {}, 1000);\nmodule.exports = () => new Promise(() => {});\n", "timed out after 3000 ms"],
        ["ends without a result", "module.exports = () => new Promise(() => {});\n", "child exited (0) without a result"],
    ];
    for (const [what, program, expected] of silent) {
        it(`a program that says nothing and ${what} fails with just the reason: no empty \`--- log ---\``, async () => {
            const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kit-silent-"));
            const emulator = await startEmulator();
            try {
                fs.writeFileSync(path.join(dir, "index.js"), program);
                const message = await runStack({ program: dir, emulator, timeoutMs: 3_000 }).then(
                    () => "resolved",
                    (e: Error) => e.message,
                );
                expect(message).to.equal(expected);
            } finally {
                await emulator.close();
                fs.rmSync(dir, { recursive: true, force: true });
            }
        });
    }

    it("a failure with output keeps its log", async () => {
        const emulator = await startEmulator();
        try {
            emulator.addAccount({ accountName: "platform-siem" });
            const message = await runStack({ program: QUICKSTART, emulator, config: { email: "kit@example.com" } }).then(
                () => "resolved",
                (e: Error) => e.message,
            );
            expect(message).to.match(/already exists[\s\S]*\n--- log ---\n\S/);
        } finally {
            await emulator.close();
        }
    });
});

/** Runs the quickstart's stack test as its README says (mocha + ts-node, from the project folder). */
function runExample(...preload: string[]): { status: number | null; out: string } {
    const r = spawnSync(
        process.execPath,
        [MOCHA, "--no-config", "--no-package", "-r", "ts-node/register", ...preload.flatMap((p) => ["-r", p]), "test/stack.test.ts"],
        { cwd: QUICKSTART, encoding: "utf8", timeout: 300_000, env: { ...process.env, TS_NODE_PROJECT: "tsconfig.json" } },
    );
    return { status: r.status, out: r.stdout + r.stderr };
}

describe("testing kit: the stack-test example asserts what it says", function () {
    this.timeout(300_000);

    it("passes against the emulator, every test of it", () => {
        const { status, out } = runExample();
        expect(status, out).to.equal(0);
        expect(out).to.match(/\b4 passing\b/);
        expect(out).to.not.match(/failing|pending/);
    });

    it("fails, in exactly the tests that rely on the account list, when Logz.io lists new accounts an hour late", () => {
        const { status, out } = runExample(path.join(__dirname, "..", "helpers", "slowListingLogzio.js"));
        expect(status, out).to.equal(2); // mocha's exit code: the number of failed tests
        expect(out).to.match(/\b2 passing\b/);
        expect(out).to.match(/\b2 failing\b/);
        // The duplicate guard could not see the account: the create went through, and the assertion caught it.
        expect(out).to.match(
            /1\) the SIEM stack\s+refuses a second account under a name that is taken, and sends no create:\s+AssertionError \[ERR_ASSERTION\]: Missing expected rejection/,
        );
        // The lost answer could not be settled by the lookup: the stack failed instead of finding the account.
        expect(out).to.match(
            /2\) the SIEM stack\s+finds the account when the create's answer is lost, and sends no second create:\s+[^\n]*could not establish whether SIEM account "platform-siem" was created/,
        );
    });
});
