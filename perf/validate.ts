// `npm run perf -- validate [--objects 200] [--size-mb 5] [--rounds 3]`
// Validator throughput vs a raw sequential GET of the same archive on the same moto server, side
// by side in one run: fills a bucket (fillBucket), writes a ~1 GB STORE archive of it with
// zip-stream piped into a multipart upload, then alternates fresh child processes that either
// GET the archive and discard it ("raw") or run validateArchive on it: "validate" with the
// Lambda's defaults, and for comparison "validate-inline" / "validate-worker" (the digest engine
// the default did not pick), "validate-classic" (tail read first, no single pass) and
// "validate-stored" (declared CRC-32s checked against the sources' stored CRC32s, one HEAD each,
// instead of summed). Each child reports wall time, its own CPU (all threads, including the
// digest worker) and its peak RSS (VmHWM); the parent adds moto's CPU during that child. Moto runs
// on the same cores, so the CPU budget is printed too: on this machine moto's share of a GET and
// the validator's own CPU per GiB bound what ratio is reachable at all.
import { PassThrough } from "node:stream";
import { parseArgs } from "node:util";
import { availableParallelism, loadavg } from "node:os";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { CreateBucketCommand, GetObjectCommand, S3Client, type S3ClientConfig } from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import ZipStream from "zip-stream";
import { startEmbeddedS3 } from "../local/s3";
import { runPerfChild, vmHwmMiB } from "./child";
import { fillBucket } from "../functions/fill-bucket/fill";
import { MIB, objectContent, planObjects } from "../functions/fill-bucket/plan";
import { defaultDigestMode, validateArchive, type ValidateOptions } from "../functions/validate/validate";
import { processCpuSeconds } from "../local/lambda/watchdog";

const GIB = 1024 * MIB;
const PREFIX = "files";
const ARCHIVE_KEY = "archives/perf/run-0.zip";

type Mode = "raw" | "validate" | "validate-inline" | "validate-worker" | "validate-classic" | "validate-stored";

const MODE_OPTIONS: Record<Exclude<Mode, "raw">, ValidateOptions> = {
  validate: {},
  "validate-inline": { digest: "inline" },
  "validate-worker": { digest: "worker" },
  "validate-classic": { singlePass: false },
  // A HeadObject per source for its stored CRC32 instead of summing: off by default (validate.ts).
  "validate-stored": { storedChecksums: true },
};

interface ChildReport {
  mode: Mode;
  /** Set by the parent: moto's CPU-seconds while this child ran. */
  motoCpu?: number;
  /** This process's CPU-seconds from its start (module loading included), all threads. */
  processCpu: number;
  /** Set by the parent: CPUs every other process on the machine used meanwhile (CPU-s per second). */
  othersCpus?: number;
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
    const input = { bucket, archive_key: ARCHIVE_KEY, files_prefix: PREFIX, expected_object_count: Number(count) };
    const result = await validateArchive(client, input, MODE_OPTIONS[mode]);
    bytes = result.archive_bytes;
  }
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  const total = process.cpuUsage();
  const report: ChildReport = { mode, bytes, seconds, user: used.user / 1e6, system: used.system / 1e6, processCpu: (total.user + total.system) / 1e6, peakRssMiB: vmHwmMiB(), startRssMiB };
  console.log(JSON.stringify(report));
  client.destroy();
}

/** CPU-seconds all processes on the machine have used (/proc/stat: every state but idle and iowait). */
function machineBusySeconds(): number {
  const fields = readFileSync("/proc/stat", "utf8").split("\n")[0]!.trim().split(/\s+/).slice(1).map(Number);
  const total = fields.slice(0, 8).reduce((a, b) => a + b, 0);
  return (total - fields[3]! - fields[4]!) / 100;
}

async function runChild(mode: Mode, config: S3ClientConfig, bucket: string, count: number, motoPid: number): Promise<ChildReport> {
  const moto = processCpuSeconds(motoPid) ?? Number.NaN;
  const machine = machineBusySeconds();
  const self = process.cpuUsage();
  const started = performance.now();
  const report = await runPerfChild<ChildReport>("validate", [mode, JSON.stringify(config), bucket, String(count)], `${mode} child`);
  const lifetime = (performance.now() - started) / 1000;
  const motoCpu = (processCpuSeconds(motoPid) ?? Number.NaN) - moto;
  const parent = process.cpuUsage(self);
  const othersCpu = machineBusySeconds() - machine - motoCpu - report.processCpu - (parent.user + parent.system) / 1e6;
  return { ...report, motoCpu, othersCpus: Math.max(0, othersCpu) / lifetime };
}

