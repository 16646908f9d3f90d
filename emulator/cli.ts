#!/usr/bin/env node
/**
 * Standalone Logz.io API emulator: `logzio-emulator [--port N] [--token T] [--latency-ms N] [--max-in-flight N]`.
 * Flags win over environment variables (LOGZIO_EMULATOR_PORT, _TOKEN, _HOST, _LATENCY_MS, _MAX_IN_FLIGHT, _PROVISIONING_MS).
 */
import { parseArgs } from "node:util";
import { LogzioEmulator, type EmulatorOptions } from "./server";

const USAGE = `Usage: logzio-emulator [options]
  --host <host>              listen address (LOGZIO_EMULATOR_HOST, default 127.0.0.1)
  --port <n>                 listen port, 0 = random (LOGZIO_EMULATOR_PORT, default 0)
  --token <token>            accepted X-API-TOKEN (LOGZIO_EMULATOR_TOKEN, default emulator-token)
  --latency-ms <n>           latency added to every request (LOGZIO_EMULATOR_LATENCY_MS, default 0)
  --max-in-flight <n>        answer 429 past this many concurrent requests (LOGZIO_EMULATOR_MAX_IN_FLIGHT, default unlimited)
  --provisioning-ms <n>      hide new SIEM accounts from /v1/associated-accounts this long (LOGZIO_EMULATOR_PROVISIONING_MS, default 0)
  -h, --help                 show this help`;

/** Reads flags, falling back to environment variables; throws on malformed numbers. */
function readOptions(argv: string[], env: NodeJS.ProcessEnv): EmulatorOptions | "help" {
  const { values } = parseArgs({
    args: argv,
    options: {
      host: { type: "string" },
      port: { type: "string" },
      token: { type: "string" },
      "latency-ms": { type: "string" },
      "max-in-flight": { type: "string" },
      "provisioning-ms": { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) return "help";
  const int = (flag: string, raw: string | undefined): number | undefined => {
    if (raw === undefined || raw === "") return undefined;
    if (!/^\d+$/.test(raw)) throw new Error(`${flag} must be a non-negative integer, got "${raw}"`);
    return Number(raw);
  };
  return {
    host: values.host ?? env.LOGZIO_EMULATOR_HOST,
    port: int("--port", values.port ?? env.LOGZIO_EMULATOR_PORT),
    token: values.token ?? env.LOGZIO_EMULATOR_TOKEN,
    latencyMs: int("--latency-ms", values["latency-ms"] ?? env.LOGZIO_EMULATOR_LATENCY_MS),
    maxInFlight: int("--max-in-flight", values["max-in-flight"] ?? env.LOGZIO_EMULATOR_MAX_IN_FLIGHT),
    provisioningMs: int("--provisioning-ms", values["provisioning-ms"] ?? env.LOGZIO_EMULATOR_PROVISIONING_MS),
  };
}

async function main(): Promise<void> {
  let opts: EmulatorOptions | "help";
  try {
    opts = readOptions(process.argv.slice(2), process.env);
  } catch (err) {
    console.error(`${err instanceof Error ? err.message : String(err)}\n\n${USAGE}`);
    process.exitCode = 2;
    return;
  }
  if (opts === "help") {
    console.log(USAGE);
    return;
  }
  const emulator = await LogzioEmulator.start(opts);
  console.log(`Logz.io emulator listening on ${emulator.url} (token: ${emulator.token})`);
  console.log(`Point the provider at it with: LOGZIO_CUSTOM_API_URL=${emulator.url} LOGZIO_API_TOKEN=${emulator.token}`);

  const stop = (signal: NodeJS.Signals): void => {
    console.log(`${signal} received, closing the emulator`);
    void emulator.close().then(() => {
      process.exitCode = 0;
    });
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
