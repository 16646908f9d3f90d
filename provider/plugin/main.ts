// The plugin's entry (`pulumi-resource-logzio-siem`, bin/): Pulumi's plugin protocol starts it with the engine's
// address as its first argument and reads the port of its gRPC service from the first line of its stdout. Nothing
// else is written to stdout, and nothing with a value in it to stderr: the token never reaches a log.
import { connectEngine } from "../host/engineLog";
import { useNeutralWording } from "../lifecycle/wording";
import { serve } from "./server";

export async function main(argv: readonly string[] = process.argv.slice(2)): Promise<void> {
    // Messages are read from every language here: no TypeScript syntax in their advice.
    useNeutralWording();
    const engine = argv.find((a) => /^[\w.[\]:-]+:\d+$/.test(a));
    if (engine !== undefined) connectEngine(engine);
    const { port } = await serve();
    process.stdout.write(`${port}\n`);
}

if (require.main === module) {
    main().catch((e: unknown) => {
        process.stderr.write(`pulumi-resource-logzio-siem: ${e instanceof Error ? e.message : String(e)}\n`);
        process.exit(1);
    });
}
