// The program of the engine benchmarks: `count` resources of one `kind`, SiemAccount or the minimal provider,
// all with retainOnDelete so that `pulumi destroy` only forgets them (Logz.io has no delete call anyway).
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

if (kind !== "siem" && kind !== "minimal") throw new Error(`kind must be siem or minimal, not ${kind}`);
for (let i = 0; i < count; i++) {
    const args = { accountName: `bench-${i}`, email: `bench-${i}@example.com` };
    if (kind === "siem") new SiemAccount(`account-${i}`, args, options);
    else new MinimalAccount(minimal, `account-${i}`, args, options);
}
