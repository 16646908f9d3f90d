// The Logz.io regions and the tuning defaults: part of the public API, so they load nothing (a Pulumi program that
// imports the package pays neither fp-ts nor io-ts, at run time or when TypeScript checks the program).

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

export const DEFAULTS = {
    maxConcurrency: 25,
    maxRetries: 5,
    requestTimeoutSeconds: 120,
    retryBaseMs: 250,
    maxBackoffMs: 10_000,
    provisioningGraceMinutes: 15,
    tokenCheckTimeoutSeconds: 5,
} as const;
