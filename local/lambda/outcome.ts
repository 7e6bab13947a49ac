// Turns how an invocation ended (platform view) into what the Invoke API returns and what the
// platform writes to the log, so both match what AWS shows for the same event.
import type { Outcome } from "./instance";
import { exitError, platformErrorPayload, timeoutError, type ReportFields } from "./report";

export interface Settled {
  payload: string;
  functionError: boolean;
  /** Platform lines written after the function's output and before END. */
  logLines: string[];
  status: ReportFields["status"];
  /** False when the instance must be thrown away (the next invoke cold-starts). */
  keepInstance: boolean;
}

function errorTypeOf(body: string, header: string | undefined): string {
  if (header) return header;
  try {
    const parsed = JSON.parse(body) as { errorType?: unknown };
    if (typeof parsed.errorType === "string") return parsed.errorType;
  } catch {
    // not JSON: Lambda calls that an unknown runtime error
  }
  return "Runtime.Unknown";
}

export function settle(outcome: Outcome, requestId: string, timeoutS: number): Settled {
  switch (outcome.kind) {
    case "response":
      return { payload: outcome.body, functionError: false, logLines: [], status: undefined, keepInstance: true };
    case "error":
      // The runtime reported the handler's error itself: the environment stays warm and the
      // REPORT line has no Status (the runtime is healthy).
      return { payload: outcome.body, functionError: true, logLines: [], status: undefined, keepInstance: true };
    case "init-error": {
      const errorType = errorTypeOf(outcome.body, outcome.errorType);
      return { payload: outcome.body, functionError: true, logLines: [], status: { kind: "error", errorType }, keepInstance: false };
    }
    case "timeout": {
      const error = timeoutError(requestId, timeoutS);
      const line = `${new Date().toISOString()} ${requestId} Task timed out after ${timeoutS.toFixed(2)} seconds`;
      return { payload: platformErrorPayload(error), functionError: true, logLines: [line], status: { kind: "timeout" }, keepInstance: false };
    }
    case "exit": {
      const error = exitError(requestId, outcome.code, outcome.signal, outcome.oom);
      return {
        payload: platformErrorPayload(error),
        functionError: true,
        logLines: [error.errorMessage, error.errorType],
        status: { kind: "error", errorType: error.errorType },
        keepInstance: false,
      };
    }
  }
}
