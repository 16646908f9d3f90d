// Loaded with `node --require` into Pulumi's dynamic-provider host when the benchmark traces lookups (host-level
// runs pass the flag, engine runs put it in NODE_OPTIONS, like cpuProfilePreload.ts). It subscribes to the
// directory's diagnostics channel (provider/lookups/accountDirectory.ts, LOOKUP_CHANNEL) and writes what it saw when the
// host ends, so the benchmark can tell how long lookups waited beyond their own list's round trip and how far
// apart the requests of one burst reached the host.
//   BENCH_LOOKUP_TRACE_DIR  where to write lookups-<pid>.json (nothing happens without it)
import * as dc from "node:diagnostics_channel";
import * as fs from "node:fs";
import * as path from "node:path";

const dir = process.env.BENCH_LOOKUP_TRACE_DIR;
// The same name as LOOKUP_CHANNEL; not imported, so that this file loads nothing of the provider.
const CHANNEL = "pulumi-logzio-siem:lookup";

if (dir && /dynamic-provider/.test(process.argv[1] ?? "")) {
    const records: unknown[] = [];
    dc.subscribe(CHANNEL, (message) => records.push(message));
    let written = false;
    const write = (): void => {
        if (written) return;
        written = true;
        fs.writeFileSync(path.join(dir, `lookups-${process.pid}.json`), JSON.stringify(records));
    };
    process.on("exit", write);
    for (const signal of ["SIGINT", "SIGTERM"] as const) {
        // Only when nobody else handles the signal (the CPU-profile preload may, and exits itself).
        process.once(signal, () => {
            write();
            if (process.listenerCount(signal) === 0) process.exit(0);
        });
    }
}
