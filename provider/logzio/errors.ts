// Failures are values (fp-ts Either/TaskEither) inside the provider; `toError` turns one into the single
// clear Error that Pulumi shows, at the boundary. Messages never carry the token: `scrub` removes it even
// if Logz.io ever echoes it back in a body; nor a value the program marked secret (`hideValues`); and no message is
// longer than MAX_MESSAGE_CHARS.
import { expectEcho } from "../host/hostEcho";
import { MAX_MESSAGE_CHARS, bounded, hideValues, scrub, sentence, summarise } from "./text";

export type Failure =
    /** Bad provider settings (missing token, unknown region). */
    | { readonly kind: "config"; readonly problems: readonly string[] }
    /** Bad resource inputs, found before any HTTP call. */
    | { readonly kind: "input"; readonly problems: readonly string[] }
    /** Logz.io answered with an error status. */
    | {
          readonly kind: "http";
          readonly operation: string;
          readonly status: number;
          readonly errorCode?: string;
          readonly message?: string;
          readonly requestId?: string;
          readonly retryAfterMs?: number;
          /** How many times the request was sent before giving up (retries included). */
          readonly attempts?: number;
      }
    /** No usable answer: the connection failed or the attempt timed out. `sent` = the request may have arrived. */
    | {
          readonly kind: "network";
          readonly operation: string;
          readonly detail: string;
          readonly sent: boolean;
          /** Sent, and no answer before the attempt's timeout: Logz.io may still be acting on it. */
          readonly timedOut?: boolean;
          readonly attempts?: number;
          /** The request went to a proxy from the environment (HTTPS_PROXY...), not straight to Logz.io. */
          readonly proxied?: boolean;
          /** The proxy refused for good (407 credentials, 403 policy): asking again cannot help. */
          readonly final?: boolean;
      }
    /** Logz.io answered 200 but the body failed its codec (or was not JSON). */
    | {
          readonly kind: "decode";
          readonly operation: string;
          readonly detail: string;
          readonly requestId?: string;
          /** An integer accountId found in the otherwise unusable body. */
          readonly accountId?: number;
      }
    /** A lifecycle rule refused the operation (duplicate name, live account on delete, ...). */
    | {
          readonly kind: "refused";
          readonly message: string;
          /** Known when the account exists: the error then carries it so Pulumi keeps it in state. */
          readonly id?: string;
          readonly properties?: Record<string, unknown>;
          /** A create whose outcome is unknown: Logz.io may have made the account. */
          readonly unsettled?: boolean;
          /** Names Logz.io lists for this resource's account that the message quotes: hidden when accountName is secret. */
          readonly names?: readonly string[];
      };

/**
 * What a person reads: what happened on the first line, what to do (if anything) on the next. The engine's
 * progress rows show only a message's first line, so the advice is printed once, under Diagnostics.
 * `namespace` is the config namespace whose token was used, so guidance names the right key.
 */
export function describeFailure(f: Failure, namespace = "logzio"): string {
    switch (f.kind) {
        case "config":
            return `Logz.io provider configuration: ${summarise(f.problems, 10, "; ")}`;
        case "input":
            return `invalid SiemAccount inputs: ${summarise(f.problems, 10, "; ")}`;
        case "http": {
            const parts = [`${f.operation} failed: HTTP ${f.status}`];
            if (f.errorCode) parts.push(`errorCode ${f.errorCode}`);
            if (f.message) parts.push(`message ${JSON.stringify(f.message)}`);
            if (f.requestId) parts.push(`requestId ${f.requestId}`);
            const text = sentence(parts.join(", ") + afterAttempts(f.attempts));
            if (f.status === 401)
                return `${text}\nLogz.io refused the API token: check that ${namespace}:apiToken is an API token of the main (owner) account, and that the region (or API URL) is that account's.`;
            if (f.status === 403)
                return `${text}\nThe token lacks the privileges: it must be an API token of the main (owner) Logs account.`;
            return text;
        }
        case "network": {
            const text = `${f.operation} failed: ${f.detail}${afterAttempts(f.attempts)}`;
            // Never reached Logz.io: the way there is what to check (the detail names the URL and any proxy).
            return f.sent ? text : `${sentence(text)}\n${unreachableAdvice(namespace, f.proxied === true)}`;
        }
        case "decode":
            return `${f.operation} returned an unusable body: ${f.detail}${f.requestId ? ` (requestId ${f.requestId})` : ""}`;
        case "refused":
            return f.message;
    }
}

/** What to check when Logz.io could not be reached: the proxy (or the lack of one), then which API the settings name. */
export function unreachableAdvice(namespace: string, proxied: boolean): string {
    const way = proxied
        ? "Check that the proxy runs and lets this machine reach Logz.io (or list the API host in NO_PROXY to bypass it)"
        : "Check the network path to Logz.io: if this network needs a proxy, set HTTPS_PROXY (and NO_PROXY for hosts to reach directly)";
    return `${way}, and that ${namespace}:region or ${namespace}:customApiUrl names your account's API.`;
}

const afterAttempts = (n: number | undefined) => (n !== undefined && n > 1 ? ` (after ${n} attempts)` : "");

/** 429, 5xx and connection failures are transient; everything else is an answer. */
export function isTransient(f: Failure): boolean {
    if (f.kind === "network") return f.final !== true;
    return f.kind === "http" && (f.status === 429 || f.status === 500 || f.status === 502 || f.status === 503 || f.status === 504);
}

/**
 * The Error Pulumi's host reports. With `id` (and `properties`), the host reports a partial create and the
 * engine keeps the id in state, so an account that exists is never lost.
 */
export class SiemProviderError extends Error {
    constructor(
        message: string,
        readonly id?: string,
        readonly properties?: Record<string, unknown>,
        readonly reasons?: string[],
    ) {
        super(message);
        this.name = "SiemProviderError";
        // Pulumi's host prints a failed check, diff, read or delete as `${error}: ${error.stack}` on its stderr. These
        // errors are answers, not crashes, so that line is "pulumi-logzio-siem: <message>" (no frames), and the
        // runtime drops it in the host (hostEcho.ts): the engine shows the error itself.
        this.stack = message;
        expectEcho(`${this.toString()}: ${this.stack}`);
    }

    override toString(): string {
        return "pulumi-logzio-siem";
    }
}

/**
 * Scrubbed first, then cut: a cut made before scrubbing could leave a piece of the token behind. `hidden`: values the
 * program marked secret (secrecy.ts), shown as `[secret]`.
 */
export function toError(
    f: Failure,
    secrets: readonly string[] = [],
    namespace?: string,
    hidden: readonly (string | number)[] = [],
): SiemProviderError {
    const message = bounded(hideValues(scrub(sentence(describeFailure(f, namespace)), secrets), hidden), MAX_MESSAGE_CHARS);
    if (f.kind === "refused" && f.id !== undefined) return new SiemProviderError(message, f.id, f.properties, [message]);
    return new SiemProviderError(message);
}
