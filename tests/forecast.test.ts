// The forecast model (harness/forecast.ts): each bound, the scaling, the calibration constants'
// use, and the published AWS numbers it is calibrated against.
import { describe, expect, it } from "vitest";
import {
  DEFAULT_CONSTANTS,
  forecastRun,
  FULL_VCPU_MEMORY_MB,
  HOST_CPU_WORKLOAD_MS,
  lambdaVcpus,
  PUBLISHED_CPU_WORKLOAD_MS,
  scaleRequests,
  type MeasuredRun,
  type Pricing,
} from "../harness/forecast";
import { priceRun } from "../functions/score/price";
import { lambdaRatesFor } from "../harness/pricing";

const GB = 1e9;
const CONTEST = { objects: 3000, bytes: 3000 * 5 * 1024 * 1024 };
const SCALE = CONTEST.bytes / GB;
/** Records what it was asked to price; $1 per billed second and $1 per request keep sums readable. */
function countingPricing() {
  const asked: { billedDurationMs: number; requests: Record<string, number> }[] = [];
  const pricing: Pricing = {
    lambdaRunPrice: (input) => {
      asked.push({ billedDurationMs: input.billedDurationMs, requests: {} });
      return input.billedDurationMs / 1000;
    },
    s3RequestPrice: (requests) => Object.values(requests).reduce((a, b) => a + b, 0),
  };
  return { pricing, asked };
}
const run = (over: Partial<MeasuredRun>): MeasuredRun => ({
  cpu_seconds: 0,
  bytes_in: 0,
  bytes_out: 0,
  bytes_copied: 0,
  s3_requests: {},
  dataset: { objects: 200, bytes: 1 * GB },
  ...over,
});
const arm512 = { memoryMb: 512, architecture: "arm64" as const, ephemeralStorageMb: 512, dataset: CONTEST };

