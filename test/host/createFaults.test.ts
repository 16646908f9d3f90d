// What a create does for every fault the Logz.io API can throw at it, driven through Pulumi's real dynamic-provider
// host over gRPC against the emulator (fixture: test/helpers/faultHosts.ts): 429 retried with the same body, 5xx before
// Logz.io acted (looked up, posted again), Logz.io acted but the answer was lost (found by the lookup, never posted
// twice), accounts still provisioning, the default provisioning grace, connection failures, and other 4xx (one
// request, no account). Each test counts the accounts and the requests that reached Logz.io.
import { expect } from "chai";
import { Fault } from "../../emulator";
import { urnFor } from "../../testing/runner/hostDriver";
import { createVia, hostError } from "../helpers/support";
import { CREATE, LIST, OWNER_ID, faultHosts } from "../helpers/faultHosts";

describe("faults on create, through Pulumi's dynamic-provider host", function () {
    this.timeout(30_000);
    const fx = faultHosts();
    const { args, counts, posts, expectFullBodies, expectOneAccount, expectClearError } = fx;

    describe("429 on create: retried, the same body every time", () => {
        it("without Retry-After: backs off and repeats the POST until it is accepted", async () => {
            const a = args("429");
            fx.emulator.injectFaults(
                CREATE,
                { kind: "status", status: 429 },
                { kind: "status", status: 429 },
                { kind: "status", status: 429 },
            );
            const created = await createVia(fx.host, fx.provider, "r429", a);
            expect(counts()).to.deep.equal({ posts: 4, lists: 1, accounts: 1 });
            expectOneAccount(created, a.accountName);
            expectFullBodies(a);
        });

        it("Retry-After in seconds is honoured", async () => {
            const a = args("429s");
            fx.emulator.injectFaults(CREATE, { kind: "status", status: 429, headers: { "retry-after": "1" } });
            const created = await createVia(fx.host, fx.provider, "r429s", a);
            expect(counts()).to.deep.equal({ posts: 2, lists: 1, accounts: 1 });
            expectOneAccount(created, a.accountName);
            const [first, second] = posts();
            expect(second.at - first.at, "waited for Retry-After: 1")
                .to.be.at.least(990)
                .and.below(2500);
            expectFullBodies(a);
        });

        it("Retry-After as an HTTP date is honoured", async () => {
            const a = args("429d");
            const at = new Date(Date.now() + 2000).toUTCString(); // whole seconds: between 1 and 2 s from now
            fx.emulator.injectFaults(CREATE, { kind: "status", status: 429, headers: { "retry-after": at } });
            const created = await createVia(fx.host, fx.provider, "r429d", a);
            expect(counts()).to.deep.equal({ posts: 2, lists: 1, accounts: 1 });
            expectOneAccount(created, a.accountName);
            const [first, second] = posts();
            expect(second.at - first.at, `waited until ${at}`)
                .to.be.at.least(900)
                .and.below(3000);
            expect(second.at, "not before the date").to.be.at.least(Date.parse(at) - 50);
        });

        it("a Retry-After beyond logzio-siem:requestTimeoutSeconds fails at once with a clear error and no account", async () => {
            const a = args("429far");
            fx.emulator.injectFaults(CREATE, { kind: "status", status: 429, headers: { "retry-after": "60" } });
            const started = Date.now();
            const err = await hostError(createVia(fx.host, fx.provider, "r429far", a));
            expect(Date.now() - started).to.be.below(2000);
            expectClearError(err, "HTTP 429", "Too Many Requests");
            expect(err.partialCreate).to.equal(undefined);
            expect(counts()).to.deep.equal({ posts: 1, lists: 1, accounts: 0 });
        });

        it("429 past logzio-siem:maxRetries: maxRetries+1 POSTs, each with the full body, then a clear error and no account", async () => {
            const a = args("429x");
            fx.emulator.injectFaults(CREATE, ...Array.from({ length: 5 }, (): Fault => ({ kind: "status", status: 429 })));
            const err = await hostError(createVia(fx.tight, fx.provider, "r429x", a));
            expectClearError(err, `POST /v2/account-management/siem failed: HTTP 429`, "Too Many Requests", "after 3 attempts");
            expect(err.partialCreate).to.equal(undefined);
            expect(counts()).to.deep.equal({ posts: 3, lists: 1, accounts: 0 });
            expectFullBodies(a);
        });

        it("after an exhausted 429 the same resource can be created on the next run", async () => {
            const a = args("429again");
            fx.emulator.injectFaults(CREATE, ...Array.from({ length: 3 }, (): Fault => ({ kind: "status", status: 429 })));
            await hostError(createVia(fx.tight, fx.provider, "r429again", a));
            const created = await createVia(fx.tight, fx.provider, "r429again", a);
            expect(counts().posts).to.equal(4);
            expect(counts().accounts).to.equal(1);
            expect(counts().lists, "a guard list per try: the second sees Logz.io as of its own moment").to.equal(2);
            expectOneAccount(created, a.accountName);
        });
    });

    describe("5xx before Logz.io acted: looked up, not found, posted again", () => {
        for (const status of [500, 502, 503, 504]) {
            it(`${status}: one lookup, a second POST with the same body, one account`, async () => {
                const a = args(`s${status}`);
                fx.emulator.injectFaults(CREATE, { kind: "status", status });
                const created = await createVia(fx.host, fx.provider, `s${status}`, a);
                // guard list, POST (status), lookup list (nothing), POST (created)
                expect(counts()).to.deep.equal({ posts: 2, lists: 2, accounts: 1 });
                expect(fx.emulator.requests.map((r) => `${r.method} ${r.path}`)).to.deep.equal([LIST, CREATE, LIST, CREATE]);
                expectOneAccount(created, a.accountName);
                expectFullBodies(a);
            });
        }

        it("5xx on every round: a clear error naming the account, and no account", async () => {
            const a = args("s503x");
            fx.emulator.injectFaults(CREATE, ...Array.from({ length: 5 }, (): Fault => ({ kind: "status", status: 503 })));
            const err = await hostError(createVia(fx.host, fx.provider, "s503x", a));
            expectClearError(err, a.accountName, "HTTP 503", "could not be created", "up to 3 may exist");
            expect(err.partialCreate).to.equal(undefined);
            // Three rounds of POST then lookup, after the guard list.
            expect(counts()).to.deep.equal({ posts: 3, lists: 4, accounts: 0 });
            expectFullBodies(a);
        });
    });

    describe("Logz.io acted but the answer was lost: the lookup finds the account, no second POST", () => {
        it("statusAfterCommit 502: the id comes from the lookup", async () => {
            const a = args("c502");
            fx.emulator.injectFaults(CREATE, { kind: "statusAfterCommit", status: 502 });
            const created = await createVia(fx.host, fx.provider, "c502", a);
            expect(counts()).to.deep.equal({ posts: 1, lists: 2, accounts: 1 });
            expectOneAccount(created, a.accountName);
            expect(created.properties).to.include({ email: a.email, isUsingRepositoryAccount: true });
            expect(created.properties.accountsToScan).to.deep.equal([OWNER_ID]);
        });

        it("resetAfterCommit: the connection drops after Logz.io created the account", async () => {
            const a = args("rac");
            fx.emulator.injectFaults(CREATE, { kind: "resetAfterCommit" });
            const created = await createVia(fx.host, fx.provider, "rac", a);
            expect(counts()).to.deep.equal({ posts: 1, lists: 2, accounts: 1 });
            expectOneAccount(created, a.accountName);
        });

        it("malformed200: a 200 whose body is not JSON", async () => {
            const a = args("m200");
            fx.emulator.injectFaults(CREATE, { kind: "malformed200" });
            const created = await createVia(fx.host, fx.provider, "m200", a);
            expect(counts()).to.deep.equal({ posts: 1, lists: 2, accounts: 1 });
            expectOneAccount(created, a.accountName);
        });

        it("a lookup list that cannot be the whole truth is no proof of absence: no second POST (provisioningGraceMinutes 0)", async () => {
            const a = args("c502hostile");
            fx.emulator.injectFaults(CREATE, { kind: "statusAfterCommit", status: 502 });
            // The guard list is whole; the lookup after the 502 lacks the main account (and the new account).
            fx.emulator.injectFaults(LIST, { kind: "delay", ms: 0 }, { kind: "hostileList", shape: "empty" });
            const err = await hostError(createVia(fx.host, fx.provider, "c502hostile", a));
            expectClearError(
                err,
                `could not establish whether SIEM account "${a.accountName}" was created`,
                "empty list",
                "Settings > Manage accounts",
            );
            expect(counts()).to.deep.equal({ posts: 1, lists: 2, accounts: 1 });
        });

        it("schemaViolating200: a 200 whose body fails the codec (accountName a number, no id)", async () => {
            const a = args("v200");
            fx.emulator.injectFaults(CREATE, { kind: "schemaViolating200", body: { accountName: 17 } });
            const created = await createVia(fx.host, fx.provider, "v200", a);
            expect(counts()).to.deep.equal({ posts: 1, lists: 2, accounts: 1 });
            expectOneAccount(created, a.accountName);
        });

        it("a 200 whose accountId is a numeric string: that id is the result, no lookup needed", async () => {
            const a = args("v200str");
            fx.emulator.injectFaults(CREATE, { kind: "schemaViolating200" });
            const created = await createVia(fx.host, fx.provider, "v200str", a);
            expect(counts()).to.deep.equal({ posts: 1, lists: 1, accounts: 1 });
            expectOneAccount(created, a.accountName);
        });
    });

    describe("Logz.io acted but the list does not show the account yet (provisioning)", () => {
        it("schemaViolating200 with an integer accountId: a partial create that keeps the id in Pulumi's state", async () => {
            const a = args("v200hidden");
            fx.emulator.setProvisioningMs(60_000);
            // After reset the next id is OWNER_ID + 1; the body lacks accountName, so the codec refuses it.
            fx.emulator.injectFaults(CREATE, {
                kind: "schemaViolating200",
                body: { accountId: OWNER_ID + 1, createdAt: "2024-01-01T00:00:00Z" },
            });
            const err = await hostError(createVia(fx.host, fx.provider, "v200hidden", a));
            const [account] = fx.emulator.siemAccounts();
            expect(account.accountId).to.equal(OWNER_ID + 1);
            expect(err.partialCreate, "ErrorResourceInitFailed").to.not.equal(undefined);
            expect(err.partialCreate!.id).to.equal(String(account.accountId));
            expect(err.partialCreate!.properties).to.include({ accountId: account.accountId, accountName: a.accountName, email: a.email });
            expectClearError(err, a.accountName, `accountId ${account.accountId}`, "accountName", "pulumi refresh");
            expect(counts()).to.deep.equal({ posts: 1, lists: 2, accounts: 1 });
            // The engine stores these properties as the outputs and refreshes from them: they must load the provider.
            expect(err.partialCreate!.properties.__provider).to.equal(fx.provider);
            // Once Logz.io lists it, `pulumi refresh` completes it (this host's grace is 0: unlisted would mean gone).
            fx.emulator.setProvisioningMs(0);
            const refreshed = await fx.host.read(err.partialCreate!.id, urnFor("v200hidden"), err.partialCreate!.properties);
            expect(refreshed.id).to.equal(String(account.accountId));
            expect(refreshed.properties).to.include({ accountName: a.accountName, mainAccountId: OWNER_ID });
        });

        it("malformed200 (JSON cut after the id): a partial create that keeps the id in Pulumi's state", async () => {
            const a = args("m200cut");
            fx.emulator.setProvisioningMs(60_000);
            fx.emulator.injectFaults(CREATE, { kind: "malformed200" });
            const err = await hostError(createVia(fx.host, fx.provider, "m200cut", a));
            const [account] = fx.emulator.siemAccounts();
            expect(err.partialCreate, "ErrorResourceInitFailed").to.not.equal(undefined);
            expect(err.partialCreate!.id).to.equal(String(account.accountId));
            expect(counts()).to.deep.equal({ posts: 1, lists: 2, accounts: 1 });
        });

        it("a 200 with no id anywhere: never posts again, fails naming the account and what to check", async () => {
            const a = args("m200hidden");
            fx.emulator.setProvisioningMs(60_000);
            fx.emulator.injectFaults(CREATE, {
                kind: "statusAfterCommit",
                status: 200,
                body: '{"accountNa',
                contentType: "application/json",
            });
            const err = await hostError(createVia(fx.host, fx.provider, "m200hidden", a));
            expectClearError(
                err,
                `could not establish whether SIEM account "${a.accountName}" was created`,
                "Settings > Manage accounts",
                "existingAccountId",
            );
            expect(err.partialCreate).to.equal(undefined);
            // A 200 means it exists: one account, and no second POST that would make it two.
            expect(counts()).to.deep.equal({ posts: 1, lists: 2, accounts: 1 });
        });

        it("the lookup itself fails: a clear error naming the account, and no second POST", async () => {
            const a = args("lookupfail");
            fx.emulator.injectFaults(CREATE, { kind: "statusAfterCommit", status: 502 });
            // The guard list passes; the lookup meets a 401 (not retried).
            fx.emulator.injectFaults(
                LIST,
                { kind: "delay", ms: 0 },
                { kind: "status", status: 401, body: JSON.stringify({ message: "Unauthorized" }) },
            );
            const err = await hostError(createVia(fx.host, fx.provider, "lookupfail", a));
            expectClearError(err, `could not establish whether SIEM account "${a.accountName}" was created`, "HTTP 502", "HTTP 401");
            expect(counts()).to.deep.equal({ posts: 1, lists: 2, accounts: 1 });
        });
    });

    describe("with the default logzio-siem:provisioningGraceMinutes, a lookup miss never repeats the POST", () => {
        it("503 before Logz.io acted: one POST, a clear error that says what to check, no account", async () => {
            const a = args("g503");
            fx.emulator.injectFaults(CREATE, { kind: "status", status: 503 });
            const err = await hostError(createVia(fx.tight, fx.provider, "g503", a));
            expectClearError(
                err,
                `could not establish whether SIEM account "${a.accountName}" was created`,
                "HTTP 503",
                "Settings > Manage accounts",
                "existingAccountId",
            );
            expect(err.partialCreate).to.equal(undefined);
            expect(counts()).to.deep.equal({ posts: 1, lists: 2, accounts: 0 });
        });

        it("502 after commit while Logz.io still hides the new account: one account, not two", async () => {
            const a = args("g502hidden");
            fx.emulator.setProvisioningMs(60_000);
            fx.emulator.injectFaults(CREATE, { kind: "statusAfterCommit", status: 502 });
            const err = await hostError(createVia(fx.tight, fx.provider, "g502hidden", a));
            expectClearError(
                err,
                `could not establish whether SIEM account "${a.accountName}" was created`,
                "HTTP 502",
                "Settings > Manage accounts",
            );
            expect(counts()).to.deep.equal({ posts: 1, lists: 2, accounts: 1 });
        });

        it("resetBeforeCommit: one POST, a clear error, no account", async () => {
            const a = args("grbc");
            fx.emulator.injectFaults(CREATE, { kind: "resetBeforeCommit" });
            const err = await hostError(createVia(fx.tight, fx.provider, "grbc", a));
            expectClearError(err, `could not establish whether SIEM account "${a.accountName}" was created`, "ECONNRESET");
            expect(counts()).to.deep.equal({ posts: 1, lists: 2, accounts: 0 });
        });
    });

    describe("connection failures", () => {
        it("resetBeforeCommit: dropped before Logz.io acted; looked up, posted again, one account", async () => {
            const a = args("rbc");
            fx.emulator.injectFaults(CREATE, { kind: "resetBeforeCommit" });
            const created = await createVia(fx.host, fx.provider, "rbc", a);
            expect(counts()).to.deep.equal({ posts: 2, lists: 2, accounts: 1 });
            expectOneAccount(created, a.accountName);
            expectFullBodies(a);
        });

        it("hang: the POST times out (1 s of a 3 s budget); never repeated; a clear error and no account", async () => {
            const a = args("hang");
            fx.emulator.injectFaults(CREATE, { kind: "hang" });
            const started = Date.now();
            const err = await hostError(createVia(fx.host, fx.provider, "hang", a));
            // At least the POST's own 1 s, and within the 3 s budget (with room for a busy machine). How much of the rest
            // the lookups use depends on where their backoff meets the deadline: they are counted below, not timed.
            expect(Date.now() - started)
                .to.be.at.least(1000)
                .and.below(5000);
            expectClearError(
                err,
                `could not establish whether SIEM account "${a.accountName}" was created`,
                "no answer within 1s",
                "Settings > Manage accounts",
            );
            expect(err.partialCreate).to.equal(undefined);
            const c = counts();
            expect({ posts: c.posts, accounts: c.accounts }).to.deep.equal({ posts: 1, accounts: 0 });
            expect(c.lists, "guard list, then lookups").to.be.at.least(2);
        });

        it("delay beyond the attempt timeout: Logz.io creates the account after the client gave up; found, not posted again", async () => {
            const a = args("delay");
            fx.emulator.injectFaults(CREATE, { kind: "delay", ms: 1500 });
            const started = Date.now();
            const created = await createVia(fx.host, fx.provider, "delay", a);
            // The delayed POST is recorded when the server finishes it (1.5 s after it arrived): wait for that.
            await new Promise((r) => setTimeout(r, Math.max(0, started + 1800 - Date.now())));
            const c = counts();
            expect({ posts: c.posts, accounts: c.accounts }).to.deep.equal({ posts: 1, accounts: 1 });
            expect(c.lists, "guard list, then lookups until it is listed").to.be.at.least(3);
            expectOneAccount(created, a.accountName);
        });

        it("an API that refuses connections: retried up to maxRetries, then a clear 'could not connect' error", async () => {
            const a = { ...args("down"), configNamespace: "logzio-down" };
            const err = await hostError(createVia(fx.host, fx.provider, "down", a));
            // The first request of an operation asks who the main account is; it never connects either.
            expectClearError(err, "GET /v2/whoami failed", "could not connect", "ECONNREFUSED", "after 3 attempts");
            expect(fx.emulator.requests).to.have.length(0);
            expect(fx.emulator.siemAccounts()).to.have.length(0);
        });
    });

    describe("other 4xx: one request, no retry, no lookup, no account", () => {
        const cases: { status: number; body?: string; expect: string[] }[] = [
            { status: 400, expect: ["HTTP 400", "Bad Request"] },
            {
                status: 401,
                body: JSON.stringify({ message: "Unauthorized. Make sure your API token is valid" }),
                expect: ["HTTP 401", "refused the API token"],
            },
            { status: 403, body: JSON.stringify({ message: "Insufficient privileges" }), expect: ["HTTP 403", "Insufficient privileges"] },
            { status: 404, body: JSON.stringify({ message: "Not found" }), expect: ["HTTP 404", "Not found"] },
        ];
        for (const c of cases) {
            it(`${c.status} on create`, async () => {
                const a = args(`e${c.status}`);
                fx.emulator.injectFaults(CREATE, { kind: "status", status: c.status, ...(c.body === undefined ? {} : { body: c.body }) });
                const err = await hostError(createVia(fx.host, fx.provider, `e${c.status}`, a));
                expectClearError(err, "POST /v2/account-management/siem failed", ...c.expect, /requestId [0-9a-f-]{36}/);
                expect(err.partialCreate).to.equal(undefined);
                expect(counts()).to.deep.equal({ posts: 1, lists: 1, accounts: 0 });
            });

            it(`${c.status} on the list before create: no POST at all`, async () => {
                const a = args(`l${c.status}`);
                fx.emulator.injectFaults(LIST, { kind: "status", status: c.status, ...(c.body === undefined ? {} : { body: c.body }) });
                const err = await hostError(createVia(fx.host, fx.provider, `l${c.status}`, a));
                expectClearError(err, "GET /v1/associated-accounts failed", ...c.expect);
                expect(counts()).to.deep.equal({ posts: 0, lists: 1, accounts: 0 });
            });
        }
    });
});
