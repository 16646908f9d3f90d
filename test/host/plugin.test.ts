// Host level for the resource provider plugin: the launcher `bin/pulumi-resource-logzio-siem` started as the engine
// starts it, and driven over gRPC as the engine drives it (CheckConfig, Configure with a secret token, Check, Diff,
// Create, Read, Delete), against the emulator over loopback HTTP.
import * as fs from "node:fs";
import * as path from "node:path";
import { expect } from "chai";
import { LogzioEmulator } from "../../emulator";
import { ProviderHost, SECRET_SIG, SIG_KEY, urnFor } from "../../testing/runner/hostDriver";
import { packageSchema } from "../../provider/plugin/schema";
import { REPO_ROOT, envWithoutLogzio, hostError, startEmulator } from "../helpers/support";

const LAUNCHER = path.join(REPO_ROOT, "bin", "pulumi-resource-logzio-siem");
const TYPE = "logzio-siem:index:SiemAccount";
const CREATE = "POST /v2/account-management/siem";
const secret = (value: unknown) => ({ [SIG_KEY]: SECRET_SIG, value });
const isSecret = (v: unknown) => typeof v === "object" && v !== null && (v as Record<string, unknown>)[SIG_KEY] === SECRET_SIG;

async function startPlugin(env: Record<string, string> = {}): Promise<ProviderHost> {
    return ProviderHost.start({ cwd: REPO_ROOT, plugin: LAUNCHER, env: envWithoutLogzio(env) });
}

