// Secret inputs through the real CLI: what a program gives as a secret (`pulumi.secret(...)`) is nowhere in clear
// in `pulumi stack export`, after `up`, after a rename in the Logz.io UI and `refresh`, and in state written by an
// earlier version once `up` has run; and nothing the CLI prints shows it, also when preview or up fail because of it
// (a duplicate name, an invalid email) or destroy is refused.
import * as fs from "node:fs";
import * as path from "node:path";
import { expect } from "chai";
import { LogzioEmulator } from "../../emulator";
import { ROUTES } from "../../emulator/server";
import { E2EStack, stepsFor } from "../../harness/e2e/stack";
import { e2eDescribe, emulatorPerTest, expectFailed, expectOk, initAgainst } from "./support";

const PROGRAM = "test/e2e/programs/secret-inputs";
const NAME = "Hidden-Siem-Qx7";
const RENAMED = "Renamed-Siem-Wv3";
const EMAIL = "hidden.person.k2@example.com";
const SECRET_SIG_KEY = "4dabf18193072939515e22adb298388d";

/** `text` holds none of `values`, in any letter case. */
function expectNone(text: string, what: string, ...values: string[]): void {
    for (const v of values) expect(text.toLowerCase(), `${what} holds "${v}" in clear`).to.not.include(v.toLowerCase());
}

/** `pulumi stack export` output with secrets decrypted as `--show-secrets` shows them, made plain values again. */
function plainOf(value: unknown): unknown {
    if (Array.isArray(value)) return value.map(plainOf);
    if (typeof value !== "object" || value === null) return value;
    const record = value as Record<string, unknown>;
    if (SECRET_SIG_KEY in record && typeof record.plaintext === "string") return JSON.parse(record.plaintext) as unknown;
    return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, plainOf(v)]));
}

