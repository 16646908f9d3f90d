// Field-by-field validation of SiemAccount inputs for `check`: one failure per bad property, named, with
// what was received (`[secret]` for an input the program marked secret). Unknown values (preview) pass; nothing here
// touches the network.
import { ACCOUNT_NAME_PATTERN, EMAIL_PATTERN } from "../logzio/codecs";
import { accountNameProblem } from "./names";
import { SECRET_INPUTS } from "../program/state";
import { tokenKey } from "./wording";
import { MAX_MESSAGE_CHARS, SECRET_SHOWN, bounded, excerpt, sentence, summarise } from "../logzio/text";

/** The engine's placeholder for a value not known until apply (preview). */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
export const isUnknown = (v: unknown): boolean => v === UNKNOWN;

export interface CheckFailure {
    property: string;
    reason: string;
}

const INPUT_KEYS = new Set(["accountName", "email", "accountsToScan", "isUsingRepositoryAccount", "existingAccountId", "configNamespace"]);
// Keys a JavaScript user might use to pass the token: refused, so it can never reach state.
const TOKEN_KEYS = /^(api[-_]?token|token|x-api-token)$/i;

// Pulumi's wire marker for a secret value: its contents must never be echoed in a failure.
const SECRET_SIG_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
const isSecret = (v: unknown): boolean =>
    typeof v === "object" && v !== null && (v as Record<string, unknown>)[SECRET_SIG_KEY] === SECRET_SIG;
const hidingSecrets = (_key: string, v: unknown): unknown => (isSecret(v) ? SECRET_SHOWN : v);

/** A received value for a message: secrets as `[secret]`, and never more than a short excerpt. */
function show(v: unknown): string {
    if (v === undefined) return "nothing";
    if (isSecret(v)) return SECRET_SHOWN;
    if (Array.isArray(v) && v.length > 10) return `a list of ${v.length.toLocaleString("en-US")} items`;
    try {
        const text = JSON.stringify(v, hidingSecrets) ?? String(v);
        return text.length > 100 ? `${text.slice(0, 97)}...` : text;
    } catch {
        return "a value too deeply nested to show";
    }
}
const isNonNegativeInt = (v: unknown): v is number => typeof v === "number" && Number.isSafeInteger(v) && v >= 0;

/** How a rule shows what it received: `show`, or `[secret]` for an input the program marked secret. */
type Shown = (value: unknown) => string;
const hidden: Shown = (v) => (v === undefined ? "nothing" : SECRET_SHOWN);

type Rule = (value: unknown, show: Shown) => string | undefined;

const RULES: Record<string, Rule> = {
    accountName: (v, show) =>
        typeof v !== "string" || v.trim() === ""
            ? `accountName is required: a non-empty string, got ${show(v)}`
            : ACCOUNT_NAME_PATTERN.test(v)
              ? undefined
              : accountNameProblem(v, show),
    // "required" only when there is no address at all; anything else that is not one is "invalid".
    email: (v, show) =>
        v === undefined || v === null || (typeof v === "string" && v.trim() === "")
            ? `email is required: an address like ops@example.com, got ${show(v)}`
            : typeof v === "string" && EMAIL_PATTERN.test(v)
              ? undefined
              : `email ${show(v)} is invalid: give an address like ops@example.com`,
    accountsToScan: (v, show) => {
        if (v === undefined) return undefined;
        if (!Array.isArray(v)) return `accountsToScan must be a list of account ids, got ${show(v)}`;
        const bad = v.flatMap((x, i) => (isUnknown(x) || isNonNegativeInt(x) ? [] : [`[${i}] is ${show(x)}`]));
        return bad.length === 0 ? undefined : `accountsToScan must hold non-negative integer account ids: ${summarise(bad)}`;
    },
    isUsingRepositoryAccount: (v, show) =>
        v === undefined || typeof v === "boolean" ? undefined : `isUsingRepositoryAccount must be true or false, got ${show(v)}`,
    existingAccountId: (v, show) =>
        v === undefined || (isNonNegativeInt(v) && v > 0)
            ? undefined
            : `existingAccountId must be the positive integer id of an existing SIEM account, got ${show(v)}`,
    configNamespace: (v, show) =>
        v === undefined || (typeof v === "string" && /^[A-Za-z0-9_.-]+$/.test(v))
            ? undefined
            : `configNamespace must be a config namespace such as "logzio-eu", got ${show(v)}`,
};

/** The input names SECRET_INPUTS lists (those that are inputs), sorted; undefined when it is not a list of names. */
function secretNames(value: unknown): string[] | undefined {
    if (value === undefined) return [];
    if (!Array.isArray(value) || !value.every((n) => typeof n === "string")) return undefined;
    return [...new Set(value as string[])].filter((n) => INPUT_KEYS.has(n)).sort();
}

/** Validates `news` and returns them normalised (accountsToScan as a sorted set) with one failure per property. */
export function checkInputs(news: Record<string, unknown>): { inputs: Record<string, unknown>; failures: CheckFailure[] } {
    const failures: CheckFailure[] = [];
    const inputs: Record<string, unknown> = {};
    const unknownKeys: string[] = [];
    for (const [key, value] of Object.entries(news)) {
        if (key === "__provider") continue;
        if (key === SECRET_INPUTS) {
            const names = secretNames(value);
            if (names === undefined)
                failures.push({ property: key, reason: `${key} is set by SiemAccount itself: a list of input names, got ${show(value)}` });
            else if (names.length > 0) inputs[key] = names;
            continue;
        }
        if (TOKEN_KEYS.test(key)) {
            failures.push({
                property: key,
                reason: `${key}: the Logz.io token is never a resource input; set it with \`pulumi config set --secret ${tokenKey()} <token>\``,
            });
            continue; // dropped, so it cannot be stored
        }
        if (!INPUT_KEYS.has(key)) {
            unknownKeys.push(key);
            continue;
        }
        inputs[key] = value;
    }
    // One failure per unknown property, but not 100,000 of them: the rest are summarised in the last one.
    const MAX_UNKNOWN = 10;
    unknownKeys.forEach((key, i) => {
        if (i < MAX_UNKNOWN)
            failures.push({ property: key, reason: `${key} is not a SiemAccount input (inputs: ${[...INPUT_KEYS].join(", ")})` });
    });
    if (unknownKeys.length > MAX_UNKNOWN) {
        const rest = unknownKeys.slice(MAX_UNKNOWN).map((k) => excerpt(k, 40));
        failures.push({
            property: rest.length > 0 ? unknownKeys[MAX_UNKNOWN] : "",
            reason: `also not SiemAccount inputs: ${summarise(rest)}`,
        });
    }
    const secret = inputs[SECRET_INPUTS] as string[] | undefined;
    for (const [property, rule] of Object.entries(RULES)) {
        const value = inputs[property];
        if (isUnknown(value)) continue;
        const reason = rule(value, secret?.includes(property) ? hidden : show);
        if (reason !== undefined) failures.push({ property, reason });
    }
    const scan = inputs.accountsToScan;
    if (Array.isArray(scan) && scan.every(isNonNegativeInt)) {
        // A set in Logz.io's eyes: order and repeats must not show up as changes.
        inputs.accountsToScan = [...new Set(scan)].sort((a, b) => a - b);
    }
    // Property names come from the program too: no reason may exceed the bound any message has.
    return {
        inputs,
        failures: failures.map((f) => ({
            property: f.property.length > 200 ? f.property.slice(0, 200) : f.property,
            reason: bounded(sentence(f.reason), MAX_MESSAGE_CHARS),
        })),
    };
}
