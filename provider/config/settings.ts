// Provider settings: read once per provider in `configure`, from stack config with environment fallbacks.
// The token lives only in the returned object (in the host's memory): never in inputs, state or messages.
//
// Logz.io's own (bridged) Pulumi provider owns the `logzio:` namespace and refuses keys it does not know, so
// only its three keys are read there: `logzio:apiToken`, `logzio:region`, `logzio:customApiUrl`. One
// `pulumi config set --secret logzio:apiToken` then serves both providers. This package's tuning lives in
// `logzio-siem:`. A resource's `configNamespace` (e.g. `logzio-eu`) supplies its own three connection keys
// and may override tuning keys too, falling back to `logzio-siem:`.
import * as E from "fp-ts/Either";
import { unknownKeyProblems } from "./configKeys";
import { DEFAULTS, REGIONS } from "../program/defaults";

export { DEFAULTS, REGIONS } from "../program/defaults";
export type { Region } from "../program/defaults";

/** The namespace of the connection keys, shared with Logz.io's bridged provider. */
export const DEFAULT_NAMESPACE = "logzio";
/** This package's own namespace, for everything the bridged provider does not define. */
export const TUNING_NAMESPACE = "logzio-siem";
/** Shorter tokens cannot be scrubbed from messages without garbling them, and no real API token is this short. */
export const MIN_TOKEN_LENGTH = 8;

export interface Settings {
    /** The namespace of the connection keys (`logzio`, or a resource's configNamespace). */
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
    /** The budget of check's token probe (GET /v2/whoami at preview), shorter than an operation's. */
    readonly tokenCheckMs: number;
}

/** The keys Logz.io's bridged provider defines; read from the connection namespace. */
export const CONNECTION_KEYS = ["apiToken", "region", "customApiUrl"] as const;
export const TUNING_KEYS = [
    "maxConcurrency",
    "maxRetries",
    "requestTimeoutSeconds",
    "retryBaseMs",
    "provisioningGraceMinutes",
    "tokenCheckTimeoutSeconds",
] as const;
export type TuningKey = (typeof TUNING_KEYS)[number];

/** Looks a key up the way Pulumi's dynamic-provider Config does (`logzio:apiToken`). */
export type ConfigLookup = (key: string) => string | undefined;

/** `logzio` reads LOGZIO_API_TOKEN; another namespace such as `logzio-eu` reads LOGZIO_EU_API_TOKEN. */
export function envName(namespace: string, setting: string): string {
    return `${envPrefix(namespace)}_${setting.replace(/([a-z])([A-Z])/g, "$1_$2").toUpperCase()}`;
}

/** The part of a namespace's environment variable names before the setting: `logzio-eu` -> `LOGZIO_EU`. */
export function envPrefix(namespace: string): string {
    return namespace.toUpperCase().replace(/[^A-Z0-9]+/g, "_");
}

/** A config namespace as this package accepts one (Pulumi's own: letters, digits, `-`, `_`, `.`; at most 100). */
export const NAMESPACE_PATTERN = /^[A-Za-z0-9_.-]{1,100}$/;

/**
 * Why `namespace` cannot be a connection namespace, or undefined. Besides the pattern: its environment variables
 * must not be the default namespace's (`LOGZIO` reads LOGZIO_API_TOKEN, the token of `logzio`) or this package's
 * tuning namespace's. The namespace is never quoted whole: it may be thousands of characters.
 */
export function namespaceProblem(namespace: string): string | undefined {
    const shown = JSON.stringify(namespace.length > 60 ? `${namespace.slice(0, 57)}...` : namespace);
    if (!NAMESPACE_PATTERN.test(namespace)) {
        return `configNamespace ${shown} is not a config namespace: 1 to 100 letters, digits, '-', '_' or '.' (such as "logzio-eu")`;
    }
    for (const taken of [DEFAULT_NAMESPACE, TUNING_NAMESPACE]) {
        if (namespace !== taken && envPrefix(namespace) === envPrefix(taken)) {
            return (
                `configNamespace ${shown} would read the environment variables of namespace "${taken}" (${envName(taken, "apiToken")}), ` +
                `so another namespace's token could be used: use "${taken}" itself, or a namespace of its own such as "logzio-eu"`
            );
        }
    }
    return undefined;
}

/** Where a tuning key is read, for messages: `logzio-siem:maxRetries`, or `logzio-eu:maxRetries (or logzio-siem:maxRetries)`. */
export function tuningKey(namespace: string, setting: TuningKey): string {
    const own = `${TUNING_NAMESPACE}:${setting}`;
    return namespace === DEFAULT_NAMESPACE || namespace === TUNING_NAMESPACE ? own : `${namespace}:${setting} (or ${own})`;
}

