// The platform's side of an invocation, formatted as Lambda does: the REPORT line, the errors the
// platform itself reports (timeout, crash, out of memory) and the 4 KB log tail of LogType Tail.
import { constants } from "node:os";

export interface ReportFields {
  requestId: string;
  durationMs: number;
  memorySizeMb: number;
  maxMemoryUsedMb: number;
  /** Only on the first invocation of an instance (cold start). */
  initDurationMs?: number;
  /** Platform-level outcome; absent for success and for errors the handler reported itself. */
  status?: { kind: "timeout" } | { kind: "error"; errorType: string };
}

/**
 * Billed duration: the invoke duration plus, on a cold start, the init duration (Lambda bills INIT
 * for every runtime since 2025-08-01), rounded up to the next millisecond. Summed in hundredths of
 * a millisecond (the precision Lambda prints) so float noise never adds a millisecond.
 */
export function billedDurationMs(durationMs: number, initDurationMs = 0): number {
  const hundredths = Math.round(durationMs * 100) + Math.round(initDurationMs * 100);
  return Math.max(1, Math.ceil(hundredths / 100));
}

/** `REPORT RequestId: …\tDuration: 12.34 ms\tBilled Duration: 13 ms\t…` exactly as CloudWatch shows it. */
export function reportLine(fields: ReportFields): string {
  const { requestId, durationMs, memorySizeMb, maxMemoryUsedMb, initDurationMs, status } = fields;
  let line =
    `REPORT RequestId: ${requestId}\tDuration: ${durationMs.toFixed(2)} ms\t` +
    `Billed Duration: ${billedDurationMs(durationMs, initDurationMs)} ms\t` +
    `Memory Size: ${memorySizeMb} MB\tMax Memory Used: ${maxMemoryUsedMb} MB\t`;
  if (initDurationMs !== undefined) line += `Init Duration: ${initDurationMs.toFixed(2)} ms\t`;
  if (status?.kind === "timeout") line += "Status: timeout";
  if (status?.kind === "error") line += `Status: error\tError Type: ${status.errorType}`;
  return line;
}

// Go's names for signals: Lambda's platform is written in Go and prints ProcessState.String().
const SIGNAL_TEXT: Record<string, string> = {
  SIGKILL: "killed",
  SIGTERM: "terminated",
  SIGABRT: "aborted",
  SIGSEGV: "segmentation fault",
  SIGBUS: "bus error",
  SIGFPE: "floating point exception",
  SIGILL: "illegal instruction",
  SIGINT: "interrupt",
  SIGHUP: "hangup",
  SIGQUIT: "quit",
  SIGPIPE: "broken pipe",
  SIGTRAP: "trace/breakpoint trap",
  SIGUSR1: "user defined signal 1",
  SIGUSR2: "user defined signal 2",
  SIGALRM: "alarm clock",
};
const CORE_DUMPING = new Set(["SIGABRT", "SIGSEGV", "SIGBUS", "SIGFPE", "SIGILL", "SIGQUIT", "SIGTRAP"]);

/** `exit status 3`, `signal: killed`, `signal: segmentation fault (core dumped)`… */
export function exitDescription(code: number | null, signal: NodeJS.Signals | null): string {
  if (signal) {
    const text = SIGNAL_TEXT[signal] ?? `signal ${constants.signals[signal] ?? signal}`;
    return `signal: ${text}${CORE_DUMPING.has(signal) ? " (core dumped)" : ""}`;
  }
  return `exit status ${code ?? 0}`;
}

export interface PlatformError {
  errorType: string;
  errorMessage: string;
}

export function timeoutError(requestId: string, timeoutS: number): PlatformError {
  return { errorType: "Sandbox.Timedout", errorMessage: `RequestId: ${requestId} Error: Task timed out after ${timeoutS.toFixed(2)} seconds` };
}

export function exitError(requestId: string, code: number | null, signal: NodeJS.Signals | null, oom: boolean): PlatformError {
  if (!oom && !signal && (code ?? 0) === 0) {
    return { errorType: "Runtime.ExitError", errorMessage: `RequestId: ${requestId} Error: Runtime exited without providing a reason` };
  }
  return {
    errorType: oom ? "Runtime.OutOfMemory" : "Runtime.ExitError",
    errorMessage: `RequestId: ${requestId} Error: Runtime exited with error: ${exitDescription(code, signal)}`,
  };
}

/** The invoke response body for a platform error: `{"errorType":…,"errorMessage":…}` like AWS. */
export function platformErrorPayload(error: PlatformError): string {
  return JSON.stringify({ errorType: error.errorType, errorMessage: error.errorMessage });
}

export const LOG_TAIL_BYTES = 4096;

/** LogResult: base64 of the last 4 KB of the invocation's log. */
export function logTail(lines: readonly string[]): string {
  const bytes = Buffer.from(lines.map((line) => `${line}\n`).join(""), "utf8");
  return bytes.subarray(Math.max(0, bytes.length - LOG_TAIL_BYTES)).toString("base64");
}
