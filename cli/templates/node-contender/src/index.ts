// A deliberately simple contender, scaffolded by `bench new`. It is correct, readable and slow on
// purpose: one object at a time, in listing order, streamed from GetObject into a STORE (no
// compression) entry of a yazl ZIP, whose bytes stream into a multipart upload. Everything you
// change from here is your entry in the contest: parallel downloads, part sizes, memory...
//
// The whole contract is the event below; the S3 client finds region, credentials and endpoint in
// the standard environment, so the same code runs on AWS and against the local moto server.
import { GetObjectCommand, ListObjectsV2Command, S3Client } from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import { PassThrough, type Readable } from "node:stream";
import { ZipFile } from "yazl";

interface ContenderEvent {
  bucket_name: string;
  files_prefix: string;
  archive_key: string;
}

interface SourceObject {
  key: string;
  size: number;
}

// Created once per Lambda instance, so warm invocations reuse its connections.
const s3 = new S3Client({});

// A fixed timestamp keeps archives byte-identical between runs (nothing requires it; it helps diffing).
const ENTRY_TIME = new Date(Date.UTC(2020, 0, 1));

export async function handler(event: ContenderEvent): Promise<{ archive_key: string; entries: number }> {
  const { bucket_name: bucket, files_prefix: prefix, archive_key: archiveKey } = checkEvent(event);
  const objects = await listObjects(bucket, prefix);

  const zip = new ZipFile();
  const body = new PassThrough();
  zip.outputStream.pipe(body);
  const upload = new Upload({
    client: s3,
    params: { Bucket: bucket, Key: archiveKey, Body: body, ContentType: "application/zip" },
  });
  // Any failure (a GET, the zip) must fail the invocation, not leave the upload waiting forever.
  const failed = new Promise<never>((_, reject) => zip.on("error", reject));

  for (const object of objects) {
    // Entry name = the key's basename (the sha256 of the content), as the validator requires.
    const name = object.key.slice(prefix.length + 1);
    // "Lazy": yazl asks for each stream only when the previous entry is written, so exactly one
    // download is open at a time.
    zip.addReadStreamLazy(name, { compress: false, size: object.size, mtime: ENTRY_TIME }, (callback) => {
      s3.send(new GetObjectCommand({ Bucket: bucket, Key: object.key })).then((response) => {
        const stream = response.Body as Readable;
        stream.on("error", (error) => zip.emit("error", error));
        callback(null, stream);
      }, (error: unknown) => callback(error, new PassThrough()));
    });
  }
  zip.end();

  try {
    await Promise.race([upload.done(), failed]);
  } catch (error) {
    await upload.abort().catch(() => {}); // no orphaned multipart upload left in the bucket
    throw error;
  }
  return { archive_key: archiveKey, entries: objects.length };
}

function checkEvent(event: ContenderEvent): ContenderEvent {
  for (const field of ["bucket_name", "files_prefix", "archive_key"] as const) {
    if (typeof event?.[field] !== "string" || event[field] === "") {
      throw new Error(`event.${field} must be a non-empty string`);
    }
  }
  return event;
}

/** Every object under `<prefix>/`, following the 1,000-key pages of ListObjectsV2. */
async function listObjects(bucket: string, prefix: string): Promise<SourceObject[]> {
  const objects: SourceObject[] = [];
  let token: string | undefined;
  do {
    const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: `${prefix}/`, ContinuationToken: token }));
    for (const item of page.Contents ?? []) objects.push({ key: item.Key!, size: item.Size ?? 0 });
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return objects;
}
