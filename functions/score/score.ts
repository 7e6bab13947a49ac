// Scores contenders: one failure reason, or one priced success row each; then ranks successes.
// Checks run in the order a human would want the first problem reported: configuration, the
// runs themselves, their REPORT lines, the archive's validation, the time budget.
import type {
  ContenderExecutionFailedEvent,
  ContenderOutcome,
  ContenderScore,
  FailureRow,
  RankableScore,
  TaskError,
  ResultDocument,
  ScoreContenderEvent,
  ScoreInput,
  SuccessRow,
  UnrankedSuccessRow,
} from "../../harness/contracts";
import { INVALID_ARCHIVE } from "../validate/errors";
import {
  classifyRunError,
  describeTaskError,
  executionFailureReason,
  invalidArchiveText,
  quote,
  quoteRunError,
  type FailureKind,
} from "./failures";
import { roundMs, roundStats, stats } from "./numbers";
import { priceRun } from "./price";
import { lambdaRatesFor, s3RequestRatesFor, type LambdaRates } from "../../harness/pricing";
import { rankRows } from "../../harness/ranking";
import { fullPrice, proofOfWorkFailure, type S3Rates } from "./usage";
import { ReportLineError, decodeLogResult, parseReportLine, type ReportMetrics } from "../../harness/report-line";

/** A harness fault found while scoring: the execution must fail with it (never a contender's row). */
interface Fault {
  error: string;
  cause: string;
}
type Verdict = { ok: true; row: UnrankedSuccessRow } | { ok: false; reason: string } | { ok: false; fault: Fault };

/** Names of the harness faults the scorer reports (the execution fails with this Error). */
export const HARNESS_FAULTS = {
  validatorFailed: "Harness.ValidatorFailed",
  validationsMissing: "Harness.ValidationsMissing",
} as const;

/** A harness fault in the older whole-ScoreInput event, which has no per-contender way to report it. */
export class HarnessFaultError extends Error {
  constructor(error: string, cause: string) {
    super(cause);
    this.name = error;
  }
}

/** The "score-contender" action: one contender, inside its own state-machine Map iteration. */
export function scoreOneContender(event: ScoreContenderEvent): ContenderScore {
  // An unknown region fails the scoring instead of yielding a failure row: a price from the
  // wrong table would be worse than no result (see pricing.ts), and it is the harness's fault.
  return toScore(event.contender, scoreContender(event.contender, event, lambdaRatesFor(event.region), s3RatesIfMeasured([event.contender], event.region)));
}

/** The "contender-execution-failed" action: the failure row of a contender whose execution failed. */
export function executionFailed(event: ContenderExecutionFailedEvent): ContenderScore {
  return { failure: { contender: event.contender, reason: executionFailureReason(event.error) } };
}

/** The "rank" action: successes ranked, failures in the order the contenders were listed. */
export function rankScores(scores: readonly RankableScore[]): ResultDocument {
  const rows: UnrankedSuccessRow[] = [];
  const failure: FailureRow[] = [];
  for (const score of scores) {
    if ("success" in score) rows.push(score.success);
    else failure.push(score.failure);
  }
  return { success: rank(rows), failure };
}

/** The older whole-ScoreInput event: every contender at once, then the ranking. */
export function scoreAll(input: ScoreInput): ResultDocument {
  // Refuses an unknown region before looking at any contender (see scoreOneContender).
  const rates = lambdaRatesFor(input.region);
  const s3Rates = s3RatesIfMeasured(input.contenders, input.region);
  return rankScores(
    input.contenders.map((c) => {
      const score = toScore(c, scoreContender(c, input, rates, s3Rates));
      if ("harness_error" in score) throw new HarnessFaultError(score.harness_error.error, score.harness_error.cause);
      return score;
    }),
  );
}

/** S3 request rates, looked up only when some run carries measured usage (never on AWS today). */
function s3RatesIfMeasured(contenders: readonly ContenderOutcome[], region: string): S3Rates | undefined {
  return contenders.some((c) => c.runs.some((run) => run.usage)) ? s3RequestRatesFor(region) : undefined;
}

function toScore(c: ContenderOutcome, verdict: Verdict): ContenderScore {
  if (verdict.ok) return { success: verdict.row };
  if ("fault" in verdict) return { harness_error: { contender: c.contender, ...verdict.fault } };
  return { failure: { contender: c.contender, reason: verdict.reason } };
}

/** Cheapest run first; ties by mean duration, then by name, so the order never depends on input order. */
export function rank(rows: readonly UnrankedSuccessRow[]): SuccessRow[] {
  return rankRows(rows, "run");
}

