// The forecast: from what ONE local run of a contender measured (CPU-seconds, bytes moved, S3
// requests) to the duration and price of the full contest on AWS at a given memory and
// architecture (DESIGN.md decision 6). Pure: no I/O, no local/ import; every constant names its
// source. Every number it produces is a FORECAST, and says so (`kind: "forecast"`).
//
// Model (one run = one invocation over the whole dataset):
//   scale   the local run to the forecast dataset: CPU, bytes and per-byte requests by the bytes
//           ratio; per-object requests by the objects ratio; LIST pages by 1,000 keys; the
//           multipart lifecycle (create/complete) as measured.
//   cpu     = Lambda CPU-seconds / usable vCPUs, where Lambda CPU-seconds = host CPU-seconds x the
//           calibrated speed factor of Lambda's cores, and usable vCPUs = min(memory / 1769,
//           vCPUs Lambda exposes at that memory, threads the runtime keeps busy).
//   network = max(bytes in, bytes out) / per-function bandwidth (each way at once); bytes
//           downloaded are further capped by sockets x per-socket rate when the GET concurrency
//           is known. Bytes copied inside S3 do not cross the function's network.
//   requests= S3 requests x per-request latency / requests in flight (the mean the S3 front
//           measured: the requests' summed time / the run's duration; absent = 1, a serial chain).
//   s3_rate = the run's requests x runs at once / what one S3 prefix serves per second (3,500
//           writes, 5,500 reads): the contest starts its runs together against one bucket, and a
//           request-heavy contender meets SlowDown before its own latency binds it.
//   duration= the LARGEST of the four: a streaming contender overlaps CPU, transfer and waits, so
//           the slowest resource sets the pace. Evidence: the seed Rust reference (512 MB, 212 s)
//           moved its 15.73e9 bytes at 74 MB/s, the rate DESIGN.md gives for one function
//           (~70 MB/s) as a ceiling: a sum with its CPU term would have made it slower than that.
// Scaling of the multipart lifecycle: the first CreateMultipartUpload/CompleteMultipartUpload is
// the archive's own; any more (a copying contender's scratch uploads) grow with the objects.
// Limits: no cold start or init term; no retries; the prefix rates are S3's floor per prefix
// (S3 partitions a busy prefix further over minutes, not within one run); bandwidth does not
// vary with memory; the CPU factor comes from one workload (SHA-256 chain), and a contender's
// mix (memcpy, HTTP parsing, GC) may differ on Lambda's cores.
import type { Architecture } from "./contracts";

export const FORECAST_MODEL_VERSION = "2";

/** AWS Lambda developer guide, "Configuring Lambda function memory": at 1,769 MB a function has
 *  the equivalent of one vCPU (one vCPU-second of credit per second); CPU scales linearly. */
export const FULL_VCPU_MEMORY_MB = 1769;

/**
 * vCPUs Lambda exposes (cores a process can run on) by memory, as measured by
 * github.com/rwnx/lambda-cpuinfo: 2 up to 3,008 MB, 3 to 5,307, 4 to 7,076, 5 to 8,845, 6 to
 * 10,240 (AWS: "up to 6 vCPUs" at 10,240 MB). The credit (memory / 1769) never exceeds it, so the
 * cap binds only for a runtime that keeps fewer threads busy than the credit allows.
 */
export function lambdaVcpus(memoryMb: number): number {
  if (memoryMb <= 3008) return 2;
  if (memoryMb <= 5307) return 3;
  if (memoryMb <= 7076) return 4;
  if (memoryMb <= 8845) return 5;
  return 6;
}

/** The runtime matrix's cpu workload (500,000 chained SHA-256) on AWS, nodejs22.x at 1769 MB,
 *  warm: seed benchmark, Dec 2025, us-east-2 (DESIGN.md "Published reference numbers"). */
export const PUBLISHED_CPU_WORKLOAD_MS: Readonly<Record<Architecture, number>> = { arm64: 1472, x86_64: 1584 };

