// The pipeline: list -> ordered prefetch (bounded GETs and bytes) -> zip-stream (STORE) ->
// PassThrough -> lib-storage multipart Upload. Backpressure flows all the way back: Upload pulls
// parts only when an uploader is free, the PassThrough stops the zip's pipe when full, we wait for
// the zip's 'drain' before appending the next entry, and the prefetcher holds at most its byte
// budget. Peak memory is therefore a sum of budgets, not a function of the archive.
import { PassThrough, type Readable } from "node:stream";
import { once, setMaxListeners } from "node:events";
import type { S3Client } from "@aws-sdk/client-s3";
import type { ArchiveEvent } from "./event";
import { describeError, FirstFailure } from "./errors";
import { listSourceObjects, type SourceObject } from "./list";
import { OrderedPrefetcher } from "./prefetch";
import { downloadChunks, downloadStream, readFailure, type ObjectData } from "./download";
import { NativeCrcZipStream } from "./native-crc-zip";
import { startArchiveUpload } from "./upload";
import { archiveSizeBound, needsZip64, ZIP_ENTRY_MAX_BYTES } from "./zip64";
import { DEFAULT_TUNABLES, type Tunables } from "./tunables";

export interface ArchiveSummary {
  archive_key: string;
  entries: number;
  source_bytes: number;
  archive_bytes: number;
  zip64: boolean;
  parts: number;
  /** Entries streamed through zip-stream (objects above streamObjectsAboveBytes), not prefetched. */
  streamed_entries: number;
}

const MiB = 1024 * 1024;
const MAX_PARTS = 10_000;

/** The tuned part size, grown (whole MiB) only when the archive would need more than 10,000 parts. */
export function partSizeFor(objects: ReadonlyArray<{ name: string; size: number }>, tuned: number): number {
  return Math.max(tuned, Math.ceil(archiveSizeBound(objects) / MAX_PARTS / MiB) * MiB);
}

export class ArchiveError extends Error {
  override name = "ArchiveError";
}

export async function archivePrefix(client: S3Client, event: ArchiveEvent, overrides: Partial<Tunables> = {}): Promise<ArchiveSummary> {
  const tunables: Tunables = { ...DEFAULT_TUNABLES, ...overrides };
  const bucket = event.bucket_name;

  let objects: SourceObject[];
  try {
    objects = await listSourceObjects(client, bucket, event.files_prefix);
  } catch (error) {
    throw new ArchiveError(`failed to list 's3://${bucket}/${event.files_prefix}/': ${describeError(error)}`, { cause: error });
  }
  const tooLarge = objects.find((o) => o.size > ZIP_ENTRY_MAX_BYTES);
  if (tooLarge) {
    throw new ArchiveError(`cannot archive '${tooLarge.key}' (${tooLarge.size} bytes): zip-stream cannot write entries of 4 GiB or more`);
  }

  const zip64 = tunables.forceZip64 || needsZip64(objects);
  const zip = new NativeCrcZipStream({ forceZip64: zip64 });
  // A node PassThrough between zip-stream (a readable-stream Transform) and Upload, which only
  // takes a node Readable. objectMode: lib-storage's for-await then gets each chunk as it was
  // written; a byte-mode stream's read() would concatenate (copy) whatever is buffered first.
  // Its high-water mark therefore counts chunks, which the zip's write coalescing keeps large.
  const body = new PassThrough({ objectMode: true, highWaterMark: tunables.bodyBufferedChunks });
  zip.pipe(body);

  const failure = new FirstFailure();
  const downloads = new AbortController();
  // Every GET in flight listens on this one signal (and lingering sockets may keep a listener).
  setMaxListeners(0, downloads.signal);
  const upload = startArchiveUpload(
    client,
    { bucket, key: event.archive_key },
    body,
    { partSize: partSizeFor(objects, tunables.partSize), queueSize: tunables.queueSize },
    (e) => failure.fail(e),
  );
  zip.on("error", (error: Error) => failure.fail(new Error(`zip-stream failed: ${error.message}`, { cause: error })));

  const isStreamed = (o: SourceObject) => o.size > tunables.streamObjectsAboveBytes;
  const prefetcher = new OrderedPrefetcher<SourceObject, ObjectData | Readable>(
    objects,
    (o): Promise<ObjectData | Readable> =>
      isStreamed(o) ? downloadStream(client, bucket, o, downloads.signal) : downloadChunks(client, bucket, o, downloads.signal),
    (o) => (isStreamed(o) ? 0 : o.size),
    isStreamed,
    { concurrency: tunables.downloadConcurrency, budgetBytes: tunables.prefetchBytes },
  );
  failure.onFailure((error) => {
    // Stop every moving part; Upload sees the destroyed body, stops, and aborts the multipart upload.
    prefetcher.stop();
    downloads.abort();
    upload.cancelInFlightParts();
    body.destroy(error);
    zip.destroy();
  });

  const appendAll = async () => {
    for (let i = 0; i < objects.length; i++) {
      const { item, result, cost } = await failure.orFailure(prefetcher.takeNext());
      const entryDone = new Promise<void>((resolve, reject) => {
        const data = { name: item.name, date: item.lastModified, store: true };
        const done = (error: Error | null | undefined) =>
          error ? reject(new Error(`zip-stream rejected entry '${item.name}': ${error.message}`, { cause: error })) : resolve();
        if ("chunks" in result) {
          zip.entryFromChunks(result.chunks, result.crc32, data, done);
        } else {
          result.once("error", (error: Error) => reject(readFailure(bucket, item, error)));
          zip.entry(result, data, done);
        }
      });
      await failure.orFailure(entryDone);
      // A chunked entry is written synchronously whatever the downstream state: wait until the
      // zip has handed it on before taking more, so its bytes leave our budget only when gone.
      if (zip.writableNeedDrain) await failure.orFailure(once(zip as never, "drain"));
      prefetcher.release(cost);
    }
    zip.finalize();
  };

  const appended = appendAll().catch((error) => failure.fail(error));
  // The wrapper reports failed requests with their context first; this catches anything else
  // lib-storage rejects with (its own checks), so a rejected upload can never look like success.
  const uploaded = upload.done.catch((error) =>
    failure.fail(new Error(`failed to upload s3://${bucket}/${event.archive_key}: ${describeError(error)}`, { cause: error })),
  );
  await Promise.all([uploaded, appended]);
  if (!failure.error) {
    // Upload resolves only after the body ended, which only happens after the appends finished.
    return {
      archive_key: event.archive_key,
      entries: objects.length,
      source_bytes: objects.reduce((sum, o) => sum + o.size, 0),
      archive_bytes: zip.getBytesWritten(),
      zip64,
      parts: upload.partsUploaded(),
      streamed_entries: objects.filter(isStreamed).length,
    };
  }
  try {
    await upload.abortLeftovers();
  } catch (abortError) {
    throw new ArchiveError(`${failure.error.message}; and then ${describeError(abortError)}`, { cause: failure.error });
  }
  throw new ArchiveError(failure.error.message, { cause: failure.error });
}
