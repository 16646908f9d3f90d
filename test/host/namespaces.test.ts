// Config namespaces through Pulumi's real dynamic-provider host against the emulator: settings belong to the namespace
// that sets them (never to every namespace on the same main account), a refused token is reported under the
// resource's own namespace, and namespaces that collide with another's environment variables, or are not namespaces
// at all, are refused with bounded messages.
import { expect } from "chai";
import { LogzioEmulator, ROUTES } from "../../emulator";
import { urnFor } from "../../testing/runner/hostDriver";
import { MAX_MESSAGE_CHARS } from "../../provider/logzio/text";
import { hostFixtures, createVia, hostError } from "../helpers/support";

describe("config namespaces, through the host", function () {
    this.timeout(60_000);
    let emulator: LogzioEmulator;
    let provider: string;
    const host = hostFixtures("test", (f) => ({ provider, emulator } = f));

    describe("settings belong to a namespace", () => {
        const shared = (e: LogzioEmulator) => ({ "logzio-b:customApiUrl": e.url, "logzio-b:apiToken": e.token });

        it("a namespace's provisioningGraceMinutes 0 never reaches another namespace on the same main account", async () => {
            const h = await host({ config: { ...shared(emulator), "logzio-b:provisioningGraceMinutes": "0" } });
            // logzio-b resolves first: before, its settings became the main account's for every namespace.
            await createVia(h, provider, "in-b", { accountName: "in-b", email: "b@example.com", configNamespace: "logzio-b" });
            const urn = urnFor("in-default");
            const created = await createVia(h, provider, "in-default", { accountName: "in-default", email: "d@example.com" });
            emulator.deleteAccount(Number(created.id));
            const read = await h.read(created.id, urn, created.properties);
            expect(read.id, "logzio's own grace (15 minutes) keeps it").to.equal(created.id);
        });

        it("a refused token is reported under the resource's own namespace", async () => {
            emulator.injectFaults(ROUTES.whoami, { kind: "status", status: 401, body: '{"message":"Unauthorized"}' });
            const h = await host({ config: shared(emulator) });
            const inB = await h.check(
                urnFor("b"),
                {},
                { __provider: provider, accountName: "b", email: "b@example.com", configNamespace: "logzio-b" },
            );
            expect(inB.failures[0].reason).to.include('config namespace "logzio-b"');
            // Should the engine create anyway, the refusal names that namespace's key.
            const err = await hostError(h.create(urnFor("b"), inB.inputs));
            expect(err.message).to.include("refused the API token").and.include("logzio-b:apiToken");
            const inDefault = await h.check(urnFor("d"), {}, { __provider: provider, accountName: "d", email: "d@example.com" });
            expect(inDefault.failures[0].reason).to.include('config namespace "logzio"');
            expect(inDefault.failures[0].reason).to.not.include("logzio-b");
        });
    });

    describe("namespaces that collide or are not namespaces are refused", () => {
        for (const ns of ["LOGZIO", "Logzio", "LOGZIO-SIEM", "Logzio_Siem"]) {
            it(`configNamespace ${JSON.stringify(ns)} does not pass check with another namespace's environment token`, async () => {
                const h = await host({ bare: true, env: { LOGZIO_API_TOKEN: emulator.token, LOGZIO_CUSTOM_API_URL: emulator.url } });
                const { failures } = await h.check(
                    urnFor("x"),
                    {},
                    { __provider: provider, accountName: "x", email: "x@example.com", configNamespace: ns },
                );
                expect(failures.map((f) => f.reason).join(" ")).to.match(/would read the environment variables of namespace/);
                expect(emulator.requests).to.deep.equal([]);
            });
        }

        it("a 5,000-character namespace: every reason within 2 KB", async () => {
            const h = await host();
            const { failures } = await h.check(
                urnFor("x"),
                {},
                { __provider: provider, accountName: "x", email: "x@example.com", configNamespace: "n".repeat(5000) },
            );
            expect(failures).to.not.deep.equal([]);
            for (const f of failures) expect(f.reason.length).to.be.at.most(MAX_MESSAGE_CHARS);
        });

        it("two spellings of one environment prefix in one host: the second is refused", async () => {
            const h = await host({
                config: {
                    "logzio-eu:customApiUrl": emulator.url,
                    "logzio-eu:apiToken": emulator.token,
                    "logzio_eu:customApiUrl": emulator.url,
                    "logzio_eu:apiToken": emulator.token,
                },
            });
            const first = await h.check(
                urnFor("a"),
                {},
                { __provider: provider, accountName: "a", email: "a@example.com", configNamespace: "logzio-eu" },
            );
            expect(first.failures).to.deep.equal([]);
            const second = await h.check(
                urnFor("b"),
                {},
                { __provider: provider, accountName: "b", email: "b@example.com", configNamespace: "logzio_eu" },
            );
            expect(second.failures[0].reason).to.include("read the same environment variables");
        });

        it("a configNamespace in state that is not a string: a clear error, nothing dropped", async () => {
            const h = await host();
            const created = await createVia(h, provider, "ns", { accountName: "ns", email: "n@example.com" });
            const err = await hostError(h.read(created.id, urnFor("ns"), { ...created.properties, configNamespace: 42 }));
            expect(err.message).to.include("configNamespace 42, which is not a string");
            expect(err.message).to.not.include("toUpperCase");
        });
    });
});
