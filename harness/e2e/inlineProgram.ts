// `pulumi preview` / `pulumi up` for a project folder when the CLI has no Node.js language host: the Automation
// API runs the project's program as an inline program (the engine talks to this process's language server)
// and drives the same `pulumi` binary, engine and dynamic-provider host. Run as a child process:
//   node inlineProgram.js <preview|up|refresh> <projectDir> <stack> <eventsFile> [<options JSON>]
// (refresh here is `pulumi refresh --run-program`: the program runs so the providers get the current config)
// Everything is loaded from the project's node_modules, so the program and the Automation API share one
// @pulumi/pulumi, as they would in a user's program.
import * as fs from "node:fs";
import { createRequire } from "node:module";
import * as path from "node:path";

interface Options {
    expectNoChanges?: boolean;
    refresh?: boolean;
    configFile?: string;
    /** Environment for the `pulumi` process only (the Automation API's envVars), not for this one. */
    engineEnv?: Record<string, string>;
}

/** `name` and `main` of a Pulumi.yaml: the two keys the language host reads to find the program. */
function projectOf(dir: string): { name: string; main: string } {
    const text = fs.readFileSync(path.join(dir, "Pulumi.yaml"), "utf8");
    const key = (k: string) => new RegExp(`^${k}:\\s*(.+?)\\s*$`, "m").exec(text)?.[1]?.replace(/^["']|["']$/g, "");
    const name = key("name");
    if (!name) throw new Error(`no name in ${path.join(dir, "Pulumi.yaml")}`);
    return { name, main: key("main") ?? "." };
}

async function main(): Promise<void> {
    const [op, projectDir, stackName, eventsFile, optionsJson] = process.argv.slice(2);
    if (!["preview", "up", "refresh"].includes(op ?? "") || !projectDir || !stackName || !eventsFile) {
        throw new Error("usage: inlineProgram <preview|up|refresh> <projectDir> <stack> <eventsFile> [<options JSON>]");
    }
    const options = JSON.parse(optionsJson ?? "{}") as Options;
    const project = projectOf(projectDir);
    const req = createRequire(path.join(projectDir, "inline-program.js"));
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const auto: any = req("@pulumi/pulumi/automation");
    // What the Node.js language host does for a TypeScript program (with PULUMI_NODEJS_TRANSPILE_ONLY): its
    // defaults, overridden by the project's own tsconfig.json when there is one.
    process.chdir(projectDir);
    const tsconfig = path.join(projectDir, "tsconfig.json");
    const skipProject = !fs.existsSync(tsconfig);
    const fromProject = skipProject ? {} : req("@pulumi/pulumi/tsutils").loadTypeScriptCompilerOptions(tsconfig);
    req("ts-node").register({
        transpileOnly: true,
        project: tsconfig,
        skipProject,
        compilerOptions: { target: "ES2020", module: "nodenext", moduleResolution: "nodenext", sourceMap: "true", ...fromProject },
    });
    const program = path.resolve(projectDir, project.main);

    const pulumiCommand = await auto.PulumiCommand.get({ root: path.dirname(process.env.PULUMI_E2E_BIN_DIR ?? "") });
    const stack = await auto.LocalWorkspace.selectStack(
        { stackName, projectName: project.name, program: async () => req(program) },
        { workDir: projectDir, pulumiCommand, ...(options.engineEnv ? { envVars: options.engineEnv } : {}) },
    );
    const events = fs.openSync(eventsFile, "a");
    const common = {
        color: "never",
        onOutput: (text: string) => process.stdout.write(text),
        onEvent: (event: unknown) => fs.writeSync(events, `${JSON.stringify(event)}\n`),
        ...(options.configFile ? { configFile: options.configFile } : {}),
    };
    try {
        if (op === "preview") await stack.preview({ ...common, expectNoChanges: options.expectNoChanges, refresh: options.refresh });
        else if (op === "up") await stack.up({ ...common, refresh: options.refresh });
        else await stack.refresh({ ...common, runProgram: true });
    } finally {
        fs.closeSync(events);
    }
}

main().catch((e: unknown) => {
    // A CommandError carries the CLI's stderr; its stdout was streamed already.
    const err = e as { commandResult?: { stderr?: string }; message?: string };
    process.stderr.write(`${err.commandResult?.stderr ?? err.message ?? String(e)}\n`);
    process.exit(1);
});
