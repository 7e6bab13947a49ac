// bench local's forecast and memory sweep: rows get the forecast of the full contest from their
// measured usage, the sweep picks the cheapest size that fits the budget, the result document
// carries both (schema-checked), the CLI prints them labelled as forecasts, and bad flags are
// usage errors.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ResultDocument, type SuccessRow } from "../harness/contracts";
import { cheapestPassing, FORECAST_DEFAULTS, forecastRow, withForecasts, withSweep, type ForecastSettings } from "../local/forecast";
import { renderForecasts } from "../cli/forecast-table";
import { forecastSettings, sweepSizes } from "../cli/local-sweep";
import { UsageError } from "../cli/args";

const base = ResultDocument.parse(JSON.parse(readFileSync(new URL("./fixtures/result-document.json", import.meta.url), "utf8")));
const GB = 1e9;
const LOCAL = { objects: 200, bytes: 1 * GB };
const SETTINGS: ForecastSettings = { dataset: { objects: FORECAST_DEFAULTS.objects, bytes: FORECAST_DEFAULTS.bytes }, budgetS: 300, region: "us-east-1" };
/** A row with the S3 front's usage: `cpu` host CPU-seconds for 1 GB, a streaming copy's bytes and requests. */
const measured = (row: SuccessRow, cpu: number, memoryMb = row.memory_mb): SuccessRow =>
  ({ ...row, memory_mb: memoryMb, cpu_seconds: cpu, bytes_in: 1 * GB, bytes_out: 1 * GB, bytes_copied: 0, s3_requests: { GetObject: 200, UploadPart: 60, ListObjectsV2: 1, CreateMultipartUpload: 1, CompleteMultipartUpload: 1 } }) as SuccessRow;
const docAt = (memoryMb: number, cpu: number, failContender?: string): ResultDocument => ({
  success: base.success.filter((r) => r.contender !== failContender).map((r) => measured(r, cpu, memoryMb)),
  failure: failContender ? [{ contender: failContender, reason: `oom: ${failContender} ran out of memory at ${memoryMb} MB` }] : [],
});

