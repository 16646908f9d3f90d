// The baseline of the host-level benchmarks: the smallest dynamic provider that does the same job over
// the same wire, written the way Pulumi's docs write one. No validation, no retries, no concurrency cap,
// no codecs: node-fetch required inside the method bodies, the token read in `configure`, bare requests.
//
// Methods may use only `this`, `require` and `process`: anything else from this module would be captured
// by Pulumi's serializer (docs/pulumi-dynamic-providers.md), and this must stay as small as the real thing can be.
import * as pulumi from "@pulumi/pulumi";
import type * as dynamic from "@pulumi/pulumi/dynamic";

type Props = Record<string, unknown>;
type Fetch = typeof import("node-fetch").default;

export class MinimalProvider implements dynamic.ResourceProvider<Props, Props> {
    // Set by configure inside the host; `declare` so that nothing (not even `undefined`) is serialized.
    declare private apiUrl: string;
    declare private apiToken: string;

    /**
     * lookupFirst: GET /v1/associated-accounts before the POST, refusing a duplicate name: the same two
     * requests SiemAccount's create makes, so a comparison measures code, not a different wire. Without
     * it the provider only POSTs (an informational baseline: the price of the duplicate guard itself).
     */
    constructor(readonly lookupFirst: boolean) {}

    async configure(req: dynamic.ConfigureRequest): Promise<void> {
        this.apiUrl = String(req.config.get("logzio:customApiUrl"));
        this.apiToken = String(req.config.get("logzio:apiToken"));
    }

    async create(inputs: Props): Promise<dynamic.CreateResult<Props>> {
        const fetch = require("node-fetch") as Fetch;
        const headers = { "X-API-TOKEN": this.apiToken, Accept: "application/json", "Content-Type": "application/json" };
        if (this.lookupFirst) {
            const list = await fetch(`${this.apiUrl}/v1/associated-accounts`, { headers });
            if (!list.ok) throw new Error(`GET /v1/associated-accounts: HTTP ${list.status}`);
            const accounts = (await list.json()) as { accountName: string; type: string }[];
            if (accounts.some((a) => a.type === "SECURITY_ACCOUNT" && a.accountName === inputs.accountName)) {
                throw new Error(`a SIEM account named ${String(inputs.accountName)} already exists`);
            }
        }
        const res = await fetch(`${this.apiUrl}/v2/account-management/siem`, {
            method: "POST",
            headers,
            body: JSON.stringify({ accountName: inputs.accountName, email: inputs.email }),
        });
        if (!res.ok) throw new Error(`POST /v2/account-management/siem: HTTP ${res.status}`);
        const outs = (await res.json()) as Props;
        return { id: String(outs.accountId), outs: { ...inputs, ...outs } };
    }
}

export interface MinimalAccountArgs {
    accountName: pulumi.Input<string>;
    email: pulumi.Input<string>;
}

/** A resource over a MinimalProvider: what captureResources serializes to get its `__provider` text. */
export class MinimalAccount extends pulumi.dynamic.Resource {
    constructor(provider: MinimalProvider, name: string, args: MinimalAccountArgs) {
        super(provider, name, { accountId: undefined, ...args }, undefined, "bench", "MinimalAccount");
    }
}
