// Warnings the Pulumi CLI shows as warnings, from inside the dynamic-provider host. The host is started with the
// engine's address as its first argument but never connects @pulumi/pulumi/log to it (pulumi/pulumi#6065), so a
// dynamic provider's log reaches the CLI at best as plain output. This sends the engine a Log request itself, with the
// host's own gRPC modules. Outside that host, or when the engine does not take it in time, it goes to stderr.
import * as path from "node:path";
import { pulumiProtos } from "./pulumiProtos";

interface LogRequest {
    setSeverity(s: number): void;
    setMessage(m: string): void;
    setUrn(u: string): void;
    setStreamid(id: number): void;
    setEphemeral(e: boolean): void;
}
interface EngineClient {
    log(req: LogRequest, options: { deadline: number }, done: (err: Error | null) => void): void;
}
interface Engine {
    readonly client: EngineClient;
    readonly request: () => LogRequest;
    readonly warning: number;
}

let engine: Engine | null | undefined;

/** The engine the host was started for: its address is the host's first argument (cmd/dynamic-provider). */
function connect(): Engine | null {
    const [script, address] = process.argv.slice(1);
    if (!script || !/dynamic-provider/.test(script)) return null;
    // The host's own copies (it runs from @pulumi/pulumi/cmd/dynamic-provider/): the modules it already loaded,
    // whatever this package's node_modules holds.
    return engineAt(address, path.resolve(path.dirname(script), "..", "..", "package.json"));
}

/** The plugin (plugin/main.ts) names the engine itself: its first argument too, with @pulumi/pulumi's modules. */
export function connectEngine(address: string): void {
    engine = engineAt(address, require.resolve("@pulumi/pulumi/package.json"));
}

function engineAt(address: string | undefined, pulumiPackageJson: string): Engine | null {
    if (!address || !/^[\w.[\]:-]+:\d+$/.test(address)) return null;
    try {
        const protos = pulumiProtos(pulumiPackageJson);
        const grpc = protos.grpc as { credentials: { createInsecure(): unknown } };
        const rpc = protos.engineGrpc as { EngineClient: new (a: string, c: unknown) => EngineClient };
        const proto = protos.engine as {
            LogRequest: new () => LogRequest;
            LogSeverity: { WARNING: number };
        };
        return {
            client: new rpc.EngineClient(address, grpc.credentials.createInsecure()),
            request: () => new proto.LogRequest(),
            warning: proto.LogSeverity.WARNING,
        };
    } catch {
        return null;
    }
}

/** Shows `message` as a warning of the command (not of one resource); resolves once shown, within `withinMs`. */
export function warn(message: string, withinMs = 5000): Promise<void> {
    if (engine === undefined) engine = connect();
    const toStderr = () => process.stderr.write(`warning: ${message}\n`);
    if (engine === null) {
        toStderr();
        return Promise.resolve();
    }
    const { client, request, warning } = engine;
    return new Promise<void>((resolve) => {
        try {
            const req = request();
            req.setSeverity(warning);
            req.setMessage(message);
            req.setUrn("");
            req.setStreamid(0);
            req.setEphemeral(false);
            client.log(req, { deadline: Date.now() + withinMs }, (err) => {
                if (err) toStderr();
                resolve();
            });
        } catch {
            // Another @pulumi/pulumi's shapes: a warning must never fail the check that shows it.
            toStderr();
            resolve();
        }
    });
}