/**
 * The same workload's CPU time on the host the local numbers come from: the matrix's own Node
 * handler (workloads/cpu/node) on Node 22.23 (what local nodejs22.x sandboxes run, as Lambda),
 * `npm run perf -- cpu-calibration`: median of 7 warm calls, 456 ms of CPU (418-808), AMD EPYC
 * (x86_64), 2026-12-02, load average 13. CPU time, not wall time: contenders are measured in
 * CPU-seconds, and wall time here mostly measures the other sessions. Node 20.20 needed ~580 ms
 * for the same loop: the factor pairs with the Node major a contender was measured on.
 * Re-measure on another host.
 */
export const HOST_CPU_WORKLOAD_MS = 456;

/** The seed contest's and the dev stack's dataset: 3,000 objects of 5 MiB mean (Pulumi.dev.yaml). */
export const SEED_DATASET_OBJECTS = 3000;
export const SEED_DATASET_BYTES = SEED_DATASET_OBJECTS * 5 * 1024 * 1024;

export interface ForecastConstants {
  /** Lambda CPU-seconds per CPU-second on the measuring host, by architecture. */
  readonly lambdaCpuSecondsPerHostSecond: Readonly<Record<Architecture, number>>;
  /** Bytes per second one function moves each way (in and out at the same time). */
  readonly bandwidthBytesPerS: number;
  /** Bytes per second one GET socket delivers to a Node function. */
  readonly getSocketBytesPerS: number;
  /** Seconds per S3 request spent waiting (not transferring). */
  readonly requestLatencyS: number;
  /** Requests per second one S3 prefix serves: writes (PUT/COPY/POST/DELETE) and reads (GET/HEAD/LIST). */
  readonly prefixWritesPerS: number;
  readonly prefixReadsPerS: number;
}

export const DEFAULT_CONSTANTS: ForecastConstants = {
  // 1472 / 456 = 3.23 (arm64), 1584 / 456 = 3.47 (x86_64): Lambda's core took 3.2-3.5x this
  // host's CPU time for the same single-threaded work on the same Node major.
  lambdaCpuSecondsPerHostSecond: {
    arm64: PUBLISHED_CPU_WORKLOAD_MS.arm64 / HOST_CPU_WORKLOAD_MS,
    x86_64: PUBLISHED_CPU_WORKLOAD_MS.x86_64 / HOST_CPU_WORKLOAD_MS,
  },
  // Calibrated on the seed contest's network-bound Rust reference (DESIGN.md): its dataset,
  // "14.65 GB" = 3,000 objects x 5 MiB mean = 15.73e9 bytes (14.65 GiB), streamed in and out
  // in 212 s at 512 MB: 74.2 MB/s each way (DESIGN.md rounds it to "~70 MB/s each way").
  bandwidthBytesPerS: SEED_DATASET_BYTES / 212,
  // DESIGN.md: "Node gets ~10 MiB/s per GET socket" (seed contest).
  getSocketBytesPerS: 10 * 1024 * 1024,
  // AWS whitepaper "Best Practices Design Patterns: Optimizing Amazon S3 Performance", Timeouts
  // and Retries: small requests have median latencies "in the tens of milliseconds"; 30 ms taken.
  requestLatencyS: 0.03,
  // Amazon S3 User Guide, "Best practices design patterns: optimizing Amazon S3 performance": "at
  // least 3,500 PUT/COPY/POST/DELETE or 5,500 GET/HEAD requests per second per partitioned prefix".
  prefixWritesPerS: 3500,
  prefixReadsPerS: 5500,
};

export interface Dataset {
  objects: number;
  bytes: number;
}

