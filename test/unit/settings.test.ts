// resolveSettings: stack config first, then the environment; every problem at once; never a token in a message.
import * as fs from "node:fs";
import * as path from "node:path";
import { expect } from "chai";
import * as E from "fp-ts/Either";
import { DEFAULTS, MIN_TOKEN_LENGTH, REGIONS, Settings, envName, resolveSettings, tuningKey } from "../../provider/config/settings";

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

        it("unknown region: names the setting and lists every valid region, without echoing the value", () => {
            const list = problems("logzio", { "logzio:apiToken": TOKEN, "logzio:region": "mars" });
            expect(list).to.have.length(1);
            expect(list[0]).to.include("logzio:region");
            expect(list[0]).to.include("LOGZIO_REGION");
            expect(list[0]).to.not.include("mars");
            expect(list[0]).to.include("use one of us, au, ca, eu, uk, nl, wa");
        });
    });

    describe("customApiUrl", () => {
        it("overrides the region", () => {
            const s = ok("logzio", { "logzio:apiToken": TOKEN, "logzio:region": "eu", "logzio:customApiUrl": "http://127.0.0.1:8080" });
            expect(s.apiUrl).to.equal("http://127.0.0.1:8080");
        });

        it("keeps a path and loses its trailing slashes", () => {
            expect(ok("logzio", { "logzio:apiToken": TOKEN, "logzio:customApiUrl": "https://proxy.example.com/logzio//" }).apiUrl).to.equal(
                "https://proxy.example.com/logzio",
            );
        });

        it("falls back to LOGZIO_CUSTOM_API_URL", () => {
            expect(ok("logzio", { "logzio:apiToken": TOKEN }, { LOGZIO_CUSTOM_API_URL: "http://localhost:9000" }).apiUrl).to.equal(
                "http://localhost:9000",
            );
        });

        const invalid: [string, string][] = [
            ["no scheme", "api-ca.logz.io"],
            ["another scheme", "ftp://api.logz.io"],
            ["a port out of range", "http://127.0.0.1:99999"],
            ["port 0", "http://127.0.0.1:0"],
            ["a space in the host", "http://api logz.io"],
            ["no host", "http:///v2"],
            ["a query", "https://api.logz.io/?x=1"],
            ["a fragment", "https://api.logz.io/#top"],
        ];
        for (const [what, url] of invalid) {
            it(`${what} is refused, naming the key and the variable, without echoing the value`, () => {
                const list = problems("logzio", { "logzio:apiToken": TOKEN, "logzio:customApiUrl": url });
                expect(list).to.have.length(1);
                expect(list[0]).to.include("logzio:customApiUrl");
                expect(list[0]).to.include("LOGZIO_CUSTOM_API_URL");
                expect(list[0]).to.not.include(url);
            });
        }

        it("http:// is accepted only for loopback: 127.0.0.0/8, ::1, localhost", () => {
            for (const url of [
                "http://127.0.0.1:8080",
                "http://127.9.8.7",
                "http://[::1]:9000",
                "http://LOCALHOST:1",
                "http://[::ffff:127.0.0.1]",
            ]) {
                expect(ok("logzio", { "logzio:apiToken": TOKEN, "logzio:customApiUrl": url }).apiUrl, url).to.match(/^http:/);
            }
            for (const url of [
                "http://api.logz.io",
                "http://192.168.1.2",
                "http://[::2]",
                "http://localhost.evil.com",
                "http://x.localhost",
                "http://0.0.0.0:80",
            ]) {
                const list = problems("logzio", { "logzio:apiToken": TOKEN, "logzio:customApiUrl": url });
                expect(list, url).to.have.length(1);
                expect(list[0], url).to.include("logzio:customApiUrl").and.include("unencrypted").and.include("use https://");
            }
        });

        it("credentials in the URL are refused and never echoed", () => {
            const list = problems("logzio", {
                "logzio:apiToken": TOKEN,
                "logzio:customApiUrl": "https://alice:s3cret-pass@proxy.example.com",
            });
            expect(list).to.have.length(1);
            expect(list[0]).to.include("logzio:customApiUrl").and.include("credentials");
            expect(list[0]).to.not.include("s3cret-pass");
            expect(list[0]).to.not.include("alice");
        });
    });

    describe("keys this package no longer reads under logzio:", () => {
        it("logzio:apiUrl and LOGZIO_API_URL are refused, naming customApiUrl (never silently ignored)", () => {
            for (const [config, env] of [
                [{ "logzio:apiUrl": "http://127.0.0.1:8080" }, {}],
                [{}, { LOGZIO_API_URL: "http://127.0.0.1:8080" }],
            ] as const) {
                const list = problems("logzio", { "logzio:apiToken": TOKEN, ...config }, env);
                expect(list).to.have.length(1);
                expect(list[0]).to.include("logzio:apiUrl").and.include("logzio:customApiUrl").and.include("LOGZIO_CUSTOM_API_URL");
            }
        });

        it("logzio:maxRetries and LOGZIO_MAX_RETRIES are refused, naming logzio-siem:maxRetries", () => {
            const list = problems("logzio", { "logzio:apiToken": TOKEN, "logzio:maxRetries": "2" }, { LOGZIO_MAX_RETRIES: "2" });
            expect(list).to.have.length(1);
            expect(list[0]).to.include("logzio:maxRetries").and.include("logzio-siem:maxRetries").and.include("LOGZIO_SIEM_MAX_RETRIES");
        });

        it("logzio-eu:apiUrl is refused too, naming logzio-eu:customApiUrl", () => {
            const list = problems("logzio-eu", { "logzio-eu:apiToken": TOKEN, "logzio-eu:apiUrl": "http://127.0.0.1:8080" });
            expect(list).to.have.length(1);
            expect(list[0]).to.include("logzio-eu:customApiUrl");
        });
    });

    describe("a stack config Logz.io's bridged provider accepts", () => {
        // The bridged provider refuses any key under logzio: but these three.
        const BRIDGED = new Set(["logzio:apiToken", "logzio:region", "logzio:customApiUrl"]);

        it("sets every setting without any other logzio: key", () => {
            const config = {
                "logzio:apiToken": TOKEN,
                "logzio:region": "eu",
                "logzio:customApiUrl": "https://proxy.example.com",
                "logzio-siem:maxConcurrency": "7",
                "logzio-siem:maxRetries": "1",
                "logzio-siem:requestTimeoutSeconds": "30",
                "logzio-siem:retryBaseMs": "100",
                "logzio-siem:provisioningGraceMinutes": "2",
            };
            for (const key of Object.keys(config).filter((k) => k.startsWith("logzio:"))) expect(BRIDGED.has(key), key).to.equal(true);
            expect(ok("logzio", config)).to.deep.equal({
                namespace: "logzio",
                apiUrl: "https://proxy.example.com",
                apiToken: TOKEN,
                maxConcurrency: 7,
                maxRetries: 1,
                requestTimeoutMs: 30_000,
                retryBaseMs: 100,
                maxBackoffMs: DEFAULTS.maxBackoffMs,
                provisioningGraceMs: 120_000,
                tokenCheckMs: DEFAULTS.tokenCheckTimeoutSeconds * 1000,
            });
        });
    });

    describe("the token's form", () => {
        it(`shorter than ${MIN_TOKEN_LENGTH} characters is a config error that names the key, not the value`, () => {
            const list = problems("logzio", { "logzio:apiToken": "abc1234" });
            expect(list).to.have.length(1);
            expect(list[0]).to.include("logzio:apiToken").and.include(String(MIN_TOKEN_LENGTH));
            expect(list[0]).to.not.include("abc1234");
            expect(ok("logzio", { "logzio:apiToken": "abcd1234" }).apiToken).to.equal("abcd1234");
        });

        for (const [what, token] of [
            ["a line break", "abcd1234\r\nX-Evil: 1"],
            ["a space", "abcd 1234efgh"],
            ["a non-ASCII character", "abcd1234\u00e9fgh"],
            ["a control character", "abcd1234\u0000fgh"],
        ]) {
            it(`with ${what} (not a legal header value) is a config error`, () => {
                const list = problems("logzio", { "logzio:apiToken": token });
                expect(list).to.have.length(1);
                expect(list[0]).to.include("logzio:apiToken").and.include("HTTP header");
                expect(list[0]).to.not.include(token);
            });
        }
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

        it("logzio-eu tuning: its own key first, then logzio-siem:, with matching environment variables", () => {
            const config = {
                "logzio-eu:apiToken": TOKEN,
                "logzio-eu:maxRetries": "1",
                "logzio-siem:maxRetries": "3",
                "logzio-siem:retryBaseMs": "40",
            };
            const s = ok("logzio-eu", config, { LOGZIO_SIEM_MAX_CONCURRENCY: "9", LOGZIO_EU_REQUEST_TIMEOUT_SECONDS: "20" });
            expect(s.maxRetries).to.equal(1);
            expect(s.retryBaseMs).to.equal(40);
            expect(s.maxConcurrency).to.equal(9);
            expect(s.requestTimeoutMs).to.equal(20_000);
            // The default namespace's tuning comes from logzio-siem only.
            expect(ok("logzio", { "logzio:apiToken": TOKEN, "logzio-siem:maxRetries": "3" }).maxRetries).to.equal(3);
            expect(ok("logzio-eu", { "logzio-eu:apiToken": TOKEN }).maxRetries).to.equal(DEFAULTS.maxRetries);
        });

        it("tuningKey names where a setting is read", () => {
            expect(tuningKey("logzio", "maxRetries")).to.equal("logzio-siem:maxRetries");
            expect(tuningKey("logzio-eu", "maxRetries")).to.equal("logzio-eu:maxRetries (or logzio-siem:maxRetries)");
        });

        it("a bad logzio-eu tuning value names the key it came from", () => {
            const list = problems("logzio-eu", { "logzio-eu:apiToken": TOKEN, "logzio-eu:maxRetries": "lots" });
            expect(list).to.have.length(1);
            expect(list[0]).to.include("logzio-eu:maxRetries").and.include("LOGZIO_EU_MAX_RETRIES");
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
                tokenCheckMs: DEFAULTS.tokenCheckTimeoutSeconds * 1000,
            });
        });

        it("reads each from logzio-siem: config and converts the units", () => {
            const s = ok("logzio", {
                "logzio:apiToken": TOKEN,
                "logzio-siem:maxConcurrency": "7",
                "logzio-siem:maxRetries": "0",
                "logzio-siem:requestTimeoutSeconds": "30",
                "logzio-siem:retryBaseMs": "100",
                "logzio-siem:provisioningGraceMinutes": "2",
            });
            expect(s.maxConcurrency).to.equal(7);
            expect(s.maxRetries).to.equal(0);
            expect(s.requestTimeoutMs).to.equal(30_000);
            expect(s.retryBaseMs).to.equal(100);
            expect(s.provisioningGraceMs).to.equal(120_000);
        });

        it("falls back to LOGZIO_SIEM_* variables", () => {
            const s = ok(
                "logzio",
                { "logzio:apiToken": TOKEN },
                { LOGZIO_SIEM_MAX_CONCURRENCY: "3", LOGZIO_SIEM_REQUEST_TIMEOUT_SECONDS: "10" },
            );
            expect(s.maxConcurrency).to.equal(3);
            expect(s.requestTimeoutMs).to.equal(10_000);
        });

        const bad: [string, string, string][] = [
            ["maxConcurrency", "many", "LOGZIO_SIEM_MAX_CONCURRENCY"],
            ["maxConcurrency", "0", "LOGZIO_SIEM_MAX_CONCURRENCY"],
            ["maxConcurrency", "101", "LOGZIO_SIEM_MAX_CONCURRENCY"],
            ["maxRetries", "-1", "LOGZIO_SIEM_MAX_RETRIES"],
            ["maxRetries", "21", "LOGZIO_SIEM_MAX_RETRIES"],
            ["requestTimeoutSeconds", "0", "LOGZIO_SIEM_REQUEST_TIMEOUT_SECONDS"],
            ["requestTimeoutSeconds", "Infinity", "LOGZIO_SIEM_REQUEST_TIMEOUT_SECONDS"],
            ["retryBaseMs", "NaN", "LOGZIO_SIEM_RETRY_BASE_MS"],
            ["provisioningGraceMinutes", "1441", "LOGZIO_SIEM_PROVISIONING_GRACE_MINUTES"],
        ];
        for (const [setting, value, env] of bad) {
            it(`${setting} = ${JSON.stringify(value)} is refused, naming the key, the variable and the range`, () => {
                const list = problems("logzio", { "logzio:apiToken": TOKEN, [`logzio-siem:${setting}`]: value });
                expect(list).to.have.length(1);
                expect(list[0]).to.include(`logzio-siem:${setting}`);
                expect(list[0]).to.include(env);
                expect(list[0]).to.match(/must be a number from \d+ to \d+/);
            });
        }
    });

    it("collects every problem at once", () => {
        const list = problems("logzio", { "logzio:region": "moon", "logzio-siem:maxRetries": "lots", "logzio:customApiUrl": "ftp://x" });
        expect(list).to.have.length(4);
        expect(list.join("\n")).to.include("logzio:apiToken");
        expect(list.join("\n")).to.include("logzio:region");
        expect(list.join("\n")).to.include("logzio-siem:maxRetries");
        expect(list.join("\n")).to.include("logzio:customApiUrl");
    });

    it("no message contains the token when other settings are wrong", () => {
        const list = problems(
            "logzio",
            { "logzio:apiToken": TOKEN, "logzio:region": "mars", "logzio:customApiUrl": "nope", "logzio-siem:maxConcurrency": "x" },
            { LOGZIO_API_TOKEN: TOKEN },
        );
        expect(list).to.have.length(3);
        for (const p of list) expect(p).to.not.include(TOKEN);
    });

    it("no message echoes the token, in any case, when it is pasted into another setting", () => {
        const list = problems("logzio", {
            "logzio:apiToken": TOKEN,
            "logzio:region": TOKEN,
            "logzio:customApiUrl": TOKEN,
            "logzio-siem:maxConcurrency": TOKEN,
        });
        expect(list).to.have.length(3);
        for (const p of list) expect(p.toLowerCase()).to.not.include(TOKEN.toLowerCase());
    });
});

