// Loaded with `node --require` into Pulumi's dynamic-provider host by createPath.ts: records every entry into a
// function of this repository's provider/ (dist/provider/**/*.js), with the nearest provider/ file on the synchronous
// calling stack, so createPath.ts can tell which files one create enters, in order, and how often control comes into each
// from another file. A require hook instruments each provider/ file as it loads (a probe call at the start of every
// function body, placed with the TypeScript compiler's parser: no new dependency); the probe reads the caller from
// V8's call sites.
//   BENCH_CREATE_PATH_DIR  where to write segment-<n>.json (nothing happens without it)
//   SIGUSR2                starts recording; the next one stops it and writes what was recorded as the next segment
import * as fs from "node:fs";
import Module = require("node:module");
import * as path from "node:path";
import type * as TS from "typescript";

/** One entry into a provider/ function while recording. */
export interface PathEntry {
    /** The file entered, relative to provider/, as its .ts source: "lifecycle/create.ts". */
    file: string;
    /** The function: its name, or where an anonymous one sits ("create/λ"). */
    fn: string;
    /** The nearest provider/ file on the synchronous calling stack; null when none is. */
    from: string | null;
    /** When `from` is null: the first synchronous frame outside node's internals, if any (the host, a library). */
    outside?: string;
    /** The other provider/ files on the synchronous stack beneath `from`: a file among them has not been left. */
    beneath?: string[];
}

const PROBE = "__benchCreatePathProbe";
const dir = process.env.BENCH_CREATE_PATH_DIR;
// dist/bench/profiling/ -> dist/provider/
const PROVIDER_DIST = path.resolve(__dirname, "..", "..", "provider") + path.sep;

const relative = (file: string): string => path.relative(PROVIDER_DIST, file).split(path.sep).join("/").replace(/\.js$/, ".ts");

/** The source with a probe call at the start of every function body (concise arrow bodies become blocks). */
export function instrument(ts: typeof TS, code: string, file: string): string {
    const sf = ts.createSourceFile(file, code, ts.ScriptTarget.ES2022, true, ts.ScriptKind.JS);
    const inserts: { at: number; text: string }[] = [];
    const nameOf = (node: TS.SignatureDeclaration, enclosing: string): string => {
        const p = node.parent;
        // Class members as Class.member.
        const owner = ts.isClassLike(p) && p.name ? `${p.name.getText(sf)}.` : "";
        if (ts.isConstructorDeclaration(node)) return `${owner}constructor`;
        if (node.name && !ts.isComputedPropertyName(node.name)) return owner + node.name.getText(sf);
        if (
            (ts.isVariableDeclaration(p) || ts.isPropertyAssignment(p) || ts.isPropertyDeclaration(p) || ts.isParameter(p)) &&
            ts.isIdentifier(p.name)
        )
            return (
                (ts.isPropertyDeclaration(p) && ts.isClassLike(p.parent) && p.parent.name ? `${p.parent.name.getText(sf)}.` : "") +
                p.name.text
            );
        return `${enclosing}/λ`;
    };
    const visit = (node: TS.Node, enclosing: string): void => {
        // What tsc emits around the code is no part of it: its helpers (`var __importStar = ...`, whose getters
        // each `import * as` reads through) and re-exports (`Object.defineProperty(exports, "x", { get: ... })`).
        if (ts.isVariableStatement(node) && node.declarationList.declarations.some((d) => /^__/.test(d.name.getText(sf)))) return;
        if (ts.isCallExpression(node) && /^Object\.defineProperty\(exports,/.test(node.getText(sf))) return;
        let inner = enclosing;
        if (
            (ts.isFunctionDeclaration(node) ||
                ts.isFunctionExpression(node) ||
                ts.isArrowFunction(node) ||
                ts.isMethodDeclaration(node) ||
                ts.isConstructorDeclaration(node) ||
                ts.isGetAccessorDeclaration(node) ||
                ts.isSetAccessorDeclaration(node)) &&
            node.body
        ) {
            inner = nameOf(node, enclosing);
            const call = `globalThis.${PROBE}(${JSON.stringify(relative(file))}, ${JSON.stringify(inner)});`;
            if (ts.isBlock(node.body)) inserts.push({ at: node.body.getStart(sf) + 1, text: call });
            else {
                inserts.push({ at: node.body.getStart(sf), text: `{ ${call} return (` });
                inserts.push({ at: node.body.getEnd(), text: "); }" });
            }
        }
        ts.forEachChild(node, (child) => visit(child, inner));
    };
    visit(sf, "(top)");
    // From the end, so that earlier offsets stay valid; at one offset, the later-pushed (inner) text goes first.
    inserts.sort((a, b) => b.at - a.at);
    let out = code;
    for (const { at, text } of inserts) out = out.slice(0, at) + text + out.slice(at);
    return out;
}

if (dir && /dynamic-provider/.test(process.argv[1] ?? "")) {
    let recording = false;
    let entries: PathEntry[] = [];
    let segment = 0;

    const probe = (file: string, fn: string): void => {
        if (!recording) return;
        const prepare = Error.prepareStackTrace;
        const limit = Error.stackTraceLimit;
        Error.prepareStackTrace = (_e, sites) => sites;
        Error.stackTraceLimit = 200;
        const holder: { stack?: NodeJS.CallSite[] } = {};
        Error.captureStackTrace(holder, probe);
        const sites = holder.stack ?? [];
        Error.prepareStackTrace = prepare;
        Error.stackTraceLimit = limit;
        // sites[0] is the instrumented function itself.
        let from: string | null = null;
        let outside: string | undefined;
        const beneath: string[] = [];
        for (const site of sites.slice(1)) {
            // Async frames (an `await` waiting for this chain) are no caller: from there on, this entry runs from a
            // promise job, a resumption, not a call.
            if (site.isAsync()) break;
            const name = site.getFileName() ?? "";
            if (name.startsWith(PROVIDER_DIST)) {
                const f = relative(name);
                if (from === null) from = f;
                else if (f !== from && !beneath.includes(f)) beneath.push(f);
                continue;
            }
            if (from === null && outside === undefined && name !== "" && !name.startsWith("node:")) outside = name;
        }
        entries.push({
            file,
            fn,
            from,
            ...(from === null && outside !== undefined ? { outside } : {}),
            ...(beneath.length > 0 ? { beneath } : {}),
        });
    };
    (globalThis as Record<string, unknown>)[PROBE] = probe;

    type Loader = (module: { _compile(code: string, file: string): void }, file: string) => void;
    const extensions = (Module as unknown as { _extensions: Record<string, Loader> })._extensions;
    const plain = extensions[".js"];
    let ts: typeof TS | undefined;
    extensions[".js"] = (module, file) => {
        if (!file.startsWith(PROVIDER_DIST)) return plain(module, file);
        ts ??= require("typescript") as typeof TS;
        module._compile(instrument(ts, fs.readFileSync(file, "utf8"), file), file);
    };

    process.on("SIGUSR2", () => {
        if (!recording) {
            entries = [];
            recording = true;
            fs.writeFileSync(path.join(dir, `started-${segment}`), "");
        } else {
            recording = false;
            // Written whole, then renamed: the reader polls for the name and must never see a half-written file.
            const final = path.join(dir, `segment-${segment}.json`);
            fs.writeFileSync(`${final}.partial`, JSON.stringify(entries));
            fs.renameSync(`${final}.partial`, final);
            segment++;
        }
    });
}