e2eDescribe("secret inputs stay secret", (ctx) => {
    let emulator: LogzioEmulator;
    emulatorPerTest((e) => (emulator = e));

    /** A stack of one SiemAccount whose `{ secret: key }` arguments are `pulumi.secret(secrets[key])` in the program. */
    async function stackWith(args: Record<string, unknown>, secrets: Record<string, string>): Promise<E2EStack> {
        const stack = ctx.project(PROGRAM);
        await initAgainst(stack, emulator, { accounts: JSON.stringify([{ resourceName: "siem", ...args }]) });
        stack.writeFile("secret-values.json", JSON.stringify(secrets));
        return stack;
    }

    const exported = async (stack: E2EStack) => JSON.stringify(await stack.exportState());
    const decrypted = async (stack: E2EStack) => JSON.stringify(await stack.exportState(true));

    it("a secret email: not in clear in stack export after up, nor after a UI rename and refresh", async () => {
        const stack = await stackWith({ accountName: "acct-with-secret-email", email: { secret: "siemEmail" } }, { siemEmail: EMAIL });
        const up = await stack.up();
        expectOk(up, "pulumi up");
        expect(emulator.siemAccounts()[0]).to.deep.include({ email: EMAIL });
        expectNone(await exported(stack), "stack export after up", EMAIL);
        // Not vacuous: the state does hold it, encrypted.
        expect(await decrypted(stack)).to.include(EMAIL);

        emulator.renameAccount(emulator.siemAccounts()[0].accountId, "acct-renamed-in-ui");
        const refresh = await stack.refresh();
        expectOk(refresh, "pulumi refresh after the rename");
        expectNone(await exported(stack), "stack export after refresh", EMAIL);
        expectNone(up.output + refresh.output, "what up and refresh printed", EMAIL);
    });

    it("a secret accountName: not in clear in stack export after up, nor (nor the new name) after a UI rename and refresh; destroy's refusal hides both", async () => {
        const stack = await stackWith({ accountName: { secret: "siemName" }, email: "owner@example.com" }, { siemName: NAME });
        const up = await stack.up();
        expectOk(up, "pulumi up");
        expect(emulator.siemAccounts().map((a) => a.accountName)).to.deep.equal([NAME]);
        expectNone(await exported(stack), "stack export after up", NAME);
        expect(await decrypted(stack)).to.include(NAME);

        emulator.renameAccount(emulator.siemAccounts()[0].accountId, RENAMED);
        const refresh = await stack.refresh();
        expectOk(refresh, "pulumi refresh after the rename");
        expectNone(await exported(stack), "stack export after refresh", NAME, RENAMED);
        expect(await decrypted(stack)).to.include(RENAMED);

        const destroy = await stack.destroy();
        expectFailed(destroy, "pulumi destroy of a live account");
        expect(destroy.output).to.include("still exists");
        expectNone(up.output + refresh.output + destroy.output, "what up, refresh and destroy printed", NAME, RENAMED);
    });

    it("a create that ended half-way (a partial create) with secret inputs: the state it leaves holds neither value in clear", async () => {
        // Logz.io answers 200 with an unusable body that carries the id, and does not list the account yet.
        emulator.setProvisioningMs(60_000);
        emulator.injectFaults(ROUTES.create, { kind: "schemaViolating200", body: { accountId: 4242, accountName: 99 } });
        const stack = await stackWith(
            { accountName: { secret: "siemName" }, email: { secret: "siemEmail" } },
            { siemName: NAME, siemEmail: EMAIL },
        );
        const up = await stack.up();
        expectFailed(up, "pulumi up");
        expect(up.output).to.include("4242").and.include("pulumi refresh");
        const [resource] = await stack.siemResources();
        expect(resource?.id, "the partial create's id in state").to.equal("4242");
        expectNone(await exported(stack), "stack export after the partial create", NAME, EMAIL);
        expect(await decrypted(stack))
            .to.include(NAME)
            .and.include(EMAIL);
        expectNone(up.output, "what up printed", NAME, EMAIL);
    });

    it("preview and up refused for a secret accountName Logz.io already lists: the output shows neither spelling", async () => {
        emulator.addAccount({ accountName: NAME.toLowerCase(), type: "SECURITY_ACCOUNT" });
        const stack = await stackWith({ accountName: { secret: "siemName" }, email: "owner@example.com" }, { siemName: NAME });
        const preview = await stack.preview();
        expectFailed(preview, "pulumi preview");
        expect(preview.output).to.include("already exists");
        const up = await stack.up();
        expectFailed(up, "pulumi up");
        expect(up.output).to.include("already exists");
        expectNone(preview.output + up.output, "what preview and up printed", NAME);
        expect(emulator.count(ROUTES.create)).to.equal(0);
    });

    it("preview refused for an invalid secret email: the output names the property, not the value", async () => {
        const bad = "not-an-address-Hj4";
        const stack = await stackWith({ accountName: "acct-bad-email", email: { secret: "siemEmail" } }, { siemEmail: bad });
        const preview = await stack.preview();
        expectFailed(preview, "pulumi preview");
        expect(preview.output).to.include("email [secret] is invalid");
        expectNone(preview.output, "what preview printed", bad);
    });

    it("state written by an earlier version (derived fields in clear): up plans no change and leaves no value in clear", async () => {
        const stack = await stackWith(
            { accountName: { secret: "siemName" }, email: { secret: "siemEmail" } },
            { siemName: NAME, siemEmail: EMAIL },
        );
        expectOk(await stack.up(), "pulumi up");
        // Rewrite the state as versions before this one wrote it: no list of secret inputs, `requested` and
        // `storedName` in clear, no additionalSecretOutputs.
        const deployment = (await stack.exportState(true)) as { deployment: { resources: Record<string, unknown>[] } };
        for (const r of deployment.deployment.resources) {
            if (r.type !== "pulumi-nodejs:dynamic/logzio:SiemAccount") continue;
            const inputs = r.inputs as Record<string, unknown>;
            const outputs = r.outputs as Record<string, unknown>;
            delete inputs.__secretInputs;
            delete outputs.__secretInputs;
            outputs.requested = plainOf(outputs.requested);
            outputs.storedName = plainOf(outputs.storedName);
            delete r.additionalSecretOutputs;
        }
        const file = path.join(stack.dir, "earlier-state.json");
        fs.writeFileSync(file, JSON.stringify(deployment));
        await stack.must(["stack", "import", "--file", file]);
        fs.rmSync(file);
        expect(await exported(stack), "the earlier version's state")
            .to.include(EMAIL)
            .and.include(NAME);

        const preview = await stack.preview({ expectNoChanges: true });
        expectOk(preview, "pulumi preview --expect-no-changes on the earlier state");
        const up = await stack.up();
        expectOk(up, "pulumi up on the earlier state");
        expect(stepsFor(up)).to.deep.equal(["same"]);
        expectNone(await exported(stack), "stack export after up", EMAIL, NAME);
        expect(emulator.count(ROUTES.create)).to.equal(1);
    });
});
