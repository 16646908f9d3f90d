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

export class SiemAccountProviderShim implements dynamic.ResourceProvider<Props, SiemAccountState> {
    /** Resolved from the host's cwd (the Pulumi program's folder): its node_modules, or this package itself. */
    runtime(): typeof runtime {
        const anchor = require("node:path").join(process.cwd(), "pulumi-logzio-siem-anchor.js");
        try {
            return require("node:module").createRequire(anchor)("pulumi-logzio-siem/runtime");
        } catch (e) {
            throw new Error(`install pulumi-logzio-siem in the Pulumi program's folder ${process.cwd()}: ${(e as Error).message}`);
        }
    }
    // The host's Config keeps every key it was sent in `rawConfig`: their names let the runtime refuse typos.
    // Synchronous on purpose: the host caches the provider before awaiting configure, so calls that arrive
    // meanwhile would otherwise run unconfigured.
    async configure(req: dynamic.ConfigureRequest): Promise<void> {
        this.runtime().configure((key) => req.config.get(key), Object.keys((req.config as { rawConfig?: object }).rawConfig || {}));
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
