// Writes the plugin's package schema (provider/plugin/schema.ts, the one GetSchema serves) to schema.json at the
// repository root, for the SDK generator: `npm run schema`. `--check` fails when schema.json is not what it would write.
import { readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { packageSchema } from "../provider/plugin/schema";

const root = path.resolve(__dirname, "..", "..");
const version = (JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")) as { version: string }).version;
const target = path.join(root, "schema.json");
const text = `${JSON.stringify(packageSchema(version), null, 2)}\n`;

if (process.argv.includes("--check")) {
    let current = "";
    try {
        current = readFileSync(target, "utf8");
    } catch {
        // missing: not current
    }
    if (current !== text) {
        process.stderr.write("schema.json is not the schema provider/plugin/schema.ts serves: run `npm run schema`\n");
        process.exit(1);
    }
} else {
    writeFileSync(target, text);
    process.stdout.write(`wrote ${target}\n`);
}
