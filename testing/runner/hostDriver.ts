// Drives Pulumi's real dynamic-provider host (`@pulumi/pulumi/cmd/dynamic-provider`) over gRPC, the way the
// engine does: spawn it, read its port, Configure, then Check/Diff/Create/Read/Update/Delete with
// google.protobuf.Struct values that carry `__provider` as an ordinary string property.
import { randomBytes } from "crypto";
import { ChildProcess, spawn } from "child_process";
import { rmSync } from "fs";
import { tmpdir } from "os";
import * as path from "path";
import { Js, PulumiProtos, pulumiProtos } from "../../provider/host/pulumiProtos";

/** The engine's marker for unknown values (preview). */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
export const SIG_KEY = "4dabf18193072939515e22adb298388d";
export const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
export const DEFAULT_TYPE = "pulumi-nodejs:dynamic/logzio:SiemAccount";
export const DEFAULT_PROJECT = "logzio-siem";
export const DEFAULT_STACK = "dev";

type Obj = Record<string, unknown>;

export interface HostOptions {
    cwd: string;
    /** Merged over process.env (undefined removes a variable). */
    env?: Record<string, string | undefined>;
    /** Extra node flags before the host script (opt-in, e.g. the benchmark's CPU-profile preload). */
    nodeArgs?: string[];
    /**
     * A resource provider plugin's launcher (`bin/pulumi-resource-logzio-siem`, a node script) to start instead of
     * the dynamic-provider host: the same protocol, the package's own schema and config.
     */
    plugin?: string;
}

export interface PartialCreate {
    id: string;
    properties: Obj;
    reasons: string[];
}

export class HostCallError extends Error {
    override readonly name = "HostCallError";
    constructor(
        message: string,
        readonly code: number,
        /** The provider's own error text (gRPC status details). */
        readonly details: string,
        readonly method: string,
        /** Set when the host reported ErrorResourceInitFailed (a create/update that threw an error with an `id`). */
        readonly partialCreate?: PartialCreate,
    ) {
        super(message);
    }
}

export function urnFor(name: string, type = DEFAULT_TYPE, project = DEFAULT_PROJECT, stack = DEFAULT_STACK): string {
    return `urn:pulumi:${stack}::${project}::${type}::${name}`;
}

/** The host script, resolved from `cwd` first (so an installed copy uses its own @pulumi/pulumi). */
export function resolveHostScript(cwd: string): string {
    try {
        return require.resolve("@pulumi/pulumi/cmd/dynamic-provider", { paths: [cwd] });
    } catch {
        return require.resolve("@pulumi/pulumi/cmd/dynamic-provider");
    }
}

// Loaded relative to the host's @pulumi/pulumi: its message classes and Struct must be the very instances its stubs
// were generated against, or serialization silently mismatches (pulumiProtos.ts).
const stubsFor = (hostScript: string): PulumiProtos => pulumiProtos(path.resolve(path.dirname(hostScript), "..", "..", "package.json"));

// Struct.fromJavaScript rejects undefined; the engine never sends it (absent keys), so drop it like JSON does.
const plain = (v: unknown): Obj => (v === undefined ? {} : JSON.parse(JSON.stringify(v)));
const toJs = (st: Js): Obj => (st ? st.toJavaScript() : {});
const typeOfUrn = (urn: string): string => (urn.split("::")[2] ?? "").split("$").pop() ?? "";
const nameOfUrn = (urn: string): string => urn.split("::").slice(3).join("::");

/** Every resource request names its resource three ways, as the engine sends them. */
function addressed(req: Js, urn: string): void {
    req.setUrn(urn);
    req.setName(nameOfUrn(urn));
    req.setType(typeOfUrn(urn));
}

// Kill hosts a caller forgot to stop, so a test run never leaves orphans behind.
const live = new Set<ChildProcess>();
process.once("exit", () => live.forEach((p) => p.kill("SIGKILL")));

