// When to try again: capped exponential backoff with full jitter, and Logz.io's Retry-After as a floor. Whether a
// failure may be retried at all is the caller's question (isTransient in errors.ts; postRepeat.ts for a POST).
import type { Settings } from "../config/settings";

/** The wait before retry number `retry` (0 = the first): full jitter under a doubling cap; Retry-After is a floor. */
export function backoffMs(
    retry: number,
    retryAfterMs: number | undefined,
    settings: Pick<Settings, "retryBaseMs" | "maxBackoffMs">,
): number {
    const cap = Math.min(settings.maxBackoffMs, settings.retryBaseMs * 2 ** retry);
    return Math.max(retryAfterMs ?? 0, Math.random() * cap);
}

/** Retry-After is seconds or an HTTP date (RFC 9110); anything else is ignored. */
export function parseRetryAfter(value: string | null | undefined, now = Date.now()): number | undefined {
    if (!value) return undefined;
    const text = value.trim();
    if (/^\d+(\.\d+)?$/.test(text)) return Number(text) * 1000;
    if (/^[-+]?[\d.]+$/.test(text)) return undefined; // a number, but not a valid delay
    const at = Date.parse(value);
    return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}
