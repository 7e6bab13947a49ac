// GetObject, either read whole as the list of chunks the socket delivered (the common case) or
// handed over as a stream (large objects).
//
// WHY chunks and not one Buffer per object: joining them costs a copy into a freshly allocated
// (page-faulting) buffer per object, and a multi-MB chunk makes lib-storage's part chunker keep
// whole previous concatenations alive through its leftover views (measured: ~100 MB more peak
// RSS). The chunks go into the archive as they are.
//
// WHY the CRC-32 comes from S3: every source object was uploaded with a CRC32 checksum, which S3
// verified on upload and returns with the object when asked. Taking it costs nothing, where
// summing it ourselves was a full pass over every byte (16% of the CPU together with the part
// checksums). An object without a stored full-object CRC32 is refused, by name: guessing would
// write a wrong CRC into the archive.
import { Readable } from "node:stream";
import { GetObjectCommand, type GetObjectCommandOutput, type S3Client } from "@aws-sdk/client-s3";
import { describeError } from "./errors";
import type { SourceObject } from "./list";

export class ReadError extends Error {
  override name = "ReadError";
}

const readFailure = (bucket: string, object: SourceObject, error: unknown): ReadError =>
  new ReadError(`failed to read '${object.key}' from bucket '${bucket}': ${describeError(error)}`, { cause: error });

/**
 * The object's stored CRC-32 (S3 sends it base64, big-endian) as an unsigned integer. Throws when
 * there is none, or when it is a multipart object's composite checksum (`<base64>-<parts>`,
 * ChecksumType COMPOSITE): a checksum of part checksums, not of the bytes.
 */
export function storedCrc32(output: Pick<GetObjectCommandOutput, "ChecksumCRC32" | "ChecksumType">): number {
  const value = output.ChecksumCRC32;
  if (value === undefined || value === "") {
    throw new Error("S3 returned no stored CRC-32 for it (x-amz-checksum-crc32): it was uploaded without a CRC32 checksum, and this contender takes each entry's CRC-32 from S3");
  }
  if (output.ChecksumType === "COMPOSITE" || value.includes("-")) {
    throw new Error(`its stored CRC-32 '${value}' is a composite multipart checksum, not the CRC-32 of its bytes`);
  }
  const bytes = Buffer.from(value, "base64");
  if (bytes.length !== 4) throw new Error(`its stored CRC-32 '${value}' is not 4 bytes of base64`);
  return bytes.readUInt32BE(0);
}

/**
 * GetObject, asking S3 for the stored checksum with the `x-amz-checksum-mode: ENABLED` header.
 * WHY the header and not the command's `ChecksumMode: "ENABLED"` input: with the input, the SDK
 * also recomputes the CRC over every byte to check the response (a full pass, which is what we
 * save); with the header alone S3 just sends the stored value. Added to this command, not the
 * client, so it holds whatever client the caller passes.
 */
function getCommand(bucket: string, key: string, range: string | undefined, etag: string | undefined): GetObjectCommand {
  const command = new GetObjectCommand({ Bucket: bucket, Key: key, Range: range, IfMatch: etag });
  command.middlewareStack.add(
    (next) => async (args) => {
      const request = args.request as { headers?: Record<string, string> };
      if (request.headers) request.headers["x-amz-checksum-mode"] = "ENABLED";
      return next(args);
    },
    // Before signing, so the header is signed like any other.
    { step: "build", name: "askForStoredChecksum" },
  );
  return command;
}

/** Body reads cut mid-way that are resumed before the object counts as unreadable. */
const BODY_RESUMES = 5;

async function getBody(client: S3Client, bucket: string, object: SourceObject, signal: AbortSignal, from = 0, etag?: string) {
  const range = from > 0 ? `bytes=${from}-` : undefined;
  const output = await client.send(getCommand(bucket, object.key, range, etag), { abortSignal: signal });
  if (!output.Body) throw new Error("GetObject returned no body");
  return { body: output.Body as unknown as Readable, length: output.ContentLength, etag: output.ETag, output };
}

/** An error S3 answered (the SDK already retried what it could), or our own abort: not resumed. */
const isFinal = (error: unknown, signal: AbortSignal) =>
  signal.aborted || (error as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode !== undefined;

/** Filled in by the first response (a resumed, ranged GET carries no whole-object checksum). */
interface ObjectFacts {
  crc32?: number;
}

/**
 * The object's chunks, resuming where a connection broke. The SDK retries a GET only until its
 * response headers arrive; S3 also cuts bodies mid-way (it closes idle keep-alive sockets after
 * ~20 s and resets connections under load: "aborted", ECONNRESET). Then the rest is asked for
 * with a Range from the first byte not received, pinned to the same object by IfMatch.
 * With `facts`, the stored CRC-32 is required and taken from the first response.
 */
async function* resumingChunks(client: S3Client, bucket: string, object: SourceObject, signal: AbortSignal, facts?: ObjectFacts): AsyncGenerator<Buffer> {
  let received = 0;
  let total: number | undefined;
  let etag: string | undefined;
  let resumes = 0;
  for (;;) {
    try {
      const { body, length, etag: tag, output } = await getBody(client, bucket, object, signal, received, etag);
      if (facts && facts.crc32 === undefined) {
        try {
          facts.crc32 = storedCrc32(output);
        } catch (error) {
          body.destroy(); // no point reading bytes we cannot archive correctly
          throw Object.assign(error as Error, { final: true });
        }
      }
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
      if ((error as { final?: boolean }).final || isFinal(error, signal) || ++resumes > BODY_RESUMES) throw error;
      await new Promise((resolve) => setTimeout(resolve, 25 * 2 ** resumes));
    }
  }
}

export interface ObjectData {
  chunks: Buffer[];
  size: number;
  /** CRC-32 of the bytes, as S3 stored it. */
  crc32: number;
}

/** The whole object, as received: no joining copy. Checked against the announced length. */
export async function downloadChunks(client: S3Client, bucket: string, object: SourceObject, signal: AbortSignal): Promise<ObjectData> {
  try {
    const facts: ObjectFacts = {};
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of resumingChunks(client, bucket, object, signal, facts)) {
      chunks.push(chunk);
      size += chunk.length;
    }
    if (facts.crc32 === undefined) throw new Error("no response carried its stored CRC-32");
    return { chunks, size, crc32: facts.crc32 };
  } catch (error) {
    throw readFailure(bucket, object, error);
  }
}

/** The object's body as a stream (for objects too large to hold); errors carry the object's key.
 *  zip-stream computes a streamed entry's CRC-32 itself (it writes it in a data descriptor). */
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
