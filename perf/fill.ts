// `npm run perf -- fill [--gen-objects 200] [--objects 100] [--size-mb 5] [--concurrency 16]`
// Measures what the filler's 15-minute budget depends on, side by side in one run:
//   1. CPU-seconds per GiB to generate (AES-128-CTR) and sha256 objects, in this process;
//   2. a real fill into moto: wall MiB/s, this process's CPU-s/GiB (generation + hash + SDK:
//      CRC32, SigV4, HTTP), peak RSS;
//   3. a raw PutObject baseline on the same server (one pre-generated buffer, same sizes, same
//      concurrency, no generation) and the fill/raw throughput ratio;
// then prints the Lambda arithmetic for 3,000 x 5 MiB from the measured numbers.
import { parseArgs } from "node:util";
import { CreateBucketCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { startEmbeddedS3 } from "../local/s3";
import { fillBucket } from "../functions/fill-bucket/fill";
import { MIB, objectContent, planObjects, sha256Hex } from "../functions/fill-bucket/plan";

const GIB = 1024 * MIB;

function cpuSeconds(since: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1e6;
}

function userSysPerGiB(since: NodeJS.CpuUsage, gib: number): string {
  const used = process.cpuUsage(since);
  return `user ${(used.user / 1e6 / gib).toFixed(3)} + sys ${(used.system / 1e6 / gib).toFixed(3)}`;
}

/** Assumed Lambda-to-S3 upload rate for the estimate (MiB/s); deliberately low, see index.ts. */
const ASSUMED_LAMBDA_S3_MIBS = 50;

export async function main(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      "gen-objects": { type: "string", default: "200" },
      objects: { type: "string", default: "100" },
      "size-mb": { type: "string", default: "5" },
      concurrency: { type: "string", default: "16" },
    },
  });
  const sizeMb = Number(values["size-mb"]);
  const concurrency = Number(values.concurrency);

  // 1. Generation and hashing alone.
  const genPlan = planObjects({ objectCount: Number(values["gen-objects"]), objectSizeMb: sizeMb, seed: "perf" });
  let genCpu = 0;
  let hashCpu = 0;
  for (let i = 0; i < genPlan.sizes.length; i++) {
    const t0 = process.cpuUsage();
    const body = objectContent(genPlan, i);
    genCpu += cpuSeconds(t0);
    const t1 = process.cpuUsage();
    sha256Hex(body);
    hashCpu += cpuSeconds(t1);
  }
  const genGiB = genPlan.totalBytes / GIB;
  const genHashPerGiB = (genCpu + hashCpu) / genGiB;
  console.log(`generation: ${genPlan.sizes.length} x ${sizeMb} MiB = ${genGiB.toFixed(2)} GiB`);
  console.log(`  AES-128-CTR       ${(genCpu / genGiB).toFixed(3)} CPU-s/GiB  (${(genGiB * 1024 / genCpu).toFixed(0)} MiB/s per core)`);
  console.log(`  sha256            ${(hashCpu / genGiB).toFixed(3)} CPU-s/GiB  (${(genGiB * 1024 / hashCpu).toFixed(0)} MiB/s per core)`);
  console.log(`  generate+sha256   ${genHashPerGiB.toFixed(3)} CPU-s/GiB`);

  // 2 + 3. Fill into moto, and a raw PUT baseline on the same server.
  const s3 = await startEmbeddedS3();
  const client = new S3Client(s3.clientConfig);
  try {
    const objectCount = Number(values.objects);
    const params = { bucket: "perf-fill", prefix: "files", objectCount, objectSizeMb: sizeMb, seed: "perf-fill" };
    await client.send(new CreateBucketCommand({ Bucket: params.bucket }));
    const plan = planObjects(params);
    const fillGiB = plan.totalBytes / GIB;

    const rawBucket = "perf-raw";
    await client.send(new CreateBucketCommand({ Bucket: rawBucket }));
    const big = Buffer.alloc(plan.maxBytes, 7);
    let next = 0;
    const rawCpu0 = process.cpuUsage();
    const rawStart = performance.now();
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < plan.sizes.length) {
          const i = next++;
          const body = big.subarray(0, plan.sizes[i]!);
          await client.send(
            new PutObjectCommand({ Bucket: rawBucket, Key: `raw/${i}`, Body: body, ContentLength: body.length, ChecksumAlgorithm: "CRC32" }),
          );
        }
      }),
    );
    const rawSeconds = (performance.now() - rawStart) / 1000;
    const rawSplit = userSysPerGiB(rawCpu0, fillGiB);
    const rawCpu = cpuSeconds(rawCpu0);

    const fillCpu0 = process.cpuUsage();
    const fillStart = performance.now();
    const summary = await fillBucket(client, params, { concurrency });
    const fillSeconds = (performance.now() - fillStart) / 1000;
    const fillSplit = userSysPerGiB(fillCpu0, fillGiB);
    const fillCpu = cpuSeconds(fillCpu0);
    if (summary.uploadedCount !== objectCount) throw new Error(`expected ${objectCount} uploads, got ${summary.uploadedCount}`);

    const fillMiBs = (fillGiB * 1024) / fillSeconds;
    const rawMiBs = (fillGiB * 1024) / rawSeconds;
    const fillCpuPerGiB = fillCpu / fillGiB;
    const rawCpuPerGiB = rawCpu / fillGiB;
    console.log(`fill to moto: ${objectCount} x ${sizeMb} MiB = ${fillGiB.toFixed(2)} GiB, concurrency ${concurrency}`);
    console.log(`  fill            ${fillMiBs.toFixed(0)} MiB/s wall, ${fillCpuPerGiB.toFixed(3)} CPU-s/GiB in this process (${fillSplit})`);
    console.log(`  raw PutObject   ${rawMiBs.toFixed(0)} MiB/s wall, ${rawCpuPerGiB.toFixed(3)} CPU-s/GiB in this process (${rawSplit})`);
    console.log(`  ratio fill/raw  ${(fillMiBs / rawMiBs).toFixed(2)}`);
    console.log(`  peak RSS        ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB (whole perf process)`);

    // The Lambda arithmetic, from the numbers above.
    const datasetGiB = (3000 * 5 * MIB) / GIB;
    console.log(`Lambda arithmetic for 3,000 x 5 MiB = ${datasetGiB.toFixed(2)} GiB:`);
    // Generation and hashing run on Node's one main thread, so more than 1 vCPU does not speed them
    // up: the CPU-bound time divides by min(1, vCPU) (pessimistic: it also charges the SDK and
    // kernel work to that one thread). Network time is added, not overlapped (pessimistic again).
    const networkSeconds = (datasetGiB * 1024) / ASSUMED_LAMBDA_S3_MIBS;
    for (const memoryMb of [1024, 1769, 2048, 3008]) {
      const vcpu = memoryMb / 1769;
      const cpuBound = (datasetGiB * fillCpuPerGiB) / Math.min(1, vcpu);
      console.log(
        `  ${memoryMb} MB = ${vcpu.toFixed(2)} vCPU: ${datasetGiB.toFixed(2)} GiB x ${fillCpuPerGiB.toFixed(3)} CPU-s/GiB / ${Math.min(1, vcpu).toFixed(2)} = ${cpuBound.toFixed(0)} s CPU` +
          ` + ${networkSeconds.toFixed(0)} s network at ${ASSUMED_LAMBDA_S3_MIBS} MiB/s = ${(cpuBound + networkSeconds).toFixed(0)} s (limit 900 s)`,
      );
    }
  } finally {
    client.destroy();
    await s3.stop();
  }
}
