// The Pulumi package schema of the plugin (package `logzio-siem`): what GetSchema serves and what the SDK generator
// reads (scripts/schema.ts writes it to schema.json). Properties and types follow the io-ts codecs (logzio/codecs.ts)
// and the state (program/state.ts); test/unit/schema.test.ts checks them against both. Descriptions are plain
// sentences that read the same in every language's SDK (no TypeScript syntax in them).
import { CONNECTION_KEYS, DEFAULTS, REGIONS, TUNING_KEYS } from "../config/settings";

type Type = "string" | "integer" | "number" | "boolean";
export interface PropertySpec {
    type: Type | "array";
    items?: { type: Type };
    description: string;
    secret?: boolean;
}

export const PACKAGE_NAME = "logzio-siem";
export const SIEM_ACCOUNT_TOKEN = `${PACKAGE_NAME}:index:SiemAccount`;

const regions = Object.keys(REGIONS)
    .map((r) => `\`${r}\``)
    .join(", ");

/** The provider's configuration: `logzio-siem:<key>` in stack config, or a property of an explicit provider. */
export const CONFIG: Readonly<Record<(typeof CONNECTION_KEYS)[number] | (typeof TUNING_KEYS)[number], PropertySpec>> = {
    apiToken: {
        type: "string",
        secret: true,
        description:
            "The API token of the Logz.io main account that owns the SIEM accounts. Falls back to the environment variable " +
            "`LOGZIO_API_TOKEN`. Kept secret: never stored in state in clear text.",
    },
    region: {
        type: "string",
        description: `The Logz.io region of the main account: one of ${regions} (default \`us\`). Falls back to \`LOGZIO_REGION\`.`,
    },
    customApiUrl: {
        type: "string",
        description:
            "An API URL to use instead of the region's: https, or http to this machine only (an emulator). " +
            "Falls back to `LOGZIO_CUSTOM_API_URL`.",
    },
    maxConcurrency: {
        type: "integer",
        description: `The most requests in flight to Logz.io per main account, 1 to 100 (default ${DEFAULTS.maxConcurrency}). Falls back to \`LOGZIO_SIEM_MAX_CONCURRENCY\`.`,
    },
    maxRetries: {
        type: "integer",
        description: `How many times a failed request that is safe to repeat is retried, 0 to 20 (default ${DEFAULTS.maxRetries}). Falls back to \`LOGZIO_SIEM_MAX_RETRIES\`.`,
    },
    requestTimeoutSeconds: {
        type: "number",
        description: `How long one operation may take against Logz.io, retries included, in seconds, 1 to 3600 (default ${DEFAULTS.requestTimeoutSeconds}). Falls back to \`LOGZIO_SIEM_REQUEST_TIMEOUT_SECONDS\`.`,
    },
    retryBaseMs: {
        type: "number",
        description: `The first step of the retries' exponential backoff, in milliseconds, 0 to 60000 (default ${DEFAULTS.retryBaseMs}). Falls back to \`LOGZIO_SIEM_RETRY_BASE_MS\`.`,
    },
    provisioningGraceMinutes: {
        type: "number",
        description:
            `How long after its creation an account that Logz.io does not list yet is taken to be still setting up, in minutes, ` +
            `0 to 1440 (default ${DEFAULTS.provisioningGraceMinutes}). Falls back to \`LOGZIO_SIEM_PROVISIONING_GRACE_MINUTES\`.`,
    },
    tokenCheckTimeoutSeconds: {
        type: "number",
        description: `How long the API token check at preview may take, in seconds, 1 to 120 (default ${DEFAULTS.tokenCheckTimeoutSeconds}). Falls back to \`LOGZIO_SIEM_TOKEN_CHECK_TIMEOUT_SECONDS\`.`,
    },
};

