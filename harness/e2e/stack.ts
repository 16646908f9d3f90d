// One Pulumi project and stack driven by the real CLI, as a person runs it: `pulumi stack init`, `config set`,
// `preview`, `up`, `refresh`, `destroy`, `stack export`, `stack output`. Each project gets its own folder (its
// node_modules links to the consumer install), a local file backend (or the backend URL it is given, e.g. a shared
// PostgreSQL one from postgres.ts), the passphrase secrets provider and its own PULUMI_HOME. Every command is the CLI itself; `preview`, `up` and `refresh --run-program` run the program
// through the CLI's Node.js language host, from the project folder, as a user's `pulumi up` does.
import { ChildProcess, spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { PulumiCli } from "./pulumiCli";

export interface EngineEvent {
    summaryEvent?: { resourceChanges?: Record<string, number> };
    resourcePreEvent?: { metadata: { op: string; urn: string; type: string; keys?: string[]; diffs?: string[] } };
    resOutputsEvent?: { metadata: { op: string; urn: string; type: string } };
    resOpFailedEvent?: { metadata: { op: string; urn: string; type: string } };
    diagnosticEvent?: { urn?: string; message: string; severity: string };
}

export interface RunResult {
    ok: boolean;
    code: number | null;
    /** stdout and stderr as the person at the terminal saw them. */
    output: string;
    events: EngineEvent[];
}

/** A command still running (start()): the child process, what it printed so far, and its result when it ends. */
export interface RunningCommand {
    child: ChildProcess;
    output(): string;
    /**
     * Sends `signal` as a terminal's Ctrl-C does: to every process of the command's process group (the CLI and
     * whatever it started in that group), or with `cliOnly` to the CLI's own process, as `kill <pid>` does.
     * SIGKILL (without `cliOnly`) takes every process the command started, as a machine or CI job that dies
     * does: the CLI starts its plugins (the provider host) in process groups of their own, which a group kill
     * would leave running.
     */
    signal(signal: NodeJS.Signals, opts?: { cliOnly?: boolean }): void;
    done: Promise<RunResult>;
}

export interface StackOptions {
    cli: PulumiCli;
    /** Folder whose node_modules holds the installed package (consumerInstall()). */
    consumer?: string;
    /** The project installs its own node_modules (as a user's project does) instead of linking the consumer install. */
    ownInstall?: boolean;
    /** Files of the project: relative path -> contents. Pulumi.yaml is required unless `workDir` is given. */
    files?: Record<string, string>;
    /** Run in an existing project folder (e.g. the repository root) instead of a fresh one. */
    workDir?: string;
    stack?: string;
    /** Shared by the stacks of one test when they must see each other (StackReference). */
    backendDir?: string;
    /**
     * A backend URL instead of the local folder (`postgres://...` from postgres.ts): stacks of many projects and
     * processes share it, as a team's CI runners share one. backendFiles() is for the local folder only.
     */
    backendUrl?: string;
    env?: Record<string, string>;
    timeoutMs?: number;
}

const SIEM_TYPE = "pulumi-nodejs:dynamic/logzio:SiemAccount";

export class E2EStack {
    readonly dir: string;
    readonly stackName: string;
    readonly backendDir: string;
    /** PULUMI_HOME of every command: plugins, workspace settings, credentials. */
    readonly home: string;
    private readonly configFile: string | undefined;
    private readonly scratch: string;
    private readonly env: NodeJS.ProcessEnv;
    private runs = 0;
    /** Every command with its output, for messages when a test fails. */
    transcript = "";
    /** Everything the commands printed (no command lines: those hold the config values typed in). */
    printed = "";

    constructor(private readonly opts: StackOptions) {
        this.scratch = fs.mkdtempSync(path.join(os.tmpdir(), "logzio-siem-e2e-"));
        this.stackName = opts.stack ?? "test";
        this.home = path.join(this.scratch, "pulumi-home");
        this.backendDir = opts.backendDir ?? path.join(this.scratch, "backend");
        fs.mkdirSync(this.backendDir, { recursive: true });
        if (opts.workDir) {
            this.dir = opts.workDir;
            // Stack config goes to the scratch folder, so an existing project folder is left as it was.
            this.configFile = path.join(this.scratch, `Pulumi.${this.stackName}.yaml`);
        } else {
            this.dir = path.join(this.scratch, "project");
            fs.mkdirSync(this.dir);
            for (const [file, text] of Object.entries(opts.files ?? {})) {
                fs.mkdirSync(path.dirname(path.join(this.dir, file)), { recursive: true });
                fs.writeFileSync(path.join(this.dir, file), text);
            }
            if (!opts.ownInstall) {
                if (!opts.consumer) throw new Error("a fresh project needs the consumer install");
                fs.symlinkSync(path.join(opts.consumer, "node_modules"), path.join(this.dir, "node_modules"), "dir");
            }
        }
        const env: NodeJS.ProcessEnv = {};
        // Only what the test sets reaches the provider: no LOGZIO_* or PULUMI_* from the machine.
        for (const [k, v] of Object.entries(process.env)) if (!/^(LOGZIO_|PULUMI_)/.test(k)) env[k] = v;
        this.env = {
            ...env,
            PATH: `${opts.cli.binDir}${path.delimiter}${process.env.PATH ?? ""}`,
            PULUMI_HOME: this.home,
            PULUMI_BACKEND_URL: opts.backendUrl ?? `file://${this.backendDir}`,
            PULUMI_CONFIG_PASSPHRASE: "e2e-passphrase",
            PULUMI_SKIP_UPDATE_CHECK: "true",
            PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
            PULUMI_E2E_BIN_DIR: opts.cli.binDir,
            // Unhides --event-log (the Automation API sets it too): the tests read the engine's events from it.
            PULUMI_DEBUG_COMMANDS: "true",
            NO_COLOR: "1",
            ...opts.env,
        };
    }

    /** The passphrase later commands unlock secrets with (after `pulumi stack change-secrets-provider`). */
    setPassphrase(passphrase: string): void {
        this.env.PULUMI_CONFIG_PASSPHRASE = passphrase;
    }

    /** The environment every command of this stack runs with (PATH, PULUMI_HOME, backend, passphrase). */
    environment(): NodeJS.ProcessEnv {
        return { ...this.env };
    }

    /** Runs `pulumi <args>` in the project folder. */
    pulumi(args: string[], input?: string, extraEnv?: Record<string, string>): Promise<RunResult> {
        return this.spawn(path.join(this.opts.cli.binDir, "pulumi"), this.withGlobalFlags(args), input, extraEnv);
    }

    private withGlobalFlags(args: string[]): string[] {
        const config = this.configFile && !["stack", "login"].includes(args[0] ?? "") ? ["--config-file", this.configFile] : [];
        const extra = ["--non-interactive", "--color", "never", ...config];
        // Flags go before a `--` that ends them (config values may start with "-").
        const end = args.indexOf("--");
        return end < 0 ? [...args, ...extra] : [...args.slice(0, end), ...extra, ...args.slice(end)];
    }

    /** Like pulumi(), failing with the whole output when the command fails. */
    async must(args: string[], input?: string): Promise<string> {
        const r = await this.pulumi(args, input);
        if (!r.ok) throw new Error(`pulumi ${args.join(" ")} exited ${r.code}:\n${r.output}`);
        return r.output;
    }

    async init(config: Record<string, string>, secrets: Record<string, string> = {}): Promise<void> {
        const inProject = path.join(this.dir, `Pulumi.${this.stackName}.yaml`);
        const existed = fs.existsSync(inProject);
        await this.must(["stack", "init", this.stackName]);
        // `stack init` has no --config-file: the passphrase provider writes its salt to the project folder's stack
        // file, which moves to the scratch config file so an existing project folder stays as it was.
        if (this.configFile && !existed && fs.existsSync(inProject)) fs.renameSync(inProject, this.configFile);
        for (const [k, v] of Object.entries(config)) await this.setConfig(k, v);
        for (const [k, v] of Object.entries(secrets)) await this.setConfig(k, v, true);
    }

    /** `pulumi config set [--secret] key value`, as the README tells a person to. */
    async setConfig(key: string, value: string, secret = false): Promise<void> {
        await this.must(["config", "set", ...(secret ? ["--secret"] : []), key, "--", value]);
    }

    preview(opts: { expectNoChanges?: boolean; engineEnv?: Record<string, string> } = {}): Promise<RunResult> {
        return this.program("preview", opts);
    }

    /** `flags`: more flags for this `pulumi up` (`--parallel 64`, `--target <urn>`). */
    up(opts: { refresh?: boolean; engineEnv?: Record<string, string>; flags?: string[] } = {}): Promise<RunResult> {
        return this.program("up", opts);
    }

    refresh(opts: { engineEnv?: Record<string, string> } = {}): Promise<RunResult> {
        return this.withEvents((events) =>
            this.pulumi(["refresh", "--yes", "--skip-preview", "--event-log", events], undefined, opts.engineEnv),
        );
    }

    /** `pulumi refresh --run-program`: the program runs first, so the provider is configured from the current config. */
    refreshRunningProgram(): Promise<RunResult> {
        return this.program("refresh", {});
    }

    /**
     * Starts `pulumi up` (or another program command) and returns at once, so a test can interrupt it mid-way.
     * The command leads a process group of its own, as a shell's foreground job does.
     */
    start(op: "up" | "preview" | "refresh" = "up", extraFlags: string[] = []): RunningCommand {
        const file = path.join(this.scratch, `events-${++this.runs}.jsonl`);
        const flags = op === "up" ? ["--yes", "--skip-preview"] : op === "refresh" ? ["--yes", "--skip-preview", "--run-program"] : [];
        const running = this.begin(
            path.join(this.opts.cli.binDir, "pulumi"),
            this.withGlobalFlags([op, ...flags, ...extraFlags, "--event-log", file]),
            {
                detached: true,
            },
        );
        return { ...running, done: running.done.then((r) => this.readEvents(file, r)) };
    }

    destroy(opts: { engineEnv?: Record<string, string> } = {}): Promise<RunResult> {
        return this.withEvents((events) =>
            this.pulumi(["destroy", "--yes", "--skip-preview", "--event-log", events], undefined, opts.engineEnv),
        );
    }

    async outputs(): Promise<Record<string, unknown>> {
        return JSON.parse(await this.must(["stack", "output", "--json"])) as Record<string, unknown>;
    }

    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    async exportState(showSecrets = false): Promise<any> {
        return JSON.parse(await this.must(["stack", "export", ...(showSecrets ? ["--show-secrets"] : [])]));
    }

    /** The SiemAccount resources in state. */
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    async siemResources(): Promise<any[]> {
        // eslint-disable-next-line @typescript-eslint/no-explicit-any
        return ((await this.exportState()).deployment.resources ?? []).filter((r: any) => r.type === SIEM_TYPE);
    }

    /** Every file the local backend holds, as text: what "the raw state file" means here. */
    backendFiles(): Record<string, string> {
        if (this.opts.backendUrl)
            throw new Error(`backendFiles() reads a local backend; this stack's is ${this.opts.backendUrl.split("@").pop()}`);
        const out: Record<string, string> = {};
        const walk = (d: string) => {
            for (const e of fs.readdirSync(d, { withFileTypes: true })) {
                const p = path.join(d, e.name);
                if (e.isDirectory()) walk(p);
                else out[path.relative(this.backendDir, p)] = fs.readFileSync(p, "utf8");
            }
        };
        walk(this.backendDir);
        // Callers search these files for what must not be there: an empty or checkpoint-less backend would pass vacuously.
        if (!Object.keys(out).some((file) => file.includes(this.stackName))) {
            throw new Error(`the backend ${this.backendDir} holds no file of stack ${this.stackName}: nothing to check`);
        }
        return out;
    }

    /** The stack's config file as written by `pulumi config set`. */
    stackConfigText(): string {
        return fs.readFileSync(this.configFile ?? path.join(this.dir, `Pulumi.${this.stackName}.yaml`), "utf8");
    }

    writeFile(file: string, text: string): void {
        fs.writeFileSync(path.join(this.dir, file), text);
    }

    cleanup(): void {
        fs.rmSync(this.scratch, { recursive: true, force: true });
    }

    /**
     * `engineEnv` goes to this one `pulumi` command, and so to everything it starts (the language host, the
     * program, the provider host): the benchmark profiles the provider host through NODE_OPTIONS this way.
     */
    private program(
        op: "preview" | "up" | "refresh",
        opts: { expectNoChanges?: boolean; refresh?: boolean; engineEnv?: Record<string, string>; flags?: string[] },
    ): Promise<RunResult> {
        const flags = op === "up" ? ["--yes", "--skip-preview"] : op === "refresh" ? ["--yes", "--skip-preview", "--run-program"] : [];
        flags.push(...(opts.flags ?? []));
        if (opts.expectNoChanges) flags.push("--expect-no-changes");
        if (opts.refresh) flags.push("--refresh");
        return this.withEvents((events) => this.pulumi([op, ...flags, "--event-log", events], undefined, opts.engineEnv));
    }

    private async withEvents(run: (eventsFile: string) => Promise<RunResult>): Promise<RunResult> {
        const file = path.join(this.scratch, `events-${++this.runs}.jsonl`);
        return this.readEvents(file, await run(file));
    }

    private readEvents(file: string, result: RunResult): RunResult {
        const text = fs.existsSync(file) ? fs.readFileSync(file, "utf8") : "";
        result.events = text
            .split("\n")
            .filter((l) => l.trim() !== "")
            .map((l) => JSON.parse(l) as EngineEvent);
        return result;
    }

    private spawn(command: string, args: string[], input?: string, extraEnv?: Record<string, string>): Promise<RunResult> {
        return this.begin(command, args, { input, extraEnv }).done;
    }

    private begin(
        command: string,
        args: string[],
        opts: { input?: string; extraEnv?: Record<string, string>; detached?: boolean },
    ): Omit<RunningCommand, "done"> & { done: Promise<RunResult> } {
        const timeoutMs = this.opts.timeoutMs ?? 180_000;
        const child = spawn(command, args, {
            cwd: this.dir,
            env: { ...this.env, ...opts.extraEnv },
            stdio: ["pipe", "pipe", "pipe"],
            detached: opts.detached ?? false,
        });
        let output = "";
        child.stdout.setEncoding("utf8").on("data", (d: string) => (output += d));
        child.stderr.setEncoding("utf8").on("data", (d: string) => (output += d));
        child.stdin.end(opts.input ?? "");
        const signal = (sig: NodeJS.Signals, o: { cliOnly?: boolean } = {}): void => {
            if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
            const tree = sig === "SIGKILL" && !o.cliOnly ? descendants(child.pid) : [];
            if (opts.detached && !o.cliOnly) process.kill(-child.pid, sig);
            else child.kill(sig);
            for (const pid of tree) {
                try {
                    process.kill(pid, sig);
                } catch {
                    // gone already
                }
            }
        };
        const done = new Promise<RunResult>((resolve, reject) => {
            const timer = setTimeout(() => signal("SIGKILL"), timeoutMs);
            child.once("error", reject);
            child.once("close", (code) => {
                clearTimeout(timer);
                this.transcript += `\n$ ${path.basename(command)} ${args.join(" ")}\n${output}`;
                this.printed += output;
                resolve({ ok: code === 0, code, output, events: [] });
            });
        });
        return { child, output: () => output, signal, done };
    }
}

/** Every process below `root` (children, theirs, ...), from `ps`: empty where `ps` is not available. */
function descendants(root: number): number[] {
    const ps = spawnSync("ps", ["-A", "-o", "pid=,ppid="], { encoding: "utf8" });
    if (ps.status !== 0) return [];
    const children = new Map<number, number[]>();
    for (const line of ps.stdout.split("\n")) {
        const [pid, ppid] = line.trim().split(/\s+/).map(Number);
        if (Number.isInteger(pid) && Number.isInteger(ppid)) children.set(ppid, [...(children.get(ppid) ?? []), pid]);
    }
    const out: number[] = [];
    const visit = (pid: number): void => {
        for (const c of children.get(pid) ?? []) {
            out.push(c);
            visit(c);
        }
    };
    visit(root);
    return out;
}

/** What the engine did per resource type in one run: op names from its events (create, replace, same, ...). */
export function stepsFor(result: RunResult, type = SIEM_TYPE): string[] {
    return result.events.flatMap((e) => (e.resourcePreEvent?.metadata.type === type ? [e.resourcePreEvent.metadata.op] : []));
}

/** The properties that made the engine plan a replacement, per its events. */
export function replaceKeysOf(result: RunResult, type = SIEM_TYPE): string[] {
    return result.events.flatMap((e) =>
        e.resourcePreEvent?.metadata.type === type && e.resourcePreEvent.metadata.op === "replace"
            ? (e.resourcePreEvent.metadata.keys ?? [])
            : [],
    );
}

/** The change counts of the run's summary (`{ create: 2 }`), {} when the engine printed none. */
export function changesOf(result: RunResult): Record<string, number> {
    return result.events.find((e) => e.summaryEvent)?.summaryEvent?.resourceChanges ?? {};
}
