// The fixture of the loopback LogzioClient suites (clientDecoding, clientErrors, clientRetries, clientConcurrency,
// clientTokenSecrecy): one emulator per suite, reset before each test, and clients on it that are closed after each
// test, with the constants and the request builder those suites share.
import * as E from "fp-ts/Either";
import { LogzioEmulator, ROUTES } from "../../emulator/server";
import { emulatorPerSuite, testSettings } from "./support";
import { CreateSiemRequest } from "../../provider/logzio/codecs";
import { LogzioClient } from "../../provider/logzio/logzioClient";
import { Settings } from "../../provider/config/settings";

export const TOKEN = "fake-token-client-9d2f6c1a";
export const OWNER = 100000;
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
export const LIST = ROUTES.list;
export const CREATE = ROUTES.create;
export const WHOAMI = ROUTES.whoami;

/** A create body, checked by the codec the provider uses. */
export function request(body: Record<string, unknown>): CreateSiemRequest {
    const decoded = CreateSiemRequest.decode(body);
    if (E.isLeft(decoded)) throw new Error("test bug: invalid request body");
    return decoded.right;
}

/**
 * Registers a suite's hooks: `use` gets the suite's emulator once it has started (in the suite's `before`).
 * `clientWith(over)` makes a client on that emulator with the test settings, overridden by `over`.
 */
export function logzioClients(use: (emulator: LogzioEmulator) => void) {
    let emulator: LogzioEmulator;
    const clients: LogzioClient[] = [];

    emulatorPerSuite({ token: TOKEN, ownerAccountId: OWNER }, (e) => {
        emulator = e;
        use(e);
    });
    afterEach(() => {
        for (const c of clients.splice(0)) c.close();
    });

    return {
        clientWith(over: Partial<Settings> = {}): LogzioClient {
            const client = new LogzioClient(testSettings(emulator, over));
            clients.push(client);
            return client;
        },
    };
}
