// Per-create costs, one resource at a time: the provider's code in-process against bare node-fetch
// (createOverhead), through Pulumi's dynamic-provider host against the minimal provider (hostOverhead), and
// a fresh host's first Check (coldStart), and the resource provider plugin's cold start beside the dynamic host's
// (pluginColdStart: spawn to the first RPC answered). Zero emulator latency, so the ratios are the strictest they can be.
import { randomUUID } from "node:crypto";
import * as path from "node:path";
import { performance } from "node:perf_hooks";
import fetch from "node-fetch";
import { LogzioEmulator } from "../emulator";
import { captureResources } from "../testing/runner/providerCapture";
import { ProviderHost, urnFor } from "../testing/runner/hostDriver";
import { SiemAccount } from "../provider";
import * as runtime from "../provider/host/runtime";
import {
    Comparison,
    REPO_ROOT,
    hostEnv,
    MINIMAL_TYPE,
    SIEM_TYPE,
    compare,
    emulatorToken,
    expectRequests,
    interleave,
    resetWith,
    stackConfig,
    startHost,
    timed,
    withHost,
} from "./common";
import { CappedPostProvider, MinimalAccount, MinimalProvider } from "./minimalProvider";

export interface ABPlan {
    warmup: number;
    samples: number;
}

// ------------------------------------------------------------------------------------------------ providers

export interface SerializedProviders {
    /** The `__provider` text of a SiemAccount. */
    siem: string;
    /** MinimalProvider with the duplicate-guard GET: the same requests as SiemAccount's create. */
    minimal: string;
    /** MinimalProvider that only POSTs. */
    postOnly: string;
    /** MinimalProvider that only POSTs, at most `floorCap` requests in flight: the floor of the scale run. */
    floor: string;
    floorCap: number;
}

/** Serializes the providers the way `pulumi up` does, under runtime mocks. */
export async function serializeProviders(floorCap: number): Promise<SerializedProviders> {
    const captured = await captureResources(() => {
        new SiemAccount("probe", { accountName: "probe", email: "probe@example.com" });
        new MinimalAccount(new MinimalProvider(true), "minimal", { accountName: "probe", email: "probe@example.com" });
        new MinimalAccount(new MinimalProvider(false), "postOnly", { accountName: "probe", email: "probe@example.com" });
        new MinimalAccount(new CappedPostProvider(floorCap), "floor", { accountName: "probe", email: "probe@example.com" });
    });
    const text = (name: string, type: string): string => {
        const r = captured.find((c) => c.name === name);
        if (!r || r.type !== type || typeof r.inputs.__provider !== "string")
            throw new Error(`no serialized provider for ${name} (${type})`);
        return r.inputs.__provider;
    };
    return {
        siem: text("probe", SIEM_TYPE),
        minimal: text("minimal", MINIMAL_TYPE),
        postOnly: text("postOnly", MINIMAL_TYPE),
        floor: text("floor", MINIMAL_TYPE),
        floorCap,
    };
}

// ------------------------------------------------------------------------------------------------ createOverhead

/**
 * A: `provider.create` of provider/host/runtime, in this process, configured like the host configures it.
 * B: the requests that create makes (GET /v1/associated-accounts, the duplicate guard, then the POST),
 *    made with bare node-fetch, bodies read and parsed.
 *
 * Like with like: the runtime's duplicate guard reads a list requested after the create was asked, so
 * every create of this loop makes its own list call, as B does; no cache is hit on either side (the
 * runtime's one GET /v2/whoami per main account happens in the warm-up). That is checked on every sample
 * (expectRequests), and the emulator is reset to the same seeded accounts before each one so both sides read lists of one size.
 * The emulator answers at once (latency 0): the wire is as cheap as it gets, which makes the ratio the
 * strictest it can be; any real latency only dilutes it.
 */
export async function measureCreateOverhead(plan: ABPlan, seeded: number): Promise<Comparison> {
    const emulator = await LogzioEmulator.start({ token: emulatorToken() });
    try {
        const config = stackConfig(emulator);
        runtime.configure((key) => config[key]);
        const run = randomUUID().slice(0, 8);

        const ours = async (i: number) => {
            resetWith(emulator, seeded);
            const inputs = { accountName: `bench-${run}-a${i}`, email: "bench@example.com" };
            const t = await timed(() => runtime.provider.create(inputs));
            expectRequests(emulator, "provider create", 1, 1);
            return t;
        };
        const headers = { "X-API-TOKEN": emulator.token, Accept: "application/json", "Content-Type": "application/json" };
        const bare = async (i: number) => {
            resetWith(emulator, seeded);
            const name = `bench-${run}-b${i}`;
            const t = await timed(async () => {
                const list = await fetch(`${emulator.url}/v1/associated-accounts`, { headers });
                const accounts = (await list.json()) as { accountName: string; type: string }[];
                if (!list.ok || accounts.some((a) => a.type === "SECURITY_ACCOUNT" && a.accountName === name))
                    throw new Error("bare list failed");
                const res = await fetch(`${emulator.url}/v2/account-management/siem`, {
                    method: "POST",
                    headers,
                    body: JSON.stringify({ accountName: name, email: "bench@example.com" }),
                });
                const created = (await res.json()) as { accountId?: number };
                if (!res.ok || typeof created.accountId !== "number") throw new Error(`bare POST failed: ${res.status}`);
            });
            expectRequests(emulator, "bare node-fetch", 1, 1);
            return t;
        };
        const r = await interleave(ours, bare, plan);
        return compare(r.a, r.b, "SiemAccountProvider.create, in-process", "bare node-fetch GET list + POST");
    } finally {
        runtime.configure(() => undefined); // back to "environment only", as before any configure
        await emulator.close();
    }
}

