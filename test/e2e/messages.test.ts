// Each provider failure once in what `pulumi` prints. The engine shows a failed resource's message under
// Diagnostics, and its first line on the resource's progress rows (in a log, once per row change); the host's
// own stderr echo of the same failure is dropped by the runtime. So the advice line appears exactly once, the first
// line once outside the progress rows, and nothing is printed as "pulumi-logzio-siem: ...".
import { expect } from "chai";
import { LogzioEmulator } from "../../emulator";
import { RunResult } from "../../harness/e2e/stack";
import { e2eDescribe, emulatorConfig, emulatorPerTest, expectFailed, expectOk, initAgainst, QUICKSTART_EMAIL } from "./support";

const occurrences = (text: string, part: string) => text.split(part).length - 1;

/** Lines that are a progress row of the SiemAccount named `security` (the quickstart's). */
const isRow = (line: string) => /^\s*\S*\s*pulumi-nodejs:dynamic\/logzio:SiemAccount security /.test(line);

/** The run printed the failure once: its advice once, its first line once outside the resource's progress rows. */
function expectSaidOnce(run: RunResult, what: string, advice: string): void {
    expect(occurrences(run.output, advice), `the advice, once, in:\n${run.output}`).to.equal(1);
    const outside = run.output.split("\n").filter((line) => line.includes(what) && !isRow(line));
    expect(outside, `the first line, once outside the progress rows, in:\n${run.output}`).to.have.length(1);
    expect(run.output).to.not.include("pulumi-logzio-siem:");
    // Whole sentences: the advice line ends with a full stop where the CLI prints it.
    const printed = run.output.split("\n").find((line) => line.includes(advice)) ?? "";
    expect(printed.trimEnd()).to.match(/\.$/);
}

e2eDescribe("messages said once", (ctx) => {
    let emulator: LogzioEmulator;
    emulatorPerTest((e) => (emulator = e));

    it("`pulumi destroy` of a live account prints the refusal once, whole", async () => {
        const stack = ctx.project("examples/quickstart", { name: "logzio-siem-quickstart" });
        await initAgainst(stack, emulator, QUICKSTART_EMAIL);
        expectOk(await stack.up(), "pulumi up");
        const [account] = emulator.siemAccounts();

        const destroy = await stack.destroy();
        expectFailed(destroy, "pulumi destroy of a live account");
        expectSaidOnce(
            destroy,
            `SIEM account ${account.accountId} ("platform-siem") still exists, and Logz.io has no API call that deletes SIEM accounts.`,
            "Delete it in the Logz.io UI (Settings > Manage accounts, the delete icon; a shared Repository account must be reset first)",
        );
        expect(occurrences(destroy.output, "retainOnDelete")).to.equal(1);
        expect(emulator.siemAccounts()).to.have.length(1);
    });

    it("`pulumi preview` with a wrong token prints the refusal once, its advice once, whole", async () => {
        const stack = ctx.project("examples/quickstart", { name: "logzio-siem-quickstart" });
        const { config } = emulatorConfig(emulator);
        await stack.init({ ...config, ...QUICKSTART_EMAIL }, { "logzio:apiToken": "wrong-token-messages-0123456789" });

        const preview = await stack.preview();
        expectFailed(preview, "pulumi preview with a wrong token");
        expectSaidOnce(
            preview,
            'Logz.io did not accept the API token of config namespace "logzio"',
            "Check that logzio:apiToken is an API token of the main (owner) account, and that the region (or API URL) is that account's.",
        );
        expect(occurrences(preview.output, "main (owner) account")).to.equal(1);
        expect(preview.output).to.not.include("wrong-token-messages-0123456789");
    });

    it("`pulumi up` over an existing account of that name prints the adopt line once", async () => {
        const existing = emulator.addAccount({ accountName: "platform-siem" });
        const stack = ctx.project("examples/quickstart", { name: "logzio-siem-quickstart" });
        await initAgainst(stack, emulator, QUICKSTART_EMAIL);

        const up = await stack.up();
        expectFailed(up, "pulumi up over an existing name");
        expectSaidOnce(
            up,
            `a SIEM account named "platform-siem" already exists (accountId ${existing.accountId})`,
            `add to its args:  existingAccountId: ${existing.accountId},  or choose another accountName.`,
        );
        expect(emulator.siemAccounts()).to.have.length(1);
    });
});
