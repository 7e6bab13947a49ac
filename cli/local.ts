// `bench local`: the whole contest on this machine (moto S3, Lambda sandboxes, the deployed
// state-machine definition run locally), with progress, the ranked table and --out.
import { mkdir, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import { TASK_STATES } from "../harness/definition";
import type { TaskObserver } from "../local/task-handlers";
import { EXIT, UsageError, parseCommandArgs, positiveInt, positiveNumber } from "./args";
import { reRank } from "../harness/ranking";
import { describeFaults, parseFaultSpec, type FaultSpec } from "../local/s3-front/faults";
import { ProgressReporter, reportScores, type ProgressSink } from "./progress";
import { keepRunResult } from "./results-store";
import { renderResultTable, useColor } from "./table";
import { taskErrorText } from "./task-error";
import { SWEEP_FLAGS, SWEEP_USAGE, forecastSettings, runSweep, sweepSizes } from "./local-sweep";
import { renderForecasts } from "./forecast-table";

/** Defaults sized to finish in about a minute on a 2-core machine. */
export const LOCAL_DEFAULTS = {
  objects: 40,
  sizeMb: 2,
  seed: "s3-archive-bench",
  runs: 2,
  maxRunTimeS: 120,
  prefix: "files",
} as const;

export const usage = `usage: bench local [options]

Runs the benchmark on this machine: starts an embedded S3 (moto) on 127.0.0.1, fills a bucket,
runs every contender under contenders/*/*/ in Lambda-like sandboxes (memory cap and CPU share of
its configured memory) through the same state-machine definition AWS runs, validates, scores,
prints the ranked table on stdout and writes the result document with --out.

options:
  --objects <n>            objects in the bucket (default ${LOCAL_DEFAULTS.objects})
  --size-mb <mb>           mean object size in MiB (default ${LOCAL_DEFAULTS.sizeMb})
  --seed <seed>            dataset seed: the same seed gives the same bytes (default ${LOCAL_DEFAULTS.seed})
  --runs <n>               runs per contender, in parallel (default ${LOCAL_DEFAULTS.runs})
  --max-concurrency <n>    parallel runs per contender at most (default: all runs)
  --contender-concurrency <n>
                           contenders running at once (default: all; 1 = one at a time, for
                           timings no other contender disturbs)
  --max-run-time-s <s>     time budget: mean + stddev of a contender's runs must stay below
                           (default ${LOCAL_DEFAULTS.maxRunTimeS})
  --contenders <a,b>       only these (<lang>-<dev_id> for every architecture, or
                           <lang>-<dev_id>-<arch>); default: all
  --contenders-dir <dir>   an extra folder of <lang>/<dev_id>/contender.json (repeatable)
  --prefix <prefix>        key prefix of the source objects (default ${LOCAL_DEFAULTS.prefix})
  --s3-faults <spec>       faults the S3 front injects, e.g. slowdown=0.02,reset=0.005,latency=20ms,seed=7
                           (rates per request: 503 SlowDown, connection reset mid-body; added latency)
  --no-s3-front            sandboxes reach moto directly: no S3 counts, no IAM enforcement, no faults
                           (to measure the front's own cost)
  --rank-by <run|total>    rank by the Lambda price of a run (default, the contest's rule) or by the
                           full price (Lambda + S3 requests, measured by the S3 front)
${SWEEP_USAGE}
  --out <file>             write the result document (JSON) there, forecasts and sweep included (it
                           is also kept under results/ for bench report --history)
  --report                 also write the HTML report of this run next to the kept document
                           and print its path
  --verbose                print every function's log lines on stderr
  -h, --help               this help

exit codes: 0 the run completed (contender failures are results), 1 the harness failed,
            2 usage error.`;

/** `archives/<contender>/<execution>/<random id>.zip`: the key names the contender, never the run. */
const ARCHIVE_KEY = /^archives\/([^/]+)\/[^/]+\/[^/]+\.zip$/;

/**
 * Turns the engine's Task calls into progress events: who runs, how many runs ended, each
 * validation. Runs are numbered in the order they end (the key does not say which run it is).
 */
export function progressObserver(sink: ProgressSink, runsPerContender?: number): TaskObserver {
  const started = new Set<string>();
  const ended = new Map<string, number>();
  const validated = new Map<string, number>();
  const next = (counts: Map<string, number>, contender: string) => {
    const n = (counts.get(contender) ?? 0) + 1;
    counts.set(contender, n);
    return n;
  };
  let rankingNoted = false;
  return (call) => {
    const input = call.input as { Payload?: { archive_key?: unknown } } | null;
    const key = typeof input?.Payload?.archive_key === "string" ? input.Payload.archive_key : "";
    const contender = ARCHIVE_KEY.exec(key)?.[1];
    if (call.stateName === TASK_STATES.invokeContender && contender) {
      if (call.phase === "started" && !started.has(contender)) {
        started.add(contender);
        sink.onEvent({ kind: "started", contender, runs: runsPerContender });
      } else if (call.phase === "ended") {
        sink.onEvent({ kind: "run-finished", contender, run: next(ended, contender), ok: true });
      } else if (call.phase === "failed") {
        sink.onEvent({ kind: "run-finished", contender, run: next(ended, contender), ok: false, detail: taskErrorText(call.error) });
      }
    } else if (call.stateName === TASK_STATES.validateArchive && contender && call.phase !== "started") {
      sink.onEvent({
        kind: "validated",
        contender,
        run: next(validated, contender),
        ok: call.phase === "ended",
        detail: call.phase === "failed" ? taskErrorText(call.error) : undefined,
      });
    } else if (call.stateName === TASK_STATES.rank && call.phase === "started" && !rankingNoted) {
      rankingNoted = true;
      sink.note("ranking");
    }
  };
}

function faultSpec(text: string): FaultSpec {
  try {
    return parseFaultSpec(text);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

export async function run(argv: string[]): Promise<number> {
  const parsed = parseCommandArgs(
    argv,
    {
      objects: { type: "string" },
      "size-mb": { type: "string" },
      seed: { type: "string" },
      runs: { type: "string" },
      "max-concurrency": { type: "string" },
      "contender-concurrency": { type: "string" },
      "max-run-time-s": { type: "string" },
      contenders: { type: "string" },
      "contenders-dir": { type: "string", multiple: true },
      prefix: { type: "string" },
      out: { type: "string" },
      report: { type: "boolean" },
      verbose: { type: "boolean" },
      "s3-faults": { type: "string" },
      "no-s3-front": { type: "boolean" },
      "rank-by": { type: "string" },
      ...SWEEP_FLAGS,
    },
    { min: 0, max: 0 },
  );
  if (parsed === "help") {
    process.stdout.write(`${usage}\n`);
    return EXIT.ok;
  }
  const flags = parsed.values;
  const runs = positiveInt(flags.runs, "runs") ?? LOCAL_DEFAULTS.runs;
  const options = {
    objectCount: positiveInt(flags.objects, "objects") ?? LOCAL_DEFAULTS.objects,
    objectSizeMb: positiveNumber(flags["size-mb"], "size-mb") ?? LOCAL_DEFAULTS.sizeMb,
    seed: flags.seed ?? LOCAL_DEFAULTS.seed,
    runsPerContender: runs,
    maxConcurrency: positiveInt(flags["max-concurrency"], "max-concurrency") ?? runs,
    contenderConcurrency: positiveInt(flags["contender-concurrency"], "contender-concurrency") ?? 0,
    maxRunTimeMs: (positiveNumber(flags["max-run-time-s"], "max-run-time-s") ?? LOCAL_DEFAULTS.maxRunTimeS) * 1000,
    filesPrefix: flags.prefix ?? LOCAL_DEFAULTS.prefix,
    contenders: (flags.contenders ?? "").split(",").map((s) => s.trim()).filter(Boolean),
    s3Front: !flags["no-s3-front"],
    s3Faults: flags["s3-faults"] === undefined ? undefined : faultSpec(flags["s3-faults"]),
  };
  const rankBy = flags["rank-by"] ?? "run";
  if (rankBy !== "run" && rankBy !== "total") throw new UsageError(`--rank-by must be run or total, got "${rankBy}"`);
  if (options.s3Faults && !options.s3Front) throw new UsageError("--s3-faults needs the S3 front: drop --no-s3-front");
  if (rankBy === "total" && !options.s3Front) throw new UsageError("--rank-by total needs the S3 front (it measures the S3 requests): drop --no-s3-front");
  const sizes = sweepSizes(flags);
  if (sizes.length && !options.s3Front) throw new UsageError("--memory/--sweep forecast from the S3 front's measurements: drop --no-s3-front");

  // Loaded here so `bench local --help` and usage errors stay instant.
  const { repoRoot } = await import("../harness/repo-root");
  const { runLocalBench } = await import("../local/bench");
  const { withForecasts, withSweep } = await import("../local/forecast");
  const { LOCAL_REGION } = await import("../local/s3");
  const settings = forecastSettings(flags, LOCAL_REGION);
  const { UnknownContenderError } = await import("../harness/selection");
  const { join, resolve } = await import("node:path");
  const defaultRoot = join(repoRoot(), "contenders");
  // contenders/ itself given again is not a second root (its contenders would be found twice).
  const extraRoots = [...new Set((flags["contenders-dir"] ?? []).map((dir) => resolve(dir)))].filter((dir) => dir !== defaultRoot);
  const contendersRoots = extraRoots.length ? [defaultRoot, ...extraRoots] : undefined;

  const progress = new ProgressReporter();
  try {
    const report = await runLocalBench({
      ...options,
      contendersRoots,
      onPhase: (p) => {
        if (p.phase === "start") {
          progress.note(`embedded S3 at ${p.endpoint}, bucket ${p.bucket}`);
          progress.note(
            options.s3Front
              ? `S3 front: every request counted and checked against the function's IAM policy${options.s3Faults ? `; faults: ${describeFaults(options.s3Faults)}` : ""}`
              : "S3 front bypassed (--no-s3-front): no S3 counts, no IAM enforcement",
          );
        }
        if (p.phase === "packaged") {
          progress.note(`packaged ${p.contenders.length} contender(s) in ${(p.ms / 1000).toFixed(1)} s: ${p.contenders.join(", ")}`);
          if (p.skipped.length) progress.note(`skipped (container images run on AWS only): ${p.skipped.join(", ")}`);
        }
        if (p.phase === "filled") {
          const mb = p.fill.totalBytes / 1024 / 1024;
          progress.note(`filled ${p.fill.objectCount} objects (${mb.toFixed(0)} MiB) in ${(p.ms / 1000).toFixed(1)} s`);
        }
      },
      onTask: progressObserver(progress, runs),
      onLog: flags.verbose ? (fn, line) => process.stderr.write(`${fn}: ${line}\n`) : undefined,
    });
    const ranked = rankBy === "total" ? reRank(report.result, "total") : report.result;
    reportScores(progress, ranked);
    progress.close();
    let result = withForecasts(ranked, { objects: report.fill.objectCount, bytes: report.fill.totalBytes }, settings);
    if (sizes.length) {
      const runs = await runSweep(runLocalBench, { ...options, contendersRoots }, sizes, (line) => process.stderr.write(`${line}\n`));
      result = withSweep(result, runs, settings);
    }
    const t = report.timingsMs;
    const s = (ms: number | undefined) => `${((ms ?? 0) / 1000).toFixed(1)} s`;
    const busy = report.taskBusyMs;
    process.stderr.write(
      `wall time ${s(t.total)}: package ${s(t.package)}, fill ${s(t.fill)}, workflow ${s(t.workflow)} ` +
        `(busy, summed over calls: contender runs ${s(busy[TASK_STATES.invokeContender])}, ` +
        `validation ${s(busy[TASK_STATES.validateArchive])}, scoring ${s((busy[TASK_STATES.scoreContender] ?? 0) + (busy[TASK_STATES.rank] ?? 0))})\n`,
    );
    if (report.s3Front) {
      const f = report.s3Front;
      process.stderr.write(`S3 front: ${f.requests} requests, ${f.denied} denied (AccessDenied), ${f.throttled} SlowDown and ${f.resets} resets injected\n`);
    }
    const { archives, multipartUploads } = report.leftovers;
    if (archives.length || multipartUploads.length) {
      process.stderr.write(`warning: left in the bucket: ${archives.length} archive(s), ${multipartUploads.length} multipart upload(s)\n`);
    }
    process.stdout.write(`${renderResultTable(result, { color: useColor(process.stdout) })}\n`);
    const forecasts = renderForecasts(result);
    if (forecasts) process.stdout.write(`${forecasts}\n`);
    if (flags.out) {
      await mkdir(dirname(resolve(flags.out)), { recursive: true });
      await writeFile(flags.out, `${JSON.stringify(result, null, 2)}\n`);
      process.stderr.write(`result document written to ${flags.out}\n`);
    }
    await keepRunResult("contest", result, { report: flags.report, measuredHere: true });
    return EXIT.ok;
  } catch (error) {
    // A name that matches no contender is a mistake in what was typed: exit 2, like any usage error.
    if (error instanceof UnknownContenderError) throw new UsageError(`--contenders: ${error.message}`, false);
    throw error;
  } finally {
    progress.close();
  }
}
