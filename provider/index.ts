// Public API of pulumi-logzio-siem.
export { SiemAccount, SiemAccountArgs, SiemAccountLookupState } from "./program/siemAccount";
export { REGIONS, DEFAULTS } from "./program/defaults";
export type { Region } from "./program/defaults";
export type { SiemAccountState } from "./program/state";
