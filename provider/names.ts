// When two SIEM account names count as the same. Logz.io may store a name trimmed, with runs of spaces collapsed
// or in another case (docs/logzio-api.md), so the duplicate-name guard, the claims of one host and adoption compare
// names by this key: a false alarm costs a rename, a miss costs a second billed account.

/** The comparison key of a name: Unicode NFC, surrounding whitespace removed, runs of whitespace as one space, lower case. */
export function nameKey(name: string): string {
    return name.normalize("NFC").trim().replace(/\s+/g, " ").toLowerCase();
}

/** Whether Logz.io may hold `a` and `b` as one name (case, surrounding and repeated spaces aside). */
export function sameName(a: string, b: string): boolean {
    return nameKey(a) === nameKey(b);
}

/** Leading or trailing whitespace, or a run of it inside: what Logz.io may not store as sent. */
export function hasLooseSpaces(name: string): boolean {
    return name !== name.trim() || /\s\s/.test(name);
}