// ------------------------------------------------------------------------------------------------ hostOverhead

/**
 * One host, configured once, serving three providers (it caches each `__provider` text): SiemAccount,
 * the minimal provider making the same GET + POST, and the POST-only one. Each sample is one resource:
 * check (untimed, as the engine does before a create), then the timed Create RPC. Emulator latency 0.
 */
export async function measureHostOverhead(
    providers: SerializedProviders,
    plan: ABPlan,
    seeded: number,
): Promise<{ main: Comparison; postOnly: Comparison }> {
    return withHost({}, {}, async (emulator, host) => {
        const run = randomUUID().slice(0, 8);
        let serial = 0; // names stay distinct across both interleavings: the provider refuses a name twice
        const createThrough = (provider: string, type: string, tag: string, lists: number) => async () => {
            const name = `bench-${run}-${tag}${serial++}`;
            const urn = urnFor(name, type);
            const checked = await host.check(urn, {}, { __provider: provider, accountName: name, email: "bench@example.com" });
            if (checked.failures.length > 0) throw new Error(`check failed: ${JSON.stringify(checked.failures)}`);
            // After the check (SiemAccount's looks the name up): the create alone is timed and counted.
            resetWith(emulator, seeded);
            const t = await timed(() => host.create(urn, checked.inputs));
            expectRequests(emulator, `${tag} through the host`, lists, 1);
            return t;
        };
        const ours = createThrough(providers.siem, SIEM_TYPE, "s", 1);
        const minimal = createThrough(providers.minimal, MINIMAL_TYPE, "m", 1);
        const postOnly = createThrough(providers.postOnly, MINIMAL_TYPE, "p", 0);
        const main = await interleave(ours, minimal, plan);
        const info = await interleave(ours, postOnly, {
            warmup: Math.min(plan.warmup, 10),
            samples: Math.max(10, Math.floor(plan.samples / 3)),
        });
        return {
            main: compare(main.a, main.b, "SiemAccount create via host", "minimal provider (GET list + POST) via host"),
            postOnly: compare(info.a, info.b, "SiemAccount create via host", "minimal provider (POST only) via host"),
        };
    });
}

// ------------------------------------------------------------------------------------------------ coldStart

/**
 * From spawning a fresh host to the answer of its first Check (Configure in between, as the engine does).
 * That first Check is where the host deserializes the provider and runs its configure: for SiemAccount
 * the shim loads the runtime (fp-ts, io-ts, node-fetch, the client) and checks the token once per host
 * (GET /v2/whoami, so a wrong token fails at preview); the minimal provider loads nothing and calls nothing.
 */
export async function measureColdStart(providers: SerializedProviders, plan: ABPlan): Promise<Comparison> {
    const emulator = await LogzioEmulator.start({ token: emulatorToken() });
    try {
        const coldCheck = (provider: string, type: string) => async () => {
            const t0 = performance.now();
            const host = await startHost(emulator);
            try {
                // A resource in state (olds as its state holds them), as in every preview after the first `up`:
                // a new resource's check also looks its name up, which engineUp counts.
                const inputs = { __provider: provider, accountName: "cold", email: "cold@example.com" };
                const checked = await host.check(urnFor("cold", type), inputs, inputs);
                const t = performance.now() - t0;
                if (checked.failures.length > 0) throw new Error(`check failed: ${JSON.stringify(checked.failures)}`);
                return t;
            } finally {
                await host.stop();
            }
        };
        const r = await interleave(coldCheck(providers.siem, SIEM_TYPE), coldCheck(providers.minimal, MINIMAL_TYPE), plan);
        if (emulator.requests.some((r) => r.path !== "/v2/whoami")) throw new Error("a check called the API beyond its token check");
        return compare(r.a, r.b, "spawn → first check, SiemAccount", "spawn → first check, minimal provider");
    } finally {
        await emulator.close();
    }
}

/**
 * The plugin's cold start beside the dynamic host's: spawn of the process to the answer of its first RPC,
 * GetPluginInfo (the engine's first call to any plugin; both answer it without config). The plugin is the launcher
 * bin/pulumi-resource-logzio-siem (node + the compiled plugin), the dynamic host @pulumi/pulumi's
 * cmd/dynamic-provider (node + the SDK), each started as the engine starts it.
 */
export async function measurePluginColdStart(plan: ABPlan): Promise<Comparison> {
    const launcher = path.join(REPO_ROOT, "bin", "pulumi-resource-logzio-siem");
    const first = (plugin: string | undefined) => async () => {
        const t0 = performance.now();
        const host = await ProviderHost.start({ cwd: REPO_ROOT, env: hostEnv(), ...(plugin ? { plugin } : {}) });
        try {
            const info = await host.pluginInfo();
            const t = performance.now() - t0;
            if (typeof info.version !== "string") throw new Error("GetPluginInfo answered without a version");
            return t;
        } finally {
            await host.stop();
        }
    };
    const r = await interleave(first(launcher), first(undefined), plan);
    return compare(r.a, r.b, "spawn → GetPluginInfo answered, plugin", "spawn → GetPluginInfo answered, dynamic-provider host");
}
