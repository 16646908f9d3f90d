// @pulumi/pulumi's generated gRPC modules (its protos, and the grpc-js and google-protobuf they were generated against),
// all loaded from one copy of @pulumi/pulumi: message classes or a Struct from another copy serialize silently wrong.
// Used by the host's engine log (engineLog.ts), the plugin's server (plugin/server.ts) and the testing kit's host driver.
// The modules are plain JS generated for google-protobuf: typed loosely on purpose, at this one boundary.
import { createRequire } from "node:module";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Js = any;

const MODULES = {
    grpc: "@grpc/grpc-js",
    struct: "google-protobuf/google/protobuf/struct_pb",
    any: "google-protobuf/google/protobuf/any_pb",
    empty: "google-protobuf/google/protobuf/empty_pb",
    prov: "./proto/provider_pb",
    provGrpc: "./proto/provider_grpc_pb",
    plugin: "./proto/plugin_pb",
    status: "./proto/status_pb",
    engine: "./proto/engine_pb",
    engineGrpc: "./proto/engine_grpc_pb",
} as const;
export type ProtoModule = keyof typeof MODULES;

export type PulumiProtos = Readonly<Record<ProtoModule, Js>>;

/**
 * The modules of the @pulumi/pulumi whose package.json this is, each loaded when first read (a host starts fast) and
 * kept as a plain property from then on (the plugin reads them on every request).
 */
export function pulumiProtos(packageJson: string): PulumiProtos {
    const load = createRequire(packageJson);
    const protos = {} as Record<ProtoModule, Js>;
    for (const name of Object.keys(MODULES) as ProtoModule[]) {
        Object.defineProperty(protos, name, {
            enumerable: true,
            configurable: true,
            get: () => {
                const module: Js = load(MODULES[name]);
                Object.defineProperty(protos, name, { enumerable: true, value: module });
                return module;
            },
        });
    }
    return protos;
}
