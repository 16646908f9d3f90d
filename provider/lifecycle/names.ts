// When two SIEM account names count as the same, and which names `check` accepts. Logz.io may store a name trimmed,
// with runs of spaces collapsed or in another case (docs/logzio-api.md), and a person may type one name in several
// Unicode spellings, so the duplicate-name guard (check and create), the claims of one host, the journal of creates
// whose outcome is unknown, adoption and the diff of old state all compare names by one key: a false alarm costs a
// rename, a miss costs a second billed account.

import { SECRET_SHOWN } from "../logzio/text";

/** Printable ASCII: most names, whose key needs no Unicode work. */
const ASCII = /^[\x20-\x7e]*$/;
// Zero-width spaces and joiners, soft hyphens, BOMs: Unicode says to ignore them when comparing (NFKC_Casefold does).
const IGNORABLE = /\p{Default_Ignorable_Code_Point}/gu;

/**
 * The comparison key of a name (docs/behaviour.md, "The duplicate guard"):
 * 1. NFKC: composed accents, and compatibility forms as their plain letters (`Ｐｒｏｄ` and `prod`, `ﬁ` and `fi`);
 * 2. default-ignorable code points removed (zero-width space, joiners, soft hyphen);
 * 3. full case folding, as JavaScript can do it: lower, upper, then lower case again (`ß`, `ẞ` and `SS` are `ss`;
 *    long `ſ` is `s`; the Kelvin sign is `k`; final and medial sigma agree). This joins every pair that Unicode's
 *    case folding joins, and a few more (dotless `ı` and `i`): more false alarms, never fewer;
 * 4. NFKC again (case mapping can leave a letter decomposed);
 * 5. surrounding whitespace removed, runs of whitespace as one space.
 * Every code point's key is its own key, and the key of its upper and lower case (test/unit/nameKey.test.ts).
 */
export function nameKey(name: string): string {
    if (ASCII.test(name)) return name.trim().replace(/\s+/g, " ").toLowerCase();
    return name
        .normalize("NFKC")
        .replace(IGNORABLE, "")
        .toLowerCase()
        .toUpperCase()
        .toLowerCase()
        .normalize("NFKC")
        .trim()
        .replace(/\s+/g, " ");
}

/** Whether Logz.io may hold `a` and `b` as one name (nameKey: case, spaces and Unicode spelling aside). */
export function sameName(a: string, b: string): boolean {
    return a === b || nameKey(a) === nameKey(b);
}

/** Leading or trailing whitespace, or a run of it inside: what Logz.io may not store as sent. */
export function hasLooseSpaces(name: string): boolean {
    return name !== name.trim() || /\s\s/.test(name);
}

// --- what check accepts -------------------------------------------------------------------------------

/** Logz.io: letters, digits, `-`, `.`, `_` and spaces (U+0020); `< > : " / \ | ? *` are refused. */
export const NAME_CHAR = /^[\p{L}\p{N}._ -]$/u;

// The characters people paste by accident, by name; the rest are described by their Unicode category.
const CHAR_NAMES: Record<number, string> = {
    0x09: "tab",
    0x0a: "line feed",
    0x0d: "carriage return",
    0x22: "quotation mark",
    0x2a: "asterisk",
    0x2f: "slash",
    0x3a: "colon",
    0x3c: "less-than sign",
    0x3e: "greater-than sign",
    0x3f: "question mark",
    0x5c: "backslash",
    0x7c: "vertical bar",
    0xa0: "no-break space",
    0xad: "soft hyphen",
    0x2007: "figure space",
    0x2009: "thin space",
    0x200a: "hair space",
    0x200b: "zero-width space",
    0x200c: "zero-width non-joiner",
    0x200d: "zero-width joiner",
    0x200e: "left-to-right mark",
    0x200f: "right-to-left mark",
    0x2010: "hyphen",
    0x2011: "non-breaking hyphen",
    0x2012: "figure dash",
    0x2013: "en dash",
    0x2014: "em dash",
    0x2018: "left single quotation mark",
    0x2019: "right single quotation mark",
    0x201c: "left double quotation mark",
    0x201d: "right double quotation mark",
    0x2028: "line separator",
    0x2029: "paragraph separator",
    0x202f: "narrow no-break space",
    0x2060: "word joiner",
    0x2212: "minus sign",
    0x3000: "ideographic space",
    0xfeff: "zero-width no-break space (byte order mark)",
};