describe("documented configuration composes with Logz.io's bridged provider", () => {
    // The bridged provider refuses any key under logzio: but these three.
    const BRIDGED = ["apiToken", "region", "customApiUrl"];
    const root = path.resolve(__dirname, "..", "..", "..");
    const keysUnderLogzio = (text: string) => [...text.matchAll(/(?<![\w/.-])logzio:([A-Za-z]\w*)/g)].map((m) => m[1]);

    it("every example's stack config, program and README uses only the bridged keys under logzio:", () => {
        const dir = path.join(root, "examples");
        let files = 0;
        for (const example of fs.readdirSync(dir).filter((f) => fs.statSync(path.join(dir, f)).isDirectory())) {
            for (const file of fs.readdirSync(path.join(dir, example)).filter((f) => /^(Pulumi\..*\.yaml|README\.md|index\.ts)$/.test(f))) {
                files++;
                for (const key of keysUnderLogzio(fs.readFileSync(path.join(dir, example, file), "utf8"))) {
                    expect(BRIDGED, `${example}/${file}: logzio:${key}`).to.include(key);
                }
            }
        }
        expect(files).to.be.at.least(6);
    });

    it("the README's configuration table documents no other logzio: key", () => {
        const rows = fs
            .readFileSync(path.join(root, "README.md"), "utf8")
            .split("\n")
            .filter((l) => l.startsWith("| `"));
        const keys = rows.flatMap(keysUnderLogzio);
        expect(keys).to.have.members(BRIDGED);
        expect(rows.join("\n")).to.include("logzio-siem:maxConcurrency");
    });
});
