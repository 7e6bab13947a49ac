// Hands the scorer what the S3 front measured: the local engine's Lambda service is wrapped so
// that the scorer's "score-contender" event carries, for each run, the usage of the invocations
// of the contender's function that received that run's archive key (a retried invoke counts in full). On AWS the scorer gets
// the same event without `usage` (see README, "The full price of a run").
import type { RunUsage } from "../../harness/contracts";
import type { LambdaService } from "../task-handlers";
import type { InvocationUsage } from "./usage";

/** Sums the usage of `records` into a RunUsage; `sources` = `bucket/key` of every source object. */
export function runUsage(records: readonly InvocationUsage[], sources: ReadonlySet<string>): RunUsage {
  const sum = (pick: (u: InvocationUsage) => Record<string, number>) => {
    const out: Record<string, number> = {};
    for (const record of records) for (const [op, n] of Object.entries(pick(record))) out[op] = (out[op] ?? 0) + n;
    return out;
  };
  const read = new Set<string>();
  for (const record of records) for (const object of record.objectsRead) if (sources.has(object)) read.add(object);
  const cpu = records.map((r) => r.cpuSeconds);
  return {
    s3_requests: sum((u) => u.requests),
    s3_unbilled_requests: sum((u) => u.unbilled),
    bytes_in: records.reduce((n, r) => n + r.bytesIn, 0),
    bytes_out: records.reduce((n, r) => n + r.bytesOut, 0),
    bytes_copied: records.reduce((n, r) => n + r.bytesCopied, 0),
    request_seconds: records.reduce((n, r) => n + r.requestSeconds, 0),
    cpu_seconds: cpu.length > 0 && cpu.every((c) => c !== null) ? cpu.reduce((n: number, c) => n + c!, 0) : null,
    source_objects_read: read.size,
    source_objects: sources.size,
  };
}

type Run = { archive_key?: unknown; usage?: unknown };
type Contender = { function_arn?: unknown; runs?: Run[] };

export interface RunUsageSource {
  usageWhere(match: (usage: InvocationUsage) => boolean): InvocationUsage[];
}

/**
 * `lambda` with the scorer's events enriched. `sources()` is read when the scorer is called (the
 * dataset is listed once after the fill).
 */
export function withRunUsage(lambda: LambdaService, scorerArn: string, front: RunUsageSource, sources: () => ReadonlySet<string>): LambdaService {
  const addUsage = (contender: Contender) => {
    // Only the contender's own invocations: the validator's event names the same archive key.
    const functionName = typeof contender.function_arn === "string" ? contender.function_arn.split(":").pop() : undefined;
    for (const run of contender.runs ?? []) {
      if (typeof run.archive_key !== "string" || !functionName) continue;
      const records = front.usageWhere(
        (u) => u.functionName === functionName && (u.event as { archive_key?: unknown } | null)?.archive_key === run.archive_key,
      );
      if (records.length) run.usage = runUsage(records, sources());
    }
  };
  return {
    getFunctionConfiguration: (nameOrArn) => lambda.getFunctionConfiguration(nameOrArn),
    invoke: (nameOrArn, payload, options) => {
      if (nameOrArn === scorerArn && payload && typeof payload === "object") {
        const event = structuredClone(payload) as { action?: unknown; contender?: Contender; contenders?: Contender[] };
        if (event.action === "score-contender" && event.contender) addUsage(event.contender);
        if (event.action === undefined) for (const contender of event.contenders ?? []) addUsage(contender);
        return lambda.invoke(nameOrArn, event, options);
      }
      return lambda.invoke(nameOrArn, payload, options);
    },
  };
}
