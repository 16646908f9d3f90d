// The baseline of the benchmarks: the smallest dynamic provider that does the same job over the same wire,
// written the way Pulumi's docs write one. No validation, no retries, no codecs: node-fetch required inside
// the method bodies, the token read in `configure`, bare requests. The host-level benchmarks serialize it
// under runtime mocks; the engine benchmarks copy this file next to their program, so `pulumi up` serializes it.
//
// Methods may use only `this`, `require` and `process`: anything else from this module would be captured
// by Pulumi's serializer (docs/pulumi-dynamic-providers.md), and this must stay as small as the real thing can be.
import * as pulumi from "@pulumi/pulumi";
import type * as dynamic from "@pulumi/pulumi/dynamic";

type Props = Record<string, unknown>;
// The part of node-fetch used here, written out: the engine benchmarks' project (like a user's) has node-fetch,
// which this package depends on, but not its type declarations, and the language host type-checks the program.
type Fetch = (
    url: string,
    init?: { method?: string; headers?: Record<string, string>; body?: string },
) => Promise<{ ok: boolean; status: number; json(): Promise<unknown> }>;

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

    /** Refresh (engine benchmarks): the account list, fetched by every read (the naive way), and the live name. */
    async read(id: string, props: Props = {}): Promise<dynamic.ReadResult<Props>> {
        const fetch = require("node-fetch") as Fetch;
        const list = await fetch(`${this.apiUrl}/v1/associated-accounts`, {
            headers: { "X-API-TOKEN": this.apiToken, Accept: "application/json" },
        });
        if (!list.ok) throw new Error(`GET /v1/associated-accounts: HTTP ${list.status}`);
        const found = ((await list.json()) as { accountId: number; accountName: string }[]).find((a) => String(a.accountId) === id);
        return found ? { id, props: { ...props, accountName: found.accountName } } : {};
    }
}

/**
 * The floor of the scale run: only the POST, with at most `cap` of them in flight in one host (all resources
 * share the one deserialized provider), as SiemAccount caps its requests. A separate class so that the other
 * baselines carry no cap code in their `__provider`.
 */
export class CappedPostProvider implements dynamic.ResourceProvider<Props, Props> {
    declare private apiUrl: string;
    declare private apiToken: string;
    // Created in the host by the first create; never serialized.
    declare private slots: { free: number; waiting: (() => void)[] } | undefined;

    constructor(readonly cap: number) {}

    async configure(req: dynamic.ConfigureRequest): Promise<void> {
        this.apiUrl = String(req.config.get("logzio:customApiUrl"));
        this.apiToken = String(req.config.get("logzio:apiToken"));
    }

    async create(inputs: Props): Promise<dynamic.CreateResult<Props>> {
        const fetch = require("node-fetch") as Fetch;
        const slots = (this.slots ??= { free: this.cap, waiting: [] });
        if (slots.free > 0) slots.free--;
        else await new Promise<void>((resolve) => slots.waiting.push(resolve));
        try {
            const res = await fetch(`${this.apiUrl}/v2/account-management/siem`, {
                method: "POST",
                headers: { "X-API-TOKEN": this.apiToken, Accept: "application/json", "Content-Type": "application/json" },
                body: JSON.stringify({ accountName: inputs.accountName, email: inputs.email }),
            });
            if (!res.ok) throw new Error(`POST /v2/account-management/siem: HTTP ${res.status}`);
            const outs = (await res.json()) as Props;
            return { id: String(outs.accountId), outs: { ...inputs, ...outs } };
        } finally {
            // The body is read before the slot goes to the next waiter (or back to the pool).
            const next = slots.waiting.shift();
            if (next) next();
            else slots.free++;
        }
    }
}

export interface MinimalAccountArgs {
    accountName: pulumi.Input<string>;
    email: pulumi.Input<string>;
}

/** A resource over a MinimalProvider: what captureResources serializes to get its `__provider` text. */
export class MinimalAccount extends pulumi.dynamic.Resource {
    declare readonly accountId: pulumi.Output<number>;

    constructor(
        provider: MinimalProvider | CappedPostProvider,
        name: string,
        args: MinimalAccountArgs,
        opts?: pulumi.CustomResourceOptions,
    ) {
        super(provider, name, { accountId: undefined, ...args }, opts, "bench", "MinimalAccount");
    }
}
