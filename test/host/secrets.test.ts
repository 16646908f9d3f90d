// Inputs the program marks secret, through Pulumi's real dynamic-provider host against the emulator:
// the SiemAccount constructor names them in `__secretInputs` (the engine strips the secret markers before the
// provider sees anything), the provider keeps that name list in state, and no check failure or operation error shows
// their values, nor a name Logz.io lists for a secret accountName. What the engine stores is tested through the real
// CLI (test/e2e/secrets.test.ts).
import { expect } from "chai";
import * as pulumi from "@pulumi/pulumi";
import { LogzioEmulator, ROUTES } from "../../emulator";
import { SiemAccount } from "../../provider";
import { SECRET_INPUTS } from "../../provider/program/state";
import { hideValues } from "../../provider/logzio/text";
import { captureResources } from "../../testing/runner/providerCapture";
import { ProviderHost, urnFor } from "../../testing/runner/hostDriver";
import { hostFixtures, hostError } from "../helpers/support";

const NAME = "Secret-Siem-Name";
const EMAIL = "hidden.person@example.com";

/** The inputs the real constructor sends for `args` (secrets unwrapped, as the engine sends them to this host). */
async function inputsOf(args: () => ConstructorParameters<typeof SiemAccount>[1]): Promise<Record<string, unknown>> {
    const [res] = await captureResources(() => {
        new SiemAccount("r", args());
    });
    return res.inputs;
}

/** Neither value, in any letter case, anywhere in `text`. */
function expectHidden(text: string, ...values: string[]): void {
    for (const v of values) expect(text.toLowerCase(), `"${v}" in: ${text}`).to.not.include(v.toLowerCase());
}

