// Loaded with `node --require` into Pulumi's dynamic-provider host when the benchmark profiles it: the host-level
// benchmark passes the flag itself, and under the engine it arrives through NODE_OPTIONS (Node 20 refuses
// --cpu-prof there, and --cpu-prof writes nothing when the process dies of a signal, which is how both the
// engine (SIGINT) and the benchmark's driver (SIGTERM) stop a host). So this profiles through the inspector
// and writes the profile on exit and on those signals.
//   BENCH_CPU_PROFILE_DIR  where to write host-<pid>.cpuprofile (nothing happens without it)
//   SIGUSR2                drops what was sampled so far and starts again (marks the start of a burst)
import * as fs from "node:fs";
import * as inspector from "node:inspector";
import * as path from "node:path";

const dir = process.env.BENCH_CPU_PROFILE_DIR;
// Only the host: the engine's launcher also runs `node -e` (to find the host script) with the same NODE_OPTIONS.
if (dir && /dynamic-provider/.test(process.argv[1] ?? "")) {
    const session = new inspector.Session();
    session.connect();
    session.post("Profiler.enable");
    session.post("Profiler.start");
    let written = false;
    // The in-process inspector answers synchronously, so this works inside an `exit` handler too.
    const write = (): void => {
        if (written) return;
        written = true;
        session.post("Profiler.stop", (err, res) => {
            if (!err) fs.writeFileSync(path.join(dir, `host-${process.pid}.cpuprofile`), JSON.stringify(res.profile));
        });
    };
    process.on("exit", write);
    for (const signal of ["SIGINT", "SIGTERM"] as const) {
        process.once(signal, () => {
            write();
            process.exit(0);
        });
    }
    process.on("SIGUSR2", () => {
        session.post("Profiler.stop", () => session.post("Profiler.start"));
    });
}