// Keys this package read before it shared `logzio:` with the bridged provider. They are refused, not ignored:
// an ignored `apiUrl` would silently send the token to Logz.io's public API instead of the URL the user meant.
const RENAMED_CONNECTION: Record<string, string> = { apiUrl: "customApiUrl" };

/**
 * Resolves every setting, collecting all problems at once. Messages name the config key and the environment
 * variable, never a value: a token pasted into the wrong key must not be echoed.
 */
export function resolveSettings(
    namespace: string,
    config: ConfigLookup,
    env: NodeJS.ProcessEnv,
    /** Every key of the stack config, when known: keys no one reads are problems too (configKeys.ts). */
    configKeys: readonly string[] = [],
    /**
     * The namespace whose environment variables stand in for the connection keys (apiToken, region, customApiUrl):
     * the plugin reads `logzio-siem:apiToken` but, like the dynamic provider, LOGZIO_API_TOKEN.
     */
    connectionEnv: string = namespace,
): E.Either<string[], Settings> {
    const invalid = namespaceProblem(namespace);
    if (invalid !== undefined) return E.left([invalid]);
    const problems: string[] = [...unknownKeys(namespace, configKeys)];
    const present = (v: string | undefined): v is string => v !== undefined && v !== "";
    const connection: readonly string[] = [...CONNECTION_KEYS, ...Object.keys(RENAMED_CONNECTION)];
    const envOf = (ns: string, setting: string) => envName(ns === namespace && connection.includes(setting) ? connectionEnv : ns, setting);
    const fromNamespace = (ns: string, setting: string) => {
        const fromConfig = config(`${ns}:${setting}`);
        if (present(fromConfig)) return fromConfig;
        const fromEnv = env[envOf(ns, setting)];
        return present(fromEnv) ? fromEnv : undefined;
    };
    const where = (ns: string, setting: string) => `${ns}:${setting} (or ${envOf(ns, setting)})`;

    for (const [old, now] of Object.entries(RENAMED_CONNECTION)) {
        if (present(config(`${namespace}:${old}`)) || present(env[envOf(namespace, old)])) {
            problems.push(`${where(namespace, old)} is no longer read: use ${where(namespace, now)}`);
        }
    }
    if (namespace === DEFAULT_NAMESPACE) {
        for (const setting of TUNING_KEYS) {
            if (present(config(`${namespace}:${setting}`)) || present(env[envName(namespace, setting)])) {
                problems.push(
                    `${where(namespace, setting)} is no longer read (Logz.io's own Pulumi provider owns the ${namespace}: namespace): ` +
                        `use ${where(TUNING_NAMESPACE, setting)}`,
                );
            }
        }
    }

    // A resource's namespace may tune its own main account; otherwise the package-wide value applies.
    const tuning = (setting: TuningKey): { raw: string; where: string } | undefined => {
        for (const ns of namespace === DEFAULT_NAMESPACE ? [TUNING_NAMESPACE] : [namespace, TUNING_NAMESPACE]) {
            const raw = fromNamespace(ns, setting);
            if (raw !== undefined) return { raw, where: where(ns, setting) };
        }
        return undefined;
    };
    const number = (setting: TuningKey, fallback: number, min: number, max: number): number => {
        const found = tuning(setting);
        if (found === undefined) return fallback;
        const n = Number(found.raw);
        if (found.raw.trim() === "" || !Number.isFinite(n) || n < min || n > max) {
            problems.push(`${found.where} must be a number from ${min} to ${max}`);
            return fallback;
        }
        return n;
    };

    const apiToken = fromNamespace(namespace, "apiToken")?.trim();
    if (!apiToken) {
        problems.push(
            `no Logz.io API token: set it with \`pulumi config set --secret ${namespace}:apiToken <token>\` ` +
                `or the environment variable ${envOf(namespace, "apiToken")}`,
        );
    } else if (!/^[\x21-\x7e]+$/.test(apiToken)) {
        problems.push(
            `${where(namespace, "apiToken")} holds characters an HTTP header cannot carry: an API token is printable ASCII without spaces`,
        );
    } else if (apiToken.length < MIN_TOKEN_LENGTH) {
        problems.push(`${where(namespace, "apiToken")} is shorter than ${MIN_TOKEN_LENGTH} characters: it cannot be a Logz.io API token`);
    }

    const region = fromNamespace(namespace, "region")?.trim().toLowerCase() ?? "us";
    const regionUrl = (REGIONS as Record<string, string>)[region];
    if (regionUrl === undefined) {
        problems.push(`${where(namespace, "region")} is not a Logz.io region: use one of ${Object.keys(REGIONS).join(", ")}`);
    }
    let apiUrl: string = regionUrl ?? REGIONS.us;
    const custom = fromNamespace(namespace, "customApiUrl");
    if (custom !== undefined) {
        const parsed = parseApiUrl(custom.trim());
        if (E.isLeft(parsed)) problems.push(`${where(namespace, "customApiUrl")} ${parsed.left}`);
        else apiUrl = parsed.right;
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
        tokenCheckMs: number("tokenCheckTimeoutSeconds", DEFAULTS.tokenCheckTimeoutSeconds, 1, 120) * 1000,
    };
    return problems.length > 0 ? E.left(problems) : E.right(settings);
}

