// The one naming of the emulator's Logz.io routes, shared by its API (injectFaults, count, requestsTo), its admin
// API, the `logzio-emulator fault` command and the testing kit: a short name, or the HTTP form it stands for.
// Anything else is an error everywhere, so a typo can never make a count of 0 that a test takes for an answer.

/** Short name -> HTTP form ("METHOD /path"). */
export const ROUTES = {
    /** postSIEM: creates a SIEM account. */
    create: "POST /v2/account-management/siem",
    /** getRelatedAccounts: the account list every lookup reads. */
    list: "GET /v1/associated-accounts",
    /** whoAmI: checks the token. */
    whoami: "GET /v2/whoami",
} as const;

export type RouteName = keyof typeof ROUTES;
export type RouteKey = (typeof ROUTES)[RouteName];
/** A route as every emulator method and command takes it: `create`, or `POST /v2/account-management/siem`. */
export type Route = RouteName | RouteKey;

const NAMES = Object.keys(ROUTES) as RouteName[];
const KEYS = Object.values(ROUTES) as RouteKey[];

/** The HTTP form of a route given by either name; throws, naming what is accepted, for anything else. */
export function routeKey(route: string): RouteKey {
    if ((NAMES as string[]).includes(route)) return ROUTES[route as RouteName];
    if ((KEYS as string[]).includes(route)) return route as RouteKey;
    const accepted = NAMES.map((n) => `${n} (${ROUTES[n]})`).join(", ");
    throw new Error(`unknown route ${JSON.stringify(route)}; the emulator's routes are ${accepted}`);
}
