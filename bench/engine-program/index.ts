// The program of the engine benchmarks: `count` resources of one `kind`, SiemAccount (the dynamic provider), the
// minimal provider, or SiemAccount through the resource provider plugin (`plugin`: a raw CustomResource of type
// logzio-siem:index:SiemAccount, found by Pulumi.yaml's plugins.providers path), all with retainOnDelete so that `pulumi destroy` only forgets them (Logz.io has no delete call anyway).
// bench/engine.ts copies ../minimalProvider.ts next to this folder, so the engine serializes it like any program's own code.
import * as pulumi from "@pulumi/pulumi";
import { SiemAccount } from "pulumi-logzio-siem";
import { MinimalAccount, MinimalProvider } from "../minimalProvider";

const config = new pulumi.Config();
const kind = config.require("kind");
const count = config.requireNumber("count");
const options: pulumi.CustomResourceOptions = { retainOnDelete: true };
// One provider object for all: one `__provider` text, so the host deserializes and configures it once, as for SiemAccount.
const minimal = new MinimalProvider(true);

// The plugin's resource with no generated SDK: CustomResource is abstract in the SDK's types, so a one-line class.
class PluginAccount extends pulumi.CustomResource {
    constructor(name: string, args: pulumi.Inputs, opts: pulumi.CustomResourceOptions) {
        super("logzio-siem:index:SiemAccount", name, args, opts);
    }
}

if (kind !== "siem" && kind !== "minimal" && kind !== "plugin") throw new Error(`kind must be siem, minimal or plugin, not ${kind}`);
for (let i = 0; i < count; i++) {
    const args = { accountName: `bench-${i}`, email: `bench-${i}@example.com` };
    if (kind === "siem") new SiemAccount(`account-${i}`, args, options);
    else if (kind === "plugin") new PluginAccount(`account-${i}`, args, options);
    else new MinimalAccount(minimal, `account-${i}`, args, options);
}
