// Values on the wire between the engine and the plugin: google.protobuf.Struct as JavaScript, with Pulumi's secret
// markers. The plugin accepts secrets (Configure), so inputs arrive with their secret markers; the lifecycle core
// works on plain values and learns which inputs were secret from SECRET_INPUTS (as it does in the dynamic provider),
// and every output derived from a secret input leaves the plugin marked secret again.
import * as t from "io-ts";
import { DERIVED_SECRET_FIELDS, SECRET_INPUTS } from "../program/state";
import { secretKeysOf } from "../lifecycle/secrecy";

export type Props = Record<string, unknown>;

/** Pulumi's special-value signature key, and the signature of a secret. */
export const SIG_KEY = "4dabf18193072939515e22adb298388d";
export const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

export const isSecret = (v: unknown): v is Props => t.UnknownRecord.is(v) && v[SIG_KEY] === SECRET_SIG;

/** The value with every secret marker taken off, and whether there was one anywhere inside. */
export function reveal(v: unknown): { value: unknown; secret: boolean } {
    if (isSecret(v)) return { value: reveal(v.value).value, secret: true };
    if (Array.isArray(v)) {
        let secret = false;
        const value = v.map((x) => {
            const r = reveal(x);
            secret ||= r.secret;
            return r.value;
        });
        return { value, secret };
    }
    if (t.UnknownRecord.is(v)) {
        let secret = false;
        const value: Props = {};
        for (const [k, x] of Object.entries(v)) {
            const r = reveal(x);
            secret ||= r.secret;
            value[k] = r.value;
        }
        return { value, secret };
    }
    return { value: v, secret: false };
}

/** Top-level properties without markers, and the names of those that held a secret. */
export function revealProps(props: Props | undefined): { props: Props; secret: string[] } {
    const out: Props = {};
    const secret: string[] = [];
    for (const [k, v] of Object.entries(props ?? {})) {
        const r = reveal(v);
        out[k] = r.value;
        if (r.secret) secret.push(k);
    }
    return { props: out, secret };
}

export const conceal = (value: unknown): Props => ({ [SIG_KEY]: SECRET_SIG, value });

/**
 * Inputs for the core: plain, with SECRET_INPUTS naming the secret ones (merged with names already recorded, as state
 * carries them), so its messages hide their values.
 */
export function forCore(props: Props | undefined): Props {
    const { props: plain, secret } = revealProps(props);
    const names = [...new Set([...secretKeysOf(plain), ...secret.filter((k) => k !== SECRET_INPUTS)])];
    if (names.length > 0) plain[SECRET_INPUTS] = names;
    else delete plain[SECRET_INPUTS];
    return plain;
}

/** Which keys of `props` (inputs or state) must leave secret: the secret inputs and what is derived from them. */
export function secretKeys(props: Props): Set<string> {
    const keys = new Set<string>();
    for (const n of secretKeysOf(props)) {
        keys.add(n);
        for (const d of DERIVED_SECRET_FIELDS[n] ?? []) keys.add(d);
    }
    return keys;
}

/** Props for the engine: the given keys marked secret; SECRET_INPUTS kept only when `keepNames` (state keeps it). */
export function forEngine(props: Props, secret: ReadonlySet<string>, keepNames: boolean): Props {
    const out: Props = {};
    for (const [k, v] of Object.entries(props)) {
        if (v === undefined) continue;
        if (k === SECRET_INPUTS && !keepNames) continue;
        out[k] = secret.has(k) ? conceal(v) : v;
    }
    return out;
}
