// May this POST (a create) be sent again? The one rule, asked two ways. A second POST that Logz.io acts on bills a
// second account, so a POST is repeated only when Logz.io certainly did not act on it: it answered 429 (it refused
// before acting), or the request never reached it (no connection; `sent` is decided where the failure is made, in
// answers.ts). Everything else is not repeated. Of those, the failures where Logz.io may nonetheless have created the
// account (a 200 with an unusable body, a request sent with no answer, a 500/502/503/504) are settled by looking the
// account up (create.ts); other answers (400, 401, 501...) and a proxy's final refusal created nothing. The two
// questions overlap in nothing: a failure Logz.io certainly did not act on never "may have created".
import { Failure, isTransient } from "./errors";

/** Logz.io certainly did not act on the POST, so it may be sent again: 429, or never connected (and not for good). */
export function safeToRepeatPost(f: Failure): boolean {
    return (f.kind === "http" && f.status === 429) || (f.kind === "network" && !f.sent && f.final !== true);
}

/** Did Logz.io perhaps act on the POST even though we have no usable answer? */
export function mayHaveCreated(f: Failure): boolean {
    if (f.kind === "decode") return true; // a 200 came back: it was created
    if (f.kind === "network") return f.sent;
    return f.kind === "http" && isTransient(f) && f.status !== 429;
}
