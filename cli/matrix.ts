// `bench matrix`: the runtime matrix on this machine. Prints the forecast, asks before starting
// (unless --yes), shows one progress line per sampler call, prints the summary on stdout and
// writes the result document with --out.
import { mkdir, writeFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { createInterface } from "node:readline/promises";
import { MATRIX_MODE_NAMES, type MatrixMode } from "../harness/matrix/modes";
import { EXIT, parseCommandArgs, positiveInt, UsageError } from "./args";

export const usage = `usage: bench matrix [options]

Runs the runtime matrix locally: every (runtime, architecture, workload) function in Lambda-like
sandboxes, each memory size set with UpdateFunctionConfiguration, forced cold starts then warm
samples read from REPORT lines, results in DynamoDB (moto), the same state machines AWS runs.
Both architectures run on this machine's CPU: figures are labelled with it.

options:
  --mode <m>               ${MATRIX_MODE_NAMES.join(" | ")} (default test): test = 2 cold / 3 warm at 1024 and
                           1769 MB; balanced = 10 / 50 at 128-2048 MB; production = 30 / 300, + 4096,
                           8192, 10240 MB for the memory workload
  --runtimes <a,b>         default: every runtime (those this machine lacks are skipped, one line each)
  --architectures <a,b>    arm64,x86_64 (default: this machine's, $(uname -m))
  --workloads <a,b>        cpu,memory,light (default: all)
  --memory <mb,mb>         memory sizes, overriding the mode's
  --cold <n> --warm <n>    samples per configuration, overriding the mode's
  --parallel <n>           functions sampled at once (default: this machine's CPU count; at most 40)
  --yes                    start without asking (required without a terminal)
  --out <file>             write the result document (JSON) there (it is also kept under results/)
  --report                 write the HTML report of the run (bench report) and print its path
  --verbose                print every function's log lines on stderr
  -h, --help               this help

On AWS (after pulumi up with matrix.enabled): pulumi stack output --json | bench matrix aws
(see bench matrix aws --help).

exit codes: 0 the run completed, 1 the harness failed, 2 usage error or not confirmed.`;

function list(value: string | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  const items = value.split(",").map((s) => s.trim()).filter(Boolean);
  if (!items.length) throw new UsageError("an empty list was given");
  return items;
}

function count(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^(0|[1-9][0-9]*)$/.test(value)) throw new UsageError(`--${flag} must be a whole number, got "${value}"`);
  return Number(value);
}

function memorySizes(value: string | undefined): number[] | undefined {
  return list(value)?.map((item) => {
    const mb = Number(item);
    if (!Number.isInteger(mb) || mb < 128 || mb > 10240) throw new UsageError(`--memory: ${item} is not a Lambda memory size (128 to 10240 MB)`);
    return mb;
  });
}

async function confirm(question: string): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return /^y(es)?$/i.test((await rl.question(question)).trim());
  } finally {
    rl.close();
  }
}

