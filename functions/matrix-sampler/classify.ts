// What one invocation was worth: ok, failed (function error, wrong answer, unreadable REPORT line)
// or misclassified (a cold sample without Init Duration, a warm one with it). Pure: tested alone.
import { decodeLogResult, parseReportLine, type ReportMetrics } from "../../harness/report-line";
import type { SampleKind } from "../../harness/matrix/contracts";
import type { SampleStatus } from "../../harness/matrix/results-table";

export interface InvokeResponse {
  FunctionError?: string;
  LogResult?: string;
  /** The response body as text. */
  payload: string;
}

export interface Classified {
  status: SampleStatus;
  reason: string | null;
  metrics: ReportMetrics | null;
}

const clip = (text: string) => (text.length > 300 ? `${text.slice(0, 300)}...` : text);

export function classifySample(kind: SampleKind, response: InvokeResponse, expectedChecksum: string): Classified {
  let metrics: ReportMetrics | null = null;
  let reportProblem: string | null = null;
  try {
    metrics = parseReportLine(response.LogResult === undefined ? "" : decodeLogResult(response.LogResult));
  } catch (error) {
    reportProblem = (error as Error).message;
  }
  // A wrong answer is a failed sample whatever its speed (DESIGN.md), and so is one we cannot time.
  if (response.FunctionError) return { status: "failed", reason: clip(`function error (${response.FunctionError}): ${response.payload}`), metrics };
  let answer: { ok?: unknown; checksum?: unknown } | null;
  try {
    answer = JSON.parse(response.payload) as { ok?: unknown; checksum?: unknown } | null;
  } catch {
    answer = null; // not JSON: a wrong answer
  }
  if (!answer || answer.ok !== true || answer.checksum !== expectedChecksum) {
    return { status: "failed", reason: clip(`wrong answer (expected checksum ${expectedChecksum}): ${response.payload}`), metrics };
  }
  if (!metrics) return { status: "failed", reason: clip(`no usable REPORT line: ${reportProblem}`), metrics };
  const cold = metrics.initDurationMs !== null;
  if (kind === "cold" && !cold) return { status: "misclassified", reason: "forced cold start without Init Duration (reused environment)", metrics };
  if (kind === "warm" && cold) return { status: "misclassified", reason: `warm sample with Init Duration ${metrics.initDurationMs} ms (new environment)`, metrics };
  return { status: "ok", reason: null, metrics };
}
