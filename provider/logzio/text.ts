// Text that reaches a person (errors, check failures): scrubbed of the token in every form it may take, and of
// the values the program marked secret, cut to a bounded size, lists summarised. Everything here is linear in its input, because the input can be
// a hostile body from the network and one host serves every resource of a stack.

/** Every error message and check failure reason the provider produces is at most this long. */
export const MAX_MESSAGE_CHARS = 2048;
export const REDACTED = "[redacted]";
/** A secret's prefix this long, where a text was cut, is removed too (shorter ones say nothing usable). */
const MIN_CUT_PREFIX = 4;

interface Form {
    readonly text: string;
    /** ASCII letters match in any case (a server may upper- or lower-case what it echoes). */
    readonly caseless: boolean;
    /** Its borders (KMP), for finding a cut prefix of it. */
    readonly fail: readonly number[];
}

/**
 * The shapes a token takes in text others produced: as is (any case), JSON-escaped, URL-encoded, hex, without its
 * dashes (a UUID token), base64 at any offset. Percent-encoding, HTML entities and line breaks are undone in a
 * decoded view of the text instead (decodedView), so every form is also found fully encoded or wrapped.
 */
function formsOf(secret: string): Form[] {
    const forms: Form[] = [];
    const add = (text: string, caseless: boolean) => {
        if (text.length >= MIN_CUT_PREFIX && !forms.some((f) => f.text === text)) {
            const t = caseless ? asciiLower(text) : text;
            forms.push({ text: t, caseless, fail: borders(t) });
        }
    };
    add(secret, true);
    const json = JSON.stringify(secret).slice(1, -1);
    add(json, true);
    add(json.replace(/\//g, "\\/"), true);
    add(encodeURIComponent(secret), true);
    if (secret.includes("-") && secret.replace(/-/g, "").length >= 8) add(secret.replace(/-/g, ""), true);
    const bytes = Buffer.from(secret, "utf8");
    add(bytes.toString("hex"), true);
    // base64 of a longer text (`Basic base64(user:token)`) encodes the token differently at each byte offset
    // mod 3: keep, for each offset, only the characters that depend on the token's bytes alone.
    for (let k = 0; k < 3; k++) {
        const encoded = Buffer.concat([Buffer.alloc(k), bytes])
            .toString("base64")
            .replace(/=+$/, "");
        const core = encoded.slice(Math.ceil((8 * k) / 6), Math.floor((8 * (k + bytes.length)) / 6));
        if (core.length >= 8) {
            add(core, false);
            add(core.replace(/\+/g, "-").replace(/\//g, "_"), false);
        }
    }
    return forms;
}

// Every answer's body is scrubbed (interpret in answers.ts), always for the same token: its forms are worked
// out once. One entry, replaced when the token changes, so nothing accumulates.
let cachedForms: { secret: string; forms: readonly Form[] } | undefined;
function formsOfCached(secret: string): readonly Form[] {
    if (cachedForms?.secret !== secret) cachedForms = { secret, forms: formsOf(secret) };
    return cachedForms.forms;
}

/** A text with some of its encodings undone; `from[i]`/`to[i]`: the range of the original that view character i came from. */
interface View {
    readonly text: string;
    readonly from: Int32Array;
    readonly to: Int32Array;
}

/** The decoded view is built over slices of this many characters (overlapping by VIEW_OVERLAP): bounded memory for a 32 MiB body. */
const VIEW_SLICE = 1 << 20;
const VIEW_OVERLAP = 4096;

const NAMED_ENTITIES: Record<string, string> = {
    amp: "&",
    lt: "<",
    gt: ">",
    quot: '"',
    apos: "'",
    sol: "/",
    bsol: "\\",
    plus: "+",
    equals: "=",
};

/** What decodedView may undo starts with one of these: a line break, JSON's `\n`/`\r`, `%` or `&`. */
const UNDOABLE = /[\r\n%&]|\\[nr]/;

/**
 * The text with line breaks (and the indentation that continues a folded line, and JSON's `\n`/`\r` escapes)
 * removed, `%XX` escapes of ASCII and HTML character references decoded: one pass, each step reading a bounded
 * number of characters. Undefined when nothing was undone.
 */
function decodedView(text: string): View | undefined {
    // Most texts (every usual JSON answer) hold nothing to undo: no need to copy them character by character.
    if (!UNDOABLE.test(text)) return undefined;
    let out = "";
    const from = new Int32Array(text.length);
    const to = new Int32Array(text.length);
    let n = 0;
    let changed = false;
    const push = (c: string, start: number, end: number) => {
        out += c;
        from[n] = start;
        to[n] = end;
        n++;
    };
    for (let i = 0; i < text.length;) {
        const c = text[i];
        if (c === "\r" || c === "\n" || (c === "\\" && (text[i + 1] === "n" || text[i + 1] === "r"))) {
            changed = true;
            i += c === "\\" ? 2 : 1;
            // A folded line continues after its indentation.
            if (c === "\n" || text[i - 1] === "n") while (i < text.length && (text[i] === " " || text[i] === "\t")) i++;
            continue;
        }
        if (c === "%" && i + 2 < text.length) {
            const hex = text.slice(i + 1, i + 3);
            if (/^[0-7][0-9a-fA-F]$/.test(hex)) {
                push(String.fromCharCode(parseInt(hex, 16)), i, i + 3);
                changed = true;
                i += 3;
                continue;
            }
        }
        if (c === "&") {
            const m = /^&(#[xX][0-9a-fA-F]{1,6}|#[0-9]{1,7}|[a-zA-Z]{2,6});/.exec(text.slice(i, i + 12));
            if (m) {
                const ref = m[1];
                const code =
                    ref[0] !== "#" ? undefined : ref[1] === "x" || ref[1] === "X" ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
                const decoded =
                    code !== undefined ? (code < 0x80 ? String.fromCharCode(code) : undefined) : NAMED_ENTITIES[ref.toLowerCase()];
                if (decoded !== undefined) {
                    push(decoded, i, i + m[0].length);
                    changed = true;
                    i += m[0].length;
                    continue;
                }
            }
        }
        push(c, i, i + 1);
        i++;
    }
    return changed ? { text: out, from, to } : undefined;
}

/** Lower-cases A-Z only, so positions stay those of the original text (full Unicode lower-casing may not). */
function asciiLower(s: string): string {
    // For ASCII text the built-in lower-casing is the same, and much faster than a replace per run of capitals.
    return NON_ASCII.test(s) ? s.replace(/[A-Z]+/g, (m) => m.toLowerCase()) : s.toLowerCase();
}
const NON_ASCII = /[\u0080-\uffff]/;

/** For each prefix length of `p`, the longest proper border (Knuth-Morris-Pratt). */
function borders(p: string): number[] {
    const fail = new Array<number>(p.length).fill(0);
    for (let i = 1, k = 0; i < p.length; i++) {
        while (k > 0 && p[i] !== p[k]) k = fail[k - 1];
        if (p[i] === p[k]) k++;
        fail[i] = k;
    }
    return fail;
}

/** Length of the longest prefix of `p` that ends `text` at `end` (reads at most p.length characters back). */
function prefixEndingAt(text: string, end: number, p: string, fail: readonly number[]): number {
    let k = 0;
    for (let i = Math.max(0, end - p.length + 1); i < end; i++) {
        while (k > 0 && (k === p.length || text[i] !== p[k])) k = fail[k - 1];
        if (text[i] === p[k]) k++;
    }
    return k;
}

/**
 * Removes every secret from `text`: each form anywhere, and a prefix of one where the text was cut (at its
 * end or before an ellipsis). Secrets shorter than 8 characters are refused by the settings, so they never
 * garble a message here.
 */
export function scrub(text: string, secrets: readonly string[]): string {
    const usable = secrets.filter((s) => s.length >= 8);
    if (usable.length === 0 || text.length === 0) return text;
    const ranges: [number, number][] = [];
    const forms = usable.flatMap(formsOfCached);
    findForms(text, forms, ranges, true);
    // The same search in the decoded view, its matches mapped back onto the original text.
    for (let start = 0; start < text.length; start += VIEW_SLICE) {
        const end = Math.min(text.length, start + VIEW_SLICE + VIEW_OVERLAP);
        const view = decodedView(text.slice(start, end));
        if (view === undefined) continue;
        const found: [number, number][] = [];
        findForms(view.text, forms, found, end === text.length);
        for (const [a, b] of found) ranges.push([start + view.from[a], start + view.to[b - 1]]);
    }
    if (ranges.length === 0) return text;
    ranges.sort((a, b) => a[0] - b[0]);
    // Overlapping or touching pieces become one marker.
    let out = "";
    let pos = 0;
    let open = false;
    for (const [start, end] of ranges) {
        if (open && start <= pos) {
            pos = Math.max(pos, end);
            continue;
        }
        out += text.slice(pos, start) + REDACTED;
        pos = end;
        open = true;
    }
    return out + text.slice(pos);
}

/** Every occurrence of each form in `text`, and a prefix of one where the text was cut (its end, or an ellipsis). */
function findForms(text: string, forms: readonly Form[], ranges: [number, number][], endIsCut: boolean): void {
    const lower = asciiLower(text);
    const cuts = endIsCut ? [text.length] : [];
    for (const m of text.matchAll(/\.\.\.|\u2026/g)) {
        // Enough for any message; a hostile body full of ellipses must not make this quadratic.
        if (cuts.length > 1024) break;
        cuts.push(m.index ?? 0);
    }
    for (const form of forms) {
        const haystack = form.caseless ? lower : text;
        for (let at = haystack.indexOf(form.text); at >= 0; at = haystack.indexOf(form.text, at + 1)) {
            ranges.push([at, at + form.text.length]);
        }
        for (const cut of cuts) {
            const n = prefixEndingAt(haystack, cut, form.text, form.fail);
            if (n >= MIN_CUT_PREFIX) ranges.push([cut - n, cut]);
        }
    }
}

/** Cuts `text` to at most `max` characters, saying how much was left out. Scrub before calling this. */
export function bounded(text: string, max = MAX_MESSAGE_CHARS): string {
    if (text.length <= max) return text;
    const note = ` ... (${(text.length - max).toLocaleString("en-US")}+ more characters)`;
    let end = Math.max(0, max - note.length);
    // Never split a surrogate pair.
    if (end > 0 && /[\ud800-\udbff]/.test(text[end - 1])) end--;
    return text.slice(0, end) + note;
}

/** `a, b, c, and 99,990 more`: the first `max` items of a list that may be huge. */
export function summarise(items: readonly string[], max = 10, separator = ", "): string {
    const shown = items.slice(0, max).join(separator);
    const rest = items.length - max;
    return rest > 0 ? `${shown}${separator}and ${rest.toLocaleString("en-US")} more` : shown;
}

/** One line of at most `max` characters. */
export function excerpt(text: string, max = 200): string {
    const flat = text.replace(/\s+/g, " ").trim();
    return flat.length > max ? `${flat.slice(0, max - 3)}...` : flat;
}

/** The title of an HTML page, or its text without tags. Linear: no pattern here can backtrack. */
export function stripHtml(text: string): string {
    const lower = asciiLower(text);
    const open = lower.indexOf("<title");
    if (open >= 0) {
        const start = lower.indexOf(">", open);
        const end = start >= 0 ? lower.indexOf("</title", start) : -1;
        if (end >= 0) {
            const title = text.slice(start + 1, end).trim();
            if (title !== "" && !title.includes("<")) return title;
        }
    }
    // `[^<>]*` stops at the next `<`, so a body of a million `<` is one pass, not a million.
    return text
        .replace(/<[^<>]*>/g, " ")
        .replace(/\s+/g, " ")
        .trim();
}

/** `text` ending as a sentence: a full stop is added unless it already ends with `.`, `!` or `?`. */
export function sentence(text: string): string {
    const trimmed = text.trimEnd();
    return trimmed === "" || /[.!?]$/.test(trimmed) ? trimmed : `${trimmed}.`;
}

/** The first line of a message, without its closing full stop: for quoting one failure inside another message. */
export function headline(text: string): string {
    const first = text.split("\n", 1)[0];
    return first.endsWith(".") ? first.slice(0, -1) : first;
}

/** What stands in a message for a value the program marked secret. */
export const SECRET_SHOWN = "[secret]";

/**
 * Replaces in `text` every value the program marked secret, as `[secret]`. A name is found as Logz.io may echo or
 * list it (names.ts): in any letter case and with any run of spaces, also in NFC or NFD, and JSON-escaped; a number
 * only as a whole number. Where a text was cut (at its end or before an ellipsis), a prefix of a value of 4 or
 * more characters goes too. For messages only: each value costs at most the text's length times its own.
 */
export function hideValues(text: string, values: readonly (string | number)[]): string {
    if (values.length === 0 || text.length === 0) return text;
    let out = text;
    const prefixes: string[] = [];
    for (const value of values) {
        if (typeof value === "number") {
            if (Number.isFinite(value))
                out = out.replace(new RegExp(`(?<![\\d.])${escapeRegExp(String(value))}(?![\\d])`, "g"), SECRET_SHOWN);
            continue;
        }
        const trimmed = value.trim();
        if (trimmed === "") continue;
        prefixes.push(trimmed);
        const forms = new Set([trimmed, trimmed.normalize("NFC"), trimmed.normalize("NFD"), JSON.stringify(trimmed).slice(1, -1)]);
        for (const form of forms) {
            const pattern = form.split(/\s+/).map(escapeRegExp).join("\\s+");
            // Not inside a longer word: a secret "prod" leaves "production" alone.
            const before = /^[\p{L}\p{N}]/u.test(form) ? "(?<![\\p{L}\\p{N}])" : "";
            const after = /[\p{L}\p{N}]$/u.test(form) ? "(?![\\p{L}\\p{N}])" : "";
            out = out.replace(new RegExp(`${before}${pattern}${after}`, "giu"), SECRET_SHOWN);
        }
    }
    return prefixes.length === 0 ? out : withoutCutPrefixes(out, prefixes);
}

const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");

/** A value's prefix (4 characters or more, ASCII letters in any case) that ends the text or stands before an ellipsis. */
function withoutCutPrefixes(text: string, values: readonly string[]): string {
    // bounded() cuts with " ... (N+ more characters)": the space before an ellipsis belongs to the cut too.
    const cuts = [...text.matchAll(/ ?(\.\.\.|\u2026)/g)].slice(0, 64).map((m) => m.index ?? 0);
    cuts.push(text.length);
    const lower = asciiLower(text);
    const ranges: [number, number][] = [];
    for (const value of values) {
        const v = asciiLower(value);
        const fail = borders(v);
        for (const cut of cuts) {
            const n = prefixEndingAt(lower, cut, v, fail);
            if (n >= 4) ranges.push([cut - n, cut]);
        }
    }
    if (ranges.length === 0) return text;
    // From the end, so earlier positions stay valid; a range overlapping one already replaced is skipped.
    ranges.sort((a, b) => b[0] - a[0]);
    let out = text;
    let limit = Infinity;
    for (const [start, end] of ranges) {
        if (end > limit) continue;
        out = out.slice(0, start) + SECRET_SHOWN + out.slice(end);
        limit = start;
    }
    return out;
}