/** One local run, as measured (the same names as the result document's usage fields). */
export interface MeasuredRun {
  /** CPU-seconds of the run on the measuring host (the sandbox's cgroup cpuacct). */
  cpu_seconds: number;
  /** Bytes the function received (response bodies) and sent (request bodies). */
  bytes_in: number;
  bytes_out: number;
  /** Bytes copied inside S3 (CopyObject / UploadPartCopy). */
  bytes_copied: number;
  /** S3 requests by operation (e.g. GetObject, UploadPart). */
  s3_requests: Readonly<Record<string, number>>;
  /** The dataset that run archived. */
  dataset: Dataset;
  /** Mean S3 requests in flight (the front's summed request time / run duration); absent = 1 (a serial chain: the worst case). */
  request_concurrency?: number;
  /** GetObject requests in flight, when known: caps the download rate at sockets x per-socket rate. */
  get_concurrency?: number;
}

export interface ForecastTarget {
  memoryMb: number;
  architecture: Architecture;
  ephemeralStorageMb: number;
  dataset: Dataset;
  /** Threads the contender keeps busy (default 1: Node and Python run user code on one thread). */
  threads?: number;
  /** Runs of the contender at once against the bucket (default 1). */
  concurrentRuns?: number;
}

export type Bound = "cpu" | "network" | "requests" | "s3_rate";

/** The forecast of one run. Field names are what the result document carries. */
export interface Forecast {
  kind: "forecast";
  model_version: string;
  memory_mb: number;
  architecture: Architecture;
  dataset: Dataset;
  /** The local run's dataset it was scaled from (fixed costs are scaled with it: see the README). */
  scaled_from: Dataset;
  duration_s: number;
  /** Which term set the duration. */
  bound: Bound;
  terms_s: Record<Bound, number>;
  /** Runs at once the s3_rate term assumed. */
  concurrent_runs: number;
  /** vCPUs the CPU term ran on: min(memory / 1769, Lambda's vCPUs, threads). */
  vcpus: number;
  lambda_cpu_seconds: number;
  s3_requests: Record<string, number>;
  lambda_price_usd: number;
  s3_request_price_usd: number;
  /** Lambda price + S3 request charge. */
  total_price_usd: number;
}

/** The multipart lifecycle: the archive's one upload whatever the dataset; any further uploads grow with the objects. */
const FIXED_OPERATIONS = new Set(["CreateMultipartUpload", "CompleteMultipartUpload", "AbortMultipartUpload"]);
/** Operations whose count grows with bytes (parts), not with objects. */
const PER_BYTE_OPERATIONS = new Set(["UploadPart", "PutObject"]);
const LIST_OPERATIONS = new Set(["ListObjectsV2", "ListObjects"]);
const KEYS_PER_LIST_PAGE = 1000;

/** The request counts of `measured` scaled to `to`. PutObject counts as per-byte: a contender
 *  that PUTs one object per source object scales by bytes too, which equals objects at equal
 *  mean object size. Anything else (GET, HEAD, copies) scales with objects. */
export function scaleRequests(requests: Readonly<Record<string, number>>, from: Dataset, to: Dataset): Record<string, number> {
  const byObjects = to.objects / from.objects;
  const byBytes = to.bytes / from.bytes;
  const out: Record<string, number> = {};
  for (const [op, n] of Object.entries(requests)) {
    if (FIXED_OPERATIONS.has(op)) out[op] = n <= 1 ? n : Math.ceil(1 + (n - 1) * byObjects);
    else if (LIST_OPERATIONS.has(op)) {
      const listings = n / Math.ceil(from.objects / KEYS_PER_LIST_PAGE);
      out[op] = Math.ceil(listings * Math.ceil(to.objects / KEYS_PER_LIST_PAGE));
    }
    else if (PER_BYTE_OPERATIONS.has(op)) out[op] = Math.ceil(n * byBytes);
    else out[op] = Math.ceil(n * byObjects);
  }
  return out;
}

/** Prices a run's billed duration (the scorer's function) and its S3 requests (the front's). */
export interface Pricing {
  lambdaRunPrice(input: { architecture: Architecture; memoryMb: number; ephemeralStorageMb: number; billedDurationMs: number }): number;
  s3RequestPrice(requests: Readonly<Record<string, number>>): number;
}