/** Misspelt keys under `logzio:`, and any undefined key under `logzio-siem:` or the resource's own namespace. */
function unknownKeys(namespace: string, keys: readonly string[]): string[] {
    const renamed = Object.keys(RENAMED_CONNECTION);
    const tuning: readonly string[] = TUNING_KEYS;
    // `logzio-siem` may also be used as a resource's connection namespace: its connection keys are known there too.
    const problems = unknownKeyProblems(TUNING_NAMESPACE, keys, [...tuning, ...CONNECTION_KEYS, ...renamed], true);
    if (namespace === DEFAULT_NAMESPACE) {
        const home = (meant: string) => (tuning.includes(meant) ? `${TUNING_NAMESPACE}:${meant}` : `${DEFAULT_NAMESPACE}:${meant}`);
        problems.push(...unknownKeyProblems(DEFAULT_NAMESPACE, keys, [...CONNECTION_KEYS, ...renamed, ...tuning], false, home));
    } else if (namespace !== TUNING_NAMESPACE) {
        problems.push(...unknownKeyProblems(namespace, keys, [...CONNECTION_KEYS, ...renamed, ...tuning], true));
    }
    return problems;
}

/**
 * An API base URL: http(s), a host, a valid port, no credentials, query or fragment (the request path is
 * appended to it). Returned without trailing slashes. The reason never quotes the value: it may be a token.
 */
export function parseApiUrl(text: string): E.Either<string, string> {
    let url: URL;
    try {
        // WHATWG parsing forgives `http:///host` and stray spaces; a URL a person typed should not need forgiving.
        if (!/^https?:\/\/[^/\s?#@]/i.test(text) || /\s/.test(text)) throw new Error("not a URL");
        url = new URL(text);
    } catch {
        return E.left("must be an http(s) URL with a host and, optionally, a port from 1 to 65535 (such as https://api-eu.logz.io)");
    }
    if (url.protocol !== "https:" && url.protocol !== "http:") return E.left("must be an http(s) URL");
    if (url.hostname === "") return E.left("must name a host");
    if (url.port === "0") return E.left("must have a port from 1 to 65535");
    if (url.username !== "" || url.password !== "") {
        return E.left("must not contain credentials (user:password@): the API token is the only credential");
    }
    if (url.search !== "" || url.hash !== "" || text.includes("?") || text.includes("#")) {
        return E.left("must not have a query or fragment: request paths are appended to it");
    }
    // Every request carries the token in a header: over plain http it would cross the network readable by anyone on
    // the path. Only a loopback address (an emulator, a local proxy) never leaves the machine.
    if (url.protocol === "http:" && !isLoopback(url.hostname)) {
        return E.left(
            "uses http:// to a host that is not this machine, so the API token would cross the network unencrypted: use https:// " +
                "(plain http is accepted only for loopback: 127.0.0.0/8, ::1, localhost)",
        );
    }
    return E.right(`${url.origin}${url.pathname.replace(/\/+$/, "")}`);
}

/** 127.0.0.0/8, ::1 and localhost (WHATWG has already normalised the host: IPv4 in dotted decimal, IPv6 in brackets). */
function isLoopback(hostname: string): boolean {
    const host = hostname.toLowerCase().replace(/\.$/, "");
    // Only the name itself: what `x.localhost` resolves to is up to the resolver.
    if (host === "localhost") return true;
    if (host === "[::1]") return true;
    // An IPv4-mapped IPv6 loopback (`[::ffff:127.0.0.1]`, which WHATWG writes as `[::ffff:7f00:1]`).
    if (/^\[::ffff:7f[0-9a-f]{2}:[0-9a-f]{1,4}\]$/.test(host)) return true;
    return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}
