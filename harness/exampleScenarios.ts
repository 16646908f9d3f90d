// How each example stack runs against emulators: the emulators it needs, its stack config, and the mocks
// for other packages' resources. Shared by `npm run demo` and the example tests so both run the same thing.
import { randomUUID } from "node:crypto";
import * as path from "node:path";
import { LogzioEmulator } from "../emulator";

export const EXAMPLES_DIR = path.resolve(__dirname, "..", "..", "examples");
export const EXAMPLES = ["quickstart", "compose", "multi-account", "onboarding"] as const;
export type ExampleName = (typeof EXAMPLES)[number];

export interface PreparedExample {
    name: ExampleName;
    program: string;
    /** One emulator per Logz.io main account, by config namespace. */
    emulators: Record<string, LogzioEmulator>;
    config: Record<string, string>;
    secretKeys: string[];
    env: Record<string, string>;
    otherResourceMocks?: string;
    /** Whether a real `pulumi up` can run it (compose needs AWS and another stack). */
    realCliPossible: boolean;
    close(): Promise<void>;
}

async function emulatorsFor(namespaces: string[], tokens?: (ns: string) => string): Promise<Record<string, LogzioEmulator>> {
    const entries = await Promise.all(
        namespaces.map(async (ns, i) => {
            const token = tokens?.(ns) ?? `${ns}-${randomUUID()}`;
            return [ns, await LogzioEmulator.start({ token, ownerAccountId: 100000 * (i + 1), ownerAccountName: `${ns}-main` })] as const;
        }),
    );
    return Object.fromEntries(entries);
}

function logzioConfig(emulators: Record<string, LogzioEmulator>): { config: Record<string, string>; secretKeys: string[] } {
    const config: Record<string, string> = {};
    for (const [ns, e] of Object.entries(emulators)) {
        config[`${ns}:customApiUrl`] = e.url;
        config[`${ns}:apiToken`] = e.token;
    }
    return { config, secretKeys: Object.keys(emulators).map((ns) => `${ns}:apiToken`) };
}

export async function prepareExample(name: ExampleName, tokens?: (ns: string) => string): Promise<PreparedExample> {
    const namespaces = name === "multi-account" ? ["logzio", "logzio-eu"] : ["logzio"];
    const emulators = await emulatorsFor(namespaces, tokens);
    const { config, secretKeys } = logzioConfig(emulators);
    const env: Record<string, string> = {};
    let otherResourceMocks: string | undefined;
    if (name === "quickstart") config.email = "security@example.com"; // required by the program
    if (name === "compose") {
        // The logging stack's log accounts exist under the main account, so Logz.io accepts them to scan.
        const main = emulators.logzio;
        const ids = ["app-logs", "infra-logs"].map(
            (n) => main.addAccount({ accountName: n, type: "SUB_ACCOUNT", createdAt: "2026-01-01T00:00:00Z" }).accountId,
        );
        env.LOGGING_ACCOUNT_IDS = ids.join(",");
        config.loggingStack = "acme/logging/prod";
        config.securityEmail = "security@acme.example";
        otherResourceMocks = path.join(__dirname, "otherResourceMocks.js");
    }
    return {
        name,
        program: path.join(EXAMPLES_DIR, name, "index.ts"),
        emulators,
        config,
        secretKeys,
        env,
        otherResourceMocks,
        realCliPossible: name !== "compose",
        close: async () => {
            await Promise.all(Object.values(emulators).map((e) => e.close()));
        },
    };
}
