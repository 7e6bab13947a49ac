// What `bench matrix` prints: the forecast before a run, one progress line per sampler call
// (configuration, samples done, ETA), and the summary tables of the result document.
import type { MatrixExecutionInput } from "../harness/matrix/contracts";
import type { MatrixEstimate } from "../harness/matrix/estimate";
import { PRICE_SOURCES } from "../harness/matrix/estimate";
import type { Aggregate, MatrixResultDocument } from "../harness/matrix/result-document";
import type { TaskObserver } from "../local/task-handlers";
import { significant } from "./table";

const usd = (value: number) => `$${value < 0.01 ? significant(value, 2) : value.toFixed(2)}`;

export function formatDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, "0")}m`;
}

export function formatEstimate(input: MatrixExecutionInput, e: MatrixEstimate, parallel: number): string {
  const { cold, warm } = input.run;
  return [
    `plan: ${input.functions.length} functions, ${e.configurations} configurations x (${cold} cold + ${warm} warm) = ${e.invocations} invocations, ${parallel} function(s) at once`,
    `forecast on AWS (${input.run.region}; a model, not a measurement: harness/matrix/estimate.ts):`,
    `  duration ~${formatDuration(e.durationMs)}; Lambda ${significant(e.lambdaGbSeconds, 3)} GB-s ${usd(e.lambdaUsd)}; ` +
      `Step Functions ${e.stateTransitions} transitions ${usd(e.stepFunctionsUsd)}; DynamoDB ${usd(e.dynamodbUsd)}; total ${usd(e.totalUsd)}`,
    `  prices: ${PRICE_SOURCES.join("; ")}`,
  ].join("\n");
}

/** One line per sampler call and per finished configuration, with the run's samples done and an ETA. */
export class MatrixProgress {
  private total = 0;
  private readonly done = new Map<string, number>();
  private readonly started = Date.now();

  constructor(private readonly write: (line: string) => void) {}

  start(input: MatrixExecutionInput): void {
    const perConfig = input.run.cold + input.run.warm;
    this.total = input.functions.reduce((sum, fn) => sum + fn.memory_sizes.length * perConfig, 0);
  }

  private get doneCount(): number {
    return [...this.done.values()].reduce((a, b) => a + b, 0);
  }

  readonly observer: TaskObserver = (call) => {
    if (call.stateName === "SampleConfiguration" && call.phase === "failed") {
      const input = call.input as { Input?: { config?: { configuration?: { runtime: string; architecture: string; workload: string; memory_mb: number } } } };
      const c = input.Input?.config?.configuration;
      const key = c ? `${c.runtime} ${c.architecture} ${c.workload} ${c.memory_mb} MB` : "a configuration";
      this.write(`[${this.elapsed()}] ${key}: FAILED: ${call.error.Error}: ${call.error.Cause.slice(0, 300)}`);
      return;
    }
    if (call.stateName !== "Sample" || call.phase === "started") return;
    const input = call.input as { Payload?: { configuration?: { runtime: string; architecture: string; workload: string; memory_mb: number }; cold?: number; warm?: number } };
    const c = input.Payload?.configuration;
    if (!c) return;
    const key = `${c.runtime} ${c.architecture} ${c.workload} ${c.memory_mb} MB`;
    if (call.phase === "failed") {
      this.write(`[${this.elapsed()}] ${key}: sampler failed: ${call.error.Error}: ${call.error.Cause.slice(0, 200)}`);
      return;
    }
    const payload = (call.output as { Payload?: { continuation?: { cold_done: number; warm_done: number }; taken?: { failed: number; misclassified: number } } }).Payload;
    const cont = payload?.continuation;
    if (!cont) return;
    this.done.set(key, cont.cold_done + cont.warm_done);
    const per = (input.Payload?.cold ?? 0) + (input.Payload?.warm ?? 0);
    const doneAll = this.doneCount;
    const elapsedMs = Date.now() - this.started;
    const eta = doneAll > 0 && this.total > doneAll ? ` ETA ${formatDuration((elapsedMs / doneAll) * (this.total - doneAll))}` : "";
    const issues = payload?.taken && (payload.taken.failed || payload.taken.misclassified) ? ` (${payload.taken.failed} failed, ${payload.taken.misclassified} misclassified)` : "";
    this.write(`[${this.elapsed()}] ${key}: ${cont.cold_done + cont.warm_done}/${per} samples${issues} | run ${doneAll}/${this.total}${eta}`);
  };

  private elapsed(): string {
    return `${((Date.now() - this.started) / 1000).toFixed(1).padStart(6)}s`;
  }
}

function table(headers: string[], rows: string[][], leftColumns: number): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((cell, i) => (i < leftColumns ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join("  ").trimEnd();
  return [line(headers), ...rows.map(line)].join("\n");
}

const ms = (value: number | undefined) => (value === undefined ? "-" : value >= 100 ? value.toFixed(0) : value.toFixed(1));

/** Per workload: warm and cold medians by runtime x architecture x memory, cost, then ARM vs x86. */
export function renderSummary(doc: MatrixResultDocument): string {
  const out: string[] = [];
  const engine = doc.run.engine;
  out.push(
    engine.kind === "local"
      ? `measured locally on ${engine.host.cpu_model} (uname -m ${engine.host.machine}, ${engine.host.cpus} CPUs): both architectures ran on this CPU; prices: ${doc.run.region}`
      : `measured on AWS, ${doc.run.region}`,
  );
  out.push(`samples per configuration: ${doc.run.cold} cold + ${doc.run.warm} warm; medians in ms (n = ok samples; failed and misclassified never averaged in)`);
  const find = (runtime: string, arch: string, workload: string, memory: number, kind: "cold" | "warm"): Aggregate | undefined =>
    doc.aggregates.find((a) => a.runtime === runtime && a.architecture === arch && a.workload === workload && a.memory_mb === memory && a.kind === kind);
  for (const workload of [...new Set(doc.aggregates.map((a) => a.workload))]) {
    const mine = doc.aggregates.filter((a) => a.workload === workload && a.kind === "warm");
    const rows = mine.map((warm) => {
      const cold = find(warm.runtime, warm.architecture, workload, warm.memory_mb, "cold");
      const failed = warm.failed + (cold?.failed ?? 0);
      const miscl = warm.misclassified + (cold?.misclassified ?? 0);
      return [
        warm.runtime,
        warm.architecture,
        String(warm.memory_mb),
        `${ms(warm.duration_ms?.median)} (n ${warm.n})`,
        ms(warm.duration_ms?.p95),
        cold ? `${ms(cold.duration_ms?.median)} (n ${cold.n})` : "-",
        ms(cold?.init_duration_ms?.median),
        warm.cost_per_million_usd === null ? "-" : `$${significant(warm.cost_per_million_usd, 3)}`,
        cold?.cost_per_million_usd == null ? "-" : `$${significant(cold.cost_per_million_usd, 3)}`,
        `${failed}/${miscl}`,
      ];
    });
    out.push("", `workload ${workload}`);
    out.push(table(["runtime", "arch", "MB", "warm median", "warm p95", "cold median", "init", "$/1M warm", "$/1M cold", "failed/miscl."], rows, 2));
    const comparisons = doc.comparisons.filter((c) => c.workload === workload);
    if (comparisons.length) {
      out.push(`arm64 vs x86_64 (speed-up = x86 median / arm median, 95% bootstrap CI; cost ratio = arm / x86 at the medians):`);
      out.push(
        table(
          ["runtime", "MB", "kind", "speed-up", "95% CI", "cost ratio"],
          comparisons.map((c) => [c.runtime, String(c.memory_mb), c.kind, `${c.arm_vs_x86_speedup.toFixed(3)}x`, `[${c.ci95[0].toFixed(3)}, ${c.ci95[1].toFixed(3)}]`, c.cost_ratio.toFixed(3)]),
          1,
        ),
      );
    }
  }
  if (doc.run.skipped.length) out.push("", ...doc.run.skipped.map((s) => `skipped: ${s.runtime}: ${s.reason}`));
  return out.join("\n");
}
