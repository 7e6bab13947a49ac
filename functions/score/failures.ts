// Turns caught Step Functions errors into the failure reasons of the result document.
//
// What Lambda reports (nodejs22.x behaves like the other managed runtimes here; the runtime
// does not choose these, the Lambda service does):
// - Timeout: the Invoke payload is {"errorType":"Sandbox.Timedout","errorMessage":"RequestId: <id>
//   Error: Task timed out after 600.00 seconds"} (AWS docs, "Troubleshoot invocation issues in
//   Lambda", section "Function times out during Init phase (Sandbox.Timedout)"); older runtimes
//   put "<time> <request id> Task timed out after 3.07 seconds" in errorMessage (e.g.
//   alexa-samples/skill-sample-nodejs-smarthome-switch#18). A Task state's own TimeoutSeconds
//   fires as `States.Timeout`.
// - Out of memory: the sandbox is SIGKILLed by the memory limit. Current Lambda reports
//   {"errorType":"Runtime.OutOfMemory","errorMessage":"RequestId: <id> Error: Runtime exited with
//   error: signal: killed"} (adobe/helix-html2md-service#1001, 2026; "Error Type:
//   Runtime.OutOfMemory" in nasa-gcn/gcn.nasa.gov#3628). Older reports show the same kill as
//   errorType Runtime.ExitError with "signal: killed" (doug-macleod/Pipe-1Dev#18: "The error says
//   timed out but actually it is memory"; Sparticuz/chromium#43 on nodejs18.x). A timeout is
//   reported as Sandbox.Timedout, so a Runtime.ExitError with SIGKILL is read as memory; a
//   timed-out sandbox may log the same SIGKILL line after "Task timed out" (praetorian-inc/
//   chariot-ui#166), which is why the timeout test comes first.
//   V8 hitting its own heap limit aborts instead ("JavaScript heap out of memory"), Python raises
//   MemoryError: both are memory exhaustion too.
// - With the `lambda:invoke` integration, Step Functions' `Error` is the payload's errorType and
//   `Cause` is the payload as a JSON string; service-side failures (Lambda.ServiceException,
//   Lambda.Unknown, ...) have a plain-text Cause.
import type { TaskError } from "../../harness/contracts";

export type FailureKind = "crash" | "timeout" | "oom";

export interface DescribedError {
  /** errorType from the Cause payload, else the Step Functions Error name. */
  type: string;
  /** errorMessage from the Cause payload (without Lambda's "RequestId: ... Error:" prefix), else the Cause text. */
  message: string;
}

/** Longest piece of foreign text (error messages) quoted in a reason. */
export const MAX_QUOTED_CHARS = 300;

const TIMEOUT_TYPES = new Set(["Sandbox.Timedout", "States.Timeout"]);
const MEMORY_HINT = /out of memory|heap limit|Cannot allocate memory|ENOMEM|allocation failed|MemoryError/i;

export function describeTaskError(error: TaskError): DescribedError {
  let type = error.Error;
  let message = error.Cause ?? "";
  const payload = parseJsonObject(message);
  if (payload) {
    if (typeof payload.errorType === "string" && payload.errorType) type = payload.errorType;
    message = typeof payload.errorMessage === "string" ? payload.errorMessage : "";
  }
  return { type, message: stripLambdaPrefix(message) };
}

export function classifyRunError(error: TaskError): FailureKind {
  const { type, message } = describeTaskError(error);
  if (TIMEOUT_TYPES.has(type) || TIMEOUT_TYPES.has(error.Error) || /Task timed out after/.test(message)) {
    return "timeout";
  }
  if (type === "Runtime.OutOfMemory" || type === "MemoryError") return "oom";
  if (type === "Runtime.ExitError" && /signal: killed/.test(message)) return "oom";
  if (MEMORY_HINT.test(message)) return "oom";
  return "crash";
}

/** What a reason quotes for a failed run: the message for timeouts, type and message otherwise. */
export function quoteRunError(kind: FailureKind, error: TaskError): string {
  const { type, message } = describeTaskError(error);
  if (kind === "timeout") return quote(message || type);
  if (kind === "oom") return quote(message ? `${message} (${type})` : type);
  return quote(message ? `${type}: ${message}` : type);
}

/** What an "invalid: run i of N: ..." reason quotes: the validator's own words. */
export function invalidArchiveText(error: TaskError): string {
  const { message } = describeTaskError(error);
  return quote(message || "the validator rejected the archive without a reason");
}

/** Error and Cause of a child execution's failure, out of the `.sync` integration's `States.TaskFailed`. */
export function childExecutionError(error: TaskError): TaskError {
  if (error.Error !== "States.TaskFailed") return error;
  const described = parseJsonObject(error.Cause ?? "");
  const childError = described?.Error ?? described?.error;
  const childCause = described?.Cause ?? described?.cause;
  if (typeof childError !== "string" || !childError) return error;
  return { Error: childError, Cause: typeof childCause === "string" ? childCause : "" };
}

/**
 * The failure reason when a contender's whole child execution failed: its runs could not even be
 * scored. Named after what Step Functions reported, so a contributor knows what to change.
 */
export function executionFailureReason(error: TaskError): string {
  const child = childExecutionError(error);
  const detail = quote(child.Cause ?? "", MAX_QUOTED_CHARS);
  const said = detail ? `${child.Error}: ${detail}` : child.Error;
  if (child.Error === "States.DataLimitExceeded") {
    return `crash: the contender's results exceeded Step Functions' 256 KiB payload limit (huge return values or error messages?): ${said}`;
  }
  if (child.Error === "States.Timeout") return `timeout: the contender's execution ran out of time: ${said}`;
  return `crash: the contender's execution failed: ${said}`;
}

/** Collapses whitespace (reasons are one line in a table) and bounds the length. */
export function quote(text: string, max = MAX_QUOTED_CHARS): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > max ? `${flat.slice(0, max)}... (${flat.length - max} more chars)` : flat;
}

// "RequestId: 6f4f... Error: Runtime exited ..." and "2020-11-10T05:46:57.874Z 1607... Task timed out ..."
function stripLambdaPrefix(message: string): string {
  return message
    .replace(/^RequestId: \S+ Error: /, "")
    .replace(/^\d{4}-\d\d-\d\dT[\d:.]+Z \S+ (?=Task timed out)/, "");
}

function parseJsonObject(text: string): Record<string, unknown> | null {
  if (!text.trimStart().startsWith("{")) return null;
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}
