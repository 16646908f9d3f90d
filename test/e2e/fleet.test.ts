// Journey: a fleet. Eight onboarding services (examples/onboarding, Pulumi's Automation API driving the real CLI) run at
// once as eight processes, each with a Pulumi home of its own (as eight CI runners have), all logged in to one
// PostgreSQL state backend (a real server on loopback, harness/e2e/postgres.ts) and one Logz.io main account (the
// emulator, 30 ms per request, 100 requests in flight at most). Each worker holds its 25 tenants' accounts in one
// stack of its own (`--stack worker-<n>`): 8 stacks, 200 accounts. Then every stack is refreshed, and previewed.
// Then two workers given one tenant by mistake: what the duplicate guard guarantees across processes, and its limit.
import { ChildProcess, spawn } from "node:child_process";
import * as path from "node:path";
import { expect } from "chai";
import { EmulatorOptions, LogzioEmulator } from "../../emulator";
import { ROUTES } from "../../emulator/server";
import { E2EStack } from "../../harness/e2e/stack";
import { PostgresServer, startPostgres } from "../../harness/e2e/postgres";
import { waitFor } from "./journeySupport";
import { SIEM_TYPE, e2eDescribe, startEmulator } from "./support";

const WORKERS = 8;
const PER_WORKER = 25;

interface Worker {
    stack: string;
    tenants: string[];
    home: string;
}

interface StateResource {
    type: string;
    urn: string;
    id?: string;
    outputs: Record<string, unknown>;
}

interface Exported {
    deployment: { resources?: StateResource[]; pending_operations?: unknown[] };
}

interface WorkerRun {
    code: number | null;
    output: string;
    /** The JSON lines it printed. */
    lines: Record<string, unknown>[];
}

