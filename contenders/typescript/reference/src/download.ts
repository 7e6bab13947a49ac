// GetObject, either read whole into one exactly-sized Buffer (the common case: zip-stream then
// gets one big chunk, CRC'd natively in one call) or handed over as a stream (large objects).
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

/** The whole object in one Buffer: one allocation of the announced size, one copy per byte. */
export async function downloadWhole(client: S3Client, bucket: string, object: SourceObject, signal: AbortSignal): Promise<Buffer> {
  try {
    const { body, length } = await getBody(client, bucket, object, signal);
    if (length === undefined) throw new Error("GetObject returned no Content-Length");
    const data = Buffer.allocUnsafe(length);
    let offset = 0;
    for await (const chunk of body as AsyncIterable<Uint8Array>) {
      if (offset + chunk.length > length) throw new Error(`body longer than its Content-Length ${length}`);
      data.set(chunk, offset);
      offset += chunk.length;
    }
    if (offset !== length) throw new Error(`body ended after ${offset} of ${length} bytes`);
    return data;
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
