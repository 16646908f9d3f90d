// io-ts codecs: the wire types (every Logz.io request and response goes through one of these before the provider
// trusts it) and the decoders of inputs and state. The TypeScript types are derived with t.TypeOf; the state's is
// declared plainly in state.ts for programs, and checked below to be the same type as this codec's.
import * as t from "io-ts";
import type { SiemAccountState as PublicState } from "../program/state";
import * as E from "fp-ts/Either";
import { pipe } from "fp-ts/function";
import { summarise } from "./text";

// --- shared refinements -------------------------------------------------------------------------

export interface NonNegativeIntBrand {
    readonly NonNegativeInt: unique symbol;
}
export const NonNegativeInt = t.brand(t.Int, (n): n is t.Branded<t.Int, NonNegativeIntBrand> => n >= 0, "NonNegativeInt");

/** Logz.io: letters, digits, `-`, `.`, `_` and spaces; `< > : " / \ | ? *` are refused. */
export const ACCOUNT_NAME_PATTERN = /^[\p{L}\p{N}._ -]+$/u;
export interface AccountNameBrand {
    readonly AccountName: unique symbol;
}
export const AccountName = t.brand(
    t.string,
    (s): s is t.Branded<string, AccountNameBrand> => ACCOUNT_NAME_PATTERN.test(s) && s.trim().length > 0,
    "AccountName",
);

// Deliberately loose: Logz.io does the real check; this catches the typos a person makes.
export const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
export interface EmailBrand {
    readonly Email: unique symbol;
}
export const Email = t.brand(t.string, (s): s is t.Branded<string, EmailBrand> => EMAIL_PATTERN.test(s), "Email");

/** `2018-04-01T19:18:38Z` in the spec; any string Date.parse accepts is taken. */
export interface DateTimeBrand {
    readonly DateTime: unique symbol;
}
export const DateTimeString = t.brand(t.string, (s): s is t.Branded<string, DateTimeBrand> => !Number.isNaN(Date.parse(s)), "DateTime");

// --- POST /v2/account-management/siem -----------------------------------------------------------

export const CreateSiemRequest = t.intersection([
    t.type({ accountName: AccountName, email: Email }),
    t.partial({ accountsToScan: t.array(NonNegativeInt), isUsingRepositoryAccount: t.boolean }),
]);
export type CreateSiemRequest = t.TypeOf<typeof CreateSiemRequest>;

/** A positive safe integer, or its decimal string: an id Logz.io gave in any usable form. */
export function accountIdIn(value: unknown): number | undefined {
    const n = typeof value === "number" ? value : typeof value === "string" && /^\s*\d{1,16}\s*$/.test(value) ? Number(value) : NaN;
    return Number.isSafeInteger(n) && n > 0 ? n : undefined;
}

// A created account exists whatever shape its id came in: a numeric string must not turn it into an error.
export const WireAccountId = new t.Type<t.Int, number, unknown>(
    "Int",
    (u): u is t.Int => typeof u === "number" && accountIdIn(u) === u,
    (u, c) => {
        const id = accountIdIn(u);
        return id === undefined ? t.failure(u, c) : t.success(id as t.Int);
    },
    (id) => id,
);

// The spec marks only accountName required; the id is what Pulumi needs, so it is required here too.
export const CreateSiemResponse = t.intersection([
    t.type({ accountId: WireAccountId, accountName: t.string }),
    t.partial({ accountsToScan: t.array(t.Int), createdAt: DateTimeString, isUsingRepositoryAccount: t.boolean }),
]);
export type CreateSiemResponse = t.TypeOf<typeof CreateSiemResponse>;

// --- GET /v1/associated-accounts, GET /v2/whoami ------------------------------------------------

// `type` stays an open string: a type Logz.io adds later must not break every refresh.
export const AccountView = t.type({ accountId: t.Int, accountName: t.string, type: t.string });
export type AccountView = t.TypeOf<typeof AccountView>;
export const AssociatedAccounts = t.array(AccountView);
export const SECURITY_ACCOUNT = "SECURITY_ACCOUNT";

export const Whoami = t.type({ accountId: t.Int, accountName: t.string });
export type Whoami = t.TypeOf<typeof Whoami>;

// --- Logz.io error bodies (parsed defensively: every documented shape) ---------------------------

export const ErrorBody = t.union([
    t.intersection([t.type({ message: t.string }), t.partial({ errorCode: t.string, requestId: t.string, parameters: t.unknown })]),
    t.intersection([t.type({ errorMessage: t.string }), t.partial({ errorCode: t.string, requestId: t.string })]),
    t.intersection([t.type({ errorCode: t.string }), t.partial({ requestId: t.string })]),
    t.string,
]);
export type ErrorBody = t.TypeOf<typeof ErrorBody>;