describe("forecast model", () => {
  it("derives the CPU factor from the published and the host's cpu-workload durations", () => {
    expect(DEFAULT_CONSTANTS.lambdaCpuSecondsPerHostSecond.arm64).toBeCloseTo(1472 / 456, 10);
    expect(DEFAULT_CONSTANTS.lambdaCpuSecondsPerHostSecond.x86_64).toBeCloseTo(1584 / 456, 10);
    expect(PUBLISHED_CPU_WORKLOAD_MS).toEqual({ arm64: 1472, x86_64: 1584 });
    expect(HOST_CPU_WORKLOAD_MS).toBe(456);
  });

  it("is CPU-bound when CPU dominates: host CPU-s x scale x factor / (memory / 1769)", () => {
    const { pricing, asked } = countingPricing();
    const f = forecastRun(run({ cpu_seconds: 4, bytes_in: 1 * GB, bytes_out: 1 * GB }), arm512, pricing);
    const expected = (4 * SCALE * (1472 / 456)) / (512 / FULL_VCPU_MEMORY_MB);
    expect(f.bound).toBe("cpu");
    expect(f.duration_s).toBeCloseTo(expected, 6);
    expect(f.vcpus).toBeCloseTo(512 / 1769, 10);
    expect(f.kind).toBe("forecast");
    // The Lambda price is asked for the billed duration, rounded up to the millisecond.
    expect(asked[0]!.billedDurationMs).toBe(Math.ceil(expected * 1000));
    // x86_64 uses its own factor: slower core in the published matrix.
    const x86 = forecastRun(run({ cpu_seconds: 4 }), { ...arm512, architecture: "x86_64" }, pricing);
    expect(x86.duration_s / f.duration_s).toBeCloseTo(1584 / 1472, 10);
  });

  it("flattens past one vCPU for a single-threaded runtime, and uses more vCPUs only with more threads", () => {
    const { pricing } = countingPricing();
    const at = (memoryMb: number, threads?: number) => forecastRun(run({ cpu_seconds: 4 }), { ...arm512, memoryMb, threads }, pricing);
    expect(at(1769).duration_s).toBeCloseTo(at(3538).duration_s, 10);
    expect(at(3538, 2).vcpus).toBeCloseTo(2, 10);
    expect(at(3000, 4).vcpus).toBeCloseTo(3000 / 1769, 10); // the credit, below Lambda's 2 vCPUs
    expect([128, 3008, 3009, 5307, 5308, 7076, 7077, 8845, 8846, 10240].map(lambdaVcpus)).toEqual([2, 2, 3, 3, 4, 4, 5, 5, 6, 6]);
  });

  it("is network-bound at 74 MB/s each way (the seed Rust reference's rate), and slower when few GET sockets are open", () => {
    const { pricing } = countingPricing();
    const f = forecastRun(run({ cpu_seconds: 0.5, bytes_in: 1 * GB, bytes_out: 1.001 * GB, bytes_copied: 5 * GB }), arm512, pricing);
    expect(f.bound).toBe("network");
    expect(f.duration_s).toBeCloseTo((1.001 * CONTEST.bytes) / (CONTEST.bytes / 212), 6); // copied bytes never cross the network
    const fewSockets = forecastRun(run({ cpu_seconds: 0.5, bytes_in: 1 * GB, get_concurrency: 4 }), arm512, pricing);
    expect(fewSockets.duration_s).toBeCloseTo(CONTEST.bytes / (4 * 10 * 1024 * 1024), 6);
  });

  it("is request-bound for a serial chain of S3 calls, and less so with calls in flight", () => {
    const { pricing } = countingPricing();
    const chain = run({ cpu_seconds: 0.01, s3_requests: { UploadPartCopy: 200, CreateMultipartUpload: 1, CompleteMultipartUpload: 1 } });
    const serial = forecastRun(chain, arm512, pricing);
    expect(serial.bound).toBe("requests");
    expect(serial.s3_requests).toEqual({ UploadPartCopy: 3000, CreateMultipartUpload: 1, CompleteMultipartUpload: 1 });
    expect(serial.duration_s).toBeCloseTo(3002 * 0.03, 6);
    expect(forecastRun({ ...chain, request_concurrency: 8 }, arm512, pricing).duration_s).toBeCloseTo((3002 * 0.03) / 8, 6);
  });

  it("scales requests by what drives them: objects, bytes, list pages, or not at all", () => {
    const from = { objects: 200, bytes: 1 * GB };
    const to = { objects: 3000, bytes: 14.65 * GB };
    expect(scaleRequests({ GetObject: 200, HeadObject: 200, UploadPart: 120, ListObjectsV2: 1, CreateMultipartUpload: 1, CompleteMultipartUpload: 1 }, from, to)).toEqual({
      GetObject: 3000,
      HeadObject: 3000,
      UploadPart: Math.ceil(120 * 14.65),
      ListObjectsV2: 3, // 1,000 keys a page
      CreateMultipartUpload: 1,
      CompleteMultipartUpload: 1,
    });
    expect(scaleRequests({ ListObjectsV2: 4 }, { objects: 1234, bytes: 1 }, { objects: 3000, bytes: 1 }).ListObjectsV2).toBe(6); // two listings of 2 pages -> 3 pages each
  });

  it("scales a copying contender's scratch uploads with the objects, the archive's own upload not", () => {
    const from = { objects: 200, bytes: 1 * GB };
    const to = { objects: 3000, bytes: 14.65 * GB };
    // 303 uploads for 200 objects: the archive's plus 302 scratch uploads (15x as many at 3,000 objects).
    expect(scaleRequests({ CreateMultipartUpload: 303, CompleteMultipartUpload: 303, AbortMultipartUpload: 0 }, from, to)).toEqual({
      CreateMultipartUpload: 1 + 302 * 15,
      CompleteMultipartUpload: 1 + 302 * 15,
      AbortMultipartUpload: 0,
    });
  });

  it("is bound by one S3 prefix's request rate when runs at once share the bucket", () => {
    const { pricing } = countingPricing();
    // 1,400 writes and 220 reads per run at 200 objects -> 21,000 writes and 3,300 reads per run.
    const copying = run({ cpu_seconds: 0.01, s3_requests: { UploadPartCopy: 1400, HeadObject: 220 }, request_concurrency: 64 });
    const alone = forecastRun(copying, arm512, pricing);
    expect(alone.concurrent_runs).toBe(1);
    expect(alone.terms_s.s3_rate).toBeCloseTo(21000 / 3500, 9);
    expect(alone.bound).toBe("requests"); // (21,000 + 3,300) x 30 ms / 64 = 11.4 s > 6 s
    const ten = forecastRun(copying, { ...arm512, concurrentRuns: 10 }, pricing);
    expect(ten.terms_s.s3_rate).toBeCloseTo((21000 * 10) / 3500, 9);
    expect(ten.bound).toBe("s3_rate");
    expect(ten.duration_s).toBeCloseTo(60, 9);
    // Reads have their own, higher rate: a read-only run of 55,000 GETs takes 10 s per run at once.
    expect(forecastRun(run({ s3_requests: { GetObject: 200 * 55000 / 3000 } }), { ...arm512, concurrentRuns: 3 }, pricing).terms_s.s3_rate).toBeCloseTo(30, 6);
  });

  it("totals the Lambda price and the S3 requests priced on the forecast counts", () => {
    const { pricing } = countingPricing();
    const f = forecastRun(run({ cpu_seconds: 4, s3_requests: { GetObject: 200 } }), arm512, pricing);
    expect(f.s3_request_price_usd).toBe(3000);
    expect(f.total_price_usd).toBeCloseTo(f.lambda_price_usd + 3000, 9);
  });

  it("refuses a dataset or memory it cannot scale from", () => {
    const { pricing } = countingPricing();
    expect(() => forecastRun(run({ dataset: { objects: 0, bytes: 0 } }), arm512, pricing)).toThrow("cannot forecast: measured dataset objects must be positive (got 0)");
    expect(() => forecastRun(run({}), { ...arm512, memoryMb: 0 }, pricing)).toThrow(/memory must be positive/);
  });

  it("prices the calibration point, the seed Rust reference (512 MB arm64: 212 s, $0.001416), within 1%", () => {
    // Its duration is where the bandwidth comes from (not a prediction); the price checks the
    // pricing path end to end with the scorer's own function. A streaming copy moves every byte
    // in and out once; its CPU is small next to the network.
    const rates = lambdaRatesFor("us-east-1");
    const pricing: Pricing = {
      lambdaRunPrice: (i) => priceRun({ ...i, billedDurationsMs: [i.billedDurationMs] }, rates).run_price_usd,
      s3RequestPrice: () => 0,
    };
    const f = forecastRun(run({ cpu_seconds: 1, bytes_in: 1 * GB, bytes_out: 1 * GB, dataset: { objects: 200, bytes: 1 * GB } }), arm512, pricing);
    expect(f.bound).toBe("network");
    expect(f.duration_s).toBeCloseTo(212, 6);
    expect(Math.abs(f.lambda_price_usd - 0.001416) / 0.001416).toBeLessThan(0.01);
  });
});