export async function run(argv: string[]): Promise<number> {
  // `bench matrix aws ...`: the deployed matrix (cli/matrix-aws.ts).
  if (argv[0] === "aws") return (await import("./matrix-aws")).run(argv.slice(1));
  const parsed = parseCommandArgs(
    argv,
    {
      mode: { type: "string" },
      runtimes: { type: "string" },
      architectures: { type: "string" },
      workloads: { type: "string" },
      memory: { type: "string" },
      cold: { type: "string" },
      warm: { type: "string" },
      parallel: { type: "string" },
      yes: { type: "boolean" },
      out: { type: "string" },
      report: { type: "boolean" },
      verbose: { type: "boolean" },
    },
    { min: 0, max: 0 },
  );
  if (parsed === "help") {
    process.stdout.write(`${usage}\n`);
    return EXIT.ok;
  }
  const flags = parsed.values;
  const mode = (flags.mode ?? "test") as MatrixMode;
  if (!MATRIX_MODE_NAMES.includes(mode)) throw new UsageError(`--mode must be one of ${MATRIX_MODE_NAMES.join(", ")}, got "${flags.mode}"`);
  const memory = memorySizes(flags.memory);
  const cold = count(flags.cold, "cold");
  const warm = count(flags.warm, "warm");
  if ((cold ?? 1) + (warm ?? 1) === 0) throw new UsageError("--cold and --warm are both 0: nothing to sample");
  const { cpus } = await import("node:os");
  const parallel = positiveInt(flags.parallel, "parallel") ?? Math.min(cpus().length, 40);
  if (parallel > 40) throw new UsageError("--parallel must be at most 40 (the concurrency of a Step Functions inline Map)");

  // Loaded here so --help and usage errors stay instant.
  const { hostArchitecture } = await import("../harness/matrix/rust-build");
  const { prepareLocalTargets } = await import("../local/matrix-targets");
  const { runLocalMatrix, localHost, LOCAL_TIME_BUDGET_MS } = await import("../local/matrix");
  const { planRun, AWS_TIME_BUDGET_MS, SAMPLE_TTL_S } = await import("../harness/matrix/plan");
  const { estimateRun } = await import("../harness/matrix/estimate");
  const { LOCAL_REGION } = await import("../local/s3");
  const { formatEstimate, MatrixProgress, renderSummary } = await import("./matrix-output");

  const log = (line: string) => process.stderr.write(`${line}\n`);
  const host = localHost();
  log(`host: ${host.cpu_model} (uname -m ${host.machine}, ${host.cpus} CPUs); both architectures run on this CPU`);
  const packageStart = Date.now();
  let prepared;
  try {
    prepared = await prepareLocalTargets(
      {
        runtimes: list(flags.runtimes),
        architectures: (list(flags.architectures) as ("arm64" | "x86_64")[] | undefined) ?? [hostArchitecture()],
        workloads: list(flags.workloads) as ("cpu" | "memory" | "light")[] | undefined,
      },
      (runtime, reason) => log(`skipped ${runtime}: ${reason}`),
    );
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { targets: ready, skipped } = prepared;
  if (!ready.length) throw new Error("no function of the selection can run on this machine (see the skipped lines above)");
  log(`packaged ${ready.length} function(s) in ${((Date.now() - packageStart) / 1000).toFixed(1)} s`);

  // The forecast is for the same selection on AWS (10-minute sampler budget).
  const options = { mode, memoryOverride: memory, cold, warm };
  const forecastInput = planRun(
    { run_id: "forecast", table: "-", region: LOCAL_REGION, engine: { kind: "aws" }, time_budget_ms: AWS_TIME_BUDGET_MS, sample_ttl_s: SAMPLE_TTL_S, skipped },
    ready.map((t) => ({ function_arn: t.name, runtime: t.runtime, architecture: t.architecture, workload: t.workload, minMemoryMb: t.minMemoryMb })),
    options,
  );
  log(formatEstimate(forecastInput, estimateRun(forecastInput, parallel), parallel));
  if (!flags.yes) {
    if (!process.stdin.isTTY) {
      log("bench matrix: not started: no terminal to confirm on; pass --yes to start without asking");
      return EXIT.usage;
    }
    if (!(await confirm("start the run? [y/N] "))) {
      log("not started");
      return EXIT.usage;
    }
  }

  const progress = new MatrixProgress(log);
  const report = await runLocalMatrix({
    mode,
    targets: ready,
    skipped,
    memory,
    cold,
    warm,
    parallel,
    timeBudgetMs: LOCAL_TIME_BUDGET_MS,
    onStart: (input) => progress.start(input),
    onTask: progress.observer,
    onLog: flags.verbose ? (fn, line) => process.stderr.write(`${fn}: ${line}\n`) : undefined,
  });
  log(`workflow ${((report.workflowMs) / 1000).toFixed(1)} s`);
  process.stdout.write(`${renderSummary(report.document)}\n`);
  if (flags.out) {
    await mkdir(dirname(resolve(flags.out)), { recursive: true });
    await writeFile(flags.out, `${JSON.stringify(report.document, null, 2)}\n`);
    log(`result document written to ${flags.out}`);
  }
  // Kept like every run's document, for bench report --history; --report also writes the HTML report.
  const { keepRunResult } = await import("./results-store");
  await keepRunResult("matrix", report.document, { report: flags.report, measuredHere: true, log });
  return EXIT.ok;
}