e2eDescribe("fleet: Automation API workers on one PostgreSQL backend", (ctx) => {
    let pg: PostgresServer;
    let emulator: LogzioEmulator | undefined;
    let databases = 0;
    before(async function () {
        this.timeout(120_000);
        // Fails (never skips) where PostgreSQL is not installed, saying how to install it.
        pg = await startPostgres();
    });
    after(() => pg?.stop());
    afterEach(async () => {
        await emulator?.close();
        emulator = undefined;
    });

    /** The onboarding service's project on a backend (a database) of its own, shared by every worker of the test. */
    /**
     * A fresh database as the service's backend, opened once before any worker starts: Pulumi creates its table on
     * first use, and eight first uses at once can collide in PostgreSQL (`CREATE TABLE IF NOT EXISTS` is not safe
     * against itself: pq 23505 on pg_type), as a team's first `pulumi login` would not.
     */
    async function service(): Promise<{ project: E2EStack; database: string; backendUrl: string }> {
        const database = `fleet${++databases}`;
        const backendUrl = pg.createDatabase(database);
        const project = ctx.project("examples/onboarding", { name: "siem-onboarding", backendUrl });
        await project.must(["stack", "ls"]);
        return { project, database, backendUrl };
    }

    /** `ts-node index.ts <args>` in the service's folder, as one worker (its own PULUMI_HOME: its own runner). */
    function runWorker(
        project: E2EStack,
        main: LogzioEmulator,
        home: string,
        args: string[],
    ): { child: ChildProcess; done: Promise<WorkerRun> } {
        const child = spawn(process.execPath, ["-r", "ts-node/register/transpile-only", "index.ts", ...args], {
            cwd: project.dir,
            env: { ...project.environment(), PULUMI_HOME: home, LOGZIO_API_TOKEN: main.token, LOGZIO_CUSTOM_API_URL: main.url },
        });
        let output = "";
        child.stdout!.setEncoding("utf8").on("data", (d: string) => (output += d));
        child.stderr!.setEncoding("utf8").on("data", (d: string) => (output += d));
        const done = new Promise<WorkerRun>((resolve, reject) => {
            const timer = setTimeout(() => child.kill("SIGKILL"), 480_000);
            child.once("error", reject);
            child.once("close", (code) => {
                clearTimeout(timer);
                project.transcript += `\n$ [${path.basename(home)}] index.ts ${args.slice(0, 3).join(" ")} ...\n${output}`;
                const lines = output
                    .split("\n")
                    .filter((l) => l.startsWith("{"))
                    .map((l) => JSON.parse(l) as Record<string, unknown>);
                resolve({ code, output, lines });
            });
        });
        return { child, done };
    }

    const tenantArgs = (tenants: string[]): string[] => tenants.map((t) => `${t}:soc@${t}.example`);

    /** Every worker at once, with `flag` (--refresh, --preview) or none (up); each must exit 0. */
    async function allWorkers(project: E2EStack, main: LogzioEmulator, workers: Worker[], flag?: string): Promise<WorkerRun[]> {
        const runs = await Promise.all(
            workers.map(
                (w) => runWorker(project, main, w.home, [...(flag ? [flag] : []), "--stack", w.stack, ...tenantArgs(w.tenants)]).done,
            ),
        );
        runs.forEach((r, i) => expect(r.code, `${workers[i].stack} ${flag ?? "up"}:\n${r.output}`).to.equal(0));
        return runs;
    }

    /** A stack's SiemAccounts and pending operations as the shared backend holds them (`pulumi stack export --stack`). */
    async function stateOf(project: E2EStack, stack: string): Promise<{ siems: StateResource[]; pending: unknown[] }> {
        const { deployment } = JSON.parse(await project.must(["stack", "export", "--stack", stack])) as Exported;
        return { siems: (deployment.resources ?? []).filter((r) => r.type === SIEM_TYPE), pending: deployment.pending_operations ?? [] };
    }

    it(`${WORKERS} workers, ${WORKERS * PER_WORKER} accounts on one main account: each created once and in its stack's state; refreshed; then no change planned`, async () => {
        const started = Date.now();
        emulator = await startEmulator({ latencyMs: 30, maxInFlight: 100 });
        const main = emulator;
        const { project, database } = await service();
        const workers: Worker[] = Array.from({ length: WORKERS }, (_, w) => ({
            stack: `worker-${w + 1}`,
            tenants: Array.from({ length: PER_WORKER }, (_, t) => `t${w + 1}x${t + 1}`),
            home: path.join(project.dir, "..", `home-${w + 1}`),
        }));
        const allTenants = workers.flatMap((w) => w.tenants);

        // 1. Every worker's `up` at once.
        const ups = await allWorkers(project, main, workers);
        const upDone = Date.now();
        const accounts = main.siemAccounts();
        expect(
            accounts.map((a) => a.accountName),
            "each tenant's account once, no other",
        ).to.have.members(allTenants.map((t) => `siem-${t}`));
        const idByName = new Map(accounts.map((a) => [a.accountName, a.accountId]));
        // What each worker read back from its stack's outputs is what Logz.io has.
        ups.forEach((run, i) => {
            expect(run.lines.map((l) => l.tenant)).to.deep.equal(workers[i].tenants);
            for (const l of run.lines) expect(l.accountId, String(l.tenant)).to.equal(idByName.get(`siem-${String(l.tenant)}`));
        });
        expect(project.printed + ups.map((r) => r.output).join(""), "the token is never printed").to.not.include(main.token);

        // Every id in its own stack's state, read back from the shared backend; each stack's one update succeeded.
        for (const w of workers) {
            const { siems, pending } = await stateOf(project, w.stack);
            expect(siems.map((r) => r.outputs.accountName)).to.have.members(w.tenants.map((t) => `siem-${t}`));
            for (const r of siems) expect(Number(r.id), r.urn).to.equal(idByName.get(String(r.outputs.accountName)));
            expect(pending, w.stack).to.deep.equal([]);
        }
        // The state is in PostgreSQL: one checkpoint row per stack in the table the CLI made.
        const rows = pg.query(database, "SELECT key FROM pulumi_state WHERE key LIKE '%/stacks/siem-onboarding/%.json' ORDER BY key");
        expect(rows.map((k) => path.basename(k, ".json")).sort()).to.deep.equal(workers.map((w) => w.stack).sort());

        // 2. Every stack refreshed at once: no account changes, none is sent again.
        const posts = main.count(ROUTES.create);
        const refreshes = await allWorkers(project, main, workers, "--refresh");
        for (const r of refreshes) expect(r.lines[0].refreshed, r.output).to.deep.equal({ same: PER_WORKER + 1 });
        const refreshDone = Date.now();

        // 3. Every stack previewed at once: nothing to do.
        const previews = await allWorkers(project, main, workers, "--preview");
        for (const r of previews) expect(r.lines[0].changes, r.output).to.deep.equal({ same: PER_WORKER + 1 });
        expect(main.count(ROUTES.create), "no POST after the first up").to.equal(posts);
        expect(main.siemAccounts()).to.have.length(WORKERS * PER_WORKER);

        // Every update of every stack succeeded: `pulumi stack history` of the shared backend (the up and the refresh).
        for (const w of workers) {
            const history = JSON.parse(await project.must(["stack", "history", "--stack", w.stack, "--json"])) as {
                kind: string;
                result: string;
            }[];
            expect(history.map((h) => `${h.kind}:${h.result}`).sort(), w.stack).to.deep.equal(["refresh:succeeded", "update:succeeded"]);
        }
        const s = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;
        console.log(
            `      fleet: ${WORKERS} workers, ${WORKERS * PER_WORKER} accounts: up ${s(upDone - started)}, refresh ${s(refreshDone - upDone)}, ` +
                `preview ${s(Date.now() - refreshDone)}, ${main.stats.rejected429} answers 429 (the emulator's cap 100), total ${s(Date.now() - started)}`,
        );
    });

    it("locking: a second `up` of a stack while its first runs is refused by the backend, naming the lock without the password; --preview exits 1 on a planned change", async () => {
        emulator = await startEmulator({ latencyMs: 30 });
        const main = emulator;
        // The first run's POST is held 45 s: its update holds the stack's lock that long (time for the second to start).
        main.injectFaults(ROUTES.create, { kind: "delay", ms: 45_000 });
        const { project, backendUrl } = await service();
        const args = ["--stack", "worker-a", ...tenantArgs(["acme"])];
        const first = runWorker(project, main, path.join(project.dir, "..", "home-a"), args);
        await waitFor("the first run's POST", () => main.inFlightOn(ROUTES.create) === 1, 120_000);
        // The same stack from another runner, while the first holds its lock.
        const second = await runWorker(project, main, path.join(project.dir, "..", "home-b"), args).done;
        expect(main.inFlightOn(ROUTES.create), "the first run still holds its POST when the second ends").to.equal(1);
        expect(second.code, second.output).to.not.equal(0);
        expect(second.output).to.include("the stack is currently locked by 1 lock(s)");
        expect(second.output).to.not.include(new URL(backendUrl).password);
        const firstRun = await first.done;
        expect(firstRun.code, firstRun.output).to.equal(0);
        expect(main.siemAccounts().map((a) => a.accountName)).to.deep.equal(["siem-acme"]);
        expect(main.count(ROUTES.create)).to.equal(1);
        // The service's --preview exits 1 when the stack plans a change (a tenant added), and sends nothing.
        const preview = await runWorker(project, main, path.join(project.dir, "..", "home-b"), [
            "--preview",
            ...args,
            ...tenantArgs(["globex"]),
        ]).done;
        expect(preview.code, preview.output).to.equal(1);
        expect(preview.lines[0].changes, preview.output).to.deep.equal({ create: 1, same: 2 });
        expect(preview.output).to.include("Review them with `pulumi preview --diff --stack <name>` before any `up`");
        expect(main.count(ROUTES.create)).to.equal(1);
    });

    describe("two workers given one tenant by mistake (two stacks, one accountName)", () => {
        /** One worker given the tenant acme, on the runner whose Pulumi home is `home` (beside the project), in `stack`. */
        const acmeWorker = (project: E2EStack, main: LogzioEmulator, home: string, stack: string) =>
            runWorker(project, main, path.join(project.dir, "..", home), ["--stack", stack, ...tenantArgs(["acme"])]);

        /**
         * On an emulator (30 ms per request, and `opts`): a worker on one runner (stack worker-a) creates acme's account;
         * then another runner (its own Pulumi home), another stack (worker-b), the same tenant. Returns what Logz.io
         * listed between the two runs and the second run.
         */
        async function firstThenAnotherRunner(opts: EmulatorOptions) {
            emulator = await startEmulator({ latencyMs: 30, ...opts });
            const main = emulator;
            const { project } = await service();
            const first = await acmeWorker(project, main, "home-a", "worker-a").done;
            expect(first.code, first.output).to.equal(0);
            const listedAfterFirst = main.siemAccounts();
            const second = await acmeWorker(project, main, "home-b", "worker-b").done;
            return { main, project, listedAfterFirst, second };
        }

        it("the second, started after the first account is listed, is stopped by the duplicate guard with the adopt line: one account", async () => {
            const { main, project, listedAfterFirst, second } = await firstThenAnotherRunner({});
            const [account] = listedAfterFirst;
            expect(second.code, second.output).to.not.equal(0);
            expect(second.output).to.include(`existingAccountId: ${account.accountId},`);
            expect(main.siemAccounts().map((a) => a.accountId)).to.deep.equal([account.accountId]);
            expect((await stateOf(project, "worker-b")).siems).to.deep.equal([]);
        });

        it("on one machine (one Pulumi home), the second is stopped while the first's POST is in flight and Logz.io lists nothing yet", async () => {
            // Logz.io lists new accounts 10 minutes late; the first POST is held 5 s.
            emulator = await startEmulator({ latencyMs: 30, provisioningMs: 600_000 });
            const main = emulator;
            main.injectFaults(ROUTES.create, { kind: "delay", ms: 5000 });
            const { project } = await service();
            const first = acmeWorker(project, main, "home-shared", "worker-a");
            await waitFor("the first worker's POST", () => main.inFlightOn(ROUTES.create) === 1, 120_000);
            const second = await acmeWorker(project, main, "home-shared", "worker-b").done;
            expect(second.code, second.output).to.not.equal(0);
            expect(second.output).to.include('a create of SIEM account "siem-acme" under main account');
            expect(second.output).to.include("was sent from this machine");
            // The first run may still be waiting for its answer, or have it and be recording it: either way the advice
            // waits for it before anything else.
            expect(second.output).to.include("Wait until no other run on this machine is creating it");
            const firstRun = await first.done;
            expect(firstRun.code, firstRun.output).to.equal(0);
            expect(main.siemAccounts().map((a) => a.accountName)).to.deep.equal(["siem-acme"]);
            expect(main.count(ROUTES.create)).to.equal(1);
        });

        it("the limit: on another runner (its own Pulumi home), before Logz.io lists the first account, nothing can stop a second one", async () => {
            // What docs/behaviour.md and the example's README state: the guard sees another runner's account only
            // once Logz.io lists it. Logz.io lists new accounts 10 minutes late here.
            const { main, second } = await firstThenAnotherRunner({ provisioningMs: 600_000 });
            expect(second.code, second.output).to.equal(0);
            expect(main.siemAccounts().map((a) => a.accountName)).to.deep.equal(["siem-acme", "siem-acme"]);
        });
    });
});
