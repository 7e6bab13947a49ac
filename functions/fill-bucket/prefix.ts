// Listing and emptying a key prefix (`<prefix>/...`), shared by fill (drop extras) and delete.
import {
  DeleteObjectsCommand,
  ListObjectsV2Command,
  type ObjectIdentifier,
  type S3Client,
} from "@aws-sdk/client-s3";

/** DeleteObjects takes at most 1000 keys per request. */
export const DELETE_BATCH = 1000;
/** Keys a DeleteObjects response reported as failed are retried this many times, then it throws. */
const DELETE_ATTEMPTS = 3;

export interface ListedObject {
  readonly key: string;
  readonly size: number;
  /** Checksum algorithms S3 stored for the object (ListObjectsV2 reports them). */
  readonly checksumAlgorithms: readonly string[];
}

/** Pages through every object under `<prefix>/`. `StartAfter` (not a continuation token) so the
 *  caller may delete what it has been given before asking for the next page. */
export async function* listPrefix(
  client: S3Client,
  bucket: string,
  prefix: string,
  pageSize = DELETE_BATCH,
): AsyncGenerator<ListedObject[]> {
  let startAfter: string | undefined;
  for (;;) {
    const page = await client.send(
      new ListObjectsV2Command({ Bucket: bucket, Prefix: `${prefix}/`, StartAfter: startAfter, MaxKeys: pageSize }),
    );
    const objects = (page.Contents ?? []).flatMap((o) =>
      o.Key === undefined ? [] : [{ key: o.Key, size: o.Size ?? 0, checksumAlgorithms: o.ChecksumAlgorithm ?? [] }],
    );
    if (objects.length > 0) yield objects;
    if (!page.IsTruncated || objects.length === 0) return;
    startAfter = objects[objects.length - 1]!.key;
  }
}

/** Deletes `keys` in batches of 1000; per-key failures are retried, then reported by key and code. */
export async function deleteKeys(
  client: S3Client,
  bucket: string,
  keys: readonly string[],
  batchSize = DELETE_BATCH,
): Promise<number> {
  let deleted = 0;
  for (let start = 0; start < keys.length; start += batchSize) {
    let pending: ObjectIdentifier[] = keys.slice(start, start + batchSize).map((Key) => ({ Key }));
    for (let attempt = 1; pending.length > 0; attempt++) {
      const response = await client.send(
        new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: pending, Quiet: true } }),
      );
      const errors = response.Errors ?? [];
      deleted += pending.length - errors.length;
      if (errors.length === 0) break;
      if (attempt >= DELETE_ATTEMPTS) {
        const sample = errors.slice(0, 5).map((e) => `'${e.Key}' (${e.Code}: ${e.Message})`);
        throw new Error(
          `DeleteObjects failed for ${errors.length} key(s) in bucket '${bucket}' after ${attempt} attempts: ${sample.join(", ")}`,
        );
      }
      pending = errors.flatMap((e) => (e.Key === undefined ? [] : [{ Key: e.Key }]));
    }
  }
  return deleted;
}

/** Deletes every object under `<prefix>/` (nothing else in the bucket). Returns how many.
 *  `pageSize` (list page = delete batch) is 1000, the DeleteObjects maximum; tests use less. */
export async function emptyPrefix(client: S3Client, bucket: string, prefix: string, pageSize = DELETE_BATCH): Promise<number> {
  let deleted = 0;
  for await (const page of listPrefix(client, bucket, prefix, pageSize)) {
    deleted += await deleteKeys(
      client,
      bucket,
      page.map((o) => o.key),
      pageSize,
    );
  }
  return deleted;
}
