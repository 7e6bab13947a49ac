// `bench local` through the S3 front with faults on (2% SlowDown, 0.5% resets, seeded): the
// harness's own functions and the reference survive; a contender without retries crashes on
// SlowDown; one reading archives/ is denied; one copying its earlier archive fails proof of work;
// the full price of a run is in the result document; nothing is left behind.
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { runLocalBench, type LocalBenchReport } from "../local/bench";
import { repoRoot } from "../harness/repo-root";
import { parseFaultSpec } from "../local/s3-front";

const ROOTS = [path.join(repoRoot(), "contenders"), path.join(repoRoot(), "tests", "fixtures", "s3-front-contenders")];
const OBJECTS = 6;
const REFERENCE = "typescript-reference-arm64";

describe("bench local through the S3 front, with faults", () => {
  let report: LocalBenchReport;
  let datasetBytes = 0;
  beforeAll(async () => {
    report = await runLocalBench({
      objectCount: OBJECTS,
      objectSizeMb: 1,
      seed: "e2e-s3-front",
      runsPerContender: 2,
      // One run after the other, so the lazy fixture's second run finds its first run's copy.
      maxConcurrency: 1,
      maxRunTimeMs: 60_000,
      filesPrefix: "files",
      contenders: [REFERENCE, "typescript-lazy-arm64", "typescript-no-retry-arm64", "typescript-snoop-arm64"],
      contendersRoots: ROOTS,
      s3Faults: parseFaultSpec("slowdown=0.02,reset=0.005,seed=11"),
      onPhase: (phase) => {
        if (phase.phase === "filled") datasetBytes = phase.fill.totalBytes;
      },
    });
  }, 300_000);

  const failure = (contender: string) => report.result.failure.find((f) => f.contender === contender)?.reason;

  it("injects faults, and the filler, validator and reference survive them with no failed run", () => {
    expect(report.s3Front!.throttled).toBeGreaterThan(0);
    const reference = report.result.success.find((row) => row.contender === REFERENCE);
    expect(reference, JSON.stringify(report.result)).toBeDefined();
    expect(reference!.runs_count).toBe(2);
    for (const [name, totals] of Object.entries(report.s3Front!.byFunction)) {
      if (/fill-bucket|validate/.test(name)) expect(totals.denied, name).toBe(0);
    }
  });

  it("prices the reference's S3 requests beside its Lambda price", () => {
    const row = report.result.success.find((r) => r.contender === REFERENCE)!;
    // The reference's own requests only (the validator reads the same archive key: not counted here).
    expect(row.s3_requests!.GetObject).toBeGreaterThanOrEqual(OBJECTS);
    expect(row.s3_requests!.GetObject).toBeLessThan(OBJECTS + 3); // a retried or resumed GET or two at most
    expect(row.s3_requests!.HeadObject).toBeUndefined();
    expect(row.s3_requests!.CompleteMultipartUpload ?? row.s3_requests!.PutObject).toBeGreaterThanOrEqual(1);
    // Downloads: the sources (plus what a cut GET delivered before its reset); uploads: the archive.
    expect(row.bytes_in).toBeGreaterThanOrEqual(datasetBytes);
    expect(row.bytes_in).toBeLessThan(datasetBytes * 1.5);
    expect(row.bytes_out).toBeGreaterThan(datasetBytes);
    expect(row.cpu_seconds).toBeGreaterThan(0);
    expect(row.s3_request_price_usd).toBeGreaterThan(0);
    expect(row.total_price_usd).toBeCloseTo(row.run_price_usd + row.s3_request_price_usd!, 12);
  });

  it("crashes a contender that does not retry, naming the fault it met (SlowDown or a reset)", () => {
    // The SDK reports a connection reset as "TimeoutError: read ECONNRESET".
    expect(failure("typescript-no-retry-arm64")).toMatch(/^crash: run 1 of 2: (SlowDown: Please reduce your request rate\.|TimeoutError: read ECONNRESET)/);
  });

  it("denies a contender reading archives/, with S3's AccessDenied message", () => {
    expect(failure("typescript-snoop-arm64")).toMatch(/^crash: run 1 of 2: AccessDenied: User: arn:aws:sts::000000000000:assumed-role\/.* is not authorized to perform: s3:GetObject on resource: "arn:aws:s3:::bench-[0-9a-f]+\/archives\//);
  });

  it("fails proof of work for a run that copied an earlier archive instead of reading the sources", () => {
    expect(failure("typescript-lazy-arm64")).toBe(`invalid: run 2 read 0 of ${OBJECTS} source objects`);
  });

  it("leaves no archive and no open multipart upload", () => {
    expect(report.leftovers).toEqual({ archives: [], multipartUploads: [] });
  });
});
