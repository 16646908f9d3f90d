// Onboarding service: provisions one SIEM account per tenant with Pulumi's Automation API, one stack per tenant,
// and reads the new account ids back from the stack outputs. Run it with the tenants as arguments:
//   LOGZIO_API_TOKEN=... PULUMI_CONFIG_PASSPHRASE=... npx ts-node index.ts acme:security@acme.example globex:soc@globex.example
// State goes to the backend PULUMI_BACKEND_URL names (e.g. file://~/.pulumi-onboarding, or Pulumi Cloud).
import { LocalWorkspace } from "@pulumi/pulumi/automation";
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

export async function provisionTenant(tenant: Tenant, logzio: LogzioConnection): Promise<Provisioned> {
    const stack = await LocalWorkspace.createOrSelectStack(
        {
            projectName: "siem-onboarding",
            stackName: tenant.id,
            program: async () => {
                const siem = new SiemAccount("siem", { accountName: `siem-${tenant.id}`, email: tenant.email });
                return { accountId: siem.accountId, accountName: siem.accountName };
            },
        },
        // Each tenant's stack settings (the passphrase salt, the token encrypted) go to Pulumi.<tenant>.yaml here:
        // a lasting folder, not the temporary one an inline program gets without workDir.
        { workDir: __dirname },
    );
    // The token is stack config, encrypted in state; never log `result.summary`: it holds the decrypted config.
    await stack.setConfig("logzio:apiToken", { value: logzio.apiToken, secret: true });
    if (logzio.region) await stack.setConfig("logzio:region", { value: logzio.region });
    if (logzio.customApiUrl) await stack.setConfig("logzio:customApiUrl", { value: logzio.customApiUrl });
    const result = await stack.up();
    return {
        tenant: tenant.id,
        accountId: result.outputs.accountId.value as number,
        accountName: result.outputs.accountName.value as string,
    };
}

async function main(args: string[]): Promise<void> {
    const apiToken = process.env.LOGZIO_API_TOKEN;
    if (!apiToken) throw new Error("set LOGZIO_API_TOKEN to the API token of the main Logz.io account");
    const tenants = args.map((arg): Tenant => {
        const [id, email] = arg.split(":");
        if (!id || !email) throw new Error(`a tenant is <id>:<email>, got ${JSON.stringify(arg)}`);
        return { id, email };
    });
    // One at a time: a Node.js process runs one inline Pulumi program at once.
    for (const tenant of tenants) {
        const done = await provisionTenant(tenant, {
            apiToken,
            region: process.env.LOGZIO_REGION,
            customApiUrl: process.env.LOGZIO_CUSTOM_API_URL,
        });
        console.log(JSON.stringify(done));
    }
}

if (require.main === module) {
    main(process.argv.slice(2)).catch((e: unknown) => {
        console.error(e instanceof Error ? e.message : e);
        process.exit(1);
    });
}
