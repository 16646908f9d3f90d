// The object Pulumi serializes into every SiemAccount's `__provider` (and so into state). It is a shim on
// purpose: no fields, no captured modules, no secrets; each method requires the real implementation
// (`pulumi-logzio-siem/runtime`) inside Pulumi's dynamic-provider host at run time. Capturing modules by
// value breaks io-ts codecs and node-fetch (docs/pulumi-dynamic-providers.md) and would bloat state.
//
// Methods may use only `this`, `require` and `process`: anything else from this module would be captured.
//
// Its types name nothing of the runtime either: a program that imports the package is type-checked by Pulumi
// (ts-node) through these declarations, and must not pull in the runtime's (io-ts, fp-ts, node-fetch). runtime.ts
// checks that it matches ShimRuntime.
import type * as dynamic from "@pulumi/pulumi/dynamic";

type Props = Record<string, unknown>;

/** The lifecycle methods, as the shim forwards them to the runtime's provider. */
interface Lifecycle {
    check(olds: Props, news: Props): Promise<dynamic.CheckResult<Props>>;
    diff(id: string, olds: Props, news: Props): Promise<dynamic.DiffResult>;
    create(inputs: Props): Promise<dynamic.CreateResult<Props>>;
    read(id: string, props?: Props): Promise<dynamic.ReadResult<Props>>;
    update(id: string, olds: Props, news: Props): Promise<dynamic.UpdateResult<Props>>;
    delete(id: string, props: Props): Promise<void>;
}

/** What the shim calls in `pulumi-logzio-siem/runtime`. */
export interface ShimRuntime {
    configure(config: (key: string) => string | undefined, keys?: readonly string[]): void;
    readonly provider: Lifecycle;
}

/**
 * A plain object rather than an instance of a class: Pulumi then serializes no constructor and no prototype, which
 * keeps `__provider` (stored twice per resource, and written with every checkpoint of the whole stack) small.
 */
export const siemAccountProviderShim: Lifecycle & Required<Pick<dynamic.ResourceProvider, "configure">> & { runtime(): ShimRuntime } = {
    /** Resolved from the host's cwd (the Pulumi program's folder): its node_modules, or this package itself. */
    runtime(): ShimRuntime {
        const anchor = require("node:path").join(process.cwd(), "pulumi-logzio-siem-anchor.js");
        try {
            return require("node:module").createRequire(anchor)("pulumi-logzio-siem/runtime");
        } catch (e) {
            throw new Error(`install pulumi-logzio-siem in the Pulumi program's folder ${process.cwd()}: ${(e as Error).message}`);
        }
    },
    // The host's Config keeps every key it was sent in `rawConfig`: their names let the runtime refuse typos.
    // Synchronous on purpose: the host caches the provider before awaiting configure, so calls that arrive
    // meanwhile would otherwise run unconfigured.
    async configure(req) {
        this.runtime().configure((key) => req.config.get(key), Object.keys((req.config as { rawConfig?: object }).rawConfig || {}));
    },
    check(olds, news) {
        return this.runtime().provider.check(olds, news);
    },
    diff(id, olds, news) {
        return this.runtime().provider.diff(id, olds, news);
    },
    create(inputs) {
        return this.runtime().provider.create(inputs);
    },
    read(id, props) {
        return this.runtime().provider.read(id, props);
    },
    update(id, olds, news) {
        return this.runtime().provider.update(id, olds, news);
    },
    delete(id, props) {
        return this.runtime().provider.delete(id, props);
    },
};