/** The SiemAccount's inputs (each is an output too). */
export const INPUTS: Readonly<Record<string, PropertySpec>> = {
    accountName: {
        type: "string",
        description:
            "The SIEM account's name: letters, digits, `-`, `.`, `_` and spaces. Logz.io has no call that changes an account, " +
            "so changing it replaces the account; a rename made in the Logz.io UI is seen by refresh.",
    },
    email: {
        type: "string",
        description:
            "The email address of the SIEM account. Changing it replaces the account. Logz.io does not return it: an imported " +
            "account has none recorded, and the first one given is taken as the account's.",
    },
    accountsToScan: {
        type: "array",
        items: { type: "integer" },
        description: "Ids of the log accounts the SIEM account scans; Logz.io defaults to the main account. A set: order is ignored.",
    },
    isUsingRepositoryAccount: { type: "boolean", description: "Whether the SIEM account uses a shared Repository account." },
    existingAccountId: {
        type: "integer",
        description:
            "Adopt the existing SIEM account with this id instead of creating one: nothing is created, and its accountName must be " +
            "the name Logz.io lists. `pulumi import` records it.",
    },
};

/** What the SiemAccount adds to its inputs. */
export const OUTPUTS: Readonly<Record<string, PropertySpec>> = {
    accountId: { type: "integer", description: "The SIEM account's id at Logz.io (also the resource's id)." },
    createdAt: {
        type: "string",
        description: "When Logz.io created the account (ISO 8601); empty for an account that was imported or adopted.",
    },
    mainAccountId: { type: "integer", description: "The id of the Logz.io main account that owns the SIEM account." },
    apiUrl: { type: "string", description: "The Logz.io API URL the main account is reached at." },
};

export const REQUIRED_INPUTS = ["accountName", "email"];
// Logz.io lists only an account's id and name: an import learns no email, scan list or repository setting.
export const REQUIRED_OUTPUTS = ["accountId", "accountName", "createdAt", "mainAccountId", "apiUrl"];

const RESOURCE_DESCRIPTION =
    "A Logz.io Cloud SIEM account. Logz.io has no call that updates or deletes one: a change of any input replaces the " +
    "account, and a delete is refused while the account exists. To keep the account and drop it from the stack, set the " +
    "retainOnDelete resource option; to end it, delete it in the Logz.io UI first. Adopt an existing account with " +
    "existingAccountId or `pulumi import`.";

/** The whole schema, as GetSchema serves it. */
export function packageSchema(version: string): Record<string, unknown> {
    const provider = Object.fromEntries(Object.entries(CONFIG).map(([k, v]) => [k, { ...v }]));
    return {
        name: PACKAGE_NAME,
        displayName: "Logz.io Cloud SIEM",
        version,
        description:
            "Logz.io Cloud SIEM accounts: create, adopt, import and refresh them, guarded against duplicates and accidental deletion.",
        keywords: ["pulumi", "logzio", "siem", "category/monitoring", "kind/native"],
        license: "Apache-2.0",
        publisher: "pulumi-logzio-siem",
        config: { variables: CONFIG },
        provider: {
            description:
                "The logzio-siem provider. An explicit provider instance, with its own apiToken and region, manages the SIEM " +
                "accounts of another Logz.io main account.",
            inputProperties: provider,
            properties: Object.fromEntries(Object.entries(provider).filter(([k]) => k !== "apiToken")),
        },
        resources: {
            [SIEM_ACCOUNT_TOKEN]: {
                description: RESOURCE_DESCRIPTION,
                inputProperties: INPUTS,
                requiredInputs: REQUIRED_INPUTS,
                properties: { ...INPUTS, ...OUTPUTS },
                required: REQUIRED_OUTPUTS,
            },
        },
        language: {
            csharp: { rootNamespace: "Pulumi", namespaces: { [PACKAGE_NAME]: "LogzioSiem" }, packageReferences: { Pulumi: "3.*" } },
            go: { importBasePath: "pulumi-logzio-siem/sdk/go/logziosiem", generateResourceContainerTypes: true },
            nodejs: { packageName: "@pulumi-logzio-siem/sdk", dependencies: { "@pulumi/pulumi": "^3.0.0" } },
            python: { packageName: "pulumi_logzio_siem", requires: { pulumi: ">=3.0.0,<4.0.0" }, pyproject: { enabled: true } },
            java: { basePackage: "com.pulumi.logziosiem" },
        },
    };
}