/** S3's rate classes (not its price tiers): LIST is a read, DELETE and abort are writes. */
function isWrite(operation: string): boolean {
  return /^(Put|Copy|Upload|Create|Complete|Delete|Abort)/.test(operation);
}

/** Seconds one prefix needs to serve `requests` from each of `runs` runs at once. */
export function prefixRateSeconds(requests: Readonly<Record<string, number>>, runs: number, constants: ForecastConstants = DEFAULT_CONSTANTS): number {
  let writes = 0;
  let reads = 0;
  for (const [op, n] of Object.entries(requests)) {
    if (isWrite(op)) writes += n;
    else reads += n;
  }
  return Math.max((writes * runs) / constants.prefixWritesPerS, (reads * runs) / constants.prefixReadsPerS);
}

export function forecastRun(measured: MeasuredRun, target: ForecastTarget, pricing: Pricing, constants: ForecastConstants = DEFAULT_CONSTANTS): Forecast {
  for (const [what, v] of [["measured dataset objects", measured.dataset.objects], ["measured dataset bytes", measured.dataset.bytes], ["target dataset objects", target.dataset.objects], ["target dataset bytes", target.dataset.bytes], ["memory", target.memoryMb]] as const) {
    if (!(v > 0)) throw new Error(`cannot forecast: ${what} must be positive (got ${v})`);
  }
  const byBytes = target.dataset.bytes / measured.dataset.bytes;
  const threads = target.threads ?? 1;
  const vcpus = Math.min(target.memoryMb / FULL_VCPU_MEMORY_MB, lambdaVcpus(target.memoryMb), threads);
  const lambdaCpuSeconds = measured.cpu_seconds * byBytes * constants.lambdaCpuSecondsPerHostSecond[target.architecture];

  const bytesIn = measured.bytes_in * byBytes;
  const bytesOut = measured.bytes_out * byBytes;
  const downRate = measured.get_concurrency
    ? Math.min(constants.bandwidthBytesPerS, measured.get_concurrency * constants.getSocketBytesPerS)
    : constants.bandwidthBytesPerS;
  const requests = scaleRequests(measured.s3_requests, measured.dataset, target.dataset);
  const requestCount = Object.values(requests).reduce((a, b) => a + b, 0);

  const terms_s: Record<Bound, number> = {
    cpu: lambdaCpuSeconds / vcpus,
    network: Math.max(bytesIn / downRate, bytesOut / constants.bandwidthBytesPerS),
    requests: (requestCount * constants.requestLatencyS) / Math.max(1, measured.request_concurrency ?? 1),
    s3_rate: prefixRateSeconds(requests, target.concurrentRuns ?? 1, constants),
  };
  const bound = (Object.keys(terms_s) as Bound[]).reduce((a, b) => (terms_s[b] > terms_s[a] ? b : a));
  const duration_s = terms_s[bound];
  const lambda_price_usd = pricing.lambdaRunPrice({
    architecture: target.architecture,
    memoryMb: target.memoryMb,
    ephemeralStorageMb: target.ephemeralStorageMb,
    billedDurationMs: Math.ceil(duration_s * 1000),
  });
  const s3_request_price_usd = pricing.s3RequestPrice(requests);
  return {
    kind: "forecast",
    model_version: FORECAST_MODEL_VERSION,
    memory_mb: target.memoryMb,
    architecture: target.architecture,
    dataset: { ...target.dataset },
    scaled_from: { ...measured.dataset },
    duration_s,
    bound,
    terms_s,
    concurrent_runs: target.concurrentRuns ?? 1,
    vcpus,
    lambda_cpu_seconds: lambdaCpuSeconds,
    s3_requests: requests,
    lambda_price_usd,
    s3_request_price_usd,
    total_price_usd: lambda_price_usd + s3_request_price_usd,
  };
}