describe("host: the logzio-siem resource provider plugin", function () {
    this.timeout(60_000);
    let emulator: LogzioEmulator;
    let plugin: ProviderHost;
    const urn = (name: string) => urnFor(name, TYPE);

    before(async () => {
        emulator = await startEmulator();
        plugin = await startPlugin();
        // No grace: an account deleted in the UI is gone at once (the emulator lists new accounts at once).
        const config = { customApiUrl: emulator.url, apiToken: emulator.token, provisioningGraceMinutes: "0" };
        expect((await plugin.checkConfig({ ...config, apiToken: secret(emulator.token) })).failures).to.deep.equal([]);
        await plugin.configure(config, ["apiToken"]);
    });
    after(async () => {
        await plugin?.stop();
        await emulator?.close();
    });
    beforeEach(() => emulator.reset());

    it("serves the package schema, with apiToken secret", async () => {
        const schema = await plugin.getSchema();
        const pkg = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")) as { version: string };
        expect(schema).to.deep.equal(JSON.parse(JSON.stringify(packageSchema(pkg.version))));
        const config = (schema.config as { variables: Record<string, { secret?: boolean }> }).variables;
        expect(config.apiToken.secret).to.equal(true);
    });

    it("CheckConfig refuses bad values naming the key, and never quotes the token", async () => {
        const token = "bad token with spaces";
        const { failures } = await plugin.checkConfig({ apiToken: secret(token), region: "mars", maxRetries: "99", regoin: "eu" });
        const text = failures.map((f) => `${f.property}|${f.reason}`).join("\n");
        expect(failures.find((f) => f.property === "region")?.reason).to.match(
            /logzio-siem:region \(or LOGZIO_REGION\) is not a Logz\.io region/,
        );
        expect(failures.find((f) => f.property === "maxRetries")?.reason).to.match(/logzio-siem:maxRetries .*from 0 to 20/);
        expect(failures.find((f) => f.property === "regoin")?.reason).to.match(/did you mean logzio-siem:region/);
        // The token's failure is the provider's, not the property's: the engine prints a property's value beside it.
        expect(failures.find((f) => /logzio-siem:apiToken/.test(f.reason))?.property).to.equal("");
        expect(text).to.not.include(token);
    });

    it("CheckConfig reads LOGZIO_API_TOKEN when no apiToken is set, as the dynamic provider does", async () => {
        const bare = await startPlugin({ LOGZIO_API_TOKEN: emulator.token, LOGZIO_CUSTOM_API_URL: emulator.url });
        try {
            expect((await bare.checkConfig({})).failures).to.deep.equal([]);
            const missing = await startPlugin();
            try {
                const { failures } = await missing.checkConfig({});
                expect(failures.map((f) => f.reason).join(" ")).to.match(/pulumi config set --secret logzio-siem:apiToken/);
                expect(failures.map((f) => f.reason).join(" ")).to.match(/LOGZIO_API_TOKEN/);
            } finally {
                await missing.stop();
            }
        } finally {
            await bare.stop();
        }
    });

    it("CheckConfig returns the token marked secret even when it came plain", async () => {
        const { inputs } = await plugin.checkConfig({ apiToken: emulator.token, customApiUrl: emulator.url });
        expect(isSecret(inputs.apiToken)).to.equal(true);
    });

    it("DiffConfig never replaces: a new token is a change, not new accounts", async () => {
        const d = await plugin.diffConfig({ apiToken: "aaaaaaaaaa", region: "us" }, { apiToken: "bbbbbbbbbb", region: "us" });
        expect(d.changes).to.equal("some");
        expect(d.replaces).to.deep.equal([]);
        expect(d.diffs).to.deep.equal(["apiToken"]);
    });

    it("creates with one POST through the same core, reads it back, refuses delete while it lives, and deletes once it is gone", async () => {
        const args = { accountName: "Plugin Ops", email: secret("ops@example.com"), isUsingRepositoryAccount: false };
        const checked = await plugin.check(urn("ops"), {}, args);
        expect(checked.failures).to.deep.equal([]);
        expect(isSecret(checked.inputs.email)).to.equal(true);
        const created = await plugin.create(urn("ops"), checked.inputs);
        expect(emulator.count(CREATE)).to.equal(1);
        const [account] = emulator.siemAccounts();
        expect(created.id).to.equal(String(account.accountId));
        const outs = created.properties;
        expect(outs.accountId).to.equal(account.accountId);
        expect(outs.accountName).to.equal("Plugin Ops");
        expect(typeof outs.mainAccountId).to.equal("number");
        expect(outs.apiUrl).to.equal(emulator.url);
        // A secret input stays secret in every output that holds it.
        expect(isSecret(outs.email)).to.equal(true);
        expect(isSecret(outs.requested)).to.equal(true);
        const shown = JSON.stringify(outs, (_k, v: unknown) => (isSecret(v) ? "[secret]" : v));
        expect(shown).to.not.include(emulator.token);
        expect(shown).to.not.include("ops@example.com");

        // The same program again: no change.
        const again = await plugin.check(urn("ops"), checked.inputs, args);
        expect((await plugin.diff(created.id, urn("ops"), outs, again.inputs, checked.inputs)).changes).to.equal("none");

        // A rename in the UI is seen by refresh, and shown as drift in the inputs.
        emulator.renameAccount(account.accountId, "Renamed In UI");
        const read = await plugin.read(created.id, urn("ops"), outs, checked.inputs);
        expect(read.properties.accountName).to.equal("Renamed In UI");
        expect(read.inputs?.accountName).to.equal("Renamed In UI");
        expect(isSecret(read.properties.email)).to.equal(true);

        // Delete is refused while the account lives, with advice every language reads.
        const refused = await hostError(plugin.delete(created.id, urn("ops"), read.properties));
        expect(refused.details).to.match(/still exists/);
        expect(refused.details).to.include("retainOnDelete (retain_on_delete in Python, RetainOnDelete in Go and .NET) to true");
        expect(refused.details).to.not.include("`retainOnDelete: true`");
        expect(emulator.siemAccounts()).to.have.length(1);

        emulator.deleteAccount(account.accountId);
        await plugin.delete(created.id, urn("ops"), read.properties);
        expect(emulator.count(CREATE)).to.equal(1);
    });

    it("refuses a duplicate name before any POST, with neutral advice naming existingAccountId", async () => {
        // A plugin of its own: the emulator's reset reuses ids that the shared plugin has seen managed by earlier tests.
        const fresh = await startPlugin();
        await fresh.configure({ customApiUrl: emulator.url, apiToken: emulator.token }, ["apiToken"]);
        const plugin = fresh;
        const taken = emulator.addAccount({ accountName: "Taken", type: "SECURITY_ACCOUNT" });
        // Check may use a list up to 10 s old (shared by a preview's checks); create always asks for a fresh one.
        const checked = await plugin.check(urn("dup"), {}, { accountName: "Taken", email: "a@example.com" });
        const reasons =
            checked.failures.length > 0
                ? checked.failures.map((f) => f.reason).join("\n")
                : (await hostError(plugin.create(urn("dup"), checked.inputs))).details;
        expect(reasons).to.match(/already exists/);
        expect(reasons).to.include(
            `existingAccountId (existing_account_id in Python, ExistingAccountId in Go and .NET) set to ${taken.accountId}`,
        );
        expect(reasons).to.not.match(/aliases: \[\{/);
        expect(emulator.count(CREATE)).to.equal(0);
        await fresh.stop();
    });

    it("adopts by existingAccountId with no POST", async () => {
        const existing = emulator.addAccount({ accountName: "Adopt Me", type: "SECURITY_ACCOUNT" });
        const args = { accountName: "Adopt Me", email: "a@example.com", existingAccountId: existing.accountId };
        const checked = await plugin.check(urn("adopt"), {}, args);
        expect(checked.failures).to.deep.equal([]);
        const created = await plugin.create(urn("adopt"), checked.inputs);
        expect(created.id).to.equal(String(existing.accountId));
        expect(emulator.count(CREATE)).to.equal(0);
    });

    it("imports by id alone (a Read with no state): no POST, no invented value, and the printed program with an email is no change", async () => {
        const existing = emulator.addAccount({ accountName: "Imported", type: "SECURITY_ACCOUNT" });
        const read = await plugin.read(String(existing.accountId), urn("imp"), {});
        expect(read.id).to.equal(String(existing.accountId));
        expect(read.inputs).to.deep.equal({ accountName: "Imported", existingAccountId: existing.accountId });
        for (const unknown of ["email", "accountsToScan", "isUsingRepositoryAccount"])
            expect(read.properties).to.not.have.property(unknown);
        expect(read.properties.accountId).to.equal(existing.accountId);
        expect(typeof read.properties.mainAccountId).to.equal("number");
        // The program `pulumi import` prints, with the user's email added.
        const program = { ...read.inputs, email: "owner@example.com" };
        const checked = await plugin.check(urn("imp"), read.inputs!, program);
        expect(checked.failures).to.deep.equal([]);
        const diff = await plugin.diff(read.id, urn("imp"), read.properties, checked.inputs, read.inputs);
        expect(diff.changes).to.equal("none");
        // Once the program gave an email (the engine keeps it as the inputs), changing it is a change again.
        const changed = await plugin.check(urn("imp"), checked.inputs, { ...program, email: "other@example.com" });
        const next = await plugin.diff(read.id, urn("imp"), read.properties, changed.inputs, checked.inputs);
        expect(next.replaces).to.deep.equal(["email"]);
        expect(emulator.count(CREATE)).to.equal(0);
    });

    it("an import of an id Logz.io does not list records nothing; of an account of another type, is refused", async () => {
        const missing = await plugin.read("424242", urn("missing"), {});
        expect(missing.id).to.equal("");
        expect(missing.properties).to.deep.equal({});
        const general = emulator.addAccount({ accountName: "Logs", type: "SUB_ACCOUNT" });
        const refused = await hostError(plugin.read(String(general.accountId), urn("general"), {}));
        expect(refused.details).to.match(/not as a SIEM account/);
        expect(emulator.count(CREATE)).to.equal(0);
    });
});
