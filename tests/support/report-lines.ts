// Test fixtures: REPORT lines with any metrics a test needs (e.g. a chosen billed duration), in
// Lambda's text format. The local sandboxes print the real ones (local/lambda/report.ts); a
// score test checks that the scorer reads those too.
import type { ReportMetrics } from "../../harness/report-line";

/** A REPORT line: tab-separated, durations with 2 decimals, billed duration and memory as integers. */
export function formatReportLine(m: Omit<ReportMetrics, "restoreDurationMs"> & { restoreDurationMs?: number | null }): string {
  const parts = [
    `REPORT RequestId: ${m.requestId}`,
    `Duration: ${m.durationMs.toFixed(2)} ms`,
    `Billed Duration: ${Math.round(m.billedDurationMs)} ms`,
    `Memory Size: ${m.memorySizeMb} MB`,
    `Max Memory Used: ${m.maxMemoryUsedMb} MB`,
  ];
  if (m.initDurationMs !== null) parts.push(`Init Duration: ${m.initDurationMs.toFixed(2)} ms`);
  if (m.restoreDurationMs != null) parts.push(`Restore Duration: ${m.restoreDurationMs.toFixed(2)} ms`);
  return parts.join("\t");
}
