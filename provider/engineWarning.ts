// A warning the CLI shows at preview. Pulumi's dynamic-provider host gives a provider no way to log (its diff can
// only answer), and `pulumi.log.warn` there has no engine to talk to. But the engine starts every provider plugin
// with the address of its own gRPC service as an argument, and that service's `Log` call is what `pulumi.log.warn`
// uses in a program: a warning sent there shows under Diagnostics as `warning:`. Where that cannot be reached (a
// host started by a test driver), the warning goes to the host's stderr, which the engine also shows.
import { createRequire } from "node:module";

type Callback = (err: Error | null) => void;
interface EngineClient {
    log(req: unknown, metadata: unknown, options: { deadline: number }, callback: Callback): void;
}

let client: EngineClient | null | undefined;
let makeRequest: ((message: string) => unknown) | undefined;
let metadata: unknown;

/** The engine's address: the host's arguments are the engine's, and the address is the one of the form host:port. */
function engineAddress(): string | undefined {
    return process.argv.slice(2).find((a) => /^(127\.0\.0\.1|localhost|\[::1\]):\d+$/.test(a));
}

function engine(): EngineClient | null {
    if (client !== undefined) return client;
    client = null;
    try {
        const address = engineAddress();
        if (address === undefined) return client;
        // @pulumi/pulumi's own gRPC stubs and grpc-js, as loaded in this host (the program's node_modules).
        const pulumiRequire = createRequire(require.resolve("@pulumi/pulumi"));
        const grpc = pulumiRequire("@grpc/grpc-js");
        const rpc = pulumiRequire("./proto/engine_grpc_pb");
        const pb = pulumiRequire("./proto/engine_pb");
        metadata = new grpc.Metadata();
        makeRequest = (message: string) => {
            const req = new pb.LogRequest();
            req.setSeverity(pb.LogSeverity.WARNING);
            req.setMessage(message);
            req.setUrn("");
            return req;
        };
        client = new rpc.EngineClient(address, grpc.credentials.createInsecure()) as EngineClient;
    } catch {
        client = null;
    }
    return client;
}

/** Shows `message` as a warning of the current command; resolves once the engine has it (or it went to stderr). */
export function warn(message: string): Promise<void> {
    const to = engine();
    const toStderr = () => void process.stderr.write(`warning: ${message}\n`);
    if (!to || !makeRequest) {
        toStderr();
        return Promise.resolve();
    }
    return new Promise((resolve) => {
        to.log(makeRequest!(message), metadata, { deadline: Date.now() + 2000 }, (err) => {
            if (err) toStderr();
            resolve();
        });
    });
}