export class ProviderHost {
    private constructor(
        private readonly proc: ChildProcess,
        private readonly client: Js,
        private readonly s: PulumiProtos,
        private readonly logs: { out: string; err: string },
        private readonly exited: Promise<void>,
        /** The journal folder made for this host alone, removed by stop(). */
        private readonly ownJournal?: string,
    ) {}

    get pid(): number {
        return this.proc.pid ?? -1;
    }
    stdout(): string {
        return this.logs.out;
    }
    stderr(): string {
        return this.logs.err;
    }

    static async start(opts: HostOptions): Promise<ProviderHost> {
        const hostScript = resolveHostScript(opts.cwd);
        const script = opts.plugin ?? hostScript;
        const s = stubsFor(hostScript);
        const env: Record<string, string> = {};
        for (const [k, v] of Object.entries({ ...process.env, ...opts.env })) if (v !== undefined) env[k] = v;
        // The host's Config.get("key") prefixes the project read from here.
        env.PULUMI_NODEJS_PROJECT ??= DEFAULT_PROJECT;
        env.PULUMI_NODEJS_STACK ??= DEFAULT_STACK;
        // The provider keeps creates of unknown outcome in a journal under the user's Pulumi home
        // (provider/lifecycle/createJournal.ts). A driven host keeps its own, in a fresh folder removed by stop(), unless the
        // caller names one: runs of a test never hold each other's creates against one another.
        const journal =
            env.PULUMI_LOGZIO_SIEM_JOURNAL_DIR === undefined
                ? path.join(tmpdir(), `pulumi-logzio-siem-journal-${randomBytes(8).toString("hex")}`)
                : undefined;
        if (journal !== undefined) env.PULUMI_LOGZIO_SIEM_JOURNAL_DIR = journal;
        const proc = spawn(process.execPath, [...(opts.nodeArgs ?? []), script, "127.0.0.1:1"], {
            cwd: opts.cwd,
            env,
            stdio: ["ignore", "pipe", "pipe"],
        });
        live.add(proc);
        const logs = { out: "", err: "" };
        proc.stdout!.setEncoding("utf8").on("data", (d: string) => (logs.out += d));
        proc.stderr!.setEncoding("utf8").on("data", (d: string) => (logs.err += d));
        const exited = new Promise<void>((r) =>
            proc.once("exit", () => {
                live.delete(proc);
                r();
            }),
        );
        try {
            const port = await new Promise<number>((resolve, reject) => {
                const timer = setTimeout(() => reject(new Error(`provider host printed no port within 30s: ${logs.err}`)), 30_000);
                const done = (f: () => void) => {
                    clearTimeout(timer);
                    proc.stdout!.off("data", onData);
                    f();
                };
                const onData = () => {
                    const nl = logs.out.indexOf("\n");
                    if (nl < 0) return;
                    const port = Number(logs.out.slice(0, nl).trim());
                    done(() =>
                        Number.isInteger(port) && port > 0
                            ? resolve(port)
                            : reject(new Error(`bad port line from provider host: ${logs.out}`)),
                    );
                };
                proc.stdout!.on("data", onData);
                proc.once("error", (e) => done(() => reject(e)));
                proc.once("exit", (code) =>
                    done(() => reject(new Error(`provider host exited (${code}) before printing its port: ${logs.err}`))),
                );
            });
            const client = new s.provGrpc.ResourceProviderClient(`127.0.0.1:${port}`, s.grpc.credentials.createInsecure(), {
                "grpc.max_receive_message_length": 400 * 1024 * 1024,
            });
            await new Promise<void>((res, rej) => client.waitForReady(Date.now() + 10_000, (e: Error | undefined) => (e ? rej(e) : res())));
            return new ProviderHost(proc, client, s, logs, exited, journal);
        } catch (e) {
            proc.kill("SIGKILL");
            await exited;
            throw e;
        }
    }

