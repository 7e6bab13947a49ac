// GetObject, either read whole as the list of chunks the socket delivered (the common case) or
// handed over as a stream (large objects).
//
// WHY chunks and not one Buffer per object: joining them costs a copy into a freshly allocated
// (page-faulting) buffer per object, and a multi-MB chunk makes lib-storage's part chunker keep
// whole previous concatenations alive through its leftover views (measured: ~100 MB more peak
// RSS). The chunks go into the archive as they are; the entry CRC is summed over them natively.
import type { Readable } from "node:stream";
import { GetObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { describeError } from "./errors";
import type { SourceObject } from "./list";

export class ReadError extends Error {
  override name = "ReadError";
}

const readFailure = (bucket: string, object: SourceObject, error: unknown): ReadError =>
  new ReadError(`failed to read '${object.key}' from bucket '${bucket}': ${describeError(error)}`, { cause: error });

async function getBody(client: S3Client, bucket: string, object: SourceObject, signal: AbortSignal) {
  const output = await client.send(new GetObjectCommand({ Bucket: bucket, Key: object.key }), { abortSignal: signal });
  if (!output.Body) throw new Error("GetObject returned no body");
  return { body: output.Body as unknown as Readable, length: output.ContentLength };
}

export interface ObjectData {
  chunks: Buffer[];
  size: number;
}

/** The whole object, as received: no joining copy. Checked against the announced length. */
export async function downloadChunks(client: S3Client, bucket: string, object: SourceObject, signal: AbortSignal): Promise<ObjectData> {
  try {
    const { body, length } = await getBody(client, bucket, object, signal);
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of body as AsyncIterable<Buffer>) {
      chunks.push(chunk);
      size += chunk.length;
    }
    if (length !== undefined && size !== length) throw new Error(`body has ${size} bytes, Content-Length said ${length}`);
    return { chunks, size };
  } catch (error) {
    throw readFailure(bucket, object, error);
  }
}

/** The object's body as a stream (for objects too large to hold); errors carry the object's key. */
export async function downloadStream(client: S3Client, bucket: string, object: SourceObject, signal: AbortSignal): Promise<Readable> {
  try {
    return (await getBody(client, bucket, object, signal)).body;
  } catch (error) {
    throw readFailure(bucket, object, error);
  }
}

export { readFailure };
