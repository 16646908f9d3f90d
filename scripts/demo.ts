// `npm run demo [-- --example quickstart]`: starts the embedded Logz.io emulator and runs an example stack
// against it. With the Pulumi CLI installed: a real `pulumi up` on a throwaway local backend. Without it:
// the program runs under Pulumi's runtime mocks and its SiemAccount goes through Pulumi's real
// dynamic-provider host, exactly as `pulumi up` would drive it.
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { EXAMPLES, ExampleName, PreparedExample, prepareExample } from "../harness/exampleScenarios";
import { runProgram } from "../harness/programRunner";

const USAGE = `Usage: npm run demo [-- --example <name>] [-- --help]

Starts the embedded Logz.io emulator and runs an example stack against it, then prints the stack outputs and the
SIEM accounts the emulator holds. With the Pulumi CLI installed: a real \`pulumi up\` on a temporary local backend.
Without it: the program runs under Pulumi's runtime mocks, each SiemAccount through Pulumi's real dynamic-provider host.

  --example <name>   ${EXAMPLES.join(", ")} (default quickstart)
  -h, --help         show this help`;

function exampleName(argv: string[]): ExampleName {
    const i = argv.indexOf("--example");
    const name = i >= 0 ? argv[i + 1] : "quickstart";
    if (!(EXAMPLES as readonly string[]).includes(name ?? "")) {
        throw new Error(`unknown example ${JSON.stringify(name)}: choose one of ${EXAMPLES.join(", ")}`);
    }
    return name as ExampleName;
}

function hasPulumiCli(): boolean {
    return spawnSync("pulumi", ["version"], { stdio: "ignore" }).status === 0;
}

/** A real `pulumi up` on a temporary file backend; the stack's config file lives there too, not in the repo. */
function pulumiUp(example: PreparedExample): Record<string, unknown> {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "logzio-siem-demo-"));
    const env = {
        ...process.env,
        ...example.env,
        PULUMI_BACKEND_URL: `file://${tmp}`,
        PULUMI_CONFIG_PASSPHRASE: "demo",
        PULUMI_SKIP_UPDATE_CHECK: "true",
    };
    const configFile = path.join(tmp, "Pulumi.demo.yaml");
    const pulumi = (...args: string[]) => {
        const r = spawnSync("pulumi", [...args, "--non-interactive", "--config-file", configFile], {
            cwd: path.dirname(example.program),
            env,
            encoding: "utf8",
        });
        if (r.status !== 0) throw new Error(`pulumi ${args[0]} failed:\n${r.stdout}\n${r.stderr}`);
        return r.stdout;
    };
    pulumi("stack", "init", "demo");
    for (const [key, value] of Object.entries(example.config)) {
        pulumi("config", "set", ...(example.secretKeys.includes(key) ? ["--secret"] : []), key, value);
    }
    process.stdout.write(pulumi("up", "--yes", "--skip-preview"));
    return JSON.parse(pulumi("stack", "output", "--json")) as Record<string, unknown>;
}

async function main(): Promise<void> {
    const argv = process.argv.slice(2);
    if (argv.includes("--help") || argv.includes("-h")) {
        console.log(USAGE);
        return;
    }
    const name = exampleName(argv);
    const example = await prepareExample(name);
    for (const [ns, e] of Object.entries(example.emulators)) console.log(`Logz.io emulator for ${ns}:* listening on ${e.url}`);
    try {
        let outputs: Record<string, unknown>;
        if (hasPulumiCli() && example.realCliPossible) {
            console.log(`Running \`pulumi up\` for examples/${name} on a temporary local backend...`);
            outputs = pulumiUp(example);
        } else {
            console.log(
                `${hasPulumiCli() ? `examples/${name} needs cloud resources besides Logz.io, so it` : `The Pulumi CLI is not installed, so examples/${name}`} ` +
                    `runs under Pulumi's runtime mocks, with each SiemAccount created through Pulumi's real dynamic-provider host (as \`pulumi up\` does).`,
            );
            const result = await runProgram({ ...example, program: example.program });
            outputs = result.outputs;
        }
        console.log("\nStack outputs:");
        for (const [k, v] of Object.entries(outputs)) console.log(`  ${k}: ${JSON.stringify(v)}`);
        for (const [ns, e] of Object.entries(example.emulators)) {
            console.log(`\nSIEM accounts created under the ${ns} main account:`);
            for (const a of e.siemAccounts()) console.log(`  accountId ${a.accountId}  name "${a.accountName}"  createdAt ${a.createdAt}`);
        }
    } finally {
        await example.close();
    }
}

main().catch((e: unknown) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
});
