// Reads the metrics of one invocation from its log tail (Invoke with LogType: Tail returns the
// last 4 KB of the invocation's log, base64). Lambda ends every invocation's log with a REPORT
// line; with SnapStart it adds `Restore Duration`, with X-Ray an `XRAY TraceId: ...` line after
// it, and functions using the JSON log format get a `platform.report` JSON record instead. The
// local sandboxes print the text form (local/lambda/report.ts), so both engines meet here.

export interface ReportMetrics {
  requestId: string;
  durationMs: number;
  billedDurationMs: number;
  memorySizeMb: number;
  maxMemoryUsedMb: number;
  /** Present only on a cold start. */
  initDurationMs: number | null;
  /** Present only when a SnapStart snapshot was restored. */
  restoreDurationMs: number | null;
}

/** The log has no REPORT line at all, or one we cannot read (the message says which). */
export class ReportLineError extends Error {
  constructor(
    message: string,
    readonly kind: "missing" | "garbled",
  ) {
    super(message);
    this.name = "ReportLineError";
  }
}

export function decodeLogResult(base64: string): string {
  return Buffer.from(base64, "base64").toString("utf8");
}

// Longest names first so "Billed Duration" is never read as "Duration": the regex scans left to
// right and each match consumes its name. Fields we do not use (Status, Error Type) are skipped.
const FIELD =
  /(Billed Restore Duration|Restore Duration|Billed Duration|Init Duration|Max Memory Used|Memory Size|Duration):[ \t]*(\S*)(?:[ \t]+(ms|MB)\b)?/g;
const NUMBER = /^\d+(?:\.\d+)?$/;

/**
 * Finds the LAST report of `text` (a decoded log tail, or just the line) and reads it.
 * Throws ReportLineError when there is none or when a required field is absent or not a number.
 */
export function parseReportLine(text: string): ReportMetrics {
  const lines = text.split(/\r?\n/);
  for (let i = lines.length - 1; i >= 0; i--) {
    const line = (lines[i] ?? "").trim();
    if (line.startsWith("REPORT RequestId:")) return parseTextReport(line);
    if (line.startsWith("{") && line.includes('"platform.report"')) {
      const parsed = tryParseJsonReport(line);
      if (parsed) return parsed;
    }
  }
  throw new ReportLineError("no REPORT line in the log", "missing");
}

function parseTextReport(line: string): ReportMetrics {
  const requestId = /^REPORT RequestId:\s*(\S+)/.exec(line)?.[1] ?? "";
  const fields = new Map<string, { value: string; unit: string | undefined }>();
  for (const match of line.matchAll(FIELD)) fields.set(match[1] ?? "", { value: match[2] ?? "", unit: match[3] });

  const required = (name: string, unit: "ms" | "MB"): number => {
    const raw = fields.get(name);
    if (raw === undefined) throw garbled(line, `no '${name}'`);
    return number(line, name, raw, unit);
  };
  const optional = (name: string): number | null => {
    const raw = fields.get(name);
    return raw === undefined ? null : number(line, name, raw, "ms");
  };
  return {
    requestId,
    durationMs: required("Duration", "ms"),
    billedDurationMs: required("Billed Duration", "ms"),
    memorySizeMb: required("Memory Size", "MB"),
    maxMemoryUsedMb: required("Max Memory Used", "MB"),
    initDurationMs: optional("Init Duration"),
    restoreDurationMs: optional("Restore Duration"),
  };
}

function number(line: string, name: string, raw: { value: string; unit: string | undefined }, unit: "ms" | "MB"): number {
  if (!NUMBER.test(raw.value) || raw.unit !== unit) {
    const seen = `${raw.value}${raw.unit ? ` ${raw.unit}` : ""}`;
    throw garbled(line, `'${name}' is '${seen}', expected a number in ${unit}`);
  }
  return Number(raw.value);
}

function garbled(line: string, what: string): ReportLineError {
  const shown = line.length > 200 ? `${line.slice(0, 200)}...` : line;
  return new ReportLineError(`unreadable REPORT line (${what}): ${shown}`, "garbled");
}

/** JSON log format: {"type":"platform.report","record":{"requestId","metrics":{...}}}. */
function tryParseJsonReport(line: string): ReportMetrics | null {
  let event: unknown;
  try {
    event = JSON.parse(line);
  } catch {
    return null; // an application log line that merely mentions platform.report
  }
  if (!isObject(event) || event.type !== "platform.report") return null;
  const record = isObject(event.record) ? event.record : {};
  const metrics = isObject(record.metrics) ? record.metrics : {};
  const required = (key: string): number => {
    const value = metrics[key];
    if (typeof value !== "number" || !Number.isFinite(value) || value < 0) {
      throw new ReportLineError(`unreadable platform.report record (no numeric metrics.${key})`, "garbled");
    }
    return value;
  };
  const optional = (key: string): number | null => (metrics[key] === undefined ? null : required(key));
  return {
    requestId: typeof record.requestId === "string" ? record.requestId : "",
    durationMs: required("durationMs"),
    billedDurationMs: required("billedDurationMs"),
    memorySizeMb: required("memorySizeMB"),
    maxMemoryUsedMb: required("maxMemoryUsedMB"),
    initDurationMs: optional("initDurationMs"),
    restoreDurationMs: optional("restoreDurationMs"),
  };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
