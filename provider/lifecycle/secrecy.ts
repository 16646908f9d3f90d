// Which inputs the program marked secret, and so which values no message may show. The dynamic-provider host accepts
// no secrets, so the engine strips their markers before the provider sees inputs or state; the SiemAccount
// constructor names them in the plain input SECRET_INPUTS instead, and create echoes it into state, where read and
// delete find it. The engine itself keeps the values secret in state (same-named outputs, additionalSecretOutputs).
import * as t from "io-ts";
import { SECRET_INPUTS } from "../program/state";

type Props = Record<string, unknown>;

/** The input names `props` (inputs or state) says were secret; none for state written before this was recorded. */
export function secretKeysOf(props: Props): ReadonlySet<string> {
    const names = props[SECRET_INPUTS];
    return Array.isArray(names) ? new Set(names.filter((n): n is string => typeof n === "string")) : NO_KEYS;
}
const NO_KEYS: ReadonlySet<string> = new Set();

/** The values messages must not show: the secret inputs and the state fields that hold them under other names. */
export function hiddenValues(props: Props): (string | number)[] {
    const keys = secretKeysOf(props);
    if (keys.size === 0) return [];
    const requested = t.UnknownRecord.is(props.requested) ? props.requested : {};
    const values: unknown[] = [];
    for (const key of keys) {
        values.push(props[key], requested[key]);
        if (key === "accountName") values.push(props.storedName);
    }
    const out: (string | number)[] = [];
    for (const v of values.flat()) if ((typeof v === "string" && v.trim() !== "") || typeof v === "number") out.push(v);
    return [...new Set(out)];
}

/** Whether the program marked the account's name secret: names Logz.io lists for this account are hidden with it. */
export const nameIsSecret = (props: Props): boolean => secretKeysOf(props).has("accountName");
