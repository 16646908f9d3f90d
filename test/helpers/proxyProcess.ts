// A real HTTP proxy (the `proxy` package: CONNECT tunnels and plain forwarding) in a process of its own, for the
// proxy tests. It prints one JSON line per event on stdout: `listening` (its port), then each `connect` (CONNECT
// target and headers) and `request` (a forwarded request's method, URL and headers). Every byte clients send it is
// appended to the file PROXY_CAPTURE, so a test can search all the proxy ever saw. PROXY_AUTH=user:password makes it
// demand those credentials (407 otherwise).
import * as fs from "node:fs";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { createProxy } from "proxy";

const capture = process.env.PROXY_CAPTURE;
const auth = process.env.PROXY_AUTH;
const say = (event: Record<string, unknown>) => process.stdout.write(`${JSON.stringify(event)}\n`);

const server = http.createServer();
server.on("connection", (socket) => {
    if (capture) socket.on("data", (chunk: Buffer) => fs.appendFileSync(capture, chunk));
});
// Listeners added before createProxy's own run first: they see every request as it arrived.
server.on("connect", (req: http.IncomingMessage) => say({ event: "connect", url: req.url, headers: req.headers }));
server.on("request", (req: http.IncomingMessage) => say({ event: "request", method: req.method, url: req.url, headers: req.headers }));
const proxy = createProxy(server);
if (auth !== undefined) {
    const expected = `Basic ${Buffer.from(auth).toString("base64")}`;
    proxy.authenticate = (req) => req.headers["proxy-authorization"] === expected;
}
server.listen(0, "127.0.0.1", () => say({ event: "listening", port: (server.address() as AddressInfo).port }));
