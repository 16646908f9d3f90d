// Logz.io's published contract for the three operations the provider uses, as a validator of recorded traffic:
// each request the provider sent and each answer the emulator gave (RequestRecord with `recordAnswers`) is
// checked against the schemas of Logz.io's OpenAPI document, through the subset in test/fixtures (where it came
// from, its licence and the quirks fixed: its `x-origin`). Schemas are compiled by ajv; nothing here re-checks a field.
import * as fs from "node:fs";
import * as path from "node:path";
import Ajv, { type ValidateFunction } from "ajv";
import addFormats from "ajv-formats";
import { expect } from "chai";
import type { LogzioEmulator, RequestRecord } from "../../emulator";
import { REPO_ROOT } from "./support";

export const SUBSET_FILE = path.join(REPO_ROOT, "test", "fixtures", "logzio-openapi-subset.json");

type Obj = Record<string, unknown>;
interface Operation {
    id: string;
    consumes: string[];
    produces: string[];
    /** The body parameter's schema, and whether the body is required; undefined: the operation takes no body. */
    body?: { required: boolean; validate: ValidateFunction };
    /** Other parameters (query, header, path): none for these operations, so any query string is a violation. */
    otherParameters: Obj[];
    /** Documented answers, by status ("200", or "default"). */
    responses: Map<string, ValidateFunction | undefined>;
}

export const SPEC = JSON.parse(fs.readFileSync(SUBSET_FILE, "utf8")) as Obj;

/** AccountViewV3.type's values as the document lists them: samples written from Logz.io's word, not the emulator's. */
export const DOCUMENTED_ACCOUNT_TYPES = (
    (SPEC.definitions as Record<string, { properties: Record<string, { enum?: string[] }> }>).AccountViewV3.properties.type.enum ?? []
).slice();

function compileOperations(spec: Obj): Map<string, Operation> {
    // Swagger 2.0 schema objects are JSON Schema plus a few annotations of their own; `example` is the one used.
    const ajv = new Ajv({ strict: true, allErrors: true });
    addFormats(ajv); // date-time, int32, int64: the formats the document names
    ajv.addKeyword({ keyword: "example" });
    const definitions = spec.definitions as Obj;
    // Every schema is compiled with the document's definitions beside it, so "#/definitions/X" resolves as in the document.
    const compile = (schema: Obj) => ajv.compile({ definitions, ...schema });
    const ops = new Map<string, Operation>();
    for (const [p, item] of Object.entries(spec.paths as Obj)) {
        for (const [method, raw] of Object.entries(item as Obj)) {
            const op = raw as Obj;
            const params = (op.parameters as Obj[] | undefined) ?? [];
            const body = params.find((x) => x.in === "body");
            const responses = new Map<string, ValidateFunction | undefined>();
            for (const [status, r] of Object.entries(op.responses as Obj)) {
                const schema = (r as Obj).schema as Obj | undefined;
                responses.set(status, schema && compile(schema));
            }
            ops.set(`${method.toUpperCase()} ${p}`, {
                id: String(op.operationId),
                consumes: (op.consumes as string[] | undefined) ?? (spec.consumes as string[]),
                produces: (op.produces as string[] | undefined) ?? (spec.produces as string[]),
                body: body && { required: body.required === true, validate: compile(body.schema as Obj) },
                otherParameters: params.filter((x) => x.in !== "body"),
                responses,
            });
        }
    }
    return ops;
}

export const OPERATIONS = compileOperations(SPEC);

/** The security scheme: an API key in a header. */
const API_KEY = (SPEC.securityDefinitions as Record<string, { in: string; name: string }>)["X-API-TOKEN"];

const mediaType = (contentType: string | undefined) => contentType?.split(";")[0].trim().toLowerCase();

function errorsOf(validate: ValidateFunction): string {
    return (validate.errors ?? []).map((e) => `${e.instancePath || "(root)"} ${e.message}`).join("; ");
}

/** Why a request the provider sent breaks the contract; empty when it keeps it. */
export function requestViolations(r: RequestRecord): string[] {
    const op = OPERATIONS.get(`${r.method} ${r.path}`);
    if (!op) return [`${r.method} ${r.path} is not an operation the provider may call`];
    const out: string[] = [];
    if (API_KEY.in !== "header" || typeof r.token !== "string" || r.token === "") out.push(`no ${API_KEY.name} header`);
    if (r.query !== undefined && op.otherParameters.length === 0) out.push(`a query string (${r.query}) the operation does not take`);
    if (op.body) {
        if (r.body === undefined) {
            if (op.body.required) out.push("no body, which the operation requires");
        } else {
            if (!op.consumes.includes(mediaType(r.contentType) ?? ""))
                out.push(`Content-Type ${r.contentType} is not one of ${op.consumes.join(", ")}`);
            if (!op.body.validate(r.body)) out.push(`body ${errorsOf(op.body.validate)}`);
        }
    } else if (r.body !== undefined) out.push("a body the operation does not take");
    return out.map((v) => `${op.id} request: ${v}`);
}

/**
 * Why an answer breaks the contract; empty when it keeps it. An answer with a status the document does not
 * describe (it describes only 200 for these operations) has no schema to meet, so only documented ones are checked.
 */
export function answerViolations(r: RequestRecord): string[] {
    const op = OPERATIONS.get(`${r.method} ${r.path}`);
    if (!op || !r.answer) return [];
    const key = op.responses.has(String(r.answer.status)) ? String(r.answer.status) : op.responses.has("default") ? "default" : undefined;
    if (key === undefined) return [];
    const out: string[] = [];
    if (!op.produces.includes(mediaType(r.answer.contentType) ?? ""))
        out.push(`Content-Type ${r.answer.contentType} is not one of ${op.produces.join(", ")}`);
    const validate = op.responses.get(key);
    if (validate) {
        let json: unknown;
        try {
            json = JSON.parse(r.answer.body);
            if (!validate(json)) out.push(`body ${errorsOf(validate)}`);
        } catch {
            out.push("a body that is not JSON");
        }
    }
    return out.map((v) => `${op.id} answer ${r.answer!.status}: ${v}`);
}

/** Faults whose answer is the route's real one (late, or slowly sent), or a list that is hostile but well formed. */
const REAL_ANSWER_FAULTS = new Set<string>(["delay", "slowBody", "hostileList"]);

/** Whether the emulator answered as Logz.io would (no fault, or one that keeps the real answer), so the contract applies. */
export function isRealAnswer(r: RequestRecord): boolean {
    return r.fault === undefined || REAL_ANSWER_FAULTS.has(r.fault);
}

/** Every contract violation in these records: all requests, and the answers the emulator gave as Logz.io would. */
export function contractViolations(records: readonly RequestRecord[]): string[] {
    return records.flatMap((r) => [...requestViolations(r), ...(isRealAnswer(r) ? answerViolations(r) : [])]);
}

/**
 * Mocha hook body: checks the requests an emulator recorded since the last call (so a violation is reported by
 * the test that caused it). The emulator must record answers (`recordAnswers: true`).
 */
export function contractChecker(emulator: LogzioEmulator): () => void {
    const checked = new WeakSet<RequestRecord>(); // by identity: reset() empties `requests` in place
    return () => {
        const fresh = emulator.requests.filter((r) => !checked.has(r));
        fresh.forEach((r) => checked.add(r));
        expect(contractViolations(fresh), "requests and answers that break Logz.io's OpenAPI document").to.deep.equal([]);
    };
}
