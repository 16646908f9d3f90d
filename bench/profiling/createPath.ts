// `node dist/bench/profiling/createPath.js [--seeded N]`: which provider/ files one create goes through, in order,
// and how often it touches each. A visit is control entering a file from another provider/ file, or from outside
// provider/ by a call (the host calling the provider); a return to a caller is not one, nor is a promise callback
// resuming a file's own chain (fp-ts's TaskEither and `await` alike), nor a call into a file that is still on the
// synchronous stack beneath its caller (the limiter running the task the client handed it: the client was never left).
// A touch is a pass of visits: a caller's visits to one file in a row, with no visit into the caller in between (a
// loop over a helper, two questions asked of one list), are one touch. A step file hands control on to other provider/
// files; a helper file calls none (names, codecs, the clock). "A create touches each file of its path once": each step
// file once, and the wire's step files once per request (test/bench/createPath.test.ts).
//
// It runs the real code path: Pulumi's dynamic-provider host, configured as the engine configures it, the serialized
// SiemAccount, the loopback emulator (N existing accounts, 25 by default, as in createOverhead). Per resource, as the
// engine does, a Check and then the Create; only the Create is recorded (createPathPreload.ts, toggled by SIGUSR2).
// Two resources: the first create of a fresh host (its token check was done by the first Check) and a second one.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { SiemAccount } from "../../provider";
import { captureResources } from "../../testing/runner/providerCapture";
import { ProviderHost, urnFor } from "../../testing/runner/hostDriver";
import { CREATE, SIEM_TYPE, resetWith, withHost } from "../common";
import type { PathEntry } from "./createPathPreload";

const PRELOAD = path.join(__dirname, "createPathPreload.js");
const PROVIDER_SRC = path.resolve(__dirname, "..", "..", "..", "provider");

export interface FileVisits {
    file: string;
    visits: number;
    /** Passes of visits: a caller's visits in a row, with no visit into the caller in between, are one touch. */
    touches: number;
    /** Function entries in the file, its own calls included. */
    entries: number;
    /** Whether the file hands control on to another provider/ file (a step of the path) or calls none (a helper). */
    step: boolean;
    /** Where each touch came from ("(host)" for a call from outside provider/). */
    from: string[];
}

export interface CreatePath {
    /** Visits in order: the file entered, from where, and the function entered. */
    visits: { file: string; from: string; fn: string }[];
    files: FileVisits[];
    /** Promise callbacks and other entries with no caller in provider/ nor in the host: a file's own chain resuming. */
    resumptions: number;
    /** Calls into a file still on the synchronous stack beneath the caller: a callback it handed over, run for it. */
    continuations: number;
    requests: string[];
}

/** Visits and touches from the recorded entries. */
export function visitsOf(entries: PathEntry[]): Omit<CreatePath, "requests"> {
    const visits: CreatePath["visits"] = [];
    let resumptions = 0;
    let continuations = 0;
    for (const e of entries) {
        if (e.from === e.file) continue;
        if (e.from === null) {
            // Called from outside provider/: the host's gRPC server (through the serialized shim) is a visit; a
            // microtask or library callback with nothing of ours or the host's beneath it is a chain resuming.
            if (e.outside === undefined || !/@pulumi[\\/]pulumi/.test(e.outside)) {
                resumptions++;
                continue;
            }
        } else if (e.beneath?.includes(e.file)) {
            continuations++;
            continue;
        }
        visits.push({ file: e.file, from: e.from ?? "(host)", fn: e.fn });
    }
    const byFile = new Map<string, FileVisits>();
    for (const e of entries) {
        const f = byFile.get(e.file) ?? { file: e.file, visits: 0, touches: 0, entries: 0, step: false, from: [] };
        f.entries++;
        byFile.set(e.file, f);
    }
    // Per caller, the file its last visit went to; a visit into the caller ends that pass.
    const lastOut = new Map<string, string>();
    for (const v of visits) {
        const f = byFile.get(v.file)!;
        f.visits++;
        if (v.from !== "(host)") byFile.get(v.from)!.step = true;
        if (lastOut.get(v.from) !== v.file) {
            f.touches++;
            f.from.push(v.from);
        }
        lastOut.set(v.from, v.file);
        lastOut.delete(v.file);
    }
    // In the order each file was first entered.
    return { visits, files: [...byFile.values()], resumptions, continuations };
}

function providerFiles(): number {
    const walk = (d: string): string[] =>
        fs
            .readdirSync(d, { withFileTypes: true })
            .flatMap((x) => (x.isDirectory() ? walk(path.join(d, x.name)) : x.name.endsWith(".ts") ? [x.name] : []));
    return walk(PROVIDER_SRC).length;
}

