// Extracts from Logz.io's OpenAPI (Swagger 2.0) document what the contract test needs: the three operations the
// provider uses and the definitions they reference, with the document's quirks made into valid JSON Schema.
//   node dist/scripts/logzioSpecSubset.js <logzio-public-api.yml> [out.json]
// The document is `examples/logzio-public-api.yml` in the logzio/logz-api repository. Without [out.json], the
// subset goes to test/fixtures/logzio-openapi-subset.json.
import * as fs from "node:fs";
import * as path from "node:path";
import * as yaml from "js-yaml";

type Obj = Record<string, unknown>;

/** The operations the provider calls, by operationId. */
export const OPERATIONS = ["postSIEM", "getRelatedAccounts", "whoAmI"];

export const ORIGIN = {
    document: "Logz.io public API (Swagger 2.0)",
    repository: "https://github.com/logzio/logz-api",
    file: "examples/logzio-public-api.yml",
    licence:
        "MIT, the licence of the logzio/logz-api repository; no copyright notice is stated in the document, whose own " +
        "info.license field names Apache 2.0 (for the API description).",
    extracted: `The operations ${OPERATIONS.join(", ")} and the definitions they reference, by scripts/logzioSpecSubset.ts.`,
    changes: [
        "`required: true` inside a schema's properties (not JSON Schema; Swagger 1.x style) is removed and the property " +
            "is added to that schema's `required` list, so the field stays required.",
        "postSIEM's body parameter is marked `required: false` while its schema requires accountName and email; it is " +
            "made `required: true`, since no request without a body can satisfy that schema.",
    ],
};

export function subsetOf(doc: Obj): Obj {
    const paths: Obj = {};
    const refs = new Set<string>();
    for (const [p, item] of Object.entries(doc.paths as Obj)) {
        for (const [method, op] of Object.entries((item as Obj | null) ?? {})) {
            if (typeof op !== "object" || op === null || !OPERATIONS.includes(String((op as Obj).operationId))) continue;
            const cleaned = fixQuirks(structuredClone(op)) as Obj;
            for (const param of (cleaned.parameters as Obj[] | undefined) ?? []) {
                // Quirk: an optional body whose schema requires properties (see ORIGIN.changes).
                if (param.in === "body" && ((param.schema as Obj).required as unknown[] | undefined)?.length) param.required = true;
            }
            collectRefs(cleaned, refs);
            paths[p] = { ...(paths[p] as Obj | undefined), [method]: cleaned };
        }
    }
    const found = Object.values(paths).flatMap((i) => Object.values(i as Obj).map((op) => (op as Obj).operationId));
    const missing = OPERATIONS.filter((o) => !found.includes(o));
    if (missing.length) throw new Error(`the document has no operation ${missing.join(", ")}`);

    const all = doc.definitions as Obj;
    const definitions: Obj = {};
    for (let pending = [...refs]; pending.length;) {
        const name = pending.pop()!;
        if (name in definitions) continue;
        if (!(name in all)) throw new Error(`the document has no definition ${name}`);
        definitions[name] = fixQuirks(structuredClone(all[name]));
        const more = new Set<string>();
        collectRefs(definitions[name], more);
        pending.push(...[...more].filter((n) => !(n in definitions)));
    }
    const sorted = Object.fromEntries(Object.entries(definitions).sort(([a], [b]) => a.localeCompare(b)));
    return {
        swagger: doc.swagger,
        "x-origin": ORIGIN,
        consumes: doc.consumes,
        produces: doc.produces,
        securityDefinitions: doc.securityDefinitions,
        security: doc.security,
        paths,
        definitions: sorted,
    };
}

/** Turns `properties.x.required: true` into the parent's `required: ["x"]`, at every depth (see ORIGIN.changes). */
function fixQuirks(node: unknown): unknown {
    if (Array.isArray(node)) return node.map(fixQuirks);
    if (typeof node !== "object" || node === null) return node;
    const o = node as Obj;
    if (o.properties && typeof o.properties === "object") {
        const required = new Set<string>(Array.isArray(o.required) ? (o.required as string[]) : []);
        for (const [name, prop] of Object.entries(o.properties as Obj)) {
            if ((prop as Obj).required === true) {
                required.add(name);
                delete (prop as Obj).required;
            }
        }
        if (required.size) o.required = [...required];
    }
    for (const [k, v] of Object.entries(o)) o[k] = fixQuirks(v);
    return o;
}

function collectRefs(node: unknown, into: Set<string>): void {
    if (Array.isArray(node)) return node.forEach((n) => collectRefs(n, into));
    if (typeof node !== "object" || node === null) return;
    for (const [k, v] of Object.entries(node)) {
        if (k === "$ref" && typeof v === "string") {
            const m = /^#\/definitions\/(.+)$/.exec(v);
            if (!m) throw new Error(`unsupported $ref ${v}`);
            into.add(m[1]);
        } else collectRefs(v, into);
    }
}

if (require.main === module) {
    const [source, out = path.resolve(__dirname, "..", "..", "test", "fixtures", "logzio-openapi-subset.json")] = process.argv.slice(2);
    if (!source) {
        console.error("usage: node dist/scripts/logzioSpecSubset.js <logzio-public-api.yml> [out.json]");
        process.exit(2);
    }
    // CORE_SCHEMA: YAML timestamps (e.g. an `example:` date) stay the strings the document wrote.
    const doc = yaml.load(fs.readFileSync(source, "utf8"), { schema: yaml.CORE_SCHEMA }) as Obj;
    fs.writeFileSync(out, `${JSON.stringify(subsetOf(doc), null, 2)}\n`);
    console.log(`wrote ${out}`);
}
