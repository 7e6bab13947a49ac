// `npm run perf -- front [--objects 60] [--size-mb 5] [--rounds 2] [--warmup 1] [--bench-rounds 1] [--skip-bench]`
// The S3 front's own cost, side by side in one run on one moto server and one dataset:
// 1. transfer: fresh child processes GET every object (4 at a time) and PUT as many bytes back,
//    either straight to moto ("direct") or through a front port enforcing the contender policy
//    ("front"), alternating, after one unmeasured warm-up pass per path (the front's first
//    requests pay JIT and policy compilation once per process, not per GiB). Reported: MiB/s and
//    CPU-seconds per GiB moved, counting the client child, this process (the front, plus the
//    child-spawning both paths pay alike) and moto, so the front's CPU shows up, not only its latency.
// 2. `bench local` wall time on the default dataset with the front and with `s3Front: false`.
// Numbers are measured locally on a shared machine: read them with the load average printed.
import { loadavg } from "node:os";
import { parseArgs } from "node:util";
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, S3Client, type S3ClientConfig } from "@aws-sdk/client-s3";
import { fillBucket } from "../functions/fill-bucket/fill";
import { MIB } from "../functions/fill-bucket/plan";
import { contenderPolicy } from "../harness/policies";
import { processCpuSeconds } from "../local/lambda/watchdog";
import { startEmbeddedS3 } from "../local/s3";
import { S3Front } from "../local/s3-front";
import type { LocalFunction } from "../local/lambda";
import { runPerfChild } from "./child";

const GIB = 1024 * MIB;
const PREFIX = "files";
const FN = "s3-archive-bench-local-typescript-perf-x86_64";

interface ChildReport {
  bytes: number;
  getSeconds: number;
  putSeconds: number;
  cpuSeconds: number;
}

/** In a fresh process: GET every key (4 in flight), then PUT the same number of bytes to scratch/. */
async function child(argv: string[]): Promise<void> {
  const [configJson, bucket, keysJson] = argv as [string, string, string];
  const client = new S3Client({ ...(JSON.parse(configJson) as S3ClientConfig), requestChecksumCalculation: "WHEN_REQUIRED", responseChecksumValidation: "WHEN_REQUIRED" });
  const keys = JSON.parse(keysJson) as string[];
  const cpu = process.cpuUsage();
  let bytes = 0;
  const bodies: Buffer[] = [];
  let t = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      while (next < keys.length) {
        const key = keys[next++]!;
        const answer = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
        const chunks: Buffer[] = [];
        for await (const chunk of answer.Body as AsyncIterable<Buffer>) chunks.push(chunk);
        const body = Buffer.concat(chunks);
        bytes += body.length;
        if (bodies.length < 4) bodies.push(body);
      }
    }),
  );
  const getSeconds = (performance.now() - t) / 1000;
  t = performance.now();
  next = 0;
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      while (next < keys.length) {
        const i = next++;
        await client.send(new PutObjectCommand({ Bucket: bucket, Key: `scratch/typescript-perf-x86_64/${i}`, Body: bodies[i % bodies.length]! }));
      }
    }),
  );
  const putSeconds = (performance.now() - t) / 1000;
  const used = process.cpuUsage(cpu);
  console.log(JSON.stringify({ bytes, getSeconds, putSeconds, cpuSeconds: (used.user + used.system) / 1e6 } satisfies ChildReport));
  client.destroy();
}

const load = () => loadavg().map((v) => v.toFixed(2)).join(", ");
function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

