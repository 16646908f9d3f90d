// `npm run demo [-- --example quickstart]` (through scripts/demo.cjs, which builds first): starts the embedded
// Logz.io emulator and runs an example stack against it. With the real Pulumi CLI and its Node.js language host (on
// PATH, or built by `npm run pulumi-cli`): `pulumi up` in the example's folder on a throwaway local backend (the
// onboarding service runs its own stacks through the Automation API). Without them: the program runs under
// Pulumi's runtime mocks and its SiemAccount goes through Pulumi's real dynamic-provider host, as `pulumi up` would
// drive it. It says which of the two ran.
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { saveState } from "../emulator/stateFile";
import { EXAMPLES, EXAMPLES_DIR, ExampleName, PreparedExample, prepareExample } from "../harness/exampleScenarios";
import { PulumiCli, existingPulumiCli } from "../harness/e2e/pulumiCli";
import { E2EStack } from "../harness/e2e/stack";
import { runProgram } from "../testing/runner/programRunner";

// The help lives in the plain-JavaScript entry (`npm run demo` runs scripts/demo.cjs), so `--help` needs no build.
const { HELP } = require("../../scripts/demo.cjs") as { HELP: string };

/** The tenants the onboarding demo provisions, as its service takes them: <id>:<email>. */
const TENANTS = ["acme:soc@acme.example", "globex:soc@globex.example"];

function saveFolder(argv: string[]): string | undefined {
    const i = argv.indexOf("--save");
    if (i < 0) return undefined;
    const dir = argv[i + 1];
    if (!dir || dir.startsWith("-")) throw new Error("--save needs a folder");
    return path.resolve(dir);
}

function exampleName(argv: string[]): ExampleName {
    const i = argv.indexOf("--example");
    const name = i >= 0 ? argv[i + 1] : "quickstart";
    if (!(EXAMPLES as readonly string[]).includes(name ?? "")) {
        throw new Error(`unknown example ${JSON.stringify(name)}: choose one of ${EXAMPLES.join(", ")}`);
    }
    return name as ExampleName;
}

/**
 * `pulumi up` in the example's own folder, as a user runs it there: the language host finds the folder's
 * package.json and tsconfig.json, and the package resolves to this checkout (examples/node_modules links to it).
 * The quickstart is a `pulumi new` template (its project is named `${PROJECT}`), so it runs through the
 * repository's top-level Pulumi.yaml (`main: examples/quickstart/`), as `pulumi up` at the root does.
 * The stack's config and the backend live in a scratch folder, so the example folder is left as it was.
 */
async function pulumiUp(cli: PulumiCli, example: PreparedExample): Promise<Record<string, unknown>> {
    const folder = path.join(EXAMPLES_DIR, example.name);
    const template = /^name:\s*\$\{PROJECT\}/m.test(fs.readFileSync(path.join(folder, "Pulumi.yaml"), "utf8"));
    const workDir = template ? path.dirname(EXAMPLES_DIR) : folder;
    const stack = new E2EStack({ cli, workDir, stack: "demo", env: example.env });
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
    }
}

/**
 * The onboarding service run as its README line says (`ts-node index.ts <tenant>...`), against the emulator: one
 * stack per tenant through the Automation API, each on a throwaway local backend. It runs in a scratch copy inside
 * examples/ (the package resolves through examples/node_modules as for the example itself), because the service
 * writes each tenant's Pulumi.<tenant>.yaml next to its index.ts: the example folder is left as it was.
 */
async function onboardingService(cli: PulumiCli, example: PreparedExample): Promise<Record<string, unknown>> {
    const emulator = example.emulators.logzio;
    const dir = fs.mkdtempSync(path.join(EXAMPLES_DIR, ".demo-onboarding-"));
    const stack = new E2EStack({ cli, workDir: dir, stack: "demo" });
    try {
        for (const f of ["Pulumi.yaml", "package.json", "tsconfig.json", "index.ts"]) {
            fs.copyFileSync(path.join(EXAMPLES_DIR, "onboarding", f), path.join(dir, f));
        }
        const env = { ...stack.environment(), LOGZIO_API_TOKEN: emulator.token, LOGZIO_CUSTOM_API_URL: emulator.url };
        const child = spawn(process.execPath, ["-r", "ts-node/register/transpile-only", "index.ts", ...TENANTS], {
            cwd: dir,
            env,
            stdio: ["ignore", "pipe", "inherit"],
        });
        let out = "";
        child.stdout.setEncoding("utf8").on("data", (d: string) => {
            out += d;
            process.stdout.write(d);
        });
        const code = await new Promise<number | null>((resolve, reject) => child.once("error", reject).once("close", resolve));
        if (code !== 0) throw new Error(`the onboarding service failed (exit code ${code}; its output is above)`);
        const done = out
            .split("\n")
            .filter((l) => l.startsWith("{"))
            .map((l) => JSON.parse(l) as { tenant: string; accountId: number; accountName: string });
        return Object.fromEntries(done.map((d) => [d.tenant, { accountId: d.accountId, accountName: d.accountName }]));
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
    const save = saveFolder(argv);
    const example = await prepareExample(name);
    for (const [ns, e] of Object.entries(example.emulators)) console.log(`Logz.io emulator for ${ns}:* listening on ${e.url}`);
    try {
        const found = existingPulumiCli();
        let outputs: Record<string, unknown>;
        if (name === "onboarding") {
            if (!found.ok) throw new Error(`examples/onboarding runs the Pulumi CLI itself (Automation API), and ${found.reason}`);
            console.log(
                `Running the onboarding service (examples/onboarding, Automation API) for ${TENANTS.length} tenants with the Pulumi CLI ${found.cli.version} on a temporary local backend...`,
            );
            outputs = await onboardingService(found.cli, example);
        } else if (found.ok && example.realCliPossible) {
            console.log(
                `Running \`pulumi up\` in examples/${name} with the Pulumi CLI ${found.cli.version} on a temporary local backend...`,
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
        if (save) {
            fs.mkdirSync(save, { recursive: true });
            for (const [ns, e] of Object.entries(example.emulators)) saveState(e, path.join(save, `${ns}.json`));
            console.log(`\nThe emulators' accounts are saved in ${save}.`);
        }
    } finally {
        await example.close();
    }
}

main(process.argv.slice(2)).catch((e: unknown) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
});
