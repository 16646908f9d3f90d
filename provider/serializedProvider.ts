// The object Pulumi serializes into every SiemAccount's `__provider` (and so into state). It is a shim on
// purpose: no fields, no captured modules, no secrets; each method requires the real implementation
// (`pulumi-logzio-siem/runtime`) inside Pulumi's dynamic-provider host at run time. Capturing modules by
// value breaks io-ts codecs and node-fetch (docs/pulumi-dynamic-providers.md) and would bloat state.
//
// Methods may use only `this`, `require` and `process`: anything else from this module would be captured.
import type * as dynamic from "@pulumi/pulumi/dynamic";
import type * as runtime from "./runtime";
import type { SiemAccountState } from "./codecs";

type Props = Record<string, unknown>;

// runtime(): resolved from the host's cwd (the Pulumi program's folder; `_.js` need not exist): its node_modules,
// or this package itself. Short names in the methods: their text is in every resource's state.
// configure only keeps the config, synchronously: the host caches the provider before awaiting configure, so
// calls arriving meanwhile still see it; the runtime (fp-ts, io-ts, node-fetch) loads at the first call that
// needs it, so a destroy of retained resources, which calls nothing else, never loads it.
export class SiemAccountProviderShim implements dynamic.ResourceProvider<Props, SiemAccountState> {
    runtime(): typeof runtime {
        const d = process.cwd();
        let r: typeof runtime;
        try {
            r = require("node:module").createRequire(`${d}/_.js`)("pulumi-logzio-siem/runtime");
        } catch (e) {
            throw new Error(`install pulumi-logzio-siem in the Pulumi program's folder ${d}: ${(e as Error).message}`);
        }
        const s = this as { c?: dynamic.ConfigureRequest["config"] };
        const c = s.c;
        if (c) r.configure((k) => c.get(k));
        s.c = undefined;
        return r;
    }
    async configure(req: dynamic.ConfigureRequest): Promise<void> {
        (this as { c?: unknown }).c = req.config;
    }
    check(olds: Props, news: Props) {
        return this.runtime().provider.check(olds, news);
    }
    diff(id: string, olds: SiemAccountState, news: Props) {
        return this.runtime().provider.diff(id, olds, news);
    }
    create(inputs: Props) {
        return this.runtime().provider.create(inputs);
    }
    read(id: string, props?: SiemAccountState) {
        return this.runtime().provider.read(id, props);
    }
    update(id: string, olds: SiemAccountState, news: Props) {
        return this.runtime().provider.update(id, olds, news);
    }
    delete(id: string, props: SiemAccountState) {
        return this.runtime().provider.delete(id, props);
    }
}
