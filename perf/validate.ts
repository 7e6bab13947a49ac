// `npm run perf -- validate [--objects 200] [--size-mb 5] [--rounds 2]`
// Validator throughput vs a raw sequential GET of the same archive on the same moto server, side
// by side in one run: fills a bucket (fillBucket), writes a ~1 GB STORE archive of it with
// zip-stream piped into a multipart upload, then alternates fresh child processes that either
// GET the archive and discard it ("raw") or run validateArchive on it ("validate": the default
// inline digest; "validate-stored": declared CRC-32s checked against the sources' stored CRC32s
// instead of summed; "validate-worker": hashing on a worker thread; the last two for comparison). Each child
// reports wall time, its own CPU (all threads, including the digest worker) and its peak RSS
// (VmHWM), so the numbers are the validator's alone, not the fill's or the archive writer's.
import { PassThrough } from "node:stream";
import { parseArgs } from "node:util";
import { CreateBucketCommand, GetObjectCommand, S3Client, type S3ClientConfig } from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import ZipStream from "zip-stream";
import { startEmbeddedS3 } from "../local/s3";
import { runPerfChild, vmHwmMiB } from "./child";
import { fillBucket } from "../functions/fill-bucket/fill";
import { MIB, objectContent, planObjects } from "../functions/fill-bucket/plan";
import { validateArchive, type DigestMode } from "../functions/validate/validate";

const GIB = 1024 * MIB;
const PREFIX = "files";
const ARCHIVE_KEY = "archives/perf/run-0.zip";

type Mode = "raw" | "validate" | "validate-stored" | "validate-worker";

interface ChildReport {
  mode: Mode;
  bytes: number;
  seconds: number;
  user: number;
  system: number;
  peakRssMiB: number;
  startRssMiB: number;
}

/** One measurement in a fresh process, so peak RSS belongs to this mode alone. */
async function child(argv: string[]): Promise<void> {
  const [mode, configJson, bucket, count] = argv as [Mode, string, string, string];
  // As the validator Lambda's client (functions/validate/index.ts): no SDK checksum over the whole
  // response, which the raw GET would otherwise pay too (moto returns the archive's CRC32).
  const client = new S3Client({ ...(JSON.parse(configJson) as S3ClientConfig), responseChecksumValidation: "WHEN_REQUIRED" });
  const startRssMiB = process.memoryUsage().rss / MIB;
  const cpu = process.cpuUsage();
  const started = performance.now();
  let bytes = 0;
  if (mode === "raw") {
    const response = await client.send(new GetObjectCommand({ Bucket: bucket, Key: ARCHIVE_KEY }));
    for await (const chunk of response.Body as AsyncIterable<Buffer>) bytes += chunk.length;
  } else {
    const digest: DigestMode = mode === "validate-worker" ? "worker" : "inline";
    const input = { bucket, archive_key: ARCHIVE_KEY, files_prefix: PREFIX, expected_object_count: Number(count) };
    // "validate-stored": declared CRC-32s checked against the sources' stored CRC32s (a HeadObject
    // per source) instead of summed: off by default, measured here against the default.
    const result = await validateArchive(client, input, { digest, storedChecksums: mode === "validate-stored" });
    bytes = result.archive_bytes;
  }
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  const report: ChildReport = { mode, bytes, seconds, user: used.user / 1e6, system: used.system / 1e6, peakRssMiB: vmHwmMiB(), startRssMiB };
  console.log(JSON.stringify(report));
  client.destroy();
}

function runChild(mode: Mode, config: S3ClientConfig, bucket: string, count: number): Promise<ChildReport> {
  return runPerfChild<ChildReport>("validate", [mode, JSON.stringify(config), bucket, String(count)], `${mode} child`);
}

