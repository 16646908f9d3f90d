// The proxy a request to Logz.io goes through, read from the environment as curl reads it (HTTPS_PROXY, HTTP_PROXY,
// ALL_PROXY, NO_PROXY, lower-case forms first; proxy-from-env), and the agent that goes through it. An https API URL
// goes through a CONNECT tunnel (https-proxy-agent): the proxy sees the host and port, never the token, which
// travels inside TLS to Logz.io. An http API URL through a proxy would hand the proxy the token in clear text: only a
// proxy on this machine is used for it. A proxy elsewhere cannot reach this machine's loopback anyway, so a local
// emulator is then reached directly; any other http URL is refused. A proxy URL's user and password are never shown:
// messages name a proxy by scheme, host and port, and the variable it came from.
import * as http from "node:http";
import * as https from "node:https";
import type * as net from "node:net";
import * as tls from "node:tls";
import * as E from "fp-ts/Either";
import type * as HttpProxyAgentModule from "http-proxy-agent";
import type * as HttpsProxyAgentModule from "https-proxy-agent";
import { getProxyForUrl } from "proxy-from-env";

export interface Proxy {
    /** scheme://host:port: what messages show (never credentials, path or query). */
    readonly shown: string;
    /** The environment variable it came from, as set (HTTPS_PROXY, https_proxy, ALL_PROXY, ...). */
    readonly variable: string;
    readonly url: URL;
}

/** proxy-from-env's order of variables for a scheme; each is read lower-case first, as it reads them. */
function candidates(scheme: string): string[] {
    return [`npm_config_${scheme}_proxy`, `${scheme}_proxy`, "npm_config_proxy", "all_proxy"].flatMap((k) => [
        k.toLowerCase(),
        k.toUpperCase(),
    ]);
}

const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/i;

/**
 * The proxy for requests to `apiUrl`, none when no variable applies or NO_PROXY exempts its host; a reason (naming
 * the variable, never its value: it may hold a password) when the proxy cannot be used.
 */
export function proxyFor(apiUrl: string): E.Either<string, Proxy | undefined> {
    // proxy-from-env reads process.env: it decides whether a proxy applies (NO_PROXY included) and which.
    const env = process.env;
    const raw = getProxyForUrl(apiUrl);
    if (raw === "") return E.right(undefined);
    const scheme = new URL(apiUrl).protocol.replace(":", "");
    const variable = candidates(scheme).find((k) => (env[k] ?? "") !== "") ?? `${scheme}_proxy`;
    let url: URL;
    try {
        url = new URL(raw);
    } catch {
        return E.left(`the proxy in ${variable} is not a URL (such as http://proxy.example.com:3128)`);
    }
    if (url.protocol !== "http:" && url.protocol !== "https:") {
        return E.left(
            `the proxy in ${variable} is a ${url.protocol.replace(":", "")} proxy: only http:// and https:// proxies are supported`,
        );
    }
    const proxy: Proxy = { shown: `${url.protocol}//${url.host}`, variable, url };
    if (scheme === "http" && !LOOPBACK.test(url.hostname)) {
        // It could not reach this machine's loopback (a local emulator) anyway: that is reached directly.
        if (LOOPBACK.test(new URL(apiUrl).hostname)) return E.right(undefined);
        return E.left(
            `${apiUrl} would be reached through the proxy ${proxy.shown} (${variable}), which would receive the API token in clear text ` +
                `(the API URL is http, not https): add its host to NO_PROXY, or use a proxy on this machine`,
        );
    }
    return E.right(proxy);
}

/** Keep-alive agent options; `maxSockets` is the concurrency cap (runtime.ts lowers it when namespaces share it). */
export interface AgentOptions {
    readonly keepAlive: boolean;
    readonly maxSockets: number;
}

/** The agent for `apiUrl`: direct, a CONNECT tunnel through `proxy` (https), or through a loopback proxy (http). */
export function agentFor(apiUrl: string, proxy: Proxy | undefined, options: AgentOptions): http.Agent {
    const secure = apiUrl.startsWith("https:");
    if (proxy === undefined) return secure ? new https.Agent(options) : new http.Agent(options);
    // Loaded only when a proxy applies: they cost tens of milliseconds of every host's start otherwise.
    if (secure) {
        TunnelAgent ??= tunnelAgentClass((require("https-proxy-agent") as typeof HttpsProxyAgentModule).HttpsProxyAgent);
        return new TunnelAgent(proxy, options);
    }
    const { HttpProxyAgent } = require("http-proxy-agent") as typeof HttpProxyAgentModule;
    return new HttpProxyAgent(proxy.url, options);
}

let TunnelAgent: (new (proxy: Proxy, options: AgentOptions) => http.Agent) | undefined;

/** The code of the error a refused tunnel fails with; its message is the proxy's status line. */
export const PROXY_REFUSED = "EPROXYREFUSED";

/**
 * https-proxy-agent answers a refused CONNECT (403, 407, 502...) with the proxy's own response, which would read as
 * Logz.io's. Here it is a connection failure instead: the request never reached Logz.io.
 */
const tunnelAgentClass = (HttpsProxyAgent: typeof HttpsProxyAgentModule.HttpsProxyAgent) =>
    class TunnelAgent extends HttpsProxyAgent<string> {
        constructor(proxy: Proxy, options: AgentOptions) {
            super(proxy.url.href, options);
        }

        override async connect(
            req: http.ClientRequest,
            opts: Parameters<HttpsProxyAgentModule.HttpsProxyAgent<string>["connect"]>[1],
        ): Promise<net.Socket> {
            let refused: string | undefined;
            req.once("proxyConnect", (answer: { statusCode: number; statusText: string }) => {
                if (answer.statusCode !== 200) refused = `HTTP ${answer.statusCode}${answer.statusText ? ` ${answer.statusText}` : ""}`;
            });
            // https-proxy-agent drops `host` from the TLS options, so an IP address target would be checked as "localhost":
            // the certificate is checked against the API's own host instead.
            const host = opts.host;
            const checked =
                opts.secureEndpoint && host
                    ? { ...opts, checkServerIdentity: (_: string, cert: tls.PeerCertificate) => tls.checkServerIdentity(host, cert) }
                    : opts;
            const socket = await super.connect(req, checked);
            if (refused !== undefined) {
                socket.destroy();
                throw Object.assign(new Error(refused.slice(0, 200)), { code: PROXY_REFUSED });
            }
            return socket;
        }
    };

/** A text from elsewhere (an error's message) with the proxy's user and password taken out, in any spelling seen. */
export function withoutCredentials(text: string, proxy: Proxy | undefined): string {
    if (proxy === undefined) return text;
    const { username, password } = proxy.url;
    let out = text.split(proxy.url.href).join(proxy.shown);
    for (const secret of [password, safeDecode(password), username, safeDecode(username)]) {
        // A one- or two-letter value would garble every message it appears in by chance; a real password is longer.
        if (secret.length >= 3) out = out.split(secret).join("[redacted]");
    }
    return out;
}

function safeDecode(s: string): string {
    try {
        return decodeURIComponent(s);
    } catch {
        return s;
    }
}
