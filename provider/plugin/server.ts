// The resource provider plugin's gRPC service (pulumirpc.ResourceProvider), written on the protos that @pulumi/pulumi
// ships rather than on its provider server, which ignores the config sent to Configure and does not answer
// CheckConfig. Every resource operation calls the SAME lifecycle core as the dynamic provider
// (lifecycle/siemAccountProvider.ts): check, diff, create, read, delete, the duplicate guard, adoption, refresh. What
// is the plugin's own: provider config (config.ts), secrets on the wire (values.ts), the schema (schema.ts), and what
// an import records (read with no state). One process serves one provider (the default or an explicit instance),
// so one Account: several main accounts are several provider instances.
import * as E from "fp-ts/Either";
import { CreateJournal, journalDir } from "../lifecycle/createJournal";
import { Failure } from "../logzio/errors";
import { HostAccounts } from "../host/hostAccounts";
import { proxyFor } from "../logzio/proxy";
import { Settings, DEFAULT_NAMESPACE } from "../config/settings";
import { Account, SiemAccountProvider } from "../lifecycle/siemAccountProvider";
import { PACKAGE, configValues, fromVariables, keyOf, pluginSettings } from "./config";
import { packageSchema } from "./schema";
import { Props, conceal, forCore, forEngine, revealProps, secretKeys } from "./values";
import { bounded } from "../logzio/text";
import { Js, PulumiProtos, pulumiProtos } from "../host/pulumiProtos";

const toJs = (st: Js): Props => (st ? (st.toJavaScript() as Props) : {});

/** Why the plugin cannot reach Logz.io with its config: the same Failure the dynamic provider reports. */
const configFailure = (problems: string[]): Failure => ({ kind: "config", problems });

/** The provider's state: its config, and the Account (settings, client, lists, whoami) built from it once. */
export class PluginProvider {
    private account: E.Either<Failure, Account> = E.left(configFailure(["the provider was not configured"]));
    private readonly accounts = new HostAccounts(new CreateJournal(journalDir()));
    readonly core = new SiemAccountProvider((namespace) =>
        namespace === DEFAULT_NAMESPACE
            ? this.account
            : E.left(
                  configFailure([
                      `configNamespace "${namespace.slice(0, 60)}" is the dynamic provider's way to reach another main account; ` +
                          `with the ${PACKAGE} plugin, give that main account an explicit provider with its own apiToken`,
                  ]),
              ),
    );

    constructor(private readonly env: NodeJS.ProcessEnv = process.env) {}

    /** Problems with a provider config, each with the key it is about ("" for none). */
    checkConfig(values: ReadonlyMap<string, string>): { property: string; reason: string }[] {
        const settings = pluginSettings(values, this.env);
        if (E.isRight(settings)) {
            const proxy = proxyFor(settings.right.apiUrl);
            return E.isLeft(proxy) ? [{ property: "", reason: bounded(proxy.left) }] : [];
        }
        // The engine prints a failing property's value beside its reason: the token's failure names its key in the text only.
        return settings.left.map((reason) => {
            const key = keyOf(reason);
            return { property: key === "apiToken" ? "" : key, reason: bounded(reason) };
        });
    }

    configure(values: ReadonlyMap<string, string>): void {
        const settings: E.Either<Failure, Settings> = E.mapLeft(configFailure)(pluginSettings(values, this.env));
        this.account = E.chain((s: Settings) => E.mapLeft((reason: string) => configFailure([reason]))(this.accounts.reach(s)))(settings);
    }
}

/** What the engine's Read asks for an import (`pulumi import`, or a lookup by id): an id, and no state at all. */
const isLookup = (state: Props) => Object.keys(state).length === 0;

/**
 * The state and inputs an import records. Logz.io lists an account's id and name only: email, accountsToScan and
 * isUsingRepositoryAccount are left out (never invented), and existingAccountId is recorded, so the printed program
 * adopts the account by id (no POST) if the state is ever lost. The email the user adds is no change (diff.ts).
 */
function imported(id: string, read: Props): { props: Props; inputs: Props } {
    const { email: _e, accountsToScan: _a, isUsingRepositoryAccount: _i, requested: _r, ...known } = read;
    const accountId = Number(id);
    const props: Props = { ...known, accountId, existingAccountId: accountId, storedName: read.accountName, createdAt: "" };
    return { props, inputs: { accountName: read.accountName, existingAccountId: accountId } };
}

/**
 * An account adopted by id whose email nobody gave: what `pulumi import` checks (olds and news are the inputs its
 * Read recorded), and a program that keeps those inputs. Logz.io never returns an email, so none is required there;
 * a create (state lost) still needs one, and says so.
 */
