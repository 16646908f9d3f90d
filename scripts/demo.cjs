#!/usr/bin/env node
// `npm run demo`: answers `--help` at once, with no build; anything else builds (tsc, as `npm run build`) and runs
// dist/scripts/demo.js (scripts/demo.ts). Plain JavaScript so that the help needs nothing compiled.
"use strict";
const { spawnSync } = require("node:child_process");
const path = require("node:path");

// The examples the demo runs; test/emulatorCli.test.ts keeps this list equal to harness/exampleScenarios.ts.
const EXAMPLES = ["quickstart", "compose", "multi-account", "onboarding"];

const HELP = `Usage: npm run demo [-- --example <name>]

Starts the embedded Logz.io emulator on loopback and runs an example stack against it, then prints the SIEM
accounts it created. Nothing reaches Logz.io.

  --example <name>   ${EXAMPLES.join(", ")} (default: quickstart)
  --save <folder>    afterwards, save each emulator's accounts to <folder>/<namespace>.json, in the format of
                     \`logzio-emulator --state\`, so \`npm run emulator -- --state <folder>/logzio.json\` serves them again
  -h, --help         this help

With the Pulumi CLI (on PATH, or built with \`npm run pulumi-cli\`, which needs Go) the demo runs \`pulumi up\` on a
temporary local backend; without it, the program runs under Pulumi's runtime mocks while each SiemAccount goes
through Pulumi's real dynamic-provider host. \`onboarding\` is an Automation API service: it runs the Pulumi CLI
itself (one stack per tenant, here "acme" and "globex"), so it needs the CLI.`;

function main(argv) {
    if (argv.includes("--help") || argv.includes("-h")) {
        console.log(HELP);
        return 0;
    }
    const root = path.join(__dirname, "..");
    const tsc = spawnSync(process.execPath, [require.resolve("typescript/bin/tsc", { paths: [root] }), "-p", "tsconfig.json"], {
        cwd: root,
        stdio: "inherit",
    });
    if (tsc.status !== 0) return tsc.status ?? 1;
    require(path.join(root, "dist", "scripts", "demo.js"));
    return undefined; // the demo sets the exit code itself
}

if (require.main === module) {
    const code = main(process.argv.slice(2));
    if (code !== undefined) process.exitCode = code;
}

module.exports = { EXAMPLES, HELP };
