// What the lifecycle says to a person about the accounts it decides on: refusals, drift, replacements, adoption,
// creates whose outcome is unknown. Failed requests are told in errors.ts, bad inputs and config where they are
// checked (inputs.ts, names.ts, settings.ts, configKeys.ts, proxy.ts, runtime.ts).
// Each message is whole sentences: what happened on its first line (the engine's progress rows show only that
// line), what is known and what to do on the next, said once.
import { AccountView, SiemAccountInputs } from "../logzio/codecs";
import { Failure, describeFailure } from "../logzio/errors";
import { createdAtMs } from "../lookups/absence";
import { Settings, tuningKey } from "../config/settings";
import { sameName } from "./names";
import { headline, summarise } from "../logzio/text";
import { aliasOption, args, neutralWording, property, retainOption } from "./wording";

type Props = Record<string, unknown>;

export const refused = (message: string): Failure => ({ kind: "refused", message });

/** The config key of the provisioning grace. */
export const graceKey = (settings: Settings): string => tuningKey(settings.namespace, "provisioningGraceMinutes");

/** One failure quoted inside another message: its first line, without the advice that follows it. */
const describeBrief = (f: Failure): string => headline(describeFailure(f));

/** The main account a message names: its id and the API URL it is reached at. */
const named = (id: unknown, url: unknown) => `main account ${String(id)}${typeof url === "string" && url !== "" ? ` (${url})` : ""}`;

/** A name quoted in a message, cut so the lines after it (an adopt line) always fit in the message's bound. */
const shortName = (name: string) => (name.length > 200 ? `${name.slice(0, 197)}...` : name);

/**
 * The duplicate guard, for an account no resource of this stack is known to manage (those get nameHeldInStack). A
 * resource renamed in the program without `aliases` meets its own account here, and the engine has said nothing yet of
 * the old resource (it deletes it last): the aliases line comes first.
 */
export function duplicateName(existing: AccountView): string {
    return (
        `a SIEM account named "${shortName(existing.accountName)}" already exists (accountId ${existing.accountId}), so none was created: ` +
        `another would be a second billed account with the same name.\n` +
        `If this stack already manages it as a resource you renamed in the program, add ${aliasOption()}${neutralWording() ? " " : "  "}` +
        `to this resource instead. To manage the existing account with this resource, add to its ${args()}:  ${property("existingAccountId", existing.accountId)}${neutralWording() ? ";" : ","}  ` +
        `or choose another accountName.`
    );
}

/** Appended to a duplicate refusal's advice: the other SiemAccounts of the run whose names Logz.io already lists. */
export function alsoListed(others: readonly AccountView[]): string {
    const names = others.map((a) => `"${a.accountName}" (${neutralWording() ? "id" : "existingAccountId:"} ${a.accountId})`);
    return (
        `Logz.io also lists accounts under the names of other SiemAccounts of this stack, found in this run: ` +
        `${summarise(names)}; adopt them the same way in this change, so that one \`pulumi up\` takes them all.`
    );
}

export function creatingNow(name: string): string {
    return (
        `another SiemAccount in this stack is creating accountName "${name}" under the same Logz.io account right now, ` +
        `and Logz.io would make two billed accounts with one name.\nGive each resource its own accountName.`
    );
}

export function unsettledClaim(name: string): string {
    return (
        `another SiemAccount in this run already tried to create accountName "${name}" under the same Logz.io account, and its ` +
        `outcome is unknown: Logz.io may have created it, and a second POST could make a second billed account, so none was sent.\n` +
        `Check Logz.io under Settings > Manage accounts: if "${name}" exists, adopt it with ${property("existingAccountId", "<its id>")}, then run \`pulumi up\` again.`
    );
}

/** How each replaced property is shown, and how the state says Logz.io has it. */
const shown = (v: unknown) => JSON.stringify(v) ?? String(v);

/**
 * The ways to keep an account that a replacement would delete (Logz.io has no update call): a name Logz.io lists
 * other than the program's (a rename in the UI) is a choice between the two names; a change the program made is
 * reverted, or, for a name, made in the UI instead.
 */
