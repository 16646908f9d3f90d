// `npm run demo [-- --example quickstart]`: starts the embedded Logz.io emulator and runs an example stack
// against it. With the Pulumi CLI installed: a real `pulumi up` on a throwaway local backend. Without it:
// the program runs under Pulumi's runtime mocks and its SiemAccount goes through Pulumi's real
// dynamic-provider host, exactly as `pulumi up` would drive it.
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { LogzioEmulator } from "../emulator";
import { runProgram } from "../harness/programRunner";

const repoRoot = path.resolve(__dirname, "..", "..");

function exampleName(argv: string[]): string {
    const i = argv.indexOf("--example");
    const name = i >= 0 ? argv[i + 1] : "quickstart";
    const available = fs.readdirSync(path.join(repoRoot, "examples")).filter((d) => fs.existsSync(path.join(repoRoot, "examples", d, "Pulumi.yaml")));
    if (!name || !available.includes(name)) {
        throw new Error(`unknown example ${JSON.stringify(name)}: choose one of ${available.join(", ")}`);
    }
    return name;
}

function hasPulumiCli(): boolean {
    return spawnSync("pulumi", ["version"], { stdio: "ignore" }).status === 0;
}

/** A real `pulumi up` on a temporary file backend; the stack's config file lives there too, not in the repo. */
function pulumiUp(dir: string, emulator: LogzioEmulator): Record<string, unknown> {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "logzio-siem-demo-"));
    const env = { ...process.env, PULUMI_BACKEND_URL: `file://${tmp}`, PULUMI_CONFIG_PASSPHRASE: "demo", PULUMI_SKIP_UPDATE_CHECK: "true" };
    const configFile = path.join(tmp, "Pulumi.demo.yaml");
    const pulumi = (...args: string[]) => {
        const r = spawnSync("pulumi", [...args, "--non-interactive", "--config-file", configFile], { cwd: dir, env, encoding: "utf8" });
        if (r.status !== 0) throw new Error(`pulumi ${args.join(" ")} failed:\n${r.stdout}\n${r.stderr}`);
        return r.stdout;
    };
    pulumi("stack", "init", "demo");
    pulumi("config", "set", "logzio:apiUrl", emulator.url);
    pulumi("config", "set", "--secret", "logzio:apiToken", emulator.token);
    process.stdout.write(pulumi("up", "--yes", "--skip-preview"));
    return JSON.parse(pulumi("stack", "output", "--json")) as Record<string, unknown>;
}

async function main(): Promise<void> {
    const example = exampleName(process.argv.slice(2));
    const dir = path.join(repoRoot, "examples", example);
    const emulator = await LogzioEmulator.start();
    console.log(`Logz.io emulator listening on ${emulator.url}`);
    try {
        let outputs: Record<string, unknown>;
        if (hasPulumiCli()) {
            console.log(`Running \`pulumi up\` for examples/${example} on a temporary local backend...`);
            outputs = pulumiUp(dir, emulator);
        } else {
            console.log(
                `The Pulumi CLI is not installed, so examples/${example} runs under Pulumi's runtime mocks, ` +
                    `with each SiemAccount created through Pulumi's real dynamic-provider host (as \`pulumi up\` does).`,
            );
            const result = await runProgram({
                program: path.join(dir, "index.ts"),
                config: { "logzio:apiUrl": emulator.url, "logzio:apiToken": emulator.token },
                secretKeys: ["logzio:apiToken"],
            });
            outputs = result.outputs;
        }
        console.log("\nStack outputs:");
        for (const [k, v] of Object.entries(outputs)) console.log(`  ${k}: ${JSON.stringify(v)}`);
        console.log("\nSIEM accounts now in the emulator:");
        for (const a of emulator.siemAccounts()) {
            console.log(`  accountId ${a.accountId}  name "${a.accountName}"  createdAt ${a.createdAt}`);
        }
    } finally {
        await emulator.close();
    }
}

main().catch((e: unknown) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
});
