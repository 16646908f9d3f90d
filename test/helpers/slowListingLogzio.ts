// Preloaded (`mocha -r`) into a run of a user's stack test, to prove that test can fail: every emulator the
// process starts lists new SIEM accounts only an hour after they are made (its provisioningMs knob, which
// reset() keeps), as a Logz.io that is slow to list would. The duplicate guard and the lookup after a lost answer
// then see nothing, so the tests asserting them must fail.
import { LogzioEmulator } from "../../emulator";

export const HIDDEN_FOR_MS = 3_600_000;

const start = LogzioEmulator.start.bind(LogzioEmulator);
LogzioEmulator.start = async (opts) => {
    const emulator = await start(opts);
    emulator.setProvisioningMs(HIDDEN_FOR_MS);
    return emulator;
};