export function scoreContender(
  c: ContenderOutcome,
  input: Pick<ScoreInput, "max_run_time_ms" | "runs_per_contender">,
  rates: LambdaRates,
  s3Rates?: S3Rates,
): Verdict {
  const fail = (reason: string): Verdict => ({ ok: false, reason });

  if (c.config_error || !c.config) {
    const why = c.config_error
      ? (({ type, message }) => (message ? `${type}: ${message}` : type))(describeTaskError(c.config_error))
      : "the state machine recorded no configuration";
    return fail(`crash: cannot read function configuration: ${quote(why)}`);
  }
  const config = c.config;
  const expected = input.runs_per_contender;
  const runs = [...c.runs].sort((a, b) => a.index - b.index);
  if (runs.length !== expected) {
    return fail(`crash: expected ${expected} run(s) but ${runs.length} were recorded`);
  }
  if (runs.some((run, i) => run.index !== i)) {
    return fail(`crash: run indices are [${runs.map((r) => r.index).join(", ")}], expected 0 to ${expected - 1} once each`);
  }

  // Failed runs: report the first, and how many failed.
  const failed = runs.flatMap((run) => (run.ok ? [] : [{ run, kind: classifyRunError(run.error) }]));
  const first = failed[0];
  if (first && !first.run.ok) {
    const detail = quoteRunError(first.kind, first.run.error);
    return fail(`${first.kind}: run ${first.run.index + 1} of ${expected}: ${detail}${failedSummary(failed.map((f) => f.kind), expected)}`);
  }

  const reports: ReportMetrics[] = [];
  for (const run of runs) {
    if (!run.ok) continue;
    try {
      reports.push(parseReportLine(decodeLogResult(run.log_result)));
    } catch (error) {
      if (!(error instanceof ReportLineError)) throw error;
      const where = `the log of run ${run.index + 1}`;
      return fail(error.kind === "missing" ? `crash: no REPORT line in ${where}` : `crash: ${error.message} in ${where}`);
    }
  }

  const judged = judgeArchives(c, expected);
  if (judged) return judged;
  // Every archive validated: each run must also have done the work itself (measured locally).
  const lazy = proofOfWorkFailure(runs);
  if (lazy) return fail(lazy);

  const duration = stats(reports.map((r) => r.durationMs));
  const budget = input.max_run_time_ms;
  if (duration.mean + duration.stddev >= budget) {
    const total = duration.mean + duration.stddev;
    return fail(
      `too slow: mean ${fmtMs(duration.mean)} + stddev ${fmtMs(duration.stddev)} = ${fmtMs(total)} ` +
        `is not below max_run_time_ms ${fmtMs(budget)}`,
    );
  }

  const architecture = config.Architectures[0] ?? "x86_64"; // min(1) in the schema; Lambda's default otherwise
  const billed = reports.map((r) => r.billedDurationMs);
  const inits = reports.flatMap((r) => (r.initDurationMs === null ? [] : [r.initDurationMs]));
  const price = priceRun(
    { architecture, memoryMb: config.MemorySize, ephemeralStorageMb: config.EphemeralStorage.Size, billedDurationsMs: billed },
    rates,
  );
  return {
    ok: true,
    row: {
      contender: c.contender,
      arn: config.FunctionArn,
      runtime: config.Runtime ?? "image", // container images have no Runtime
      architecture,
      memory_mb: config.MemorySize,
      ephemeral_storage_mb: config.EphemeralStorage.Size,
      runs_count: reports.length,
      duration_ms: roundStats(duration),
      run_durations_ms: reports.map((r) => roundMs(r.durationMs)),
      billed_duration_ms: roundStats(stats(billed)),
      max_memory_used_mb: Math.max(...reports.map((r) => r.maxMemoryUsedMb)),
      init_duration_ms: inits.length ? roundMs(stats(inits).mean) : null,
      ...price,
      ...(s3Rates ? fullPrice(runs, price.run_price_usd, s3Rates) : {}),
    },
  };
}

/**
 * Every run's archive must have been judged valid. A validator that failed for any other reason
 * than `InvalidArchive` (crashed, throttled past its retries, found the dataset not matching the
 * stack) is the harness's fault: reported as such, never as the contender's `invalid:`.
 */
function judgeArchives(c: ContenderOutcome, expected: number): Verdict | null {
  const validations = [...c.validations].sort((a, b) => a.index - b.index);
  const fault = (error: string, cause: string): Verdict => ({ ok: false, fault: { error, cause } });
  for (const v of validations) {
    const error: TaskError | null = "harness_error" in v ? v.harness_error : !v.ok && v.error.Error !== INVALID_ARCHIVE ? v.error : null;
    if (error) {
      const { type, message } = describeTaskError(error);
      return fault(
        HARNESS_FAULTS.validatorFailed,
        `${c.contender} run ${v.index + 1} of ${expected}: the validator failed, so the archive was not judged: ${quote(message ? `${type}: ${message}` : type)}`,
      );
    }
  }
  if (validations.length !== expected || validations.some((v, i) => v.index !== i)) {
    return fault(
      HARNESS_FAULTS.validationsMissing,
      `${c.contender}: expected a validation of each of ${expected} run(s), got [${validations.map((v) => v.index).join(", ")}]`,
    );
  }
  const invalid = validations.flatMap((v) => ("ok" in v && !v.ok ? [v] : []));
  const first = invalid[0];
  if (!first) return null;
  const more = invalid.length > 1 ? ` (${invalid.length} of ${expected} archives invalid)` : "";
  return { ok: false, reason: `invalid: run ${first.index + 1} of ${expected}: ${invalidArchiveText(first.error)}${more}` };
}

function failedSummary(kinds: readonly FailureKind[], total: number): string {
  if (kinds.length < 2) return "";
  const counts = new Map<FailureKind, number>();
  for (const k of kinds) counts.set(k, (counts.get(k) ?? 0) + 1);
  const mixed = counts.size > 1 ? `: ${[...counts].map(([k, n]) => `${n} ${k}`).join(", ")}` : "";
  return ` (${kinds.length} of ${total} runs failed${mixed})`;
}

function fmtMs(ms: number): string {
  return `${Number(ms.toFixed(2))} ms`;
}
