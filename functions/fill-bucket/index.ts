// The filler Lambda, driven by `aws.lambda.Invocation` with lifecycleScope "CRUD":
// create = fill, update = refill when count/size/seed/prefix changed (else nothing), delete = empty.
//
// CAPACITY (3,000 x 5 MiB = 15,000 MiB = 14.65 GiB in one 15-minute invocation):
// CAPACITY_PLACEHOLDER
import { S3Client } from "@aws-sdk/client-s3";
import type { FillInput, FillResult } from "../../harness/contracts";
import { fillBucket } from "./fill";
import { decide } from "./lifecycle";
import { planObjects } from "./plan";
import { emptyPrefix } from "./prefix";

export { fillBucket, type FillOptions, type FillSummary } from "./fill";
export { planObjects, objectContent, MIB, type ObjectPlan } from "./plan";
export { emptyPrefix, listPrefix, deleteKeys } from "./prefix";
export { decide } from "./lifecycle";

/** Memory to configure the filler Lambda with (MB): sized for CPU, not for buffers (see CAPACITY). */
export const FILL_MEMORY_MB = 2048;
/** Lambda's maximum: the 15 GB fill needs about a third of it (see CAPACITY). */
export const FILL_TIMEOUT_S = 900;

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
    if (previous && (previous.bucket !== bucket || previous.prefix !== prefix)) {
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
