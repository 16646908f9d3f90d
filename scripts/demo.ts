// `npm run demo [-- --example quickstart]`: starts the embedded Logz.io emulator and runs an example stack
// against it. With the real Pulumi CLI (on PATH, or built by `npm run pulumi-cli`): `pulumi up` on a throwaway
// local backend. Without it: the program runs under Pulumi's runtime mocks and its SiemAccount goes through
// Pulumi's real dynamic-provider host, as `pulumi up` would drive it. It says which of the two ran.
import * as fs from "node:fs";
import * as path from "node:path";
import { EXAMPLES, ExampleName, PreparedExample, prepareExample } from "../harness/exampleScenarios";
import { PulumiCli, existingPulumiCli } from "../harness/e2e/pulumiCli";
import { E2EStack } from "../harness/e2e/stack";
import { runProgram } from "../testing/runner/programRunner";

const REPO_ROOT = path.resolve(__dirname, "..", "..");
const HELP = `Usage: npm run demo [-- --example <name>]

Starts the embedded Logz.io emulator on loopback and runs an example stack against it, then prints the SIEM
accounts it created. Nothing reaches Logz.io.

  --example <name>   ${EXAMPLES.join(", ")} (default: quickstart)
  -h, --help         this help

With the Pulumi CLI (on PATH, or built with \`npm run pulumi-cli\`, which needs Go) the demo runs \`pulumi up\` on a
temporary local backend; without it, the program runs under Pulumi's runtime mocks while each SiemAccount goes
through Pulumi's real dynamic-provider host.`;

function exampleName(argv: string[]): ExampleName {
    const i = argv.indexOf("--example");
    const name = i >= 0 ? argv[i + 1] : "quickstart";
    if (!(EXAMPLES as readonly string[]).includes(name ?? "")) {
        throw new Error(`unknown example ${JSON.stringify(name)}: choose one of ${EXAMPLES.join(", ")}`);
    }
    return name as ExampleName;
}

/** `pulumi up` of the example in a scratch folder inside the repository (so the package resolves to this checkout). */
async function pulumiUp(cli: PulumiCli, example: PreparedExample): Promise<Record<string, unknown>> {
    fs.mkdirSync(path.join(REPO_ROOT, ".pulumi-demo"), { recursive: true });
    const dir = fs.mkdtempSync(path.join(REPO_ROOT, ".pulumi-demo", `${example.name}-`));
    fs.copyFileSync(example.program, path.join(dir, "index.ts"));
    fs.writeFileSync(path.join(dir, "Pulumi.yaml"), `name: logzio-siem-${example.name}\nruntime: nodejs\n`);
    const stack = new E2EStack({ cli, workDir: dir, stack: "demo", env: example.env });
    try {
        const config = Object.fromEntries(Object.entries(example.config).filter(([k]) => !example.secretKeys.includes(k)));
        const secrets = Object.fromEntries(Object.entries(example.config).filter(([k]) => example.secretKeys.includes(k)));
        await stack.init(config, secrets);
        const up = await stack.up();
        process.stdout.write(up.output);
        if (!up.ok) throw new Error("pulumi up failed (its output is above)");
        return await stack.outputs();
    } finally {
        stack.cleanup();
        fs.rmSync(dir, { recursive: true, force: true });
    }
}

async function main(argv: string[]): Promise<void> {
    if (argv.includes("--help") || argv.includes("-h")) {
        console.log(HELP);
        return;
    }
    const name = exampleName(argv);
    const example = await prepareExample(name);
    for (const [ns, e] of Object.entries(example.emulators)) console.log(`Logz.io emulator for ${ns}:* listening on ${e.url}`);
    try {
        const found = existingPulumiCli();
        let outputs: Record<string, unknown>;
        if (found.ok && example.realCliPossible) {
            const how = found.cli.languageHost
                ? ""
                : " (the program runs as an Automation API inline program: this CLI has no Node.js language host)";
            console.log(
                `Running \`pulumi up\` for examples/${name} with the Pulumi CLI ${found.cli.version} on a temporary local backend${how}...`,
            );
            outputs = await pulumiUp(found.cli, example);
        } else {
            const why = found.ok ? `examples/${name} needs cloud resources besides Logz.io, so it` : `${found.reason}; so examples/${name}`;
            console.log(
                `${why} runs under Pulumi's runtime mocks, with each SiemAccount created through Pulumi's real dynamic-provider host (as \`pulumi up\` does).`,
            );
            outputs = (await runProgram({ ...example, program: example.program })).outputs;
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

main(process.argv.slice(2)).catch((e: unknown) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
});