function emailUnknown(olds: Props, news: Props): boolean {
    return (
        news.email === undefined &&
        olds.email === undefined &&
        typeof news.existingAccountId === "number" &&
        news.existingAccountId === olds.existingAccountId
    );
}

/** The olds a diff compares: state this plugin imported has no `requested`; the inputs last given stand for it. */
function withRequested(olds: Props, oldInputs: Props): Props {
    if (olds.requested !== undefined || typeof oldInputs.email !== "string" || typeof oldInputs.accountName !== "string") return olds;
    const requested: Props = { accountName: oldInputs.accountName, email: oldInputs.email };
    if (Array.isArray(oldInputs.accountsToScan)) requested.accountsToScan = oldInputs.accountsToScan;
    if (typeof oldInputs.isUsingRepositoryAccount === "boolean") requested.isUsingRepositoryAccount = oldInputs.isUsingRepositoryAccount;
    return { ...olds, requested };
}

function version(): string {
    try {
        // The package's own name resolves to itself (package.json `exports`), installed or in this repository.
        return (require("pulumi-logzio-siem/package.json") as { version: string }).version;
    } catch {
        return "0.0.0";
    }
}

/** The gRPC service: handlers by method name, as grpc-js takes them; methods left out answer UNIMPLEMENTED. */
export function service(s: PulumiProtos, provider: PluginProvider, schema: string, pluginVersion: string): Record<string, Js> {
    const struct = (v: Props) => s.struct.Struct.fromJavaScript(JSON.parse(JSON.stringify(v)));
    const fail = (e: unknown) => {
        const err = e as { message?: string; id?: string; properties?: Props; reasons?: string[] };
        const message = err?.message ?? String(e);
        const metadata = new s.grpc.Metadata();
        // A create that made an account but failed after: its id goes back packed as ErrorResourceInitFailed, so the
        // engine keeps the account in state.
        if (err?.id) {
            const detail = new s.prov.ErrorResourceInitFailed();
            detail.setId(err.id);
            const props = forCore(err.properties ?? {});
            detail.setProperties(struct(forEngine(props, secretKeys(props), true)));
            detail.setReasonsList(err.reasons ?? [message]);
            const any = new s.any.Any();
            any.pack(detail.serializeBinary(), "pulumirpc.ErrorResourceInitFailed");
            const status = new s.status.Status();
            status.setCode(s.grpc.status.UNKNOWN);
            status.setMessage(message);
            status.addDetails(any);
            metadata.add("grpc-status-details-bin", Buffer.from(status.serializeBinary()));
        }
        return { code: s.grpc.status.UNKNOWN, details: message, message, metadata };
    };
    const unary =
        (f: (req: Js) => Promise<Js> | Js) =>
        (call: { request: Js }, done: (err: unknown, res?: Js) => void): void => {
            Promise.resolve()
                .then(() => f(call.request))
                .then(
                    (res) => done(null, res),
                    (e) => done(fail(e)),
                );
        };

    return {
        getPluginInfo: unary(() => new s.plugin.PluginInfo().setVersion(pluginVersion)),
        getSchema: unary(() => new s.prov.GetSchemaResponse().setSchema(schema)),
        cancel: unary(() => new s.empty.Empty()),
        attach: unary(() => new s.empty.Empty()),

        checkConfig: unary((req) => {
            const news = toJs(req.getNews());
            const failures = provider.checkConfig(configValues(news));
            // The token leaves marked secret, however it came (`pulumi config set` without --secret, a plain property).
            const inputs = { ...news };
            if (inputs.apiToken !== undefined && !(typeof inputs.apiToken === "object")) inputs.apiToken = conceal(inputs.apiToken);
            const res = new s.prov.CheckResponse().setInputs(struct(inputs));
            for (const f of failures) res.addFailures(new s.prov.CheckFailure().setProperty(f.property).setReason(f.reason));
            return res;
        }),
        diffConfig: unary((req) => {
            // The inputs last given (older engines send only the olds).
            const olds = configValues(toJs(req.getOldInputs() ?? req.getOlds()));
            const news = configValues(toJs(req.getNews()));
            const keys = new Set([...olds.keys(), ...news.keys()]);
            const changed = [...keys].filter((k) => olds.get(k) !== news.get(k));
            // Never a replacement: a new token or region is a new way to reach Logz.io, not new accounts (the resources'
            // diff says when it reaches another main account).
            const C = s.prov.DiffResponse.DiffChanges;
            return new s.prov.DiffResponse().setChanges(changed.length > 0 ? C.DIFF_SOME : C.DIFF_NONE).setDiffsList(changed);
        }),
        configure: unary((req) => {
            const args = req.hasArgs() ? configValues(toJs(req.getArgs())) : fromVariables(req.getVariablesMap().getEntryList());
            provider.configure(args);
            return new s.prov.ConfigureResponse()
                .setAcceptsecrets(true)
                .setSupportspreview(false)
                .setAcceptresources(false)
                .setAcceptoutputs(false);
        }),

        check: unary(async (req) => {
            const news = forCore(toJs(req.getNews()));
            const olds = forCore(toJs(req.getOlds()));
            const result = await provider.core.check(olds, news);
            const inputs = result.inputs ?? {};
            const failures = (result.failures ?? []).filter((f) => !(f.property === "email" && emailUnknown(olds, news)));
            const res = new s.prov.CheckResponse().setInputs(struct(forEngine(inputs, secretKeys(news), false)));
            for (const f of failures) res.addFailures(new s.prov.CheckFailure().setProperty(f.property).setReason(f.reason));
            return res;
        }),
        diff: unary(async (req) => {
            const olds = withRequested(forCore(toJs(req.getOlds())), revealProps(toJs(req.getOldInputs())).props);
            const result = await provider.core.diff(req.getId(), olds as never, forCore(toJs(req.getNews())));
            const C = s.prov.DiffResponse.DiffChanges;
            const replaces = result.replaces ?? [];
            return new s.prov.DiffResponse()
                .setChanges(result.changes ? C.DIFF_SOME : C.DIFF_NONE)
                .setReplacesList(replaces)
                .setDiffsList(replaces)
                .setDeletebeforereplace(result.deleteBeforeReplace ?? false);
        }),
        create: unary(async (req) => {
            const inputs = forCore(toJs(req.getProperties()));
            const result = await provider.core.create(inputs);
            const outs = result.outs as Props;
            return new s.prov.CreateResponse().setId(result.id).setProperties(struct(forEngine(outs, secretKeys(outs), true)));
        }),
        read: unary(async (req) => {
            const id: string = req.getId();
            const state = forCore(toJs(req.getProperties()));
            const lookup = isLookup(state);
            const result = await provider.core.read(id, lookup ? undefined : (state as never));
            const res = new s.prov.ReadResponse();
            if (result.id === undefined || result.props === undefined) return res; // gone: refresh drops it
            const props = result.props as Props;
            res.setId(result.id);
            if (lookup) {
                const found = imported(id, props);
                return res.setProperties(struct(found.props)).setInputs(struct(found.inputs));
            }
            const secret = secretKeys(props);
            res.setProperties(struct(forEngine(props, secret, true)));
            // Drift (a rename in the UI): the inputs say so; otherwise the inputs stay the program's, as they came.
            if (result.inputs !== undefined) res.setInputs(struct(forEngine({ ...(result.inputs as Props) }, secret, false)));
            else if (req.hasInputs()) res.setInputs(req.getInputs());
            return res;
        }),
        update: unary(async (req) => {
            const olds = forCore(toJs(req.getOlds()));
            const result = await provider.core.update(req.getId(), olds as never, forCore(toJs(req.getNews())));
            const outs = (result.outs ?? olds) as Props;
            return new s.prov.UpdateResponse().setProperties(struct(forEngine(outs, secretKeys(outs), true)));
        }),
        delete: unary(async (req) => {
            await provider.core.delete(req.getId(), forCore(toJs(req.getProperties())) as never);
            return new s.empty.Empty();
        }),
    };
}

/** Starts the service on a loopback port of its own and resolves with the port (which main.ts prints). */
export async function serve(env: NodeJS.ProcessEnv = process.env): Promise<{ port: number; stop(): void }> {
    // @pulumi/pulumi's gRPC modules: its stubs and the grpc-js and google-protobuf they were generated against.
    const s = pulumiProtos(require.resolve("@pulumi/pulumi/package.json"));
    const provider = new PluginProvider(env);
    const pluginVersion = version();
    const schema = JSON.stringify(packageSchema(pluginVersion));
    const server = new s.grpc.Server({ "grpc.max_receive_message_length": 400 * 1024 * 1024 });
    server.addService(s.provGrpc.ResourceProviderService, service(s, provider, schema, pluginVersion));
    const port = await new Promise<number>((resolve, reject) =>
        server.bindAsync("127.0.0.1:0", s.grpc.ServerCredentials.createInsecure(), (e: Error | null, p: number) =>
            e ? reject(e) : resolve(p),
        ),
    );
    return { port, stop: () => server.forceShutdown() };
}