function describeChar(cp: number): string {
    const named = CHAR_NAMES[cp];
    if (named !== undefined) return named;
    const c = String.fromCodePoint(cp);
    if (/\s/u.test(c)) return "a space other than the plain space";
    if (/\p{M}/u.test(c)) return "a combining mark";
    if (/\p{Cf}/u.test(c)) return "an invisible formatting character";
    if (/\p{Cc}/u.test(c)) return "a control character";
    if (/\p{Pd}/u.test(c)) return "a dash other than '-'";
    if (/\p{Extended_Pictographic}/u.test(c)) return "an emoji";
    if (/\p{P}/u.test(c)) return "punctuation";
    if (/\p{S}/u.test(c)) return "a symbol";
    return "a character Logz.io does not accept in a name";
}

const codePoint = (cp: number) => `U+${cp.toString(16).toUpperCase().padStart(4, "0")}`;

/** What most likely was meant: spaces as the plain space, invisible characters dropped, dashes as '-'. */
function likelySpelling(name: string): string {
    return [...name.normalize("NFC")]
        .map((c) => (/\s/u.test(c) ? " " : /\p{Cf}/u.test(c) ? "" : /[\p{Pd}\u2212]/u.test(c) ? "-" : c))
        .join("")
        .trim()
        .replace(/ +/g, " ");
}

/** Quoted for a message, with invisible characters and spaces other than U+0020 written as `\uXXXX`, so they show. */
const quoted = (s: string) =>
    JSON.stringify(s.length > 100 ? `${s.slice(0, 97)}...` : s).replace(
        /[\p{Cf}\p{Zl}\p{Zp}]|(?! )\p{Zs}/gu,
        (c) => `\\u${c.codePointAt(0)!.toString(16).padStart(4, "0")}`,
    );

/**
 * Why `check` refuses this accountName, or undefined when every character is accepted. Each refused character is
 * shown by code point, name and position (the first three), so an invisible one can be found and fixed, and the
 * spelling to use is given when there is one. A decomposed accent (`e` + U+0301) is refused with its composed
 * spelling: accepting it silently would send, store and compare something other than what the program says.
 */
export function accountNameProblem(name: string, show: (name: string) => string = quoted): string | undefined {
    // A secret name is shown as `[secret]` (inputs.ts): then neither it nor a spelling derived from it is printed.
    const secret = show(name) === SECRET_SHOWN;
    const asGiven = secret ? SECRET_SHOWN : quoted(name);
    const chars = [...name];
    const bad: { cp: number; at: number }[] = [];
    chars.forEach((c, i) => {
        if (!NAME_CHAR.test(c)) bad.push({ cp: c.codePointAt(0)!, at: i + 1 });
    });
    if (bad.length === 0) return undefined;
    const composed = name.normalize("NFC");
    if (composed !== name && [...composed].every((c) => NAME_CHAR.test(c))) {
        const first = bad[0];
        const letter = [...composed].find((c, i) => c !== chars[i]) ?? composed;
        return (
            `accountName ${asGiven} may contain only letters, digits, '-', '.', '_' and spaces, and it has an accent written ` +
            `as a separate combining mark (${codePoint(first.cp)} at position ${first.at}): write it composed` +
            (secret ? "" : `, ${quoted(composed)} (${letter} is ${codePoint(letter.codePointAt(0)!)})`)
        );
    }
    const shown = bad
        .slice(0, 3)
        .map((b) => `${codePoint(b.cp)} (${describeChar(b.cp)}) at position ${b.at}`)
        .join(", ");
    const more = bad.length > 3 ? `, and ${bad.length - 3} more` : "";
    const fixed = likelySpelling(name);
    const use = !secret && fixed !== "" && [...fixed].every((c) => NAME_CHAR.test(c)) ? `: write it as ${quoted(fixed)}` : "";
    return (
        `accountName ${asGiven} may contain only letters, digits, '-', '.', '_' and spaces (U+0020; Logz.io refuses ` +
        `< > : " / \\ | ? *), and it contains ${shown}${more}${use}`
    );
}
