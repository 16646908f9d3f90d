// Public API of pulumi-logzio-siem.
export { SiemAccount, SiemAccountArgs, SiemAccountLookupState } from "./siemAccount";
export { REGIONS, Region, DEFAULTS } from "./settings";
export type { SiemAccountState } from "./codecs";
