// The scale burst once more per side with the provider host under the CPU profiler (`npm run bench -- --profile`):
// untimed runs after the timed ones, for where the host's time goes, not for any figure.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { ScalePlan, burst } from "../atScale";
import { HostExtras, MINIMAL_TYPE, SIEM_TYPE, withHost } from "../common";
import { SerializedProviders } from "../perCreate";
import { ProfileSummary, collectProfile, profilingExtras } from "./profile";

/**
 * One more burst of each side with the host under the CPU profiler (not timed: the profiler slows it down).
 * The profile covers the n creates only: the preload restarts it on SIGUSR2 once the checks are done.
 */
export async function profileScale(
    providers: SerializedProviders,
    plan: ScalePlan,
    cap: number | undefined,
    outDir: string,
): Promise<{ siem: ProfileSummary; floor: ProfileSummary }> {
    const config: Record<string, string> = cap === undefined ? {} : { "logzio-siem:maxConcurrency": String(cap) };
    const one = async (provider: string, type: string, cfg: Record<string, string>, name: string): Promise<ProfileSummary> => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-profile-"));
        try {
            const extras: HostExtras = profilingExtras(dir);
            await withHost(
                { latencyMs: plan.latencyMs, maxInFlight: plan.maxInFlight },
                cfg,
                async (_emulator, host) => {
                    const mark = async () => {
                        process.kill(host.pid, "SIGUSR2");
                        await new Promise((r) => setTimeout(r, 200)); // the signal is handled on the host's next turn
                    };
                    const b = await burst(host, provider, type, plan.n, `profile-${name}`, mark);
                    if (b.settled.some((s) => s.status === "rejected")) throw new Error(`a create failed in the profiled ${name} run`);
                },
                extras,
            );
            const summary = collectProfile(dir, name);
            fs.mkdirSync(outDir, { recursive: true });
            const kept = path.join(outDir, path.basename(summary.file));
            fs.copyFileSync(summary.file, kept);
            return { ...summary, file: kept };
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    };
    return {
        siem: await one(providers.siem, SIEM_TYPE, config, "scale-siem"),
        floor: await one(providers.floor, MINIMAL_TYPE, {}, "scale-floor"),
    };
}
