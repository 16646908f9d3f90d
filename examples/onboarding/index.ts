// Onboarding service: provisions SIEM accounts for tenants with Pulumi's Automation API and reads the new account
// ids back from the stack outputs. By default each tenant gets a stack of its own; `--stack <name>` puts the given
// tenants' accounts in one stack instead (a worker's share: one `pulumi up` for many tenants). Run it with the
// tenants as arguments:
//   LOGZIO_API_TOKEN=... PULUMI_CONFIG_PASSPHRASE=... npx ts-node index.ts acme:security@acme.example globex:soc@globex.example
//   ... npx ts-node index.ts --stack worker-1 acme:security@acme.example globex:soc@globex.example
// `--refresh` refreshes those stacks instead, and `--preview` checks that they plan no change (exit code 1 if one
// does). State goes to the backend PULUMI_BACKEND_URL names (file://~/.pulumi-onboarding, postgres://..., s3://...,
// or Pulumi Cloud): several such services may share one backend, each with tenants of its own (README.md).
import { LocalWorkspace, PulumiFn, Stack } from "@pulumi/pulumi/automation";
import { SiemAccount } from "pulumi-logzio-siem";

export interface Tenant {
    id: string;
    email: string;
}

export interface Provisioned {
    tenant: string;
    accountId: number;
    accountName: string;
}

export interface LogzioConnection {
    apiToken: string;
    /** Logz.io region (us, eu, ...). */
    region?: string;
    /** A full API URL instead of the region's (a proxy, or the emulator). */
    customApiUrl?: string;
}

/** Each tenant's account is named after it: one tenant in two stacks would be one name twice (README.md). */
const accountNameOf = (tenant: Tenant): string => `siem-${tenant.id}`;

/** The stack, selected (or made) with the connection set as its config. */
async function stackFor(stackName: string, program: PulumiFn, logzio: LogzioConnection): Promise<Stack> {
    const stack = await LocalWorkspace.createOrSelectStack(
        { projectName: "siem-onboarding", stackName, program },
        // Each stack's settings (the passphrase salt, the token encrypted) go to Pulumi.<stack>.yaml here: a lasting
        // folder, not the temporary one an inline program gets without workDir.
        { workDir: __dirname },
    );
    // The token is stack config, encrypted in state; never log `result.summary`: it holds the decrypted config.
    await stack.setConfig("logzio:apiToken", { value: logzio.apiToken, secret: true });
    if (logzio.region) await stack.setConfig("logzio:region", { value: logzio.region });
    if (logzio.customApiUrl) await stack.setConfig("logzio:customApiUrl", { value: logzio.customApiUrl });
    return stack;
}

/** One stack per tenant (named after it), holding one account: resource `siem`. */
export async function provisionTenant(tenant: Tenant, logzio: LogzioConnection): Promise<Provisioned> {
    const stack = await stackFor(tenant.id, tenantProgram(tenant), logzio);
    const result = await stack.up();
    return {
        tenant: tenant.id,
        accountId: result.outputs.accountId.value as number,
        accountName: result.outputs.accountName.value as string,
    };
}

function tenantProgram(tenant: Tenant): PulumiFn {
    return async () => {
        const siem = new SiemAccount("siem", { accountName: accountNameOf(tenant), email: tenant.email });
        return { accountId: siem.accountId, accountName: siem.accountName };
    };
}

/**
 * One stack holding several tenants' accounts (resource `siem-<tenant>` each): a worker's share of a fleet. A tenant
 * stays in the stack it was first provisioned in: moved to another stack, it would be a second account of its name.
 */
export async function provisionGroup(stackName: string, tenants: Tenant[], logzio: LogzioConnection): Promise<Provisioned[]> {
    const stack = await stackFor(stackName, groupProgram(tenants), logzio);
    const result = await stack.up();
    const accounts = result.outputs.accounts.value as Record<string, { accountId: number; accountName: string }>;
    return tenants.map((t) => ({ tenant: t.id, ...accounts[t.id] }));
}

function groupProgram(tenants: Tenant[]): PulumiFn {
    return async () => {
        const accounts: Record<string, { accountId: unknown; accountName: unknown }> = {};
        for (const tenant of tenants) {
            const siem = new SiemAccount(`siem-${tenant.id}`, { accountName: accountNameOf(tenant), email: tenant.email });
            accounts[tenant.id] = { accountId: siem.accountId, accountName: siem.accountName };
        }
        return { accounts };
    };
}

/** `--refresh`: what Logz.io has, into the stack's state. `--preview`: the changes an `up` would make (none expected). */
async function check(
    op: "refresh" | "preview",
    stackName: string,
    program: PulumiFn,
    logzio: LogzioConnection,
): Promise<Record<string, unknown>> {
    const stack = await stackFor(stackName, program, logzio);
    if (op === "refresh") {
        const result = await stack.refresh();
        return { stack: stackName, refreshed: result.summary.resourceChanges ?? {} };
    }
    const result = await stack.preview();
    return { stack: stackName, changes: result.changeSummary };
}

const planned = (changes: Record<string, unknown>): string[] =>
    Object.entries((changes.changes as Record<string, number> | undefined) ?? {})
        .filter(([op, n]) => op !== "same" && n > 0)
        .map(([op, n]) => `${n} to ${op}`);

async function main(args: string[]): Promise<void> {
    const apiToken = process.env.LOGZIO_API_TOKEN;
    if (!apiToken) throw new Error("set LOGZIO_API_TOKEN to the API token of the main Logz.io account");
    const logzio: LogzioConnection = { apiToken, region: process.env.LOGZIO_REGION, customApiUrl: process.env.LOGZIO_CUSTOM_API_URL };
    let group: string | undefined;
    let op: "up" | "refresh" | "preview" = "up";
    const tenants: Tenant[] = [];
    for (let i = 0; i < args.length; i++) {
        const arg = args[i];
        if (arg === "--stack") group = args[++i];
        else if (arg === "--refresh" || arg === "--preview") op = arg === "--refresh" ? "refresh" : "preview";
        else {
            const [id, email] = arg.split(":");
            if (!id || !email) throw new Error(`a tenant is <id>:<email>, got ${JSON.stringify(arg)}`);
            tenants.push({ id, email });
        }
    }
    if (group === "") throw new Error("--stack needs a stack name");
    let changed = false;
    if (group !== undefined) {
        if (op === "up") for (const done of await provisionGroup(group, tenants, logzio)) console.log(JSON.stringify(done));
        else {
            const done = await check(op, group, groupProgram(tenants), logzio);
            changed = planned(done).length > 0;
            console.log(JSON.stringify(done));
        }
    } else {
        // One at a time: a Node.js process runs one inline Pulumi program at once. Run more processes for more at once.
        for (const tenant of tenants) {
            if (op === "up") console.log(JSON.stringify(await provisionTenant(tenant, logzio)));
            else {
                const done = await check(op, tenant.id, tenantProgram(tenant), logzio);
                changed ||= planned(done).length > 0;
                console.log(JSON.stringify(done));
            }
        }
    }
    if (changed) {
        console.error(
            "A stack plans changes (its `changes` above).\n" +
                "Review them with `pulumi preview --diff --stack <name>` before any `up`: a replacement would create a new, billed account.",
        );
        process.exitCode = 1;
    }
}

if (require.main === module) {
    main(process.argv.slice(2)).catch((e: unknown) => {
        console.error(e instanceof Error ? e.message : e);
        process.exit(1);
    });
}
