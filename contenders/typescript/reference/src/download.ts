// GetObject, either read whole as the list of chunks the socket delivered (the common case) or
// handed over as a stream (large objects).
//
// WHY chunks and not one Buffer per object: joining them costs a copy into a freshly allocated
// (page-faulting) buffer per object, and a multi-MB chunk makes lib-storage's part chunker keep
// whole previous concatenations alive through its leftover views (measured: ~100 MB more peak
// RSS). The chunks go into the archive as they are; the entry CRC is summed over them natively.
import { Readable } from "node:stream";
import { GetObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { describeError } from "./errors";
import type { SourceObject } from "./list";

export class ReadError extends Error {
  override name = "ReadError";
}

const readFailure = (bucket: string, object: SourceObject, error: unknown): ReadError =>
  new ReadError(`failed to read '${object.key}' from bucket '${bucket}': ${describeError(error)}`, { cause: error });

/** Body reads cut mid-way that are resumed before the object counts as unreadable. */
const BODY_RESUMES = 5;

async function getBody(client: S3Client, bucket: string, object: SourceObject, signal: AbortSignal, from = 0, etag?: string) {
  const range = from > 0 ? `bytes=${from}-` : undefined;
  const output = await client.send(new GetObjectCommand({ Bucket: bucket, Key: object.key, Range: range, IfMatch: etag }), { abortSignal: signal });
  if (!output.Body) throw new Error("GetObject returned no body");
  return { body: output.Body as unknown as Readable, length: output.ContentLength, etag: output.ETag };
}

/** An error S3 answered (the SDK already retried what it could), or our own abort: not resumed. */
const isFinal = (error: unknown, signal: AbortSignal) =>
  signal.aborted || (error as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode !== undefined;

/**
 * The object's chunks, resuming where a connection broke. The SDK retries a GET only until its
 * response headers arrive; S3 also cuts bodies mid-way (it closes idle keep-alive sockets after
 * ~20 s and resets connections under load: "aborted", ECONNRESET). Then the rest is asked for
 * with a Range from the first byte not received, pinned to the same object by IfMatch.
 */
async function* resumingChunks(client: S3Client, bucket: string, object: SourceObject, signal: AbortSignal): AsyncGenerator<Buffer> {
  let received = 0;
  let total: number | undefined;
  let etag: string | undefined;
  let resumes = 0;
  for (;;) {
    try {
      const { body, length, etag: tag } = await getBody(client, bucket, object, signal, received, etag);
      etag ??= tag;
      total ??= length;
      for await (const chunk of body as AsyncIterable<Buffer>) {
        received += chunk.length;
        yield chunk;
      }
      if (total !== undefined && received < total) throw new Error(`the body ended at byte ${received} of ${total}`);
      if (total !== undefined && received !== total) throw new Error(`body has ${received} bytes, Content-Length said ${total}`);
      return;
    } catch (error) {
      if (isFinal(error, signal) || ++resumes > BODY_RESUMES) throw error;
      await new Promise((resolve) => setTimeout(resolve, 25 * 2 ** resumes));
    }
  }
}

export interface ObjectData {
  chunks: Buffer[];
  size: number;
}

/** The whole object, as received: no joining copy. Checked against the announced length. */
export async function downloadChunks(client: S3Client, bucket: string, object: SourceObject, signal: AbortSignal): Promise<ObjectData> {
  try {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of resumingChunks(client, bucket, object, signal)) {
      chunks.push(chunk);
      size += chunk.length;
    }
    return { chunks, size };
  } catch (error) {
    throw readFailure(bucket, object, error);
  }
}

/** The object's body as a stream (for objects too large to hold); errors carry the object's key. */
export async function downloadStream(client: S3Client, bucket: string, object: SourceObject, signal: AbortSignal): Promise<Readable> {
  const chunks = resumingChunks(client, bucket, object, signal);
  try {
    // The first chunk is awaited here, so a missing object fails the call as before.
    const first = await chunks.next();
    async function* rest(): AsyncGenerator<Buffer> {
      if (!first.done) yield first.value;
      yield* chunks;
    }
    return Readable.from(rest(), { objectMode: false });
  } catch (error) {
    throw readFailure(bucket, object, error);
  }
}

export { readFailure };
