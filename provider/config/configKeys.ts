// Config keys nobody reads are refused, not ignored: an ignored `logzio:customApiURL` sends the token to the region's
// public API instead of the URL the user meant. `logzio-siem:` and a resource's own namespace belong to this package,
// so any key there it does not define is refused. `logzio:` belongs to Logz.io's bridged provider too, so only
// spellings of a key this package reads (another case, a typo or two) are refused there; its other keys stay its own.

/** At most this many edits (insert, delete, substitute, swap) make a key a misspelling of a known one. */
const MAX_EDITS = 2;

/** The known key `key` probably meant, or undefined when it is none of them (or is one exactly). */
export function probablyMeant(key: string, known: readonly string[]): string | undefined {
    if (known.includes(key)) return undefined;
    const lower = key.toLowerCase();
    const sameLetters = known.find((k) => k.toLowerCase() === lower);
    if (sameLetters !== undefined) return sameLetters;
    // Short keys are too easily a few edits from anything: only the case rule applies to them.
    if (key.length < 6) return undefined;
    let best: { key: string; edits: number } | undefined;
    for (const k of known) {
        const edits = editDistance(lower, k.toLowerCase(), MAX_EDITS);
        if (edits <= MAX_EDITS && (best === undefined || edits < best.edits)) best = { key: k, edits };
    }
    return best?.key;
}

/**
 * Problems with the config keys under `namespace:` (every key of the stack config is given in `keys`). `strict`:
 * the namespace is this package's, so any key not in `known` is one; otherwise only misspellings of `known` are.
 */
export function unknownKeyProblems(
    namespace: string,
    keys: readonly string[],
    known: readonly string[],
    strict: boolean,
    /** Where the meant key lives (a tuning key misspelt under `logzio:` lives in `logzio-siem:`). */
    home: (meant: string) => string = (meant) => `${namespace}:${meant}`,
): string[] {
    const prefix = `${namespace}:`;
    const problems: string[] = [];
    for (const full of keys) {
        if (!full.startsWith(prefix)) continue;
        const key = full.slice(prefix.length);
        if (known.includes(key)) continue;
        const meant = probablyMeant(key, known);
        const shown = key.length > 60 ? `${key.slice(0, 57)}...` : key;
        if (meant !== undefined) problems.push(`${prefix}${shown} is not a setting this provider reads: did you mean ${home(meant)}?`);
        else if (strict) problems.push(`${prefix}${shown} is not a setting this provider reads (${prefix} takes ${known.join(", ")})`);
        // Enough to fix the first ones; a config with thousands of stray keys must not make a huge message.
        if (problems.length >= 10) break;
    }
    return problems;
}

/** Damerau-Levenshtein (optimal string alignment), giving up past `max`: linear in practice for short keys. */
function editDistance(a: string, b: string, max: number): number {
    if (Math.abs(a.length - b.length) > max) return max + 1;
    let prev2: number[] = [];
    let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
    for (let i = 1; i <= a.length; i++) {
        const row = [i];
        let rowMin = i;
        for (let j = 1; j <= b.length; j++) {
            const cost = a[i - 1] === b[j - 1] ? 0 : 1;
            let d = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + cost);
            if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, prev2[j - 2] + 1);
            row.push(d);
            rowMin = Math.min(rowMin, d);
        }
        if (rowMin > max) return max + 1;
        prev2 = prev;
        prev = row;
    }
    return prev[b.length];
}
