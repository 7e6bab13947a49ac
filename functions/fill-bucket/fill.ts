// Fills `<prefix>/` with exactly the planned objects: generates each object into one buffer,
// keys it by its sha256, uploads it with a CRC32 checksum, then deletes whatever else was under
// the prefix (a refill with fewer objects, or a changed seed, must not leave extras behind).
//
// Objects already present with the same key, size and a stored CRC32 are not uploaded again: the
// key is the sha256 of the content, so the same key means the same bytes. That makes a fill
// idempotent and resumable (a retried invocation after a timeout continues where it stopped).
import { PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import type { FillParams } from "../../harness/contracts";
import { MIB, objectContent, planObjects, sha256Hex } from "./plan";
import { deleteKeys, listPrefix, type ListedObject } from "./prefix";

/** Uploads in flight by default. 16 x 8 MiB (the largest object at the default 5 MiB mean) = 128 MiB. */
export const DEFAULT_CONCURRENCY = 16;
/** The default concurrency is lowered so that in-flight object buffers stay under this. */
export const BUFFER_BUDGET_BYTES = 256 * MIB;

export interface FillProgress {
  readonly done: number;
  readonly total: number;
  readonly bytes: number;
}

export interface FillOptions {
  concurrency?: number;
  onProgress?: (progress: FillProgress) => void;
}

export interface FillSummary {
  readonly objectCount: number;
  readonly totalBytes: number;
  /** Objects written by this call (the others were already there, byte-identical). */
  readonly uploadedCount: number;
  readonly skippedCount: number;
  /** Objects under the prefix that were not in the plan and were deleted. */
  readonly deletedCount: number;
  /** The planned keys in object-index order. */
  readonly keys: readonly string[];
}

export async function fillBucket(
  client: S3Client,
  params: Pick<FillParams, "bucket" | "prefix" | "objectCount" | "objectSizeMb" | "seed">,
  opts: FillOptions = {},
): Promise<FillSummary> {
  const plan = planObjects(params);
  const concurrency = opts.concurrency ?? Math.max(1, Math.min(DEFAULT_CONCURRENCY, Math.floor(BUFFER_BUDGET_BYTES / plan.maxBytes)));
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new RangeError(`concurrency must be a positive integer, got ${concurrency}`);

  const existing = new Map<string, ListedObject>();
  for await (const page of listPrefix(client, params.bucket, params.prefix)) {
    for (const object of page) existing.set(object.key, object);
  }

  const keys: string[] = new Array(plan.sizes.length);
  let uploadedCount = 0;
  let done = 0;
  let bytes = 0;
  await forEachBounded(plan.sizes.length, concurrency, async (index) => {
    const body = objectContent(plan, index);
    const hash = sha256Hex(body);
    const key = `${params.prefix}/${hash}`;
    keys[index] = key;
    const present = existing.get(key);
    const reusable = present && present.size === body.length && present.checksumAlgorithms.includes("CRC32");
    if (!reusable) {
      const put = new PutObjectCommand({
        Bucket: params.bucket,
        Key: key,
        Body: body,
        ContentLength: body.length,
        ContentType: "application/octet-stream",
        // The SDK computes the CRC32 (natively, zlib.crc32) and S3 stores it with the object,
        // so contenders can read it back with HeadObject/GetObject ChecksumMode: ENABLED.
        ChecksumAlgorithm: "CRC32",
      });
      withPayloadSha256(put, hash);
      await client.send(put);
      uploadedCount++;
    }
    done++;
    bytes += body.length;
    opts.onProgress?.({ done, total: plan.sizes.length, bytes });
  });

  const planned = new Set(keys);
  if (planned.size !== keys.length) {
    // Two objects with one sha256: would need a sha256 collision; fail rather than under-fill.
    throw new Error(`fill plan produced duplicate keys (${keys.length - planned.size}); refusing to continue`);
  }
  const extras = [...existing.keys()].filter((key) => !planned.has(key));
  const deletedCount = await deleteKeys(client, params.bucket, extras);
  return {
    objectCount: keys.length,
    totalBytes: plan.totalBytes,
    uploadedCount,
    skippedCount: keys.length - uploadedCount,
    deletedCount,
    keys,
  };
}

/**
 * SigV4 signs the payload's sha256 (`x-amz-content-sha256`), and the SDK would hash every body a
 * second time to get it. We already have that hash (it is the key), so we set the header and the
 * signer uses it: one sha256 pass per byte instead of two (measured: perf/fill.ts). S3 still
 * verifies it against the bytes it receives.
 */
function withPayloadSha256(command: PutObjectCommand, sha256hex: string): void {
  command.middlewareStack.add(
    (next) => async (args) => {
      const request = args.request as { headers?: Record<string, string> };
      if (request.headers) request.headers["x-amz-content-sha256"] = sha256hex;
      return next(args);
    },
    { step: "build", name: "fillBucketPayloadSha256" },
  );
}

/** Runs `task(0..count-1)` with at most `limit` in flight; the first failure stops new work and is thrown. */
async function forEachBounded(count: number, limit: number, task: (index: number) => Promise<void>): Promise<void> {
  let next = 0;
  let failed = false;
  const worker = async () => {
    while (!failed && next < count) {
      const index = next++;
      try {
        await task(index);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };
  const results = await Promise.allSettled(Array.from({ length: Math.min(limit, count) }, worker));
  const rejected = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
  if (rejected) throw rejected.reason;
}
