// The scorer with measured S3 usage (bench local through the S3 front): proof of work, the S3
// request charge by tier (worked out by hand) and the full price; re-ranking by it; the table.
import { describe, expect, it } from "vitest";
import type { ContenderOutcome, RunOutcome, RunUsage, SuccessRow } from "../harness/contracts";
import { scoreOneContender } from "../functions/score/score";
import { reRank } from "../harness/ranking";
import { s3RequestPrice, s3Tier } from "../harness/s3-requests";
import { renderResultTable } from "../cli/table";
import { formatReportLine } from "./support/report-lines";

const REPORT = formatReportLine({ requestId: "r", durationMs: 1000, billedDurationMs: 1000, memorySizeMb: 1024, maxMemoryUsedMb: 100, initDurationMs: null });
const usage = (over: Partial<RunUsage> = {}): RunUsage => ({
  s3_requests: { GetObject: 3000, UploadPart: 1750, CreateMultipartUpload: 1, CompleteMultipartUpload: 1, ListObjectsV2: 3, AbortMultipartUpload: 1 },
  s3_unbilled_requests: {},
  bytes_in: 1000,
  bytes_out: 2000,
  bytes_copied: 0,
  cpu_seconds: 2,
  source_objects_read: 3000,
  source_objects: 3000,
  ...over,
});
const run = (index: number, u?: RunUsage): RunOutcome => ({
  ok: true,
  index,
  archive_key: `archives/c/e/run-${index}.zip`,
  log_result: Buffer.from(`${REPORT}\n`).toString("base64"),
  ...(u ? { usage: u } : {}),
});
const outcome = (runs: RunOutcome[]): ContenderOutcome => ({
  contender: "c",
  function_arn: "arn:aws:lambda:us-east-1:123456789012:function:c",
  config: { FunctionArn: "arn:aws:lambda:us-east-1:123456789012:function:c", Runtime: "nodejs22.x", MemorySize: 1024, Architectures: ["arm64"], EphemeralStorage: { Size: 512 }, Timeout: 600 },
  runs,
  validations: runs.map((r) => ({ index: r.index, ok: true as const, result: { archive_key: r.archive_key, archive_bytes: 1, entry_count: 1, stored_entries: 1, deflated_entries: 0, uncompressed_bytes: 1, zip64: false } })),
});
const score = (runs: RunOutcome[]) =>
  scoreOneContender({ action: "score-contender", region: "us-east-1", max_run_time_ms: 600_000, runs_per_contender: runs.length, contender: outcome(runs) });

describe("S3 request tiers and prices", () => {
  it("bills PUT/COPY/POST/LIST at tier 1, GET and others at tier 2, DELETE and abort free", () => {
    expect(["PutObject", "UploadPart", "UploadPartCopy", "CopyObject", "CreateMultipartUpload", "CompleteMultipartUpload", "ListObjectsV2", "ListMultipartUploads"].map(s3Tier)).toEqual(Array(8).fill("tier1"));
    expect(["GetObject", "HeadObject", "GetBucketLocation"].map(s3Tier)).toEqual(["tier2", "tier2", "tier2"]);
    expect(["DeleteObject", "AbortMultipartUpload"].map(s3Tier)).toEqual(["free", "free"]);
    // 1755 tier-1 x $0.005/1000 = $0.008775; 3000 GET x $0.0004/1000 = $0.0012; total $0.009975.
    expect(s3RequestPrice(usage().s3_requests, { tier1PerThousand: 0.005, tier2PerThousand: 0.0004 })).toBeCloseTo(0.009975, 15);
  });
});

describe("scoring with measured usage", () => {
  it("adds the means per run, the S3 charge of billed requests only, and the full price", () => {
    // Run 2 met 10 SlowDowns on GetObject (not billed) and read 10 more times.
    const result = score([run(0, usage()), run(1, usage({ s3_requests: { ...usage().s3_requests, GetObject: 3010 }, s3_unbilled_requests: { GetObject: 10 }, cpu_seconds: 3, bytes_copied: 5 }))]);
    expect("success" in result).toBe(true);
    const row = (result as { success: SuccessRow }).success;
    expect(row.s3_requests).toEqual({ AbortMultipartUpload: 1, CompleteMultipartUpload: 1, CreateMultipartUpload: 1, GetObject: 3005, ListObjectsV2: 3, UploadPart: 1750 });
    expect([row.bytes_in, row.bytes_out, row.bytes_copied, row.cpu_seconds]).toEqual([1000, 2000, 2.5, 2.5]);
    expect(row.s3_request_price_usd).toBe(0.009975);
    // Lambda: 1 s x 1 GB x $0.0000133334 + $0.0000002 = $0.0000135334.
    expect(row.run_price_usd).toBe(0.0000135334);
    expect(row.total_price_usd).toBe(0.0099885334);
  });

  it("fails proof of work naming the run and the counts, even with a valid archive", () => {
    expect(score([run(0, usage()), run(1, usage({ source_objects_read: 0 }))])).toEqual({ failure: { contender: "c", reason: "invalid: run 2 read 0 of 3000 source objects" } });
  });

  it("adds nothing when the runs carry no usage (AWS)", () => {
    const row = (score([run(0), run(1)]) as { success: SuccessRow }).success;
    expect(row.total_price_usd).toBeUndefined();
    expect(row.s3_requests).toBeUndefined();
  });
});

describe("ranking by the full price, and the table", () => {
  const row = (contender: string, runPrice: number, total?: number): SuccessRow =>
    ({ ...(score([run(0, usage())]) as { success: SuccessRow }).success, rank: 0, contender, run_price_usd: runPrice, total_price_usd: total }) as SuccessRow;

  it("re-ranks by total_price_usd when asked, and refuses when a row has none", () => {
    const doc = { success: [row("cheap-lambda", 0.001, 0.09), row("cheap-total", 0.002, 0.01)].map((r, i) => ({ ...r, rank: i + 1 })), failure: [] };
    expect(reRank(doc, "total").success.map((r) => [r.rank, r.contender])).toEqual([[1, "cheap-total"], [2, "cheap-lambda"]]);
    expect(reRank(doc, "run").success.map((r) => [r.rank, r.contender])).toEqual([[1, "cheap-lambda"], [2, "cheap-total"]]);
    expect(() => reRank({ success: [{ ...row("x", 1), total_price_usd: undefined }], failure: [] }, "total")).toThrow(/--rank-by total needs the full price/);
  });

  it("shows S3 requests per run, their price and the full price when measured", () => {
    const table = renderResultTable({ success: [{ ...row("c", 0.0000135334, 0.0099885334), rank: 1 }], failure: [] });
    const [header, line] = table.split("\n");
    expect(header).toMatch(/\$\/run  S3 req\/run  S3 \$\/run  full \$\/run$/);
    // 0.009975 is held as 0.00997499...: three significant digits print 0.00997.
    expect(line).toMatch(/0\.0000135 +4756 +0\.00997 +0\.00999$/);
  });
});
