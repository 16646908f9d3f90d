// The plugin's provider configuration: `logzio-siem:apiToken` (secret), `logzio-siem:region`,
// `logzio-siem:customApiUrl` and the tuning keys already under `logzio-siem:`, from the stack config (the default
// provider) or a provider resource's properties (`pulumi:providers:logzio-siem`). Resolved by the same
// config/settings.ts as the dynamic provider, with the same environment fallbacks (LOGZIO_API_TOKEN, LOGZIO_REGION,
// LOGZIO_CUSTOM_API_URL, LOGZIO_SIEM_MAX_RETRIES...). No value is ever quoted in a problem: it may be the token.
import * as E from "fp-ts/Either";
import { CONNECTION_KEYS, DEFAULT_NAMESPACE, Settings, TUNING_KEYS, TUNING_NAMESPACE, resolveSettings } from "../config/settings";
import { Props, reveal } from "./values";

/** The plugin's package name, and so its config namespace. */
export const PACKAGE = TUNING_NAMESPACE;

/** Keys the engine adds to every provider's inputs itself: never the user's to misspell. */
const ENGINE_KEYS = new Set(["version", "pluginDownloadURL", "pluginChecksums", "__internal"]);

export const CONFIG_KEYS: readonly string[] = [...CONNECTION_KEYS, ...TUNING_KEYS];

/** Plain string values by key (`apiToken`), from a provider's inputs or Configure's args; numbers and booleans as text. */
export function configValues(props: Props | undefined): Map<string, string> {
    const values = new Map<string, string>();
    for (const [key, raw] of Object.entries(props ?? {})) {
        if (ENGINE_KEYS.has(key)) continue;
        const v = reveal(raw).value;
        if (v === undefined || v === null) continue;
        values.set(key, typeof v === "string" ? v : typeof v === "number" || typeof v === "boolean" ? String(v) : JSON.stringify(v));
    }
    return values;
}

/** Configure's older form: `logzio-siem:config:apiToken` (or `logzio-siem:apiToken`) -> `apiToken`. */
export function fromVariables(variables: Iterable<[string, string]>): Map<string, string> {
    const values = new Map<string, string>();
    for (const [k, v] of variables) {
        const m = /^([^:]+):(?:config:)?(.+)$/.exec(k);
        if (m && m[1] === PACKAGE) values.set(m[2], v);
    }
    return values;
}

/**
 * Settings from the provider's config (and the environment), or every problem, each naming its key. The settings'
 * namespace is `logzio-siem`, so messages name `logzio-siem:apiToken`; the connection keys' environment variables
 * are the dynamic provider's (LOGZIO_API_TOKEN...).
 */
export function pluginSettings(values: ReadonlyMap<string, string>, env: NodeJS.ProcessEnv): E.Either<string[], Settings> {
    const prefix = `${PACKAGE}:`;
    const lookup = (key: string) => (key.startsWith(prefix) ? values.get(key.slice(prefix.length)) : undefined);
    const keys = [...values.keys()].map((k) => `${prefix}${k}`);
    return resolveSettings(PACKAGE, lookup, env, keys, DEFAULT_NAMESPACE);
}

/** The key a problem is about (settings.ts names it first, as `logzio-siem:<key>`), for CheckConfig's failure. */
export function keyOf(problem: string): string {
    const m = new RegExp(`${PACKAGE}:([A-Za-z0-9_]+)`).exec(problem);
    return m ? m[1] : "";
}
