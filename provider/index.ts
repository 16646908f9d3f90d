// Public API of pulumi-logzio-siem.
export { SiemAccount, SiemAccountArgs, SiemAccountLookupState } from "./siemAccount";
export { REGIONS, DEFAULTS } from "./defaults";
export type { Region } from "./defaults";
export type { SiemAccountState } from "./state";