/** SHA-256 throughput of one core here, the validator's irreducible per-byte work. */
function sha256SecondsPerGiB(): number {
  const block = Buffer.alloc(4 * MIB, 7);
  const hash = createHash("sha256");
  const started = performance.now();
  for (let i = 0; i < 64; i++) hash.update(block);
  hash.digest();
  return ((performance.now() - started) / 1000) * 4;
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
      rounds: { type: "string", default: "3" },
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

    // The comparison digest engine is the one the default did not pick on this machine.
    const other: Mode = defaultDigestMode() === "worker" ? "validate-inline" : "validate-worker";
    const modes: Mode[] = ["raw", "validate", other, "validate-classic", "validate-stored"];
    const runs = new Map<Mode, ChildReport[]>(modes.map((m) => [m, []]));
    const perGiB = (r: ChildReport, cpu: number) => cpu / (r.bytes / GIB);
    const load = () => loadavg().map((x) => x.toFixed(2)).join(" ");
    console.log(`\nload average before: ${load()} (${availableParallelism()} CPUs; default digest: ${defaultDigestMode()})`);
    console.log("round  mode             MiB/s   wall s  CPU-s/GiB (user+sys)  moto CPU-s/GiB  others' CPUs  peak RSS MiB (start)");
    for (let round = 1; round <= rounds; round++) {
      for (const mode of modes) {
        const r = await runChild(mode, s3.clientConfig, bucket, objectCount, s3.pid);
        runs.get(mode)!.push(r);
        console.log(
          `${String(round).padEnd(6)} ${r.mode.padEnd(16)} ${(r.bytes / MIB / r.seconds).toFixed(0).padStart(5)}  ${r.seconds.toFixed(2).padStart(7)}  ` +
            `${perGiB(r, r.user + r.system).toFixed(2).padStart(6)} (${perGiB(r, r.user).toFixed(2)}+${perGiB(r, r.system).toFixed(2)})    ` +
            `${perGiB(r, r.motoCpu!).toFixed(2).padStart(10)}      ${r.othersCpus!.toFixed(2).padStart(8)}      ${r.peakRssMiB.toFixed(0).padStart(4)} (${r.startRssMiB.toFixed(0)})`,
        );
      }
    }
    const raw = runs.get("raw")!;
    const rate = (r: ChildReport) => r.bytes / MIB / r.seconds;
    const ratiosOf = (mode: Mode) => runs.get(mode)!.map((v, i) => rate(v) / rate(raw[i]!));
    const cpuOf = (mode: Mode) => median(runs.get(mode)!.map((r) => perGiB(r, r.user + r.system)));
    const motoOf = (mode: Mode) => median(runs.get(mode)!.map((r) => perGiB(r, r.motoCpu!)));
    const validated = runs.get("validate")!;
    const ratios = ratiosOf("validate");
    const ratio = median(ratios);
    const peak = Math.max(...validated.map((v) => v.peakRssMiB));
    const line = (mode: Mode, what: string) =>
      `${mode.padEnd(17)} ${median(runs.get(mode)!.map(rate)).toFixed(0).padStart(4)} MiB/s, ratio ${median(ratiosOf(mode)).toFixed(2)}, ` +
      `${cpuOf(mode).toFixed(2)} CPU-s/GiB + moto ${motoOf(mode).toFixed(2)}, peak RSS ${Math.max(...runs.get(mode)!.map((v) => v.peakRssMiB)).toFixed(0)} MiB (${what})`;
    const sha = sha256SecondsPerGiB();
    const all = [...runs.values()].flat();
    const othersShare = median(all.map((r) => r.othersCpus!));
    const busy = othersShare > 0.25;
    console.log(
      `\narchive ${(validated[0]!.bytes / MIB).toFixed(0)} MiB, ${objectCount} entries; ${rounds} round(s) on ${s3.endpoint}; load average after: ${load()}\n` +
        `validator         ${median(validated.map(rate)).toFixed(0)} MiB/s (median)\n` +
        `raw GET           ${median(raw.map(rate)).toFixed(0)} MiB/s (median)\n` +
        `ratio             ${ratio.toFixed(2)} (per round: ${ratios.map((x) => x.toFixed(2)).join(", ")})  target >= 0.8: ${ratio >= 0.8 ? "met" : "MISSED"}` +
        // Other processes slow the moto-bound raw GET and the validator unevenly: such a ratio says little.
        `${busy ? `  (NOT comparable: other processes used ${othersShare.toFixed(2)} CPUs meanwhile)` : ""}\n` +
        `peak RSS          ${peak.toFixed(0)} MiB (max over rounds)  target <= 256: ${peak <= 256 ? "met" : "MISSED"}\n` +
        `CPU budget        raw GET ${cpuOf("raw").toFixed(2)} CPU-s/GiB + moto ${motoOf("raw").toFixed(2)}; validator ${cpuOf("validate").toFixed(2)} + moto ${motoOf("validate").toFixed(2)} ` +
        `(medians; SHA-256 alone takes ${sha.toFixed(2)} s/GiB on one core here) on ${availableParallelism()} CPUs shared with moto\n` +
        `for comparison:\n  ${line(other, "the other digest engine")}\n  ${line("validate-classic", "tail read first, no single pass")}\n` +
        `  ${line("validate-stored", "a HEAD per source for its stored CRC32 instead of summing")}`,
    );
  } finally {
    client.destroy();
    await s3.stop();
  }
}