describe("bench local forecasts", () => {
  it("forecasts each measured row at its memory and architecture, and says why a row without usage has none", () => {
    const doc = withForecasts({ ...base, success: [measured(base.success[0]!, 4), base.success[1]!] }, LOCAL, SETTINGS);
    const f = doc.success[0]!.forecast!;
    expect(f).toMatchObject({ kind: "forecast", memory_mb: 1024, architecture: "arm64", bound: "cpu", budget_s: 300, dataset: SETTINGS.dataset });
    expect(f.duration_s).toBeCloseTo((4 * (SETTINGS.dataset.bytes / GB) * (1472 / 456)) / (1024 / 1769), 6);
    expect(f.passes).toBe(f.duration_s <= 300);
    // S3 requests priced at the forecast counts: 3,000 GETs + parts/list/create/complete.
    expect(f.s3_requests.GetObject).toBe(3000);
    expect(f.total_price_usd).toBeCloseTo(f.lambda_price_usd + f.s3_request_price_usd, 12);
    expect(doc.success[1]!.forecast).toBeUndefined();
    expect(forecastRow(base.success[1]!, LOCAL, SETTINGS)).toEqual({ unavailable: expect.stringContaining("no measured CPU-seconds") });
    expect(() => ResultDocument.parse(doc)).not.toThrow();
  });

  it("sweeps memory: a failed size is recorded with its reason, and the cheapest size that fits the budget is picked", () => {
    const runs = [
      { memoryMb: 512, result: docAt(512, 2, "typescript-reference-arm64"), local: LOCAL },
      { memoryMb: 1024, result: docAt(1024, 2), local: LOCAL },
      { memoryMb: 1769, result: docAt(1769, 2), local: LOCAL },
      { memoryMb: 3008, result: docAt(3008, 2), local: LOCAL },
    ];
    const doc = withSweep(withForecasts(docAt(1024, 2), LOCAL, SETTINGS), runs, SETTINGS);
    const arm = doc.success.find((r) => r.contender === "typescript-reference-arm64")!;
    expect(arm.sweep!.map((p) => p.memory_mb)).toEqual([512, 1024, 1769, 3008]);
    expect(arm.sweep![0]).toEqual({ memory_mb: 512, forecast: null, measured: { ok: false, reason: "oom: typescript-reference-arm64 ran out of memory at 512 MB" } });
    // CPU-bound: 1024 MB takes 1769/1024 longer than 1769 MB at the same GB-s, and 3008 MB is no
    // faster than 1769 (one thread) but costs 1.7x: the cheapest passing size is the smallest that fits.
    const at = (mb: number) => arm.sweep!.find((p) => p.memory_mb === mb)!.forecast!;
    expect(at(3008).duration_s).toBeCloseTo(at(1769).duration_s, 6);
    expect(at(3008).lambda_price_usd).toBeGreaterThan(at(1769).lambda_price_usd);
    const passing = arm.sweep!.filter((p) => p.forecast?.passes).map((p) => p.memory_mb);
    const cheapest = [...passing].sort((a, b) => at(a).lambda_price_usd - at(b).lambda_price_usd)[0];
    expect(arm.sweep_cheapest_passing_memory_mb).toBe(cheapest);
    expect(() => ResultDocument.parse(doc)).not.toThrow();
    // Nothing fits a 1-second budget.
    const none = withSweep(docAt(1024, 2), runs, { ...SETTINGS, budgetS: 1 });
    expect(none.success[0]!.sweep_cheapest_passing_memory_mb).toBeNull();
    expect(cheapestPassing([])).toBeUndefined();
  });

  it("prints the forecast and the sweep, labelled as forecasts", () => {
    const runs = [512, 1769].map((memoryMb) => ({ memoryMb, result: docAt(memoryMb, 2), local: LOCAL }));
    const text = renderForecasts(withSweep(withForecasts(docAt(1024, 2), LOCAL, SETTINGS), runs, SETTINGS));
    const lines = text.split("\n");
    expect(lines[0]).toBe("FORECAST (model v2, not a measurement) of one run of the full contest on AWS: 3000 objects, 15.73 GB, budget 300 s, 10 runs at once sharing the bucket's request rate");
    expect(lines[1]).toMatch(/^contender\s+arch\s+memory MB\s+duration s\s+bound\s+vCPU\s+Lambda \$\/run\s+S3 \$\/run\s+total \$\/run\s+fits$/);
    expect(lines[2]).toMatch(/^typescript-reference-arm64\s+arm64\s+1024\s+\d+\.\d\s+network\s+0\.58\s+0\.00\d+\s+0\.00\d+\s+0\.00\d+\s+yes$/);
    expect(text).not.toContain("(scaled"); // 1 GB is 6% of the contest: no warning
    const small = renderForecasts(withForecasts(docAt(1024, 0.2), { objects: 40, bytes: 0.084 * GB }, SETTINGS));
    expect(small).toMatch(/\n\(scaled 187x from the local run's 40 objects, 0\.08 GB: its fixed costs, such as the first call's warm-up, are scaled too/);
    expect(text).toContain("memory sweep of typescript-reference-arm64: a local run at each size, and its FORECAST for the full contest");
    expect(text).toMatch(/cheapest size that fits the budget \(forecast\): (512|1769) MB, \$[\d.]+ Lambda, \$[\d.]+ with S3 requests, per run/);
    expect(renderForecasts(base)).toBe("");
  });

  it("parses --memory / --sweep and the forecast flags, refusing what Lambda would", () => {
    expect(sweepSizes({})).toEqual([]);
    expect(sweepSizes({ memory: "512, 1024,1769" })).toEqual([512, 1024, 1769]);
    expect(sweepSizes({ sweep: true })).toEqual([512, 1024, 1536, 1769, 3008]);
    expect(() => sweepSizes({ memory: "64" })).toThrow(new UsageError("--memory: '64' is not a Lambda memory size (whole MB, 128 to 10240)"));
    expect(() => sweepSizes({ memory: "1024.5" })).toThrow(UsageError);
    expect(() => sweepSizes({ memory: "512", sweep: true })).toThrow("give --memory <sizes> or --sweep, not both");
    expect(forecastSettings({}, "us-east-1")).toEqual({ dataset: { objects: 3000, bytes: 3000 * 5 * 2 ** 20 }, budgetS: 300, region: "us-east-1" });
    expect(forecastSettings({ "forecast-objects": "100", "forecast-size-mb": "2", "forecast-budget-s": "60" }, "us-east-1")).toEqual({ dataset: { objects: 100, bytes: 100 * 2 * 2 ** 20 }, budgetS: 60, region: "us-east-1" });
  });
});