    private rpc(method: string, req: Js): Promise<Js> {
        return new Promise((resolve, reject) =>
            this.client[method](req, (e: Js, res: Js) => (e ? reject(this.callError(method, e)) : resolve(res))),
        );
    }

    private callError(method: string, e: Js): HostCallError {
        let partial: PartialCreate | undefined;
        // The host packs ErrorResourceInitFailed into a google.rpc.Status in this trailer (see grpcResponseFromError).
        for (const bin of (e.metadata?.get("grpc-status-details-bin") ?? []) as Buffer[]) {
            const status = this.s.status.Status.deserializeBinary(new Uint8Array(bin));
            for (const any of status.getDetailsList()) {
                const d = any.unpack(this.s.prov.ErrorResourceInitFailed.deserializeBinary, "pulumirpc.ErrorResourceInitFailed");
                if (d) partial = { id: d.getId(), properties: toJs(d.getProperties()), reasons: d.getReasonsList() };
            }
        }
        const details: string = e.details ?? e.message ?? String(e);
        return new HostCallError(`provider host ${method} failed: ${details}`, e.code ?? -1, details, method, partial);
    }

    private struct(v: unknown): Js {
        return this.s.struct.Struct.fromJavaScript(plain(v));
    }

    async configure(config: Record<string, string>, secretKeys: string[] = []): Promise<void> {
        const req = new this.s.prov.ConfigureRequest();
        const secret = new Set(secretKeys);
        const args: Obj = {};
        const vars = req.getVariablesMap();
        for (const [k, v] of Object.entries(config)) {
            args[k] = secret.has(k) ? { [SIG_KEY]: SECRET_SIG, value: v } : v;
            vars.set(k, v); // pre-`args` hosts read the flat variables map
        }
        req.setArgs(this.struct(args));
        req.setAcceptsecrets(true);
        req.setAcceptresources(true);
        req.setSendsOldInputs(true);
        req.setSendsOldInputsToDelete(true);
        // type and name joined ConfigureRequest after 3.139 (the oldest SDK this package supports).
        req.setType?.("pulumi:providers:pulumi-nodejs");
        req.setName?.("default");
        await this.rpc("configure", req);
    }

    /** GetPluginInfo, the engine's first call to a plugin (the benchmark's cold start ends at its answer). */
    async pluginInfo(): Promise<{ version: string }> {
        const res = await this.rpc("getPluginInfo", new this.s.empty.Empty());
        return { version: res.getVersion() as string };
    }

    /** A provider's config as the engine checks it (keys without their namespace: `apiToken`). */
    async checkConfig(news: Obj, olds: Obj = {}): Promise<{ inputs: Obj; failures: { property: string; reason: string }[] }> {
        const req = new this.s.prov.CheckRequest();
        req.setUrn(urnFor("default", "pulumi:providers:logzio-siem"));
        req.setOlds(this.struct(olds));
        req.setNews(this.struct(news));
        const res = await this.rpc("checkConfig", req);
        const failures = (res.getFailuresList() as Js[]).map((f) => ({
            property: f.getProperty() as string,
            reason: f.getReason() as string,
        }));
        return { inputs: toJs(res.getInputs()), failures };
    }

    async diffConfig(olds: Obj, news: Obj): Promise<{ changes: "none" | "some" | "unknown"; replaces: string[]; diffs: string[] }> {
        const req = new this.s.prov.DiffRequest();
        req.setUrn(urnFor("default", "pulumi:providers:logzio-siem"));
        req.setOlds(this.struct(olds));
        req.setOldInputs(this.struct(olds));
        req.setNews(this.struct(news));
        const res = await this.rpc("diffConfig", req);
        const C = this.s.prov.DiffResponse.DiffChanges;
        const c = res.getChanges();
        return {
            changes: c === C.DIFF_SOME ? "some" : c === C.DIFF_NONE ? "none" : "unknown",
            replaces: res.getReplacesList(),
            diffs: res.getDiffsList(),
        };
    }