export function keepWays(r: { replaces: readonly string[]; olds: Props; news: Props }): string {
    const { replaces, olds, news } = r;
    const requested = typeof olds.requested === "object" && olds.requested !== null ? (olds.requested as Props) : {};
    const ways: string[] = [];
    const others = replaces.filter((p) => p !== "accountName");
    if (replaces.includes("accountName")) {
        const live = String(olds.accountName);
        const asked = String(news.accountName);
        const stored = typeof olds.storedName === "string" ? olds.storedName : undefined;
        if (stored !== undefined && live !== stored) {
            ways.push(
                `keep the name it was given in the Logz.io UI by setting accountName: ${shown(live)} in the program, ` +
                    (sameName(asked, stored)
                        ? `or restore ${shown(asked)} by renaming it back in the Logz.io UI and running \`pulumi refresh\``
                        : `or rename it to ${shown(asked)} in the Logz.io UI and run \`pulumi refresh\``),
            );
        } else {
            ways.push(
                `set accountName back to ${shown(live)} in the program, or rename the account to ${shown(asked)} in the Logz.io UI ` +
                    `and run \`pulumi refresh\` (a rename there keeps the account)`,
            );
        }
    }
    if (others.length > 0) {
        const was = (p: string) => (p in requested ? requested[p] : olds[p]);
        ways.push(
            // A property the state has no value for was not set before: reverting it is removing it.
            [
                ...(others.some((p) => was(p) !== undefined)
                    ? [
                          `revert ${others
                              .filter((p) => was(p) !== undefined)
                              .map((p) => `${p} to ${shown(was(p))}`)
                              .join(", ")}`,
                      ]
                    : []),
                ...others.filter((p) => was(p) === undefined).map((p) => `remove ${p}`),
            ].join(" and ") + " in the program (Logz.io has no call that changes an account)",
        );
    }
    return ways.join("; and ");
}

/** What changed, for a message's first line. */
const changedList = (replaces: readonly string[]) => replaces.join(", ");

/** At preview: the diff planned a replacement, which will stop at the delete of an account Logz.io cannot delete. */
export function replacementAhead(id: string, r: { replaces: readonly string[]; olds: Props; news: Props }): string {
    return (
        `SIEM account ${id} ("${String(r.olds.accountName)}") is planned for replacement (${changedList(r.replaces)} changed), and Logz.io has no API ` +
        `call that deletes SIEM accounts: \`pulumi up\` will stop at its delete until someone deletes it by hand in the Logz.io UI, with its data.\n` +
        `To keep it, ${keepWays(r)}.`
    );
}

/**
 * The delete found the account alive. During a replacement the ways that keep it come first; a resource leaving the
 * program (`programRan`) may have been renamed; for `pulumi destroy`, retainOnDelete. Deleting by hand comes last.
 */
export function stillExists(
    live: AccountView,
    context?: { replacement?: { replaces: readonly string[]; olds: Props; news: Props }; programRan?: boolean },
): string {
    const head = `SIEM account ${live.accountId} ("${live.accountName}") still exists, and Logz.io has no API call that deletes SIEM accounts`;
    const byHand =
        `Delete it in the Logz.io UI (Settings > Manage accounts, the delete icon; a shared Repository account must be reset first), which deletes its data too, ` +
        `then run \`pulumi refresh\` and this operation again.`;
    const r = context?.replacement;
    if (r) {
        return (
            `${head}, so its replacement (${changedList(r.replaces)} changed) stopped before anything was created.\n` +
            `To keep it, ${keepWays(r)}. Only if you want a new account in its place: ${byHand}`
        );
    }
    const retain = `set ${retainOption()}, run \`pulumi up\`, then remove the resource`;
    if (context?.programRan) {
        return (
            `${head}, so the resource that left the program was not deleted.\n` +
            `To keep it: if you renamed the resource, give the new one ${aliasOption()}; ` +
            `to keep the account but stop managing it, restore the resource and ${retain}. Only if you mean to delete it: ${byHand}`
        );
    }
    return `${head}.\nTo keep the account and only remove it from this stack, ${retain}. To delete it: ${byHand}`;
}

