// What the proxy tests share: a real HTTP proxy in a process of its own (proxyProcess.ts) with what it saw, a
// certificate for an https emulator on 127.0.0.1, and an environment with only the proxy variables a test sets.
import { execFileSync, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

const PROXY_VARIABLES = ["HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy", "NO_PROXY", "no_proxy"];
/** Only the variables a test sets: none inherited from the machine (npm's own included). */
export function proxyEnv(set: Record<string, string>): Record<string, string> {
    const env: Record<string, string> = {};
    for (const k of [...PROXY_VARIABLES, ...Object.keys(process.env).filter((k) => /^npm_config_.*proxy$/i.test(k))]) env[k] = "";
    return { ...env, ...set };
}

interface ProxyEvent {
    event: "listening" | "connect" | "request";
    url?: string;
    method?: string;
    headers?: Record<string, string>;
}

export interface RunningProxy {
    url: string;
    port: number;
    events: ProxyEvent[];
    /** Every byte clients sent the proxy, as latin1 text (a token in it would show as is). */
    captured(): string;
    stop(): Promise<void>;
}

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "logzio-siem-proxy-"));
process.once("exit", () => fs.rmSync(scratch, { recursive: true, force: true }));

export async function startProxy(auth?: string): Promise<RunningProxy> {
    const capture = path.join(scratch, `capture-${Date.now()}-${Math.random().toString(16).slice(2)}`);
    fs.writeFileSync(capture, "");
    const proc = spawn(process.execPath, [path.join(__dirname, "proxyProcess.js")], {
        env: { ...process.env, PROXY_CAPTURE: capture, ...(auth === undefined ? {} : { PROXY_AUTH: auth }) },
        stdio: ["ignore", "pipe", "inherit"],
    });
    // Never left running after the test process.
    const kill = () => proc.kill("SIGKILL");
    process.once("exit", kill);
    proc.once("exit", () => process.off("exit", kill));
    const events: ProxyEvent[] = [];
    let buffered = "";
    const port = await new Promise<number>((resolve, reject) => {
        proc.stdout!.setEncoding("utf8").on("data", (d: string) => {
            buffered += d;
            let nl: number;
            while ((nl = buffered.indexOf("\n")) >= 0) {
                const event = JSON.parse(buffered.slice(0, nl)) as ProxyEvent & { port?: number };
                buffered = buffered.slice(nl + 1);
                if (event.event === "listening") resolve(event.port!);
                else events.push(event);
            }
        });
        proc.once("exit", (code) => reject(new Error(`the proxy exited (${code}) before listening`)));
    });
    return {
        url: `http://127.0.0.1:${port}`,
        port,
        events,
        captured: () => fs.readFileSync(capture).toString("latin1"),
        stop: () =>
            new Promise<void>((resolve) => {
                if (proc.exitCode !== null) return resolve();
                proc.once("exit", () => resolve());
                proc.kill("SIGTERM");
            }),
    };
}

/** A key and self-signed certificate for 127.0.0.1, made once for this file. */
export function testCertificate(): { key: string; cert: string; certFile: string } {
    const keyFile = path.join(scratch, "key.pem");
    const certFile = path.join(scratch, "cert.pem");
    if (!fs.existsSync(certFile)) {
        execFileSync(
            "openssl",
            // prettier-ignore
            ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", keyFile,
             "-out", certFile, "-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"],
            { stdio: "ignore" },
        );
    }
    return { key: fs.readFileSync(keyFile, "utf8"), cert: fs.readFileSync(certFile, "utf8"), certFile };
}
