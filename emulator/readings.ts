// What the emulator stores for a create, under each reading of Logz.io's behaviour that its spec leaves open
// (docs/logzio-api.md, "What Logz.io may store other than what was sent"). Options of the emulator choose them.
import type { NameNormalisation, ScanReading } from "./types";

/** The accountsToScan stored for a create that sent `scan` (`omitted`: the field was absent or null). */
export function storedScan(reading: ScanReading, ownerId: number, scan: number[], omitted: boolean): number[] {
    if (reading === "asGiven") return omitted ? [ownerId] : scan; // an empty list stays empty
    if (reading === "addsMain") return scan.includes(ownerId) ? scan : [ownerId, ...scan];
    return scan.length === 0 ? [ownerId] : scan; // empty or omitted: the main account, as documented
}

/** The accountName stored for a create that sent `name`. */
export function storedName(ways: readonly NameNormalisation[], name: string): string {
    let stored = name;
    if (ways.includes("trim")) stored = stored.trim();
    if (ways.includes("collapse")) stored = stored.replace(/\s+/g, " ");
    if (ways.includes("lowercase")) stored = stored.toLowerCase();
    return stored;
}