async function writeArchive(client: S3Client, bucket: string, plan: ReturnType<typeof planObjects>, keys: readonly string[]): Promise<void> {
  const zip = new ZipStream({ store: true });
  const body = new PassThrough();
  zip.pipe(body);
  const upload = new Upload({ client, params: { Bucket: bucket, Key: ARCHIVE_KEY, Body: body }, partSize: 16 * MIB, queueSize: 2 });
  const done = upload.done();
  for (let i = 0; i < keys.length; i++) {
    const name = keys[i]!.slice(PREFIX.length + 1);
    await new Promise<void>((resolve, reject) => zip.entry(objectContent(plan, i), { name, store: true }, (e) => (e ? reject(e) : resolve())));
  }
  zip.finalize();
  await done;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export async function main(argv: string[]): Promise<void> {
  if (argv[0] === "--child") return child(argv.slice(1));
  const { values } = parseArgs({
    args: argv,
    options: {
      objects: { type: "string", default: "200" },
      "size-mb": { type: "string", default: "5" },
      rounds: { type: "string", default: "2" },
    },
  });
  const objectCount = Number(values.objects);
  const objectSizeMb = Number(values["size-mb"]);
  const rounds = Number(values.rounds);

  const s3 = await startEmbeddedS3();
  const client = new S3Client(s3.clientConfig);
  try {
    const bucket = "perf-validate";
    await client.send(new CreateBucketCommand({ Bucket: bucket }));
    const seed = "perf-validate";
    let t = performance.now();
    const fill = await fillBucket(client, { bucket, prefix: PREFIX, objectCount, objectSizeMb, seed });
    console.log(`filled ${fill.objectCount} objects, ${(fill.totalBytes / MIB).toFixed(0)} MiB in ${((performance.now() - t) / 1000).toFixed(1)} s`);
    t = performance.now();
    await writeArchive(client, bucket, planObjects({ objectCount, objectSizeMb, seed }), fill.keys);
    console.log(`wrote s3://${bucket}/${ARCHIVE_KEY} (zip-stream STORE, multipart) in ${((performance.now() - t) / 1000).toFixed(1)} s`);

    const raw: ChildReport[] = [];
    const validated: ChildReport[] = [];
    const worker: ChildReport[] = [];
    const stored: ChildReport[] = [];
    console.log("\nround  mode             MiB/s   wall s  CPU-s/GiB (user+sys)  peak RSS MiB (start)");
    const row = (round: number, r: ChildReport) =>
      console.log(
        `${String(round).padEnd(6)} ${r.mode.padEnd(16)} ${(r.bytes / MIB / r.seconds).toFixed(0).padStart(5)}  ${r.seconds.toFixed(2).padStart(7)}  ` +
          `${((r.user + r.system) / (r.bytes / GIB)).toFixed(2).padStart(6)} (${(r.user / (r.bytes / GIB)).toFixed(2)}+${(r.system / (r.bytes / GIB)).toFixed(2)})    ` +
          `${r.peakRssMiB.toFixed(0).padStart(4)} (${r.startRssMiB.toFixed(0)})`,
      );
    for (let round = 1; round <= rounds; round++) {
      const r = await runChild("raw", s3.clientConfig, bucket, objectCount);
      row(round, r);
      raw.push(r);
      const v = await runChild("validate", s3.clientConfig, bucket, objectCount);
      row(round, v);
      validated.push(v);
      const c = await runChild("validate-stored", s3.clientConfig, bucket, objectCount);
      row(round, c);
      stored.push(c);
      const w = await runChild("validate-worker", s3.clientConfig, bucket, objectCount);
      row(round, w);
      worker.push(w);
    }
    const rate = (r: ChildReport) => r.bytes / MIB / r.seconds;
    const ratios = validated.map((v, i) => rate(v) / rate(raw[i]!));
    const ratio = median(ratios);
    const peak = Math.max(...validated.map((v) => v.peakRssMiB));
    const cpuPerGiB = median(validated.map((v) => (v.user + v.system) / (v.bytes / GIB)));
    console.log(
      `\narchive ${(validated[0]!.bytes / MIB).toFixed(0)} MiB, ${objectCount} entries; ${rounds} round(s) on ${s3.endpoint}\n` +
        `validator     ${median(validated.map(rate)).toFixed(0)} MiB/s (median)\n` +
        `raw GET       ${median(raw.map(rate)).toFixed(0)} MiB/s (median)\n` +
        `ratio         ${ratio.toFixed(2)} (per round: ${ratios.map((x) => x.toFixed(2)).join(", ")})  target >= 0.8: ${ratio >= 0.8 ? "met" : "MISSED"}\n` +
        `validator CPU ${cpuPerGiB.toFixed(2)} CPU-s/GiB (median, all threads); raw GET ${median(raw.map((v) => (v.user + v.system) / (v.bytes / GIB))).toFixed(2)}\n` +
        `stored CRCs   ${median(stored.map(rate)).toFixed(0)} MiB/s, ratio ${median(stored.map((v, i) => rate(v) / rate(raw[i]!))).toFixed(2)}, ` +
        `${median(stored.map((v) => (v.user + v.system) / (v.bytes / GIB))).toFixed(2)} CPU-s/GiB (storedChecksums: HEAD each source for its CRC32 instead of summing; for comparison)\n` +
        `worker digest ${median(worker.map(rate)).toFixed(0)} MiB/s, ratio ${median(worker.map((v, i) => rate(v) / rate(raw[i]!))).toFixed(2)}, ` +
        `${median(worker.map((v) => (v.user + v.system) / (v.bytes / GIB))).toFixed(2)} CPU-s/GiB, peak RSS ${Math.max(...worker.map((v) => v.peakRssMiB)).toFixed(0)} MiB (alternative, for comparison)\n` +
        `peak RSS      ${peak.toFixed(0)} MiB (max over rounds)  target < 256: ${peak < 256 ? "met" : "MISSED"}`,
    );
  } finally {
    client.destroy();
    await s3.stop();
  }
}