describe("secret inputs", function () {
    this.timeout(60_000);

    describe("the constructor names the secret inputs (names only)", () => {
        it("lists exactly the inputs given as secrets, and adds nothing for plain values or non-secret Outputs", async () => {
            const secretEmail = await inputsOf(() => ({ accountName: "plain-name", email: pulumi.secret(EMAIL) }));
            expect(secretEmail[SECRET_INPUTS]).to.deep.equal(["email"]);
            const secretName = await inputsOf(() => ({ accountName: pulumi.secret(NAME), email: EMAIL }));
            expect(secretName[SECRET_INPUTS]).to.deep.equal(["accountName"]);
            const secretScan = await inputsOf(() => ({ accountName: "n", email: EMAIL, accountsToScan: [1, pulumi.secret(2)] }));
            expect(secretScan[SECRET_INPUTS]).to.deep.equal(["accountsToScan"]);
            const plainOutput = await inputsOf(() => ({ accountName: pulumi.output("n"), email: EMAIL }));
            expect(plainOutput).to.not.have.property(SECRET_INPUTS);
            const plain = await inputsOf(() => ({ accountName: "n", email: EMAIL }));
            expect(plain).to.not.have.property(SECRET_INPUTS);
        });
    });

    describe("through the host", () => {
        let emulator: LogzioEmulator;
        let provider: string;
        const hostWith = hostFixtures("test", (f) => ({ provider, emulator } = f));
        const host = (config: Record<string, string> = {}): Promise<ProviderHost> => hostWith({ config });

        it("check: an invalid secret email is refused as [secret], never shown, and not against the property", async () => {
            const h = await host();
            const inputs = await inputsOf(() => ({ accountName: "fine-name", email: pulumi.secret("not-an-address-Zq9") }));
            const { failures } = await h.check(urnFor("bad-email"), {}, { __provider: provider, ...inputs });
            // Against the resource, not the property: the engine would print the property's value next to it.
            expect(failures.map((f) => f.property)).to.deep.equal([""]);
            expect(failures[0].reason).to.include("is invalid").and.include("[secret]");
            expectHidden(failures[0].reason, "not-an-address-Zq9");
        });

        it("check: a secret accountName with loose spaces is refused without the name or the spelling it suggests", async () => {
            const h = await host();
            const inputs = await inputsOf(() => ({ accountName: pulumi.secret("  Loose   Secret  "), email: EMAIL }));
            const { failures } = await h.check(urnFor("loose"), {}, { __provider: provider, ...inputs });
            expect(failures.map((f) => f.property)).to.deep.equal([""]);
            expect(failures[0].reason).to.include("leading, trailing or repeated spaces");
            expectHidden(failures[0].reason, "loose   secret", "loose secret");
        });

        it("check at preview: a secret accountName that Logz.io already lists (in another case) is refused without either name", async () => {
            emulator.addAccount({ accountName: NAME.toLowerCase(), type: "SECURITY_ACCOUNT" });
            const h = await host();
            const inputs = await inputsOf(() => ({ accountName: pulumi.secret(NAME), email: EMAIL }));
            const { failures } = await h.check(urnFor("dup"), {}, { __provider: provider, ...inputs });
            expect(failures).to.have.length(1);
            expect(failures[0].reason).to.include("already exists").and.include("existingAccountId");
            expectHidden(failures[0].reason, NAME);
        });

        it("create: the duplicate guard's refusal shows neither the secret name nor the one Logz.io lists", async () => {
            const h = await host();
            const inputs = await inputsOf(() => ({ accountName: pulumi.secret(NAME), email: EMAIL }));
            const { inputs: checked } = await h.check(urnFor("dup-up"), {}, { __provider: provider, ...inputs });
            // Listed between the preview's check and the create, spaced and cased otherwise.
            emulator.addAccount({ accountName: ` ${NAME.toUpperCase()} `, type: "SECURITY_ACCOUNT" });
            const error = await hostError(h.create(urnFor("dup-up"), checked));
            expect(error.details).to.include("already exists");
            expectHidden(error.details, NAME);
            expect(emulator.count(ROUTES.create)).to.equal(0);
        });

        it("create: the advice after a lost answer does not show a secret accountName", async () => {
            const h = await host();
            emulator.setProvisioningMs(60_000);
            emulator.injectFaults(ROUTES.create, { kind: "statusAfterCommit", status: 500 });
            const inputs = await inputsOf(() => ({ accountName: pulumi.secret(NAME), email: pulumi.secret(EMAIL) }));
            const { inputs: checked } = await h.check(urnFor("lost"), {}, { __provider: provider, ...inputs });
            const error = await hostError(h.create(urnFor("lost"), checked));
            expect(error.details).to.include("could not establish whether").and.include("existingAccountId");
            expect(error.details).to.include("[secret]");
            expectHidden(error.details, NAME, EMAIL);
        });

        it("a partial create keeps which inputs were secret in its properties, and its message hides the name", async () => {
            const h = await host();
            emulator.setProvisioningMs(60_000);
            emulator.injectFaults(ROUTES.create, { kind: "schemaViolating200", body: { accountId: 4242, accountName: 99 } });
            const inputs = await inputsOf(() => ({ accountName: pulumi.secret(NAME), email: EMAIL }));
            const { inputs: checked } = await h.check(urnFor("partial"), {}, { __provider: provider, ...inputs });
            const error = await hostError(h.create(urnFor("partial"), checked));
            expect(error.partialCreate?.id).to.equal("4242");
            expect(error.partialCreate?.properties[SECRET_INPUTS]).to.deep.equal(["accountName"]);
            expectHidden(error.details, NAME);
            for (const reason of error.partialCreate?.reasons ?? []) expectHidden(reason, NAME);
        });

        it("state remembers the secret inputs: refresh after a UI rename keeps them; delete's refusal hides old and new name", async () => {
            const h = await host();
            const urn = urnFor("kept");
            const inputs = await inputsOf(() => ({ accountName: pulumi.secret(NAME), email: pulumi.secret(EMAIL) }));
            const { inputs: checked } = await h.check(urn, {}, { __provider: provider, ...inputs });
            const created = await h.create(urn, checked);
            expect(created.properties[SECRET_INPUTS]).to.deep.equal(["accountName", "email"]);

            emulator.renameAccount(Number(created.id), "Renamed-In-The-UI");
            const read = await h.read(created.id, urn, created.properties, checked);
            expect(read.properties[SECRET_INPUTS]).to.deep.equal(["accountName", "email"]);
            expect(read.properties.accountName).to.equal("Renamed-In-The-UI");
            // The drift's inputs too: the next check and diff still know which inputs were secret.
            expect(read.inputs?.[SECRET_INPUTS]).to.deep.equal(["accountName", "email"]);

            const refused = await hostError(h.delete(created.id, urn, read.properties));
            expect(refused.details).to.include("still exists").and.include(created.id);
            expectHidden(refused.details, NAME, "Renamed-In-The-UI", EMAIL);
        });

        it("an account created by an earlier version: the secret-inputs list passes check and plans no change", async () => {
            const h = await host();
            const urn = urnFor("upgraded");
            // State as versions before this one wrote it: no list of secret inputs in inputs or outputs.
            const before = await h.check(urn, {}, { __provider: provider, accountName: NAME, email: EMAIL });
            const created = await h.create(urn, before.inputs);
            expect(created.properties).to.not.have.property(SECRET_INPUTS);
            // The same program under this version, with the email now secret.
            const inputs = await inputsOf(() => ({ accountName: NAME, email: pulumi.secret(EMAIL) }));
            const now = await h.check(urn, before.inputs, { __provider: provider, ...inputs });
            expect(now.failures).to.deep.equal([]);
            expect(now.inputs[SECRET_INPUTS]).to.deep.equal(["email"]);
            const diff = await h.diff(created.id, urn, created.properties, now.inputs);
            expect(diff).to.deep.include({ changes: "none", replaces: [] });
            // And back: the list gone (no input secret any more) is no change either.
            const state = { ...created.properties, [SECRET_INPUTS]: ["email"] };
            const plain = await h.check(urn, now.inputs, { __provider: provider, accountName: NAME, email: EMAIL });
            expect((await h.diff(created.id, urn, state, plain.inputs)).changes).to.equal("none");
        });

        it("a list of secret inputs that is not a list of names is refused as such", async () => {
            const h = await host();
            const { failures } = await h.check(
                urnFor("odd"),
                {},
                { __provider: provider, accountName: "n", email: EMAIL, [SECRET_INPUTS]: "email" },
            );
            expect(failures.map((f) => f.property)).to.deep.equal([SECRET_INPUTS]);
        });
    });

    describe("hideValues", () => {
        it("hides a value in any case and spacing, JSON-escaped, and a prefix of it where the text was cut", () => {
            expect(hideValues(`a SIEM account named "prod siem" exists`, ["Prod  Siem"])).to.equal(
                `a SIEM account named "[secret]" exists`,
            );
            expect(hideValues(`got "a\\"b@example.com"`, ['a"b@example.com'])).to.equal(`got "[secret]"`);
            expect(hideValues("named hidden.pers ... (10+ more characters)", ["hidden.person@example.com"])).to.equal(
                "named [secret] ... (10+ more characters)",
            );
            expect(hideValues("ends with hidden.pe", ["hidden.person@example.com"])).to.equal("ends with [secret]");
        });

        it("leaves longer words and other numbers alone", () => {
            expect(hideValues("production uses prod", ["prod"])).to.equal("production uses [secret]");
            expect(hideValues("ids 12 and 123 and 1234", [123])).to.equal("ids 12 and [secret] and 1234");
            expect(hideValues("nothing to hide", [])).to.equal("nothing to hide");
        });
    });
});