/** The config now reaches another main account than the one that owns the resource in state (preview and up). */
export function switchedMainAccount(
    id: string,
    state: Props,
    current: { mainAccountId: number; apiUrl: string },
    settings: Settings,
): string {
    return (
        `SIEM account ${id} ("${String(state.accountName)}") belongs to Logz.io ${named(state.mainAccountId, state.apiUrl)}, but config namespace ` +
        `"${settings.namespace}" now reaches ${named(current.mainAccountId, current.apiUrl)} (its token, region or customApiUrl changed): ` +
        `nothing was planned, dropped or created.\n` +
        `To keep managing it, restore ${settings.namespace}:apiToken (and region or customApiUrl) for ${named(state.mainAccountId, undefined)}. ` +
        `To move the stack to ${named(current.mainAccountId, undefined)} instead, run \`pulumi state delete\` with this resource's URN ` +
        `(the account stays in Logz.io), then adopt that main account's SIEM account with ${property("existingAccountId", "<its id>")}.`
    );
}

export function stillProvisioning(settings: Settings, id: string, state: Props): string {
    return (
        `SIEM account ${id} ("${String(state.accountName)}") was created at ${String(state.createdAt)} and Logz.io does not list it yet ` +
        `(new accounts take a few minutes to set up), so it cannot be confirmed gone.\nRetry once it is older than ` +
        `${graceKey(settings)} by Logz.io's clock, or set ${retainOption()} to drop it from the stack without deleting it.`
    );
}

/** Logz.io sent no `Date`, and this host did not create the account: its age by Logz.io's clock is unknown. */
export function ageUnknown(settings: Settings, id: string, state: Props, doing: "refresh" | "delete"): string {
    return (
        `SIEM account ${id} ("${String(state.accountName)}") is not listed by Logz.io, but it was created at ${String(state.createdAt)} ` +
        (createdAtMs(state.createdAt) === undefined
            ? `and that createdAt is not a time the provider can place (no ISO 8601 date-time), so it cannot tell whether it is still being set up `
            : `and Logz.io's answers carry no Date header, so the provider cannot tell whether it is still being set up `) +
        `(${graceKey(settings)}); the local clock is not trusted for this.\n` +
        (doing === "refresh"
            ? "It stays in state unchanged; run `pulumi refresh` again later."
            : `It is not confirmed gone; retry later, or set ${retainOption()} to drop it from the stack without deleting it.`)
    );
}

/** The id is listed, but as another type of account: neither the SIEM account's presence nor its absence is shown. */
export function listedAsOtherType(id: string, state: Props, listed: AccountView, doing: "refresh" | "delete"): string {
    return (
        `Logz.io lists account ${id} as "${listed.accountName}" of type ${listed.type}, not as a SIEM account (SECURITY_ACCOUNT), ` +
        `so its list shows neither that SIEM account ${id}${typeof state.accountName === "string" && state.accountName !== "" ? ` ("${state.accountName}")` : ""} exists nor that it is gone: ` +
        (doing === "refresh"
            ? "it stays in state unchanged. Check the account in Logz.io (Settings > Manage accounts) and run `pulumi refresh` again"
            : "it is not confirmed gone and stays in state. Check the account in Logz.io (Settings > Manage accounts); " +
              `to drop it from the stack without deleting anything, set ${retainOption()}`)
    );
}

/** A new accountName with spaces Logz.io may not keep as sent. */
export function looseSpaces(name: string): string {
    return (
        `accountName ${JSON.stringify(name.length > 100 ? `${name.slice(0, 97)}...` : name)} has leading, trailing or repeated spaces; ` +
        `Logz.io may store the name trimmed and collapsed, and the duplicate-name guard treats both spellings as one name: ` +
        `write it as ${JSON.stringify(name.trim().replace(/\s+/g, " ").slice(0, 100))}`
    );
}

/** Why a list cannot show that an account is absent, for each lifecycle step that would conclude it. */
export function listNotWhole(why: string, subject: string, doing: "refresh" | "delete" | "guard" | "lookup" | "adopt"): string {
    const base = `${why}, so it cannot be the whole list and is no evidence that ${subject} is absent`;
    switch (doing) {
        case "refresh":
            return `${base}: it stays in state unchanged.\nRun \`pulumi refresh\` again once Logz.io answers normally.`;
        case "delete":
            return `${base}: it is not confirmed gone and stays in state.\nRetry once Logz.io answers normally.`;
        case "guard":
            return `${base}: the duplicate-name guard cannot rule out an existing account, so nothing was created.\nRun \`pulumi up\` again once Logz.io answers normally.`;
        case "lookup":
            return `${base}.`;
        case "adopt":
            return `${base}: nothing was adopted.\nRun \`pulumi up\` again once Logz.io answers normally.`;
    }
}

