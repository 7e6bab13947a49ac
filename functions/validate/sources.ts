// Where archive bytes come from: an S3 object (the Lambda) or a local file (the CLI). Small
// bounded range reads serve the tail and the central directory; `openBody` serves the one
// sequential pass over the entries.
import { open } from "node:fs/promises";
import { createReadStream } from "node:fs";
import { GetObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { invalid } from "./errors";

/** The archive from offset 0, requested as soon as it is opened (overlapping the tail read);
 *  consumed once the caller knows where the entries end. */
export interface BodyStream {
  /** Bytes [0, end); the rest of the object is never read. */
  take(end: number): AsyncIterable<Buffer>;
  /** Releases the request if `take` was never (fully) consumed. */
  cancel(): void;
}

export interface ArchiveSource {
  /** For messages, e.g. `s3://bucket/key`. */
  readonly describe: string;
  readonly size: number;
  /** Bytes [start, end): callers keep these small (tail, central directory). */
  read(start: number, end: number): Promise<Buffer>;
  openBody(): BodyStream;
  /** Frees what was fetched for `openBody` if it never was called. */
  release(): void;
}

type Body = AsyncIterable<Buffer> & { destroy?: () => void; transformToByteArray(): Promise<Uint8Array> };

function isNotFound(error: unknown): boolean {
  const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e?.name === "NoSuchKey" || e?.name === "NotFound" || e?.$metadata?.httpStatusCode === 404;
}

const EMPTY_BODY: AsyncIterable<Buffer> = { [Symbol.asyncIterator]: () => ({ next: async () => ({ done: true, value: undefined }) }) };

/** Body reads cut mid-way that are resumed before the read fails (each after a short backoff). */
export const BODY_RESUMES = 5;

/** An error S3 answered (the SDK already retried what it could): never retried again here. */
const isServiceError = (error: unknown) => (error as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode !== undefined;

/**
 * Bytes [start, end) of the object, resuming where a connection broke: S3 resets connections
 * (idle keep-alive sockets after ~20 s, overload) and the SDK retries only until the response
 * headers arrive, so a body cut mid-way ("aborted", ECONNRESET) is re-requested from the first
 * byte not yet received (pinned by IfMatch to the same object), never restarted or accepted short.
 */
async function* resumingRange(open: (from: number) => Promise<Body>, start: number, end: number, first?: Promise<Body>): AsyncGenerator<Buffer> {
  let offset = start;
  let resumes = 0;
  let body = first ?? open(offset);
  for (;;) {
    try {
      // One generator per byte range, the cut at `end` inlined: every layer of async iteration
      // costs a promise per chunk, and an archive is ~16,000 chunks per GiB.
      for await (const chunk of await body) {
        const left = end - offset;
        if (chunk.length >= left) {
          offset = end;
          if (left > 0) yield chunk.subarray(0, left);
          break;
        }
        offset += chunk.length;
        yield chunk;
      }
      if (offset < end) throw new Error(`the body ended at byte ${offset} of ${end}`);
      return;
    } catch (error) {
      if (isServiceError(error) || ++resumes > BODY_RESUMES) throw error;
      await new Promise((resolve) => setTimeout(resolve, 25 * 2 ** resumes));
      body = open(offset);
    }
  }
}

/**
 * Opens an S3 object with a plain GET of the whole of it (no HEAD first): the response gives the
 * size and the ETag, and its body is the one sequential pass `openBody` serves first, so the
 * body's first byte is on its way while the caller lists the sources. A missing archive is the
 * contender's fault (it did not upload it).
 */
export async function s3Source(client: S3Client, bucket: string, key: string): Promise<ArchiveSource> {
  const describe = `s3://${bucket}/${key}`;
  let first;
  try {
    first = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  } catch (error) {
    if (isNotFound(error)) invalid(`archive ${describe} does not exist (NoSuchKey): nothing was uploaded under that key`);
    throw error;
  }
  const size = first.ContentLength ?? 0;
  // IfMatch pins every later read to the version we sized: a concurrent overwrite fails loudly
  // instead of mixing two archives.
  const etag = first.ETag;
  let unopened: Body | undefined = first.Body as Body;
  const get = async (start: number, end: number | undefined): Promise<Body> => {
    const range = end === undefined ? undefined : `bytes=${start}-${end - 1}`;
    const response = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key, Range: range, IfMatch: etag }));
    const length = response.ContentLength ?? -1;
    const wanted = (end ?? size) - start;
    if (length !== wanted) throw new Error(`${describe}: asked for ${wanted} bytes from offset ${start}, got ${length}`);
    return response.Body as Body;
  };
  return {
    describe,
    size,
    async read(start, end) {
      if (end <= start) return Buffer.alloc(0);
      const chunks: Buffer[] = [];
      for await (const chunk of resumingRange((from) => get(from, end), start, end)) chunks.push(chunk);
      return Buffer.concat(chunks);
    },
    openBody() {
      // The first GET's body the first time, a fresh plain GET after that (moto copies the
      // whole object once more for any Range); cut where the caller's bytes end. TCP
      // backpressure holds the bytes until `take` reads them.
      const body = unopened ? Promise.resolve(unopened) : size > 0 ? get(0, undefined) : undefined;
      unopened = undefined;
      body?.catch(() => undefined);
      return {
        take(end) {
          return body && end > 0 ? resumingRange((from) => get(from, end), 0, end, body) : EMPTY_BODY;
        },
        cancel() {
          body?.then((b) => b.destroy?.(), () => undefined);
        },
      };
    },
    release() {
      unopened?.destroy?.();
      unopened = undefined;
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
    openBody() {
      return {
        async *take(end) {
          if (end > 0) yield* createReadStream(path, { start: 0, end: end - 1, highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>;
        },
        cancel() {},
      };
    },
    release() {},
  };
}
