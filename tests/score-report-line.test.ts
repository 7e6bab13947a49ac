import { describe, expect, it } from "vitest";
import { ReportLineError, decodeLogResult, parseReportLine } from "../harness/report-line";
import { reportLine } from "../local/lambda/index";
import { formatReportLine } from "./support/report-lines";

const ID = "3f1c9a2e-8d7b-4c2a-9e55-0b7d1f2a6c11";
const WARM = `REPORT RequestId: ${ID}\tDuration: 212631.00 ms\tBilled Duration: 212632 ms\tMemory Size: 512 MB\tMax Memory Used: 300 MB`;

function expectReportError(text: string, kind: "missing" | "garbled", message: RegExp): void {
  let caught: unknown;
  try {
    parseReportLine(text);
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(ReportLineError);
  expect((caught as ReportLineError).kind).toBe(kind);
  expect((caught as ReportLineError).message).toMatch(message);
}

describe("parseReportLine", () => {
  it("reads a warm REPORT line (no Init Duration)", () => {
    expect(parseReportLine(WARM)).toEqual({
      requestId: ID,
      durationMs: 212631,
      billedDurationMs: 212632,
      memorySizeMb: 512,
      maxMemoryUsedMb: 300,
      initDurationMs: null,
      restoreDurationMs: null,
    });
  });

  it("reads Init Duration on a cold start, as the last REPORT of a whole log tail with a trailing tab", () => {
    const log = [
      `START RequestId: ${ID} Version: $LATEST`,
      `2026-11-24T03:00:00.000Z\t${ID}\tINFO\tDuration: 5 ms is what the app logs, not a report`,
      `END RequestId: ${ID}`,
      `${WARM}\tInit Duration: 150.20 ms\t`,
      "",
    ].join("\n");
    const m = parseReportLine(log);
    expect(m.initDurationMs).toBe(150.2);
    expect(m.durationMs).toBe(212631);
    expect(m.billedDurationMs).toBe(212632);
  });

  it("tolerates SnapStart Restore Duration, Status fields and a trailing XRAY line", () => {
    const log = [
      `${WARM}\tRestore Duration: 412.90 ms\tBilled Restore Duration: 213 ms\tStatus: success`,
      "XRAY TraceId: 1-6742a0c1-0a1b2c3d4e5f60718293a4b5\tSegmentId: 2b3c4d5e6f708192\tSampled: true",
    ].join("\n");
    const m = parseReportLine(log);
    expect(m.restoreDurationMs).toBe(412.9);
    expect(m.billedDurationMs).toBe(212632); // not the Billed Restore Duration
    expect(m.initDurationMs).toBeNull();
  });

  it("accepts the old format with a space before the tab and 100 ms billing", () => {
    const m = parseReportLine(`REPORT RequestId: ${ID}\tDuration: 3071.27 ms\tBilled Duration: 3100 ms \tMemory Size: 128 MB\tMax Memory Used: 21 MB\t`);
    expect([m.durationMs, m.billedDurationMs, m.memorySizeMb, m.maxMemoryUsedMb]).toEqual([3071.27, 3100, 128, 21]);
  });

  it("reads the JSON log format's platform.report record", () => {
    const record = {
      time: "2026-11-24T03:00:00.000Z",
      type: "platform.report",
      record: {
        requestId: ID,
        metrics: { durationMs: 1000.5, billedDurationMs: 1001, memorySizeMB: 1024, maxMemoryUsedMB: 99, initDurationMs: 80.25 },
        status: "success",
      },
    };
    expect(parseReportLine(`some app line\n${JSON.stringify(record)}\n`)).toEqual({
      requestId: ID,
      durationMs: 1000.5,
      billedDurationMs: 1001,
      memorySizeMb: 1024,
      maxMemoryUsedMb: 99,
      initDurationMs: 80.25,
      restoreDurationMs: null,
    });
  });

  it("says 'missing' when there is no REPORT line", () => {
    expectReportError(`START RequestId: ${ID} Version: $LATEST\nEND RequestId: ${ID}\n`, "missing", /no REPORT line/);
    expectReportError("", "missing", /no REPORT line/);
  });

  it("says which field is wrong in a garbled REPORT line", () => {
    expectReportError(`REPORT RequestId: ${ID}\tDuration: 212631.00 ms\tMemory Size: 512 MB\tMax Memory Used: 300 MB`, "garbled", /no 'Billed Duration'/);
    expectReportError(WARM.replace("212632 ms", "lots ms"), "garbled", /'Billed Duration' is 'lots ms', expected a number in ms/);
    expectReportError(WARM.replace("Max Memory Used: 300 MB", "Max Memory Used: 300 ms"), "garbled", /'Max Memory Used' is '300 ms', expected a number in MB/);
    expectReportError(`REPORT RequestId: ${ID}\tDurat`, "garbled", /no 'Duration'/);
    expectReportError(JSON.stringify({ type: "platform.report", record: { metrics: { durationMs: 1 } } }), "garbled", /metrics.billedDurationMs/);
  });

  it("round-trips the fixture format", () => {
    const cold = { requestId: ID, durationMs: 1234.5, billedDurationMs: 1235, memorySizeMb: 256, maxMemoryUsedMb: 77, initDurationMs: 150.2 };
    const line = formatReportLine(cold);
    expect(line).toBe(`REPORT RequestId: ${ID}\tDuration: 1234.50 ms\tBilled Duration: 1235 ms\tMemory Size: 256 MB\tMax Memory Used: 77 MB\tInit Duration: 150.20 ms`);
    expect(parseReportLine(line)).toEqual({ ...cold, restoreDurationMs: null });
  });

  it("reads what the local sandboxes print, cold, warm and with a Status", () => {
    const cold = reportLine({ requestId: ID, durationMs: 1234.5, memorySizeMb: 256, maxMemoryUsedMb: 77, initDurationMs: 150.2 });
    // Billed Duration includes the init phase: ceil(1234.5 + 150.2).
    expect(parseReportLine(cold)).toEqual({ requestId: ID, durationMs: 1234.5, billedDurationMs: 1385, memorySizeMb: 256, maxMemoryUsedMb: 77, initDurationMs: 150.2, restoreDurationMs: null });
    const timedOut = reportLine({ requestId: ID, durationMs: 3000, memorySizeMb: 128, maxMemoryUsedMb: 60, status: { kind: "timeout" } });
    expect(parseReportLine(timedOut)).toMatchObject({ durationMs: 3000, billedDurationMs: 3000, initDurationMs: null });
  });

  it("decodes the base64 LogResult of Invoke", () => {
    expect(decodeLogResult(Buffer.from(WARM).toString("base64"))).toBe(WARM);
  });
});