export function unusableList(f: Failure, subject: string, doing: "refresh" | "delete"): string {
    return (
        `${describeBrief(f)}; an unusable list is no evidence that ${subject} is gone, so ` +
        (doing === "refresh" ? "it stays in state unchanged." : "it is not confirmed gone.")
    );
}

/** The state says another main account owns the resource than the one the config points at now. */
export function otherMainAccount(
    id: string,
    state: Props,
    current: { mainAccountId: number; apiUrl: string },
    settings: Settings,
    doing: string,
): string {
    return (
        `SIEM account ${id} ("${String(state.accountName)}") belongs to Logz.io ${named(state.mainAccountId, state.apiUrl)}, but the provider ` +
        `is configured for ${named(current.mainAccountId, current.apiUrl)} (the token, region and URL of config namespace "${settings.namespace}"). ` +
        `Its list cannot show this account, so the ${doing} was refused: nothing was dropped, adopted or created.\nPoint the stack config back ` +
        `at ${named(state.mainAccountId, undefined)}, or, if you mean to leave that account behind, remove the resource from state with \`pulumi state delete\`.`
    );
}

/** `check` at preview: Logz.io answered that it will not accept the configured token at this URL. */
export function tokenRefused(settings: Settings, failure: Failure): string {
    return (
        `Logz.io did not accept the API token of config namespace "${settings.namespace}" at ${settings.apiUrl}: ${describeBrief(failure)}.\n` +
        `Check that ${settings.namespace}:apiToken is an API token of the main (owner) account, and that the region ` +
        `(or API URL) is that account's.`
    );
}

export function unsettled(inputs: SiemAccountInputs, failure: Failure, lookupFailure?: Failure, settings?: Settings): string {
    const cause = failure.kind === "decode" ? `Logz.io answered but the body was unusable (${failure.detail})` : describeBrief(failure);
    const lookup = lookupFailure
        ? `; looking it up failed too (${describeBrief(lookupFailure)})`
        : "; Logz.io does not list it (yet: new accounts can take minutes to appear), so the request was not repeated";
    const wait = settings ? `wait ${Math.ceil(settings.provisioningGraceMs / 60_000)} minutes (${graceKey(settings)}), then ` : "";
    return (
        `could not establish whether SIEM account "${inputs.accountName}" was created: ${cause}${lookup}.\n` +
        `Check Logz.io under Settings > Manage accounts: if "${inputs.accountName}" exists, add ${property("existingAccountId", "<its id>")} to the resource ${args()} ` +
        `and run \`pulumi up\` again; if it does not, ${wait}run \`pulumi up\` again (the duplicate-name guard stops a second account once it is listed).`
    );
}

/** Only what is known: each POST may have acted, and a list that lags would not show it. */
export function notCreated(inputs: SiemAccountInputs, failure: Failure, rounds: number): string {
    return (
        `SIEM account "${inputs.accountName}" could not be created: ${describeBrief(failure)}; after ${rounds} attempt(s) Logz.io lists no such account.\n` +
        `provisioningGraceMinutes 0 assumes Logz.io lists new accounts at once; if it lists them late, up to ${rounds} may exist: ` +
        `check Settings > Manage accounts before running \`pulumi up\` again.`
    );
}

export function partialCreateMessage(inputs: SiemAccountInputs, id: number, detail: string): string {
    return (
        `SIEM account "${inputs.accountName}" was created (accountId ${id}) but Logz.io's answer was unusable: ${detail}.\n` +
        `Pulumi keeps the id in state; run \`pulumi refresh\` to complete it.`
    );
}

export function adoptUnknownId(id: number, apiUrl: string): string {
    return (
        `existingAccountId ${id}: no account with that id under this Logz.io main account (${apiUrl}).\n` +
        `Check the id in Logz.io under Settings > Manage accounts; a SIEM account created minutes ago may not be listed yet.`
    );
}

export function adoptNotSiem(id: number, match: AccountView): string {
    return `existingAccountId ${id}: account "${match.accountName}" is a ${match.type}, not a SIEM account (SECURITY_ACCOUNT).`;
}