async function transfer(objectCount: number, objectSizeMb: number, rounds: number, warmup: number): Promise<void> {
  const s3 = await startEmbeddedS3();
  const client = new S3Client(s3.clientConfig);
  const bucket = "perf-front";
  const document = contenderPolicy({ bucketArn: `arn:aws:s3:::${bucket}`, filesPrefix: PREFIX, contender: "typescript-perf-x86_64", logGroupArn: `arn:aws:logs:us-east-1:000000000000:log-group:/aws/lambda/${FN}` });
  const front = new S3Front({ upstream: s3.endpoint, policyFor: () => document, account: "000000000000" });
  const port = await front.attach({ name: FN } as LocalFunction);
  try {
    await client.send(new CreateBucketCommand({ Bucket: bucket }));
    const fill = await fillBucket(client, { bucket, prefix: PREFIX, objectCount, objectSizeMb, seed: "perf-front" });
    console.log(`dataset: ${fill.objectCount} objects, ${(fill.totalBytes / MIB).toFixed(0)} MiB; each round GETs all of it and PUTs as much back`);
    console.log(`load average before: ${load()}\n`);
    console.log("round  path     GET MiB/s  PUT MiB/s  CPU-s/GiB (client + this process + moto)");
    const results: Record<"direct" | "front", { get: number[]; put: number[]; cpu: number[] }> = { direct: { get: [], put: [], cpu: [] }, front: { get: [], put: [], cpu: [] } };
    for (let round = 1 - warmup; round <= rounds; round++) {
      for (const path of round % 2 ? (["direct", "front"] as const) : (["front", "direct"] as const)) {
        const endpoint = path === "front" ? port.env.AWS_ENDPOINT_URL_S3! : s3.endpoint;
        const config = { ...s3.clientConfig, endpoint };
        const frontCpu0 = process.cpuUsage();
        const motoCpu0 = processCpuSeconds(s3.pid) ?? 0;
        port.invocationStarted(`${path}-${round}`, "{}");
        const r = await runPerfChild<ChildReport>("front", [JSON.stringify(config), bucket, JSON.stringify(fill.keys)], `${path} child`);
        port.invocationEnded(`${path}-${round}`, null);
        const own = process.cpuUsage(frontCpu0);
        const frontCpu = (own.user + own.system) / 1e6;
        const motoCpu = (processCpuSeconds(s3.pid) ?? 0) - motoCpu0;
        const gib = (2 * r.bytes) / GIB;
        const cpuPerGib = (r.cpuSeconds + frontCpu + motoCpu) / gib;
        const get = r.bytes / MIB / r.getSeconds;
        const put = r.bytes / MIB / r.putSeconds;
        if (round < 1) {
          console.log(`warm-up ${path.padEnd(7)} ${get.toFixed(0).padStart(9)}  ${put.toFixed(0).padStart(9)}  ${cpuPerGib.toFixed(2)} (not counted)`);
          continue;
        }
        results[path].get.push(get);
        results[path].put.push(put);
        results[path].cpu.push(cpuPerGib);
        console.log(
          `${String(round).padEnd(6)} ${path.padEnd(7)}  ${get.toFixed(0).padStart(9)}  ${put.toFixed(0).padStart(9)}  ${cpuPerGib.toFixed(2)} ` +
            `(${(r.cpuSeconds / gib).toFixed(2)} + ${(frontCpu / gib).toFixed(2)} + ${(motoCpu / gib).toFixed(2)})`,
        );
      }
    }
    const ratio = (key: "get" | "put" | "cpu") => median(results.front[key]) / median(results.direct[key]);
    console.log(`\nmedians over ${rounds} round(s): throughput front/direct GET ${ratio("get").toFixed(2)}x, PUT ${ratio("put").toFixed(2)}x (target >= 0.9x); CPU-s/GiB front/direct ${ratio("cpu").toFixed(2)}x`);
    console.log(`load average after: ${load()}`);
  } finally {
    await port.close();
    await front.close();
    client.destroy();
    await s3.stop();
  }
}

async function benchWallTime(rounds: number): Promise<void> {
  const { runLocalBench } = await import("../local/bench");
  const { LOCAL_DEFAULTS } = await import("../cli/local");
  const options = {
    objectCount: LOCAL_DEFAULTS.objects,
    objectSizeMb: LOCAL_DEFAULTS.sizeMb,
    seed: LOCAL_DEFAULTS.seed,
    runsPerContender: LOCAL_DEFAULTS.runs,
    maxConcurrency: LOCAL_DEFAULTS.runs,
    maxRunTimeMs: LOCAL_DEFAULTS.maxRunTimeS * 1000,
    filesPrefix: LOCAL_DEFAULTS.prefix,
    contenders: [],
  };
  console.log(`\nbench local, default dataset (${options.objectCount} x ${options.objectSizeMb} MiB, ${options.runsPerContender} runs), load average before: ${load()}`);
  console.log("round  path     wall s  fill s  workflow s  contender runs busy s");
  const wall: Record<"direct" | "front", number[]> = { direct: [], front: [] };
  for (let round = 1; round <= rounds; round++) {
    for (const path of round % 2 ? (["direct", "front"] as const) : (["front", "direct"] as const)) {
      const report = await runLocalBench({ ...options, s3Front: path === "front" });
      const t = report.timingsMs;
      wall[path].push(t.total);
      const busy = Object.entries(report.taskBusyMs).find(([state]) => /InvokeContender/.test(state))?.[1] ?? 0;
      console.log(`${String(round).padEnd(6)} ${path.padEnd(7)}  ${(t.total / 1000).toFixed(1).padStart(6)}  ${(t.fill / 1000).toFixed(1).padStart(6)}  ${(t.workflow / 1000).toFixed(1).padStart(10)}  ${(busy / 1000).toFixed(1).padStart(6)}`);
    }
  }
  const overhead = median(wall.front) / median(wall.direct) - 1;
  console.log(`median wall time: front ${(median(wall.front) / 1000).toFixed(1)} s, direct ${(median(wall.direct) / 1000).toFixed(1)} s: overhead ${(overhead * 100).toFixed(1)}% (target <= 10%); load average after: ${load()}`);
}

export async function main(argv: string[]): Promise<void> {
  if (argv[0] === "--child") return child(argv.slice(1));
  const { values } = parseArgs({
    args: argv,
    options: {
      objects: { type: "string", default: "60" },
      "size-mb": { type: "string", default: "5" },
      rounds: { type: "string", default: "2" },
      warmup: { type: "string", default: "1" },
      "bench-rounds": { type: "string", default: "1" },
      "skip-bench": { type: "boolean", default: false },
    },
  });
  await transfer(Number(values.objects), Number(values["size-mb"]), Number(values.rounds), Number(values.warmup));
  if (!values["skip-bench"]) await benchWallTime(Number(values["bench-rounds"]));
}