async function waitFor(file: string): Promise<void> {
    for (let i = 0; i < 500 && !fs.existsSync(file); i++) await new Promise((r) => setTimeout(r, 10));
    if (!fs.existsSync(file)) throw new Error(`the host wrote no ${path.basename(file)}: was createPathPreload.js loaded?`);
}

export async function measureCreatePath(seeded = 25): Promise<CreatePath[]> {
    const captured = await captureResources(() => {
        new SiemAccount("probe", { accountName: "probe", email: "probe@example.com" });
    });
    const provider = captured.find((c) => c.type === SIEM_TYPE)?.inputs.__provider;
    if (typeof provider !== "string") throw new Error("no serialized SiemAccount provider");
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-create-path-"));
    try {
        const extras = { nodeArgs: ["--require", PRELOAD], env: { BENCH_CREATE_PATH_DIR: dir } };
        return await withHost(
            {},
            {},
            async (emulator, host: ProviderHost) => {
                resetWith(emulator, seeded);
                const out: CreatePath[] = [];
                for (let k = 0; k < 2; k++) {
                    const name = `path-${k}`;
                    const urn = urnFor(name, SIEM_TYPE);
                    const checked = await host.check(urn, {}, { __provider: provider, accountName: name, email: `${name}@example.com` });
                    if (checked.failures.length > 0) throw new Error(`check failed: ${JSON.stringify(checked.failures)}`);
                    const before = emulator.requests.length;
                    process.kill(host.pid, "SIGUSR2");
                    await waitFor(path.join(dir, `started-${k}`));
                    await host.create(urn, checked.inputs);
                    process.kill(host.pid, "SIGUSR2");
                    const segment = path.join(dir, `segment-${k}.json`);
                    await waitFor(segment);
                    const entries = JSON.parse(fs.readFileSync(segment, "utf8")) as PathEntry[];
                    if (entries.length === 0)
                        throw new Error("the create entered no provider/ function: were provider/ files instrumented?");
                    const requests = emulator.requests.slice(before).map((r) => `${r.method} ${r.path} ${r.status}`);
                    out.push({ ...visitsOf(entries), requests });
                }
                if (emulator.count(CREATE) !== 2) throw new Error(`expected 2 POSTs, the emulator saw ${emulator.count(CREATE)}`);
                return out;
            },
            extras,
        );
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
}

export function formatCreatePath(label: string, p: CreatePath, total: number, inOrder = true): string {
    const width = Math.max(4, ...p.files.map((f) => f.file.length));
    const count = (xs: string[]): string => {
        const m = new Map<string, number>();
        for (const x of xs) m.set(x, (m.get(x) ?? 0) + 1);
        return [...m].map(([k, n]) => (n > 1 ? `${k} ×${n}` : k)).join(", ");
    };
    return [
        `${label}: ${p.files.length} of ${total} provider files, ${p.visits.length} visits (${p.files.reduce((n, f) => n + f.touches, 0)} touches), ` +
            `${p.resumptions} resumptions, ${p.continuations} continuations; requests: ${p.requests.join(", ")}`,
        `  ${"file".padEnd(width)}  kind    visits  touches  entries  touched from`,
        ...p.files.map(
            (f) =>
                `  ${f.file.padEnd(width)}  ${(f.step ? "step" : "helper").padEnd(6)}  ${String(f.visits).padStart(6)}  ${String(f.touches).padStart(7)}  ${String(f.entries).padStart(7)}  ${count(f.from)}`,
        ),
        ...(inOrder
            ? ["  in order:", ...p.visits.map((v, i) => `  ${String(i + 1).padStart(3)}. ${v.file} (${v.fn}) from ${v.from}`)]
            : []),
    ].join("\n");
}

if (require.main === module) {
    const args = process.argv.slice(2);
    const i = args.indexOf("--seeded");
    const seeded = i >= 0 ? Number(args[i + 1]) : 25;
    if (!Number.isInteger(seeded) || seeded < 0) {
        console.error("usage: node dist/bench/profiling/createPath.js [--seeded N]");
        process.exit(2);
    }
    measureCreatePath(seeded).then(
        ([first, second]) => {
            const total = providerFiles();
            console.log(formatCreatePath("first create of a fresh host", first, total));
            console.log("");
            console.log(formatCreatePath("second create, same host", second, total, false));
        },
        (e: unknown) => {
            console.error(e instanceof Error ? e.message : e);
            process.exit(1);
        },
    );
}
