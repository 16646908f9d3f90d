// How advice names options, properties and config keys: the dynamic provider's users write TypeScript, the plugin's
// any Pulumi language, so the plugin turns on wording every language reads (and says each language's spelling).

let neutral = false;
/** Whether advice is written for every language (the plugin) rather than TypeScript. */
export const neutralWording = (): boolean => neutral;
/** For the plugin (plugin/main.ts): advice names options and properties as every language reads them, not as TypeScript. */
export function useNeutralWording(on = true): void {
    neutral = on;
}
/** Python spells properties and options in snake_case, Go and .NET in PascalCase. */
const spellings = (name: string) =>
    `${name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)} in Python, ${name[0].toUpperCase()}${name.slice(1)} in Go and .NET`;
/** "set the resource option ..." */
export const retainOption = () =>
    neutral ? `the resource option retainOnDelete (${spellings("retainOnDelete")}) to true` : "the resource option `retainOnDelete: true`";
/** "give the new one ..." */
export const aliasOption = () =>
    neutral ? "the resource option aliases with an alias of its old name" : 'the resource option  aliases: [{ name: "<its old name>" }]';
/** A resource's property with a value, as advice writes it. */
export const property = (name: string, value: string | number) =>
    neutral ? `${name} (${spellings(name)}) set to ${value}` : `${name}: ${value}`;
/** The config key of the token: the plugin's package is `logzio-siem`; the dynamic provider shares `logzio:`. */
export const tokenKey = (): string => (neutral ? "logzio-siem:apiToken" : "logzio:apiToken");
/** What the program gives a resource. */
export const args = () => (neutral ? "properties" : "args");
