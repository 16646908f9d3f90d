// `npm run bench [-- --quick] [-- --concurrency N] [-- --no-engine] [-- --profile [DIR]] [-- --out FILE] [-- --strict]`
// Prints the table and writes bench/results.json (gitignored). See bench/README.md for what the numbers mean.
import * as fs from "node:fs";
import * as path from "node:path";
import { BenchResults, REPO_ROOT, formatTable, runBenchmarks } from "./benchmarks";

function usage(message?: string): never {
    if (message) console.error(message);
    console.error(
        "usage: node dist/bench/run.js [--quick] [--concurrency N] [--no-engine] [--profile [DIR]] [--out FILE] [--strict]\n" +
            "  --quick          small n and few iterations (what the test suite runs)\n" +
            "  --concurrency N  logzio-siem:maxConcurrency for the scale run (default: the provider's default)\n" +
            "  --no-engine      leave out the engine figures (pulumi up/preview/refresh/destroy through the real CLI)\n" +
            "  --profile [DIR]  also CPU-profile the provider host in extra, untimed runs (scale burst, engineUp);\n" +
            "                   the .cpuprofile files go to DIR (default bench/profiles/)\n" +
            "  --out FILE       where to write the results (default: bench/results.json)\n" +
            "  --strict         exit 1 when a goal is missed",
    );
    process.exit(2);
}

interface Args {
    quick: boolean;
    concurrency?: number;
    engine: boolean;
    profileDir?: string;
    out: string;
    strict: boolean;
}

function parse(argv: string[]): Args {
    const opts: Args = { quick: false, engine: true, out: path.join(REPO_ROOT, "bench", "results.json"), strict: false };
    for (let i = 0; i < argv.length; i++) {
        const a = argv[i];
        if (a === "--quick") opts.quick = true;
        else if (a === "--strict") opts.strict = true;
        else if (a === "--no-engine") opts.engine = false;
        else if (a === "--profile") {
            const next = argv[i + 1];
            opts.profileDir =
                next !== undefined && !next.startsWith("--") ? path.resolve(argv[++i]) : path.join(REPO_ROOT, "bench", "profiles");
        } else if (a === "--out") opts.out = path.resolve(argv[++i] ?? usage("--out needs a file"));
        else if (a === "--concurrency") {
            const n = Number(argv[++i]);
            if (!Number.isInteger(n) || n < 1 || n > 100) usage("--concurrency must be an integer from 1 to 100");
            opts.concurrency = n;
        } else if (a === "--help" || a === "-h") usage();
        else usage(`unknown argument ${a}`);
    }
    return opts;
}

async function main(): Promise<void> {
    const opts = parse(process.argv.slice(2));
    const results: BenchResults = await runBenchmarks({
        quick: opts.quick,
        scaleConcurrency: opts.concurrency,
        engine: opts.engine,
        profileDir: opts.profileDir,
        log: (line) => console.error(`[bench] ${line}`),
    });
    console.log(formatTable(results));
    fs.writeFileSync(opts.out, `${JSON.stringify(results, null, 2)}\n`);
    console.log(`\nwrote ${path.relative(process.cwd(), opts.out) || opts.out}`);
    const missed = results.goals.filter((g) => g.met === false);
    const unmeasured = results.goals.filter((g) => g.met === null);
    if (missed.length > 0) console.log(`goals missed: ${missed.map((g) => g.metric).join(", ")}`);
    if (unmeasured.length > 0) console.log(`not measured: ${unmeasured.map((g) => g.metric).join(", ")}`);
    process.exit(opts.strict && missed.length > 0 ? 1 : 0);
}

main().catch((e: unknown) => {
    console.error(e instanceof Error ? (e.stack ?? e.message) : e);
    process.exit(1);
});
