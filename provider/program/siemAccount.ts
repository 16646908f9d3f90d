// The resource users declare: `new SiemAccount(name, args, opts?)`. Inputs are Pulumi Inputs; the provider
// behind it sees plain values, so the inputs given as secrets are named to it (SECRET_INPUTS) and the state fields
// derived from them marked secret here. The Logz.io token is not an argument: it comes from stack config.
import * as pulumi from "@pulumi/pulumi";
// One shim for every resource (the same object): Pulumi serializes it once and the host configures it once.
import { siemAccountProviderShim as provider } from "./shim";
import { DERIVED_SECRET_FIELDS, OUTPUT_NAMES, SECRET_INPUTS, SiemAccountOutputs } from "./state";

export interface SiemAccountArgs {
    /** Letters, digits, `-`, `.`, `_` and spaces. Changing it replaces the account. */
    accountName: pulumi.Input<string>;
    /** The SIEM account's email address. Changing it replaces the account. */
    email: pulumi.Input<string>;
    /** Ids of the log accounts the SIEM account scans; Logz.io defaults to the main account. A set: order is ignored. */
    accountsToScan?: pulumi.Input<pulumi.Input<number>[]>;
    /** Whether the account uses a shared Repository account. */
    isUsingRepositoryAccount?: pulumi.Input<boolean>;
    /** Adopt an existing SIEM account with this id instead of creating one (`pulumi import` cannot work here). */
    existingAccountId?: pulumi.Input<number>;
    /**
     * The stack-config namespace holding this account's `apiToken`, `region` and `customApiUrl` (default `logzio`),
     * for stacks that manage SIEM accounts under more than one Logz.io main account.
     */
    configNamespace?: pulumi.Input<string>;
}

/**
 * What `SiemAccount.get` can be told about an existing account. Logz.io's list returns only an account's id and
 * name, so `email`, `accountsToScan` and `isUsingRepositoryAccount` are echoed from here (empty when left out).
 */
export interface SiemAccountLookupState {
    accountName?: pulumi.Input<string>;
    email?: pulumi.Input<string>;
    accountsToScan?: pulumi.Input<pulumi.Input<number>[]>;
    isUsingRepositoryAccount?: pulumi.Input<boolean>;
    /** The stack-config namespace of the main account that owns the account (default `logzio`). */
    configNamespace?: pulumi.Input<string>;
}

/** The outputs a program reads, declared from state.ts: each an Output, `undefined` inside where the state may lack it. */
type Outputs = { readonly [K in keyof SiemAccountOutputs]-?: pulumi.Output<SiemAccountOutputs[K]> };
// The class below gets its outputs from this interface: they are state.ts's, not listed a second time here.
// eslint-disable-next-line @typescript-eslint/no-empty-object-type, @typescript-eslint/no-unsafe-declaration-merging
export interface SiemAccount extends Outputs {}

// Output names exist only when seeded; accountName and email too: `SiemAccount.get` may pass no args at all.
const SEED: Readonly<Record<(typeof OUTPUT_NAMES)[number], undefined>> = Object.fromEntries(
    OUTPUT_NAMES.map((k) => [k, undefined]),
) as Record<(typeof OUTPUT_NAMES)[number], undefined>;
// Every input is an output too (seeded, so the engine knows its name before create answers).
const everyArgSeeded: keyof SiemAccountArgs extends (typeof OUTPUT_NAMES)[number] ? true : false = true;
void everyArgSeeded;

// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export class SiemAccount extends pulumi.dynamic.Resource {
    /**
     * Reads an existing SIEM account without managing it: `pulumi up` never creates, replaces or deletes it, and
     * `pulumi refresh` re-reads it. Fails when no SIEM account with that id is listed under the main account.
     * The same as `new SiemAccount(name, state, { id })`.
     */
    static get(
        name: string,
        id: pulumi.Input<pulumi.ID>,
        state?: SiemAccountLookupState,
        opts?: pulumi.CustomResourceOptions,
    ): SiemAccount {
        return new SiemAccount(name, (state ?? {}) as SiemAccountArgs, { ...opts, id });
    }

    /** With the `id` resource option, the account is read (see `SiemAccount.get`), not created. */
    constructor(name: string, args: SiemAccountArgs, opts?: pulumi.CustomResourceOptions) {
        // A fresh object per resource (Resource writes __provider into it).
        const props: Record<string, unknown> = { ...SEED, ...args };
        const secrets = secrecyOf(args);
        if (secrets !== undefined) {
            props[SECRET_INPUTS] = secrets.names;
            const additional = [...(opts?.additionalSecretOutputs ?? []), ...secrets.derived];
            opts = { ...opts, additionalSecretOutputs: [...new Set(additional)] };
        }
        // Pulumi records a stack trace for every output's promise, only to name it if the promise is ever leaked, and
        // under ts-node (how Pulumi runs a TypeScript program) each trace is source-mapped: with a dozen outputs that
        // was most of the time a program spends declaring a SiemAccount. The resource's own source position is
        // unaffected (Pulumi lifts the limit for it), and the limit is back before anything else runs. An error thrown
        // meanwhile (no name, a bad parent, a throwing transformation) would have no frames: it gets them here, the
        // user's `new SiemAccount` line among them.
        const limit = Error.stackTraceLimit;
        Error.stackTraceLimit = 0;
        try {
            super(provider, name, props, opts, "logzio", "SiemAccount");
        } catch (e) {
            Error.stackTraceLimit = limit;
            if (e instanceof Error && !/\n\s+at /.test(e.stack ?? "")) Error.captureStackTrace(e);
            throw e;
        } finally {
            Error.stackTraceLimit = limit;
        }
    }
}

/** Every input, with the state fields derived from it (state.ts): each may be a secret Output. */
const DERIVED: Readonly<Record<keyof SiemAccountArgs, readonly string[]>> = {
    accountName: DERIVED_SECRET_FIELDS.accountName,
    email: DERIVED_SECRET_FIELDS.email,
    accountsToScan: DERIVED_SECRET_FIELDS.accountsToScan,
    isUsingRepositoryAccount: DERIVED_SECRET_FIELDS.isUsingRepositoryAccount,
    existingAccountId: [],
    configNamespace: [],
};
const DERIVED_KEYS = Object.keys(DERIVED) as (keyof SiemAccountArgs)[];
const isOutput = (v: unknown): v is pulumi.Output<unknown> => pulumi.Output.isInstance(v);

/**
 * For the inputs given as Outputs (a secret always is one): which are secret, as a promise the SDK awaits like any
 * input (names only, never values), and the derived fields to mark secret. Whether an Output is secret is known only
 * asynchronously, and resource options are read synchronously, so every Output marks its derived fields: at worst an
 * internal field is encrypted that need not be. Plain values, the usual case, cost one check each.
 */
function secrecyOf(args: SiemAccountArgs): { names: Promise<string[] | undefined>; derived: string[] } | undefined {
    let pending: Promise<string | undefined>[] | undefined;
    let derived: string[] | undefined;
    for (const key of DERIVED_KEYS) {
        const value: unknown = args[key];
        const outputs = pulumi.Output.isInstance(value)
            ? [value]
            : Array.isArray(value) && value.some(isOutput)
              ? value.filter(isOutput)
              : undefined;
        if (outputs === undefined) continue;
        (derived ??= []).push(...DERIVED[key]);
        // An Output whose secretness cannot be had (it failed, which fails the resource anyway) counts as secret.
        for (const o of outputs)
            (pending ??= []).push(
                pulumi.isSecret(o).then(
                    (s) => (s ? key : undefined),
                    () => key,
                ),
            );
    }
    if (pending === undefined || derived === undefined) return undefined;
    const names = Promise.all(pending).then((keys) => {
        const secret = [...new Set(keys.filter((k): k is string => k !== undefined))];
        return secret.length > 0 ? secret : undefined;
    });
    return { names, derived };
}
