// Parent side of the isolated runs: spawns child.js (next to this file), hands it a job over IPC (so program output on
// stdout cannot corrupt the result) and collects stdout+stderr as one log.
import { spawn } from "child_process";
import * as path from "path";

export interface ChildReply {
    ok: boolean;
    value?: unknown;
    error?: string;
    stack?: string;
}

export class ChildRunError extends Error {
    override readonly name = "ChildRunError";
    constructor(
        message: string,
        readonly log: string,
    ) {
        super(message);
    }
}

export function runChild(
    cwd: string,
    env: Record<string, string | undefined>,
    job: object,
    timeoutMs: number,
): Promise<{ value: unknown; log: string }> {
    // Own process group, so a timeout also takes down the provider hosts the child started.
    const child = spawn(process.execPath, [path.join(__dirname, "child.js")], {
        cwd,
        env: env as NodeJS.ProcessEnv,
        stdio: ["ignore", "pipe", "pipe", "ipc"],
        detached: true,
    });
    let log = "";
    let reply: ChildReply | undefined;
    let timedOut = false;
    child.stdout!.setEncoding("utf8").on("data", (d: string) => (log += d));
    child.stderr!.setEncoding("utf8").on("data", (d: string) => (log += d));
    child.on("message", (m: ChildReply) => (reply = m));
    child.send(job);
    const timer = setTimeout(() => {
        timedOut = true;
        try {
            process.kill(-child.pid!, "SIGKILL");
        } catch {
            /* gone */
        }
    }, timeoutMs);
    return new Promise((resolve, reject) => {
        child.once("error", (e) => {
            clearTimeout(timer);
            reject(e);
        });
        // 'close' (not 'exit'): all stdout/stderr has been read by then.
        child.once("close", (code, signal) => {
            clearTimeout(timer);
            if (reply?.ok) return resolve({ value: reply.value, log });
            const why = timedOut
                ? `timed out after ${timeoutMs} ms`
                : reply
                  ? (reply.error ?? "unknown error")
                  : `child exited (${code ?? signal}) without a result`;
            // The log's tail helps only when there is one: no empty "--- log ---" ending a message.
            const tail = log.trim() === "" ? "" : `\n--- log ---\n${log.slice(-8000)}`;
            reject(new ChildRunError(`${why}${tail}`, log));
        });
    });
}