// --- resource inputs and state --------------------------------------------------------------------

/** What `check` guarantees to the rest of the provider (plain values: no Pulumi Inputs here). */
export const SiemAccountInputs = t.intersection([
    t.type({ accountName: AccountName, email: Email }),
    t.partial({
        accountsToScan: t.array(NonNegativeInt),
        isUsingRepositoryAccount: t.boolean,
        existingAccountId: NonNegativeInt,
        configNamespace: t.string,
    }),
]);
export type SiemAccountInputs = t.TypeOf<typeof SiemAccountInputs>;

/** The state Pulumi stores: the inputs echoed (diff receives outputs as olds) plus what Logz.io returned. */
export const SiemAccountState = t.intersection([
    t.type({
        accountId: t.Int,
        accountName: t.string,
        email: t.string,
        accountsToScan: t.array(t.Int),
        isUsingRepositoryAccount: t.boolean,
        createdAt: t.string,
    }),
    // The main account that owns the resource (GET /v2/whoami) and the API URL it was reached at. Optional:
    // state written before they were recorded must stay readable.
    // `requested`: what the program asked for when the account was created or adopted, the side of a diff that only
    // the program sets (Logz.io may store another list or name than was sent). `storedName`: the name Logz.io stored
    // then; a listed name other than it is drift (a rename in the UI). Both optional: older state has neither.
    t.partial({
        existingAccountId: t.Int,
        configNamespace: t.string,
        mainAccountId: t.Int,
        apiUrl: t.string,
        requested: t.intersection([
            t.type({ accountName: t.string, email: t.string }),
            t.partial({ accountsToScan: t.array(t.Int), isUsingRepositoryAccount: t.boolean }),
        ]),
        storedName: t.string,
    }),
]);
export type SiemAccountState = t.TypeOf<typeof SiemAccountState>;

// The public declaration of the state (state.ts) and this codec are one type, checked both ways: with the brands
// (t.Int...) taken off, what this decodes and what state.ts declares are identical, nested `requested` and which keys
// are optional included. A mismatch either way fails the build here.
type Plain<T> = T extends number
    ? number
    : T extends string
      ? string
      : T extends boolean
        ? T
        : T extends readonly (infer E)[]
          ? Plain<E>[]
          : T extends object
            ? { [K in keyof T]: Plain<T[K]> }
            : T;
type Identical<A, B> = (<G>() => G extends A ? 1 : 2) extends <G>() => G extends B ? 1 : 2 ? true : false;
const publicStateIsDecoded: Identical<Plain<SiemAccountState>, Plain<PublicState>> = true;
void publicStateIsDecoded;

// --- decoding with readable errors ---------------------------------------------------------------

function describe(value: unknown): string {
    if (value === undefined) return "nothing";
    if (typeof value === "string") {
        const text = JSON.stringify(value.length > 100 ? value.slice(0, 100) : value);
        return text.length > 80 ? `${text.slice(0, 77)}...` : text;
    }
    if (Array.isArray(value) && value.length > 20) return `a list of ${value.length} items`;
    let text: string;
    try {
        text = JSON.stringify(value) ?? String(value);
    } catch {
        // Nesting too deep for JSON.stringify (a hostile body): say what it is instead.
        return Array.isArray(value) ? "a deeply nested list" : "a deeply nested value";
    }
    return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/** One line per failing field: `createdAt: expected DateTime, received 42` (the caller bounds how many are shown). */
export function formatDecodeErrors(errors: t.Errors): string[] {
    const lines = errors.map((e) => {
        // Intersection and union members show up as numeric keys of a non-array parent: not a field.
        const path = e.context
            .slice(1)
            .filter((c, i) => c.key !== "" && (!/^\d+$/.test(c.key) || e.context[i].type instanceof t.ArrayType))
            .map((c) => c.key)
            .join(".");
        const expected = e.context[e.context.length - 1]?.type.name ?? "value";
        return `${path || "(body)"}: expected ${expected}, received ${describe(e.value)}`;
    });
    return [...new Set(lines)];
}

/** Decode, turning io-ts errors into a message value (the Pulumi boundary decides how to throw it). */
export function decodeWith<A>(codec: t.Decoder<unknown, A>, what: string) {
    return (value: unknown): E.Either<string, A> =>
        pipe(
            codec.decode(value),
            E.mapLeft((errors) => `${what} did not match the expected shape: ${summarise(formatDecodeErrors(errors), 5, "; ")}`),
        );
}
