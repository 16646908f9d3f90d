// resolveSettings: stack config first, then the environment; every problem at once; never a token in a message.
import { expect } from "chai";
import * as E from "fp-ts/Either";
import { DEFAULTS, REGIONS, Settings, envName, resolveSettings } from "../provider/settings";

const TOKEN = "fake-token-settings-5e0c9a4f";

function configOf(values: Record<string, string>) {
    return (key: string): string | undefined => values[key];
}

function ok(namespace: string, config: Record<string, string>, env: NodeJS.ProcessEnv = {}): Settings {
    const result = resolveSettings(namespace, configOf(config), env);
    if (E.isLeft(result)) throw new Error(`expected settings, got: ${result.left.join(" | ")}`);
    return result.right;
}

function problems(namespace: string, config: Record<string, string>, env: NodeJS.ProcessEnv = {}): string[] {
    const result = resolveSettings(namespace, configOf(config), env);
    if (E.isRight(result)) throw new Error("expected problems, got settings");
    return result.left;
}

describe("resolveSettings", () => {
    describe("the token", () => {
        it("missing: names logzio:apiToken and LOGZIO_API_TOKEN", () => {
            const list = problems("logzio", {});
            expect(list).to.have.length(1);
            expect(list[0]).to.include("logzio:apiToken");
            expect(list[0]).to.include("LOGZIO_API_TOKEN");
            expect(list[0]).to.include("pulumi config set --secret logzio:apiToken");
        });

        it("empty or blank counts as missing", () => {
            expect(problems("logzio", { "logzio:apiToken": "" })[0]).to.include("LOGZIO_API_TOKEN");
            expect(problems("logzio", { "logzio:apiToken": "   " })[0]).to.include("logzio:apiToken");
            expect(problems("logzio", {}, { LOGZIO_API_TOKEN: "" })[0]).to.include("LOGZIO_API_TOKEN");
        });

        it("comes from config, trimmed", () => {
            expect(ok("logzio", { "logzio:apiToken": `  ${TOKEN}\n` }).apiToken).to.equal(TOKEN);
        });

        it("falls back to LOGZIO_API_TOKEN", () => {
            expect(ok("logzio", {}, { LOGZIO_API_TOKEN: TOKEN }).apiToken).to.equal(TOKEN);
        });

        it("config beats the environment", () => {
            expect(ok("logzio", { "logzio:apiToken": TOKEN }, { LOGZIO_API_TOKEN: "env-token-0000" }).apiToken).to.equal(TOKEN);
        });

        it("an empty config value falls back to the environment", () => {
            expect(ok("logzio", { "logzio:apiToken": "" }, { LOGZIO_API_TOKEN: TOKEN }).apiToken).to.equal(TOKEN);
        });
    });

    describe("regions", () => {
        it("defaults to us (https://api.logz.io)", () => {
            expect(ok("logzio", { "logzio:apiToken": TOKEN }).apiUrl).to.equal("https://api.logz.io");
        });

        const expected: Record<string, string> = {
            us: "https://api.logz.io",
            au: "https://api-au.logz.io",
            ca: "https://api-ca.logz.io",
            eu: "https://api-eu.logz.io",
            uk: "https://api-uk.logz.io",
            nl: "https://api-nl.logz.io",
            wa: "https://api-wa.logz.io",
        };

        it("knows exactly the regions of docs/logzio-api.md", () => {
            expect(REGIONS).to.deep.equal(expected);
        });

        for (const [region, url] of Object.entries(expected)) {
            it(`${region} -> ${url}`, () => {
                expect(ok("logzio", { "logzio:apiToken": TOKEN, "logzio:region": region }).apiUrl).to.equal(url);
            });
        }

        it("is case-insensitive", () => {
            expect(ok("logzio", { "logzio:apiToken": TOKEN, "logzio:region": "EU" }).apiUrl).to.equal("https://api-eu.logz.io");
        });

        it("falls back to LOGZIO_REGION", () => {
            expect(ok("logzio", { "logzio:apiToken": TOKEN }, { LOGZIO_REGION: "au" }).apiUrl).to.equal("https://api-au.logz.io");
        });

        it("unknown region: names the setting and lists every valid region", () => {
            const list = problems("logzio", { "logzio:apiToken": TOKEN, "logzio:region": "mars" });
            expect(list).to.have.length(1);
            expect(list[0]).to.include("logzio:region");
            expect(list[0]).to.include("LOGZIO_REGION");
            expect(list[0]).to.include('"mars"');
            expect(list[0]).to.include("use one of us, au, ca, eu, uk, nl, wa");
        });
    });

    describe("apiUrl", () => {
        it("overrides the region", () => {
            const s = ok("logzio", { "logzio:apiToken": TOKEN, "logzio:region": "eu", "logzio:apiUrl": "http://127.0.0.1:8080" });
            expect(s.apiUrl).to.equal("http://127.0.0.1:8080");
        });

        it("loses its trailing slashes", () => {
            expect(ok("logzio", { "logzio:apiToken": TOKEN, "logzio:apiUrl": "https://proxy.example.com/logzio//" }).apiUrl).to.equal(
                "https://proxy.example.com/logzio",
            );
        });

        it("falls back to LOGZIO_API_URL", () => {
            expect(ok("logzio", { "logzio:apiToken": TOKEN }, { LOGZIO_API_URL: "http://localhost:9000" }).apiUrl).to.equal("http://localhost:9000");
        });

        it("must be an http(s) URL", () => {
            const list = problems("logzio", { "logzio:apiToken": TOKEN, "logzio:apiUrl": "api-eu.logz.io" });
            expect(list).to.have.length(1);
            expect(list[0]).to.include("logzio:apiUrl");
            expect(list[0]).to.include("LOGZIO_API_URL");
            expect(list[0]).to.include("http(s) URL");
        });
    });

    describe("other namespaces", () => {
        it("envName turns logzio-eu:apiToken into LOGZIO_EU_API_TOKEN", () => {
            expect(envName("logzio-eu", "apiToken")).to.equal("LOGZIO_EU_API_TOKEN");
            expect(envName("logzio", "requestTimeoutSeconds")).to.equal("LOGZIO_REQUEST_TIMEOUT_SECONDS");
            expect(envName("logzio.prod", "maxConcurrency")).to.equal("LOGZIO_PROD_MAX_CONCURRENCY");
        });

        it("logzio-eu reads logzio-eu:* and LOGZIO_EU_*, not the default namespace", () => {
            const s = ok(
                "logzio-eu",
                { "logzio:apiToken": "default-token-1111", "logzio-eu:region": "eu" },
                { LOGZIO_API_TOKEN: "default-token-2222", LOGZIO_EU_API_TOKEN: TOKEN },
            );
            expect(s.namespace).to.equal("logzio-eu");
            expect(s.apiToken).to.equal(TOKEN);
            expect(s.apiUrl).to.equal("https://api-eu.logz.io");
        });

        it("a missing token names logzio-eu:apiToken and LOGZIO_EU_API_TOKEN", () => {
            const list = problems("logzio-eu", { "logzio:apiToken": TOKEN }, { LOGZIO_API_TOKEN: TOKEN });
            expect(list).to.have.length(1);
            expect(list[0]).to.include("logzio-eu:apiToken");
            expect(list[0]).to.include("LOGZIO_EU_API_TOKEN");
        });
    });

    describe("numbers", () => {
        it("defaults", () => {
            const s = ok("logzio", { "logzio:apiToken": TOKEN });
            expect(s).to.deep.equal({
                namespace: "logzio",
                apiUrl: "https://api.logz.io",
                apiToken: TOKEN,
                maxConcurrency: DEFAULTS.maxConcurrency,
                maxRetries: DEFAULTS.maxRetries,
                requestTimeoutMs: DEFAULTS.requestTimeoutSeconds * 1000,
                retryBaseMs: DEFAULTS.retryBaseMs,
                maxBackoffMs: DEFAULTS.maxBackoffMs,
                provisioningGraceMs: DEFAULTS.provisioningGraceMinutes * 60_000,
            });
        });

        it("reads each from config and converts the units", () => {
            const s = ok("logzio", {
                "logzio:apiToken": TOKEN,
                "logzio:maxConcurrency": "7",
                "logzio:maxRetries": "0",
                "logzio:requestTimeoutSeconds": "30",
                "logzio:retryBaseMs": "100",
                "logzio:provisioningGraceMinutes": "2",
            });
            expect(s.maxConcurrency).to.equal(7);
            expect(s.maxRetries).to.equal(0);
            expect(s.requestTimeoutMs).to.equal(30_000);
            expect(s.retryBaseMs).to.equal(100);
            expect(s.provisioningGraceMs).to.equal(120_000);
        });

        it("falls back to the environment", () => {
            const s = ok("logzio", { "logzio:apiToken": TOKEN }, { LOGZIO_MAX_CONCURRENCY: "3", LOGZIO_REQUEST_TIMEOUT_SECONDS: "10" });
            expect(s.maxConcurrency).to.equal(3);
            expect(s.requestTimeoutMs).to.equal(10_000);
        });

        const bad: [string, string, string][] = [
            ["maxConcurrency", "many", "LOGZIO_MAX_CONCURRENCY"],
            ["maxConcurrency", "0", "LOGZIO_MAX_CONCURRENCY"],
            ["maxConcurrency", "101", "LOGZIO_MAX_CONCURRENCY"],
            ["maxRetries", "-1", "LOGZIO_MAX_RETRIES"],
            ["maxRetries", "21", "LOGZIO_MAX_RETRIES"],
            ["requestTimeoutSeconds", "0", "LOGZIO_REQUEST_TIMEOUT_SECONDS"],
            ["requestTimeoutSeconds", "Infinity", "LOGZIO_REQUEST_TIMEOUT_SECONDS"],
            ["retryBaseMs", "NaN", "LOGZIO_RETRY_BASE_MS"],
            ["provisioningGraceMinutes", "1441", "LOGZIO_PROVISIONING_GRACE_MINUTES"],
        ];
        for (const [setting, value, env] of bad) {
            it(`${setting} = ${JSON.stringify(value)} is refused, naming the key, the variable and the range`, () => {
                const list = problems("logzio", { "logzio:apiToken": TOKEN, [`logzio:${setting}`]: value });
                expect(list).to.have.length(1);
                expect(list[0]).to.include(`logzio:${setting}`);
                expect(list[0]).to.include(env);
                expect(list[0]).to.match(/must be a number from \d+ to \d+/);
            });
        }
    });

    it("collects every problem at once", () => {
        const list = problems("logzio", { "logzio:region": "moon", "logzio:maxRetries": "lots", "logzio:apiUrl": "ftp://x" });
        expect(list).to.have.length(4);
        expect(list.join("\n")).to.include("logzio:apiToken");
        expect(list.join("\n")).to.include("logzio:region");
        expect(list.join("\n")).to.include("logzio:maxRetries");
        expect(list.join("\n")).to.include("logzio:apiUrl");
    });

    it("no message contains the token when other settings are wrong", () => {
        const list = problems(
            "logzio",
            { "logzio:apiToken": TOKEN, "logzio:region": "mars", "logzio:apiUrl": "nope", "logzio:maxConcurrency": "x" },
            { LOGZIO_API_TOKEN: TOKEN },
        );
        expect(list).to.have.length(3);
        for (const p of list) expect(p).to.not.include(TOKEN);
    });

    it("no message echoes the token even when it is pasted into another setting", () => {
        const list = problems("logzio", {
            "logzio:apiToken": TOKEN,
            "logzio:region": TOKEN,
            "logzio:apiUrl": TOKEN,
            "logzio:maxConcurrency": TOKEN,
        });
        expect(list).to.have.length(3);
        for (const p of list) expect(p).to.not.include(TOKEN);
    });
});