    /** The package schema the provider serves (GetSchema), parsed. */
    async getSchema(): Promise<Obj> {
        const res = await this.rpc("getSchema", new this.s.prov.GetSchemaRequest());
        return JSON.parse(res.getSchema() as string) as Obj;
    }

    async check(urn: string, olds: Obj, news: Obj): Promise<{ inputs: Obj; failures: { property: string; reason: string }[] }> {
        const req = new this.s.prov.CheckRequest();
        addressed(req, urn);
        req.setOlds(this.struct(olds));
        req.setNews(this.struct(news));
        req.setRandomseed(randomBytes(32));
        const res = await this.rpc("check", req);
        const failures = (res.getFailuresList() as Js[]).map((f) => ({
            property: f.getProperty() as string,
            reason: f.getReason() as string,
        }));
        return { inputs: toJs(res.getInputs()), failures };
    }

    async diff(
        id: string,
        urn: string,
        olds: Obj,
        news: Obj,
        oldInputs?: Obj,
    ): Promise<{ changes: "none" | "some" | "unknown"; replaces: string[]; deleteBeforeReplace: boolean }> {
        const req = new this.s.prov.DiffRequest();
        req.setId(id);
        addressed(req, urn);
        req.setOlds(this.struct(olds));
        req.setNews(this.struct(news));
        if (oldInputs) req.setOldInputs(this.struct(oldInputs));
        const res = await this.rpc("diff", req);
        const C = this.s.prov.DiffResponse.DiffChanges;
        const c = res.getChanges();
        return {
            changes: c === C.DIFF_SOME ? "some" : c === C.DIFF_NONE ? "none" : "unknown",
            replaces: res.getReplacesList(),
            deleteBeforeReplace: res.getDeletebeforereplace(),
        };
    }

    async create(urn: string, properties: Obj): Promise<{ id: string; properties: Obj }> {
        const req = new this.s.prov.CreateRequest();
        addressed(req, urn);
        req.setProperties(this.struct(properties));
        req.setPreview(false);
        const res = await this.rpc("create", req);
        return { id: res.getId(), properties: toJs(res.getProperties()) };
    }

    async read(id: string, urn: string, properties: Obj, inputs?: Obj): Promise<{ id: string; properties: Obj; inputs?: Obj }> {
        const req = new this.s.prov.ReadRequest();
        req.setId(id);
        addressed(req, urn);
        req.setProperties(this.struct(properties));
        if (inputs) req.setInputs(this.struct(inputs));
        const res = await this.rpc("read", req);
        const out: { id: string; properties: Obj; inputs?: Obj } = { id: res.getId() ?? "", properties: toJs(res.getProperties()) };
        if (res.hasInputs()) out.inputs = toJs(res.getInputs());
        return out;
    }

    async update(id: string, urn: string, olds: Obj, news: Obj): Promise<{ properties: Obj }> {
        const req = new this.s.prov.UpdateRequest();
        req.setId(id);
        addressed(req, urn);
        req.setOlds(this.struct(olds));
        req.setNews(this.struct(news));
        req.setPreview(false);
        const res = await this.rpc("update", req);
        return { properties: toJs(res.getProperties()) };
    }

    async delete(id: string, urn: string, properties: Obj): Promise<void> {
        const req = new this.s.prov.DeleteRequest();
        req.setId(id);
        addressed(req, urn);
        req.setProperties(this.struct(properties));
        await this.rpc("delete", req);
    }

    async stop(): Promise<void> {
        this.client.close();
        if (this.proc.exitCode === null && this.proc.signalCode === null) this.proc.kill("SIGTERM");
        const timer = setTimeout(() => this.proc.kill("SIGKILL"), 5_000);
        await this.exited;
        clearTimeout(timer);
        if (this.ownJournal !== undefined) rmSync(this.ownJournal, { recursive: true, force: true });
    }
}
