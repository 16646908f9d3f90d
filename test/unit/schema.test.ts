// The plugin's schema against the one source of truth: the io-ts codecs of inputs and state (logzio/codecs.ts), the
// outputs a program reads (program/state.ts), and the config keys settings.ts reads; and the plugin's provider config
// refusals, each naming its key.
import * as fs from "node:fs";
import * as path from "node:path";
import { expect } from "chai";
import * as E from "fp-ts/Either";
import * as t from "io-ts";
import { SiemAccountInputs, SiemAccountState } from "../../provider/logzio/codecs";
import { OUTPUT_NAMES } from "../../provider/program/state";
import { CONNECTION_KEYS, TUNING_KEYS } from "../../provider/config/settings";
import {
    CONFIG,
    INPUTS,
    OUTPUTS,
    PropertySpec,
    REQUIRED_INPUTS,
    REQUIRED_OUTPUTS,
    SIEM_ACCOUNT_TOKEN,
    packageSchema,
} from "../../provider/plugin/schema";
import { keyOf, pluginSettings } from "../../provider/plugin/config";

const REPO_ROOT = path.resolve(__dirname, "..", "..", "..");
// The dynamic provider's way to another main account; the plugin's is an explicit provider instance.
const DYNAMIC_ONLY = ["configNamespace"];

type Props = Record<string, t.Mixed>;
/** The keys of an intersection of t.type and t.partial, and which are required. */
function shape(codec: t.Mixed): { props: Props; required: string[] } {
    const parts = codec instanceof t.IntersectionType ? (codec.types as t.Mixed[]) : [codec];
    const props: Props = {};
    const required: string[] = [];
    for (const part of parts) {
        if (part instanceof t.InterfaceType) {
            Object.assign(props, part.props);
            required.push(...Object.keys(part.props));
        } else if (part instanceof t.PartialType) Object.assign(props, part.props);
    }
    return { props, required };
}

/** The schema's spelling of a codec's type. */
function schemaType(c: t.Mixed): string {
    if (c.name === "Int" || c.name === "NonNegativeInt") return "integer";
    if (c instanceof t.RefinementType) return schemaType(c.type as t.Mixed);
    if (c instanceof t.StringType) return "string";
    if (c instanceof t.NumberType) return "number";
    if (c instanceof t.BooleanType) return "boolean";
    if (c instanceof t.ArrayType) return `array<${schemaType(c.type as t.Mixed)}>`;
    return `unmapped ${c.name}`;
}
const specType = (p: PropertySpec) => (p.type === "array" ? `array<${p.items?.type}>` : p.type);
const without = (keys: readonly string[], out: readonly string[]) => keys.filter((k) => !out.includes(k)).sort();

