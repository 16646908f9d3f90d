// An e2e program whose SiemAccounts take some arguments as secrets, as a user's program does: config `accounts` is a
// JSON list like siem-accounts', where an argument written `{ "secret": "<key>" }` is `pulumi.secret(<value>)`, the
// value read from `secret-values.json` next to the program. Not from secret config: the CLI masks the values of
// secret config in everything it prints, which would hide a leak that `pulumi.secret("...")` in a program does not.
import * as fs from "node:fs";
import * as pulumi from "@pulumi/pulumi";
import { SiemAccount, SiemAccountArgs } from "pulumi-logzio-siem";

type Declared = { resourceName: string } & Record<string, unknown>;

const config = new pulumi.Config();
const declared = config.requireObject<Declared[]>("accounts");
const values = JSON.parse(fs.readFileSync("secret-values.json", "utf8")) as Record<string, unknown>;

const isSecretRef = (v: unknown): v is { secret: string } =>
    typeof v === "object" && v !== null && typeof (v as { secret?: unknown }).secret === "string";

const accounts = declared.map(({ resourceName, ...args }) => {
    const resolved = Object.fromEntries(Object.entries(args).map(([k, v]) => [k, isSecretRef(v) ? pulumi.secret(values[v.secret]) : v]));
    return new SiemAccount(resourceName, resolved as unknown as SiemAccountArgs);
});

// Only ids: a name or an email exported here would be the program's own leak.
export const accountIds = Object.fromEntries(declared.map((d, i) => [d.resourceName, accounts[i].accountId]));
