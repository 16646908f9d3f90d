export * from "./server";
export type { Pace } from "./pacing";
