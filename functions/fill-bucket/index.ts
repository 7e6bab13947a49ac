// The filler Lambda, driven by `aws.lambda.Invocation` with lifecycleScope "CRUD":
// create = fill, update = refill when count/size/seed/prefix changed (else nothing), delete = empty.
//
// CAPACITY: 3,000 x 5 MiB = 15,000 MiB = 14.65 GiB in one 15-minute (900 s) invocation.
// Measured locally with `npm run perf -- fill` (Node 20, x86-64 Xeon 2.8 GHz with AES-NI and
// SHA-NI, 2 cores shared by a loaded machine, so the CPU figures are on the pessimistic side):
//   - generate (AES-128-CTR) 1.08 + sha256 1.15 = 2.23 CPU-s/GiB;
//   - the whole fill into moto: 6.3 CPU-s/GiB in this process (user 5.8 + sys 0.5), i.e. the
//     generation and hash plus the SDK (native CRC32, SigV4, HTTP; the payload sha256 is not
//     computed twice, see fill.ts). Wall rate 44-74 MiB/s into moto, bounded by moto (a raw
//     PutObject loop without generation reached 52-126 MiB/s on the same server in the same runs).
// On Lambda, memory M MB gets M / 1769 vCPU. Generation and hashing run on Node's one main
// thread, so count at most 1 vCPU for the whole fill (pessimistic: it also puts the SDK's and the
// kernel's work on that thread):
//   at 2048 MB (1.16 vCPU): 14.65 GiB x 6.3 CPU-s/GiB / 1.0 = 92 s of CPU;
//   at 1024 MB (0.58 vCPU): 14.65 x 6.3 / 0.58 = 159 s.
// Network: not measurable here. What fits is the question: at 2048 MB the upload must average
// 15,000 MiB / (900 - 92) s = 18.6 MiB/s; assuming a deliberately low 50 MiB/s from a Lambda to
// S3 with 16 PUTs in flight (no overlap with CPU assumed) gives 92 + 300 = 392 s, 2.3x inside the
// limit. So no sharding. If AWS proves slower, the fill is resumable: a retried create skips the
// objects already present (same key = same bytes), and the result's durationMs shows the real rate.
// Memory: 16 in flight x 8 MiB (largest object at a 5 MiB mean) = 128 MiB of object buffers;
// peak RSS of the whole perf process was 284 MiB, far inside 2048 MB. The memory size is chosen
// for CPU (a full vCPU for the main thread), not for buffers: 2048 MB and 900 s, set for both
// engines in harness/function-settings.ts.
import { S3Client } from "@aws-sdk/client-s3";
import type { FillInput, FillResult } from "../../harness/contracts";
import { fillBucket } from "./fill";
import { decide } from "./lifecycle";
import { planObjects } from "./plan";
import { emptyPrefix } from "./prefix";

export { fillBucket, type FillOptions, type FillSummary } from "./fill";
export { planObjects, objectContent, sha256Hex, MIB, type ObjectPlan, type PlanParams } from "./plan";
export { emptyPrefix, listPrefix, deleteKeys } from "./prefix";
export { decide } from "./lifecycle";

export async function handler(event: FillInput): Promise<FillResult> {
  const started = Date.now();
  const decision = decide(event);
  const { bucket, prefix } = decision.params;
  if (decision.kind === "unchanged") {
    const plan = planObjects(decision.params);
    return result("unchanged", decision.params, plan.sizes.length, plan.totalBytes, 0, started);
  }
  // Region, credentials and endpoint come from the standard env vars (the SDK reads
  // AWS_ENDPOINT_URL_S3 itself, which is how the local engine points it at moto).
  const client = new S3Client({});
  try {
    if (decision.kind === "empty") {
      const deleted = await emptyIfBucketExists(client, bucket, prefix);
      return result("emptied", decision.params, 0, 0, deleted, started);
    }
    let deleted = 0;
    const previous = decision.previous;
    if (previous && previous.bucket !== bucket) {
      deleted += await emptyReplacedBucket(client, previous.bucket, previous.prefix);
    } else if (previous && previous.prefix !== prefix) {
      deleted += await emptyIfBucketExists(client, previous.bucket, previous.prefix);
    }
    const summary = await fillBucket(client, decision.params, {
      onProgress: ({ done, total, bytes }) => {
        if (done % 250 === 0 || done === total) console.log(`fill-bucket: ${done}/${total} objects, ${bytes} bytes`);
      },
    });
    console.log(`fill-bucket: uploaded ${summary.uploadedCount}, already present ${summary.skippedCount}, deleted ${summary.deletedCount}`);
    deleted += summary.deletedCount;
    return result(decision.action, decision.params, summary.objectCount, summary.totalBytes, deleted, started);
  } finally {
    client.destroy();
  }
}

/** A bucket already gone (e.g. destroyed first with forceDestroy) has nothing left to empty. */
async function emptyIfBucketExists(client: S3Client, bucket: string, prefix: string): Promise<number> {
  try {
    return await emptyPrefix(client, bucket, prefix);
  } catch (error) {
    if (error instanceof Error && error.name === "NoSuchBucket") return 0;
    throw error;
  }
}

/**
 * The bucket changed: the stack's bucket was replaced, and by now this function's role only names
 * the new one (harness/policies.ts fillerPolicy), so S3 answers the old one with 403. Pulumi
 * deletes the replaced bucket afterwards with forceDestroy, objects and all; failing here instead
 * would fail `pulumi up`, and every retry of it, on the same update event.
 */
async function emptyReplacedBucket(client: S3Client, bucket: string, prefix: string): Promise<number> {
  try {
    return await emptyIfBucketExists(client, bucket, prefix);
  } catch (error) {
    if (error instanceof Error && error.name === "AccessDenied") {
      console.log(`fill-bucket: previous bucket ${bucket} is out of this role's reach (replaced bucket: Pulumi deletes it); not emptied`);
      return 0;
    }
    throw error;
  }
}

function result(
  action: FillResult["action"],
  params: { bucket: string; prefix: string },
  objectCount: number,
  totalBytes: number,
  deletedCount: number,
  started: number,
): FillResult {
  return {
    action,
    bucket: params.bucket,
    prefix: params.prefix,
    objectCount,
    totalBytes,
    deletedCount,
    durationMs: Date.now() - started,
  };
}
