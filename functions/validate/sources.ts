// Where archive bytes come from: an S3 object (the Lambda) or a local file (the CLI). Small
// bounded range reads serve the tail and the central directory; `stream` serves the one
// sequential pass over the entries.
import { open } from "node:fs/promises";
import { createReadStream } from "node:fs";
import { GetObjectCommand, HeadObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { invalid } from "./errors";

export interface ArchiveSource {
  /** For messages, e.g. `s3://bucket/key`. */
  readonly describe: string;
  readonly size: number;
  /** Bytes [start, end): callers keep these small (tail, central directory). */
  read(start: number, end: number): Promise<Buffer>;
  /** Bytes [start, end) as a stream of chunks. */
  stream(start: number, end: number): AsyncIterable<Buffer>;
}

function isNotFound(error: unknown): boolean {
  const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e?.name === "NoSuchKey" || e?.name === "NotFound" || e?.$metadata?.httpStatusCode === 404;
}

/** Opens an S3 object; a missing archive is the contender's fault (it did not upload it). */
export async function s3Source(client: S3Client, bucket: string, key: string): Promise<ArchiveSource> {
  const describe = `s3://${bucket}/${key}`;
  let head;
  try {
    head = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
  } catch (error) {
    if (isNotFound(error)) invalid(`archive ${describe} does not exist (NoSuchKey): nothing was uploaded under that key`);
    throw error;
  }
  const size = head.ContentLength ?? 0;
  // IfMatch pins every read to the version we sized: a concurrent overwrite fails loudly
  // instead of mixing two archives.
  const etag = head.ETag;
  const get = async (start: number, end: number | undefined) => {
    const range = end === undefined ? undefined : `bytes=${start}-${end - 1}`;
    const response = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key, Range: range, IfMatch: etag }));
    const length = response.ContentLength ?? -1;
    const wanted = (end ?? size) - start;
    if (length !== wanted) throw new Error(`${describe}: asked for ${wanted} bytes from offset ${start}, got ${length}`);
    return response.Body as AsyncIterable<Buffer> & { transformToByteArray(): Promise<Uint8Array> };
  };
  return {
    describe,
    size,
    async read(start, end) {
      if (end <= start) return Buffer.alloc(0);
      const bytes = await (await get(start, end)).transformToByteArray();
      return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    },
    async *stream(start, end) {
      if (end <= start) return;
      if (start !== 0) {
        yield* await get(start, end);
        return;
      }
      // From the start: a plain GET of the whole object, cut at `end`. The bytes after `end`
      // (central directory, end records) were already read with the tail, and are few; a plain
      // GET is what the raw baseline does, and moto copies the whole object again for a Range.
      let left = end - start;
      for await (const chunk of await get(0, undefined)) {
        if (chunk.length >= left) {
          yield chunk.subarray(0, left);
          return; // ends the loop: the SDK stream is destroyed, the rest is never read
        }
        left -= chunk.length;
        yield chunk;
      }
    },
  };
}

export async function fileSource(path: string): Promise<ArchiveSource> {
  const handle = await open(path, "r");
  let size: number;
  try {
    size = (await handle.stat()).size;
  } finally {
    await handle.close();
  }
  return {
    describe: path,
    size,
    async read(start, end) {
      const out = Buffer.alloc(Math.max(0, end - start));
      const h = await open(path, "r");
      try {
        const { bytesRead } = await h.read(out, 0, out.length, start);
        if (bytesRead !== out.length) throw new Error(`${path}: short read at offset ${start}`);
      } finally {
        await h.close();
      }
      return out;
    },
    async *stream(start, end) {
      if (end <= start) return;
      yield* createReadStream(path, { start, end: end - 1, highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>;
    },
  };
}