export function adoptOtherName(id: number, match: AccountView, wanted: string): string {
    return (
        `existingAccountId ${id}: the SIEM account is named "${match.accountName}" in Logz.io but accountName is "${wanted}".\n` +
        `Set ${property("accountName", JSON.stringify(match.accountName))} to adopt it (there is no rename API).`
    );
}

/** A configNamespace in state that is not a string (state edited by hand, or written by something else). */
export function namespaceNotString(value: unknown): string {
    let shown: string;
    try {
        shown = JSON.stringify(value)?.slice(0, 80) ?? String(value);
    } catch {
        shown = typeof value;
    }
    return (
        `The resource's state holds configNamespace ${shown}, which is not a string, so the provider cannot tell which main account ` +
        `owns it: nothing was read, dropped or deleted.\n` +
        `Fix the state: \`pulumi stack export\`, correct configNamespace, \`pulumi stack import\`.`
    );
}

/**
 * The name asked for is held by an account another resource of this stack manages (names moving between
 * resources, a swap): never an adopt line, since adopting it would make two resources manage one account.
 */
export function nameHeldInStack(existing: AccountView, nameInState: string): string {
    const was = nameInState !== "" && nameInState !== existing.accountName ? ` (recorded there as "${shortName(nameInState)}")` : "";
    return (
        `accountName "${shortName(existing.accountName)}" is the name of SIEM account ${existing.accountId}, which another resource of this ` +
        `stack manages${was}, so none was created: a second account of that name would be billed too.\n` +
        `If that resource is being renamed too (names swapped between resources), rename one resource at a time, each to a name ` +
        `no account has; otherwise give this resource another accountName.`
    );
}

/**
 * A create of this name from this machine whose outcome Pulumi may never have learned (createJournal.ts): another run
 * (a parallel worker sharing this Pulumi home) may still be waiting for the answer, or the provider stopped before
 * Logz.io answered, or the answer was lost, or it made account `accountId` but the run that asked ended
 * before recording it.
 */
export function unknownOutcome(name: string, mainAccountId: number, record: { file: string; sentAt: string; accountId?: number }): string {
    const remove = process.platform === "win32" ? `del "${record.file}"` : `rm '${record.file}'`;
    const sent = `a create of SIEM account "${shortName(name)}" under main account ${mainAccountId} was sent from this machine at ${record.sentAt}`;
    if (record.accountId !== undefined) {
        return (
            `${sent} and made account ${record.accountId}, but the run that sent it may still be recording it, or have ended before ` +
            `Pulumi recorded it, and ` +
            `Logz.io does not list it yet (a new account can take minutes to be listed), so none was sent.\n` +
            `Wait until no other run on this machine is creating it, then check Logz.io under Settings > Manage accounts: if account ` +
            `${record.accountId} exists and no other resource manages it, add ` +
            `${property("existingAccountId", record.accountId)} to the resource ${args()} and run \`pulumi up\` again; if it does not, remove the record with ` +
            `\`${remove}\` and run \`pulumi up\` again.`
        );
    }
    return (
        `${sent} and its outcome is unknown: another run on this machine may still be waiting for Logz.io's answer, or the run ` +
        `that sent it stopped before Logz.io answered, or the answer was lost; Logz.io does not list it now, but a new account ` +
        `can take minutes to be listed, so none was sent.\n` +
        `Wait until no other run on this machine is creating it, then check Logz.io under Settings > Manage accounts: if "${shortName(name)}" exists, add ${property("existingAccountId", "<its id>")} to the resource ` +
        `${args()} and run \`pulumi up\` again; if it does not, remove the record with \`${remove}\` and run \`pulumi up\` again.`
    );
}

/**
 * check, for the replacement of a resource renamed to a name Logz.io lists: the account may be another resource's of
 * this stack (names swapped) or not, and check cannot tell yet, so no adopt line names it.
 */
export function renamedOntoListed(existing: AccountView): string {
    return (
        `this resource is being renamed to "${shortName(existing.accountName)}", and Logz.io already lists a SIEM account of that name ` +
        `(accountId ${existing.accountId}), so its replacement would be a second billed account with that name.\n` +
        `If another resource of this stack holds that name and is being renamed too (names swapped between resources), rename one ` +
        `resource at a time, each to a name no account has; otherwise choose another accountName.`
    );
}