describe("unit: the plugin's schema is the codecs' and state.ts's", () => {
    const inputs = shape(SiemAccountInputs);
    const state = shape(SiemAccountState);

    it("inputs: every SiemAccountInputs key but configNamespace, with its type, and the codec's required ones", () => {
        expect(Object.keys(INPUTS).sort()).to.deep.equal(without(Object.keys(inputs.props), DYNAMIC_ONLY));
        for (const [key, spec] of Object.entries(INPUTS)) expect(specType(spec), key).to.equal(schemaType(inputs.props[key]));
        expect([...REQUIRED_INPUTS].sort()).to.deep.equal([...inputs.required].sort());
    });

    it("outputs: what a program reads (state.ts OUTPUT_NAMES) but configNamespace, typed as SiemAccountState decodes them", () => {
        const outputs = { ...INPUTS, ...OUTPUTS };
        expect(Object.keys(outputs).sort()).to.deep.equal(without(OUTPUT_NAMES, DYNAMIC_ONLY));
        for (const [key, spec] of Object.entries(outputs)) expect(specType(spec), key).to.equal(schemaType(state.props[key]));
        // Required outputs are ones every state has (an import records no email, scan list or repository setting).
        for (const key of REQUIRED_OUTPUTS) expect(OUTPUT_NAMES, key).to.include(key);
        for (const unknownToImport of ["email", "accountsToScan", "isUsingRepositoryAccount"])
            expect(REQUIRED_OUTPUTS).to.not.include(unknownToImport);
    });

    it("config: exactly the keys settings.ts reads, apiToken secret (also as an explicit provider's input, and never an output)", () => {
        const schema = packageSchema("1.2.3") as {
            config: { variables: Record<string, PropertySpec> };
            provider: { inputProperties: Record<string, PropertySpec>; properties: Record<string, PropertySpec> };
            resources: Record<string, unknown>;
        };
        expect(Object.keys(schema.config.variables).sort()).to.deep.equal([...CONNECTION_KEYS, ...TUNING_KEYS].sort());
        expect(Object.keys(CONFIG).sort()).to.deep.equal([...CONNECTION_KEYS, ...TUNING_KEYS].sort());
        expect(schema.config.variables.apiToken.secret).to.equal(true);
        expect(schema.provider.inputProperties.apiToken.secret).to.equal(true);
        expect(schema.provider.properties).to.not.have.property("apiToken");
        expect(Object.keys(schema.resources)).to.deep.equal([SIEM_ACCOUNT_TOKEN]);
    });

    it("descriptions read in every language: no TypeScript syntax", () => {
        const all = [...Object.values(INPUTS), ...Object.values(OUTPUTS), ...Object.values(CONFIG)].map((p) => p.description);
        for (const d of all) expect(d).to.not.match(/pulumi\.Input|: true|=>|\{ name:|new [A-Z]/);
    });

    it("schema.json (for the SDK generator) is what GetSchema serves: `npm run schema` wrote it", () => {
        const version = (JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")) as { version: string }).version;
        const file = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "schema.json"), "utf8")) as unknown;
        expect(file).to.deep.equal(JSON.parse(JSON.stringify(packageSchema(version))));
    });
});

describe("unit: the plugin's provider config (CheckConfig's refusals)", () => {
    const token = "a-token-of-32-characters-long-xx";
    const settings = (values: Record<string, string>, env: NodeJS.ProcessEnv = {}) => pluginSettings(new Map(Object.entries(values)), env);
    const problems = (values: Record<string, string>, env: NodeJS.ProcessEnv = {}) => {
        const r = settings(values, env);
        return E.isLeft(r) ? r.left : [];
    };

    it("reads logzio-siem:apiToken, region and customApiUrl, and names its keys in messages", () => {
        const r = settings({ apiToken: token, region: "eu" });
        expect(E.isRight(r) && r.right.apiUrl).to.equal("https://api-eu.logz.io");
        expect(E.isRight(r) && r.right.namespace).to.equal("logzio-siem");
    });

    it("falls back to LOGZIO_API_TOKEN, LOGZIO_REGION and LOGZIO_SIEM_MAX_RETRIES, as the dynamic provider does", () => {
        const r = settings({}, { LOGZIO_API_TOKEN: token, LOGZIO_REGION: "uk", LOGZIO_SIEM_MAX_RETRIES: "2" });
        expect(E.isRight(r) && [r.right.apiToken, r.right.apiUrl, r.right.maxRetries]).to.deep.equal([token, "https://api-uk.logz.io", 2]);
    });

    it("refuses each bad value with its key, and never quotes a value", () => {
        const found = problems({ apiToken: "q7Zp", region: "mars", customApiUrl: "http://example.com", maxRetries: "x", regoin: "eu" });
        expect(found.map(keyOf).sort()).to.deep.equal(["apiToken", "customApiUrl", "maxRetries", "region", "regoin"]);
        expect(found.join(" ")).to.not.include("q7Zp");
        expect(found.join(" ")).to.not.include("mars");
    });

    it("says how to set a missing token, in the plugin's namespace", () => {
        const [problem] = problems({});
        expect(problem).to.include("pulumi config set --secret logzio-siem:apiToken");
        expect(problem).to.include("LOGZIO_API_TOKEN");
    });
});
