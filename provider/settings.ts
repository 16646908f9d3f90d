// Provider settings: read once per provider in `configure`, from stack config with environment fallbacks.
// The token lives only in the returned object (in the host's memory): never in inputs, state or messages.
import * as E from "fp-ts/Either";
import { scrub } from "./errors";

export const DEFAULT_NAMESPACE = "logzio";

export const REGIONS = {
    us: "https://api.logz.io",
    au: "https://api-au.logz.io",
    ca: "https://api-ca.logz.io",
    eu: "https://api-eu.logz.io",
    uk: "https://api-uk.logz.io",
    nl: "https://api-nl.logz.io",
    wa: "https://api-wa.logz.io",
} as const;
export type Region = keyof typeof REGIONS;

export interface Settings {
    readonly namespace: string;
    readonly apiUrl: string;
    readonly apiToken: string;
    /** Requests in flight per Logz.io account across every resource in the host (Logz.io allows 100). */
    readonly maxConcurrency: number;
    /** Retries after the first attempt, for answers that are safe to retry. */
    readonly maxRetries: number;
    /** Upper bound on one operation, retries and waits included. */
    readonly requestTimeoutMs: number;
    /** First backoff step; later steps double, with full jitter, up to maxBackoffMs. */
    readonly retryBaseMs: number;
    readonly maxBackoffMs: number;
    /** A new account missing from /v1/associated-accounts this soon after createdAt is still provisioning. */
    readonly provisioningGraceMs: number;
}

export const DEFAULTS = {
    maxConcurrency: 25,
    maxRetries: 5,
    requestTimeoutSeconds: 120,
    retryBaseMs: 250,
    maxBackoffMs: 10_000,
    provisioningGraceMinutes: 15,
} as const;

/** Looks a key up the way Pulumi's dynamic-provider Config does (`logzio:apiToken`). */
export type ConfigLookup = (key: string) => string | undefined;

/** `logzio` reads LOGZIO_API_TOKEN; another namespace such as `logzio-eu` reads LOGZIO_EU_API_TOKEN. */
export function envName(namespace: string, setting: string): string {
    const prefix = namespace.toUpperCase().replace(/[^A-Z0-9]+/g, "_");
    return `${prefix}_${setting.replace(/([a-z])([A-Z])/g, "$1_$2").toUpperCase()}`;
}

/**
 * Resolves every setting, collecting all problems at once. The messages name the config key and the
 * environment variable, never a value (a misplaced token must not be echoed).
 */
export function resolveSettings(
    namespace: string,
    config: ConfigLookup,
    env: NodeJS.ProcessEnv,
): E.Either<string[], Settings> {
    const problems: string[] = [];
    const lookup = (setting: string) => {
        const fromConfig = config(`${namespace}:${setting}`);
        if (fromConfig !== undefined && fromConfig !== "") return fromConfig;
        const fromEnv = env[envName(namespace, setting)];
        return fromEnv === undefined || fromEnv === "" ? undefined : fromEnv;
    };
    const where = (setting: string) => `${namespace}:${setting} (or ${envName(namespace, setting)})`;
    const number = (setting: string, fallback: number, min: number, max: number): number => {
        const raw = lookup(setting);
        if (raw === undefined) return fallback;
        const n = Number(raw);
        if (!Number.isFinite(n) || n < min || n > max) {
            problems.push(`${where(setting)} must be a number from ${min} to ${max}, got ${JSON.stringify(raw)}`);
            return fallback;
        }
        return n;
    };

    const apiToken = lookup("apiToken")?.trim();
    if (!apiToken) {
        problems.push(
            `no Logz.io API token: set it with \`pulumi config set --secret ${namespace}:apiToken <token>\` ` +
                `or the environment variable ${envName(namespace, "apiToken")}`,
        );
    }

    const region = (lookup("region") ?? "us").toLowerCase();
    const regionUrl = (REGIONS as Record<string, string>)[region];
    if (regionUrl === undefined) {
        problems.push(
            `${where("region")} is ${JSON.stringify(region)}, not a Logz.io region: use one of ${Object.keys(REGIONS).join(", ")}`,
        );
    }
    const override = lookup("apiUrl");
    let apiUrl = regionUrl ?? REGIONS.us;
    if (override !== undefined) {
        if (!/^https?:\/\/[^\s/]+/.test(override)) {
            problems.push(`${where("apiUrl")} must be an http(s) URL, got ${JSON.stringify(override)}`);
        } else {
            apiUrl = override.replace(/\/+$/, "");
        }
    }

    const settings: Settings = {
        namespace,
        apiUrl,
        apiToken: apiToken ?? "",
        maxConcurrency: Math.floor(number("maxConcurrency", DEFAULTS.maxConcurrency, 1, 100)),
        maxRetries: Math.floor(number("maxRetries", DEFAULTS.maxRetries, 0, 20)),
        requestTimeoutMs: number("requestTimeoutSeconds", DEFAULTS.requestTimeoutSeconds, 1, 3600) * 1000,
        retryBaseMs: number("retryBaseMs", DEFAULTS.retryBaseMs, 0, 60_000),
        maxBackoffMs: DEFAULTS.maxBackoffMs,
        provisioningGraceMs: number("provisioningGraceMinutes", DEFAULTS.provisioningGraceMinutes, 0, 24 * 60) * 60_000,
    };
    // A token pasted into the wrong key must not be echoed back by the message about that key.
    return problems.length > 0 ? E.left(problems.map((p) => scrub(p, [settings.apiToken]))) : E.right(settings);
}
