// The quickstart as a person runs it with the real CLI: stack init, the token set as a secret, preview, up, a
// no-change preview; then what the engine wrote (state, stack config, output) is searched for the token.
import { execFileSync, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as path from "node:path";
import { expect } from "chai";
import { LogzioEmulator } from "../../emulator";
import { changesOf, stepsFor } from "../../harness/e2e/stack";
import { ROUTES } from "../../emulator/server";
import { REPO_ROOT } from "../helpers/support";
import { npmInstall, packedTarball } from "../../harness/packed";
import { SIEM_TYPE, e2eDescribe, emulatorConfig, emulatorPerTest, expectFailed, expectOk, initAgainst, QUICKSTART_EMAIL } from "./support";

e2eDescribe("quickstart", (ctx) => {
    let emulator: LogzioEmulator;
    emulatorPerTest((e) => (emulator = e));

    it("preview proposes one create, up makes it, a second preview expects no changes; the token is nowhere", async () => {
        const stack = ctx.project("examples/quickstart", { name: "logzio-siem-quickstart" });
        await initAgainst(stack, emulator, QUICKSTART_EMAIL);

        const preview = await stack.preview();
        expectOk(preview, "pulumi preview");
        expect(stepsFor(preview)).to.deep.equal(["create"]);
        expect(changesOf(preview)).to.deep.equal({ create: 2 }); // the stack and the account
        expect(emulator.count(ROUTES.create), "preview creates nothing").to.equal(0);

        const up = await stack.up();
        expectOk(up, "pulumi up");
        const [account] = emulator.siemAccounts();
        expect(emulator.siemAccounts()).to.have.length(1);
        expect(account).to.include({ accountName: "platform-siem", email: "security@example.com" });
        const outputs = await stack.outputs();
        expect(outputs).to.deep.equal({ accountId: account.accountId, accountName: "platform-siem", createdAt: account.createdAt });
        const [resource] = await stack.siemResources();
        expect(resource.id).to.equal(String(account.accountId));

        const again = await stack.preview({ expectNoChanges: true });
        expectOk(again, "pulumi preview --expect-no-changes");
        expect(stepsFor(again)).to.deep.equal(["same"]);
        expect(emulator.count(ROUTES.create)).to.equal(1);

        const at = stack.printed.indexOf(emulator.token);
        expect(at, `the CLI printed the token: ${stack.printed.slice(Math.max(0, at - 300), at + 100)}`).to.equal(-1);

        // State: the SiemAccount carries only the small shim as __provider, and no token even decrypted.
        const shown = await stack.exportState(true);
        const siem = shown.deployment.resources.filter((r: { type: string }) => r.type === SIEM_TYPE);
        expect(siem).to.have.length(1);
        const shim = String(siem[0].inputs.__provider);
        expect(shim.length, "__provider is the small shim").to.be.lessThan(8192);
        expect(shim).to.include("pulumi-logzio-siem/runtime");
        expect(JSON.stringify(siem)).to.not.include(emulator.token);
        // The engine keeps the stack config as the inputs of the default dynamic provider resource, so
        // `--show-secrets` decrypts the token there and nowhere else; without it, only ciphertext exists.
        const holders = shown.deployment.resources
            .filter((r: object) => JSON.stringify(r).includes(emulator.token))
            .map((r: { type: string }) => r.type);
        expect(holders).to.deep.equal(["pulumi:providers:pulumi-nodejs"]);
        expect(JSON.stringify(await stack.exportState())).to.not.include(emulator.token);
        for (const [file, text] of Object.entries(stack.backendFiles())) expect(text, file).to.not.include(emulator.token);
        expect(stack.stackConfigText()).to.match(/logzio:apiToken:\s*\n\s*secure: v1:/);
        expect(stack.stackConfigText()).to.not.include(emulator.token);
        // The token went to the emulator and nowhere else (the emulator is the only host the stack knows).
        expect(new Set(emulator.requests.map((r) => r.token))).to.deep.equal(new Set([emulator.token]));
    });

    it("preview fails on a missing or a wrong token, naming the key and never printing the token", async () => {
        const stack = ctx.project("examples/quickstart", { name: "logzio-siem-quickstart" });
        const { config } = emulatorConfig(emulator);
        await stack.init({ ...config, ...QUICKSTART_EMAIL });

        const missing = await stack.preview();
        expectFailed(missing, "pulumi preview without a token");
        expect(missing.output).to.include("logzio:apiToken");
        expect(emulator.requests, "no call without a token").to.deep.equal([]);

        const wrong = "wrong-token-e2e-0123456789abcdef";
        await stack.setConfig("logzio:apiToken", wrong, true);
        const refused = await stack.preview();
        expectFailed(refused, "pulumi preview with a wrong token");
        expect(refused.output).to.include("logzio:apiToken").and.include("HTTP 401");
        expect(refused.output).to.not.include(wrong);
        expect(emulator.requests.map((r) => `${r.method} ${r.path}`)).to.deep.equal([ROUTES.whoami]);

        await stack.setConfig("logzio:apiToken", emulator.token, true);
        expectOk(await stack.preview(), "pulumi preview with the right token");
        expect(emulator.count(ROUTES.create)).to.equal(0);
    });

    it("`pulumi new` from examples/quickstart (a template) names the project after its folder; `pulumi up` runs it and needs an email", async () => {
        const stack = ctx.project("examples/quickstart", { files: {} });
        const template = path.join(REPO_ROOT, "examples", "quickstart");
        const generated = await stack.pulumi(["new", template, "--generate-only", "--yes", "--force"]);
        expectOk(generated, "pulumi new --generate-only");
        // What `pulumi new` prints last tells the user to add the package first (else the program fails with TS2307).
        expect(generated.output).to.include("npm install git+https://").and.include("pulumi config set email");
        const read = (f: string) => fs.readFileSync(path.join(stack.dir, f), "utf8");
        // No --name: the project is named after its folder, as `pulumi new` does for a template named ${PROJECT}.
        const project = path.basename(stack.dir);
        expect(read("Pulumi.yaml"))
            .to.match(new RegExp(`^name: ${project}$`, "m"))
            .and.not.match(/^template:/m);
        expect(read("index.ts")).to.equal(fs.readFileSync(path.join(template, "index.ts"), "utf8"));
        // The package is not on the npm registry yet: the template leaves it out, so the `npm install` of `pulumi new`
        // succeeds, and the user adds it from git or a tarball.
        expect(JSON.parse(read("package.json")).dependencies).to.not.have.property("pulumi-logzio-siem");

        await initAgainst(stack, emulator);
        const missing = await stack.preview();
        expectFailed(missing, "pulumi preview without an email");
        expect(missing.output).to.include(`${project}:email`);
        expect(emulator.count(ROUTES.create)).to.equal(0);

        // A plain key is the project's: `pulumi config set email` lands where the program reads it.
        expectOk(await stack.pulumi(["config", "set", "email", "soc@example.com"]), "pulumi config set email");
        expectOk(await stack.up(), "pulumi up of the generated project");
        expect(emulator.siemAccounts().map((a) => [a.accountName, a.email])).to.deep.equal([["platform-siem", "soc@example.com"]]);
        expect((await stack.outputs()).accountId).to.equal(emulator.siemAccounts()[0].accountId);
    });

    it("the README's new-project steps, then its emulator steps, run as written: the packed package from `pulumi new` to `pulumi up` and the emulator's stop, no plain token in any file", async () => {
        const stack = ctx.project("examples/quickstart", { files: {}, ownInstall: true, stack: "dev" });
        const substitute: Record<string, string> = {
            "<template>": path.join(REPO_ROOT, "examples", "quickstart"),
            "<package>": packedTarball(),
            "<token>": emulator.token,
        };
        const steps = readmeSteps("new-project");
        expect(steps.map((s) => s.slice(0, 2).join(" "))).to.include.members(["pulumi new", "npm install", "pulumi up"]);
        expect(
            steps.some((s) => s.includes("-c")),
            "the token is never given to `pulumi new -c`",
        ).to.equal(false);
        // Without a Logz.io account the README runs its emulator steps in place of the last `pulumi up`.
        expect(steps[steps.length - 1]).to.deep.equal(["pulumi", "up"]);
        for (const step of steps.slice(0, -1)) {
            const args = step.map((a) => substitute[a] ?? a);
            expect(args.join(" "), "every placeholder is known").to.not.match(/<[^>]*>/);
            if (args[0] === "mkdir" || args[0] === "cd") continue; // the test's project folder is new and empty
            if (args[0] === "npm") {
                expect(args[1]).to.equal("install");
                npmInstall(stack.dir, args.slice(2));
            } else {
                expect(args[0]).to.equal("pulumi");
                expectOk(await stack.pulumi(args.slice(1)), args.join(" "));
            }
        }

        // The emulator steps, with the README's port swapped for a free one (8080 may be taken on this machine).
        const port = String(await freePort());
        const emulatorSteps = readmeSteps("emulator").map((step) => step.map((a) => a.replace(/\b8080\b/, port)));
        expect(emulatorSteps.map((s) => s.slice(0, 2).join(" "))).to.include.members(["npx logzio-emulator", "pulumi up", "kill %1"]);
        let started: ReturnType<typeof spawn> | undefined;
        let exited: Promise<number | null> | undefined;
        try {
            for (const args of emulatorSteps) {
                if (args[0] === "npx" && args[args.length - 1] === "&") {
                    // Started in the background, as the shell's `&` does; its banner says it listens.
                    started = spawn("npx", args.slice(1, -1), {
                        cwd: stack.dir,
                        env: stack.environment(),
                        stdio: ["ignore", "pipe", "pipe"],
                    });
                    exited = new Promise((resolve) => started!.on("exit", (code) => resolve(code)));
                    await listening(started, Number(port));
                } else if (args[0] === "npx") {
                    const shown = execFileSync("npx", args.slice(1), { cwd: stack.dir, env: stack.environment(), encoding: "utf8" });
                    const accounts = JSON.parse(shown) as { accountName: string; type: string }[];
                    expect(accounts.filter((a) => a.type === "SECURITY_ACCOUNT").map((a) => a.accountName)).to.deep.equal([
                        "platform-siem",
                    ]);
                } else if (args.join(" ") === "kill %1") {
                    // `kill %1` sends SIGTERM to the background npx; the emulator under it stops cleanly and frees its port.
                    started!.kill("SIGTERM");
                    await exited;
                    await portFreed(Number(port));
                    started = undefined;
                } else if (args[0] === "pulumi" && args[1] === "up") {
                    expectOk(await stack.up(), "pulumi up against the emulator");
                } else {
                    expect(args[0]).to.equal("pulumi");
                    expectOk(await stack.pulumi(args.slice(1)), args.join(" "));
                }
            }
        } finally {
            started?.kill("SIGKILL");
        }
        expect(started, "the README stops the emulator it started").to.equal(undefined);
        const outputs = await stack.outputs();
        expect(outputs.accountName).to.equal("platform-siem");
        expect(outputs.accountId).to.be.a("number");
        expect(emulator.requests, "the test's own emulator got nothing: the README's served the stack").to.deep.equal([]);
        // The package came from the tarball, into the project's own node_modules.
        const installed = fs.realpathSync(path.join(stack.dir, "node_modules", "pulumi-logzio-siem"));
        expect(installed.startsWith(fs.realpathSync(stack.dir))).to.equal(true);
        expect(JSON.parse(fs.readFileSync(path.join(stack.dir, "package.json"), "utf8")).dependencies["pulumi-logzio-siem"]).to.match(
            /^file:.*\.tgz$/,
        );

        expect(stack.stackConfigText()).to.match(/logzio:apiToken:\s*\n\s*secure: v1:/);
        const plain: string[] = [];
        for (const root of [stack.dir, stack.home, stack.backendDir])
            for (const file of filesUnder(root)) if (fs.readFileSync(file).includes(emulator.token)) plain.push(file);
        expect(plain, "files holding the token in plain text").to.deep.equal([]);
        expect(stack.printed).to.not.include(emulator.token);
    });
});

/** The commands of one of README.md's bash blocks (`<!-- name:begin -->`), one word list per line, comments dropped. */
function readmeSteps(name: string): string[][] {
    const readme = fs.readFileSync(path.join(REPO_ROOT, "README.md"), "utf8");
    const block = new RegExp(`<!-- ${name}:begin -->\\s*\`\`\`bash\\n([\\s\\S]*?)\`\`\`\\s*<!-- ${name}:end -->`).exec(readme);
    expect(block, `README has the ${name} block`).to.not.equal(null);
    return block![1]
        .split("\n")
        .flatMap((line) => line.replace(/\s#.*$/, "").split("&&"))
        .map((command) => command.trim().split(/\s+/))
        .filter((words) => words[0] !== "");
}

/** A port nothing listens on now. */
function freePort(): Promise<number> {
    return new Promise((resolve, reject) => {
        const server = net.createServer();
        server.once("error", reject);
        server.listen(0, "127.0.0.1", () => {
            const { port } = server.address() as net.AddressInfo;
            server.close(() => resolve(port));
        });
    });
}

/** Resolves once the process's output says it listens on the port; rejects if it ends first. */
function listening(child: ReturnType<typeof spawn>, port: number): Promise<void> {
    return new Promise((resolve, reject) => {
        let out = "";
        const seen = (chunk: Buffer) => {
            out += chunk.toString();
            if (out.includes(`127.0.0.1:${port}`)) resolve();
        };
        child.stdout!.on("data", seen);
        child.stderr!.on("data", seen);
        child.on("exit", (code) => reject(new Error(`npx logzio-emulator ended (${code}) before listening: ${out}`)));
    });
}

/** Resolves once nothing accepts connections on the port (the emulator under npx has stopped), within 20 s. */
async function portFreed(port: number): Promise<void> {
    const until = Date.now() + 20_000;
    for (;;) {
        const open = await new Promise<boolean>((resolve) => {
            const socket = net.connect(port, "127.0.0.1");
            socket.once("connect", () => (socket.destroy(), resolve(true)));
            socket.once("error", () => resolve(false));
        });
        if (!open) return;
        if (Date.now() > until) throw new Error(`port ${port} still accepts connections 20 s after kill %1`);
        await new Promise((r) => setTimeout(r, 100));
    }
}

/** Every file under a folder, following no symlinks; the folder must hold some (a search of nothing proves nothing). */
function filesUnder(root: string): string[] {
    const files = fs
        .readdirSync(root, { recursive: true, withFileTypes: true })
        .filter((e) => e.isFile())
        .map((e) => path.join(e.parentPath, e.name));
    expect(files.length, `files under ${root}`).to.be.greaterThan(0);
    return files;
}
