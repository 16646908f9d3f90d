// `npm run plugin-bundle [-- <output file>]`: the plugin as a bundle for
// `pulumi plugin install resource logzio-siem <version> --file <bundle>`: the packed package installed with its
// dependencies and @pulumi/pulumi (nothing fetched at run time), and the launcher `pulumi-resource-logzio-siem` at the
// top, where Pulumi looks for it. Needs Node.js 20 or newer on PATH where the plugin runs.
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { emptyConsumer, npmInstall, packedTarball, versionOf } from "../harness/packed";

const LAUNCHER = `#!/usr/bin/env node
// The logzio-siem resource provider plugin, installed by \`pulumi plugin install\`: the package and its dependencies
// are in node_modules beside this file.
"use strict";
require("./node_modules/pulumi-logzio-siem/dist/provider/plugin/main.js")
    .main(process.argv.slice(2))
    .catch((e) => {
        process.stderr.write(\`pulumi-resource-logzio-siem: \${e && e.message ? e.message : String(e)}\\n\`);
        process.exit(1);
    });
`;

/** Builds the bundle at `out` (a .tar.gz) and returns its path. */
export function pluginBundle(out: string): string {
    const dir = emptyConsumer("plugin-bundle");
    try {
        npmInstall(dir, [packedTarball(), `@pulumi/pulumi@${versionOf("@pulumi/pulumi")}`], ["--omit=dev"]);
        const launcher = path.join(dir, "pulumi-resource-logzio-siem");
        fs.writeFileSync(launcher, LAUNCHER, { mode: 0o755 });
        fs.mkdirSync(path.dirname(path.resolve(out)), { recursive: true });
        execFileSync("tar", ["-czf", path.resolve(out), "-C", dir, "pulumi-resource-logzio-siem", "node_modules", "package.json"]);
        return path.resolve(out);
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
}

if (require.main === module) {
    const version = versionOf("pulumi-logzio-siem");
    const arch = process.arch === "x64" ? "amd64" : process.arch;
    const out = process.argv[2] ?? `pulumi-resource-logzio-siem-v${version}-${process.platform}-${arch}.tar.gz`;
    process.stdout.write(`${pluginBundle(out)}\n`);
    process.stdout.write(`install it with: pulumi plugin install resource logzio-siem ${version} --file ${out}\n`);
}
