// The validator accepts archives from independent writers: zip-stream, yazl, Info-ZIP and
// Python zipfile; STORE and DEFLATE; with and without data descriptors; forced ZIP64.
import { beforeAll, describe, expect, it } from "vitest";
import { validateArchive } from "../functions/validate";
import { useEmbeddedS3 } from "./support/s3";
import { putArchive, smallDataset, uploadSources } from "./support/zip-sources";
import { withInfoZip, withPython, withYazl, withZipStream, type NamedObject } from "./support/zip-writers";
import { zipFacts } from "./support/zip-craft";

const PREFIX = "files";

interface WriterCase {
  name: string;
  write: (objects: NamedObject[]) => Promise<Buffer> | Buffer;
  /** What the archive must really contain, so the case tests what its name says. */
  method: 0 | 8;
  descriptors: boolean;
  zip64: boolean;
}

const cases: WriterCase[] = [
  { name: "zip-stream store, buffers", write: (o) => withZipStream(o, { store: true, asStreams: false }), method: 0, descriptors: false, zip64: false },
  { name: "zip-stream store, streams (descriptors)", write: (o) => withZipStream(o, { store: true, asStreams: true }), method: 0, descriptors: true, zip64: false },
  { name: "zip-stream deflate, streams (descriptors)", write: (o) => withZipStream(o, { store: false, asStreams: true }), method: 8, descriptors: true, zip64: false },
  { name: "zip-stream forceZip64 deflate", write: (o) => withZipStream(o, { store: false, asStreams: true, forceZip64: true }), method: 8, descriptors: true, zip64: true },
  { name: "yazl store, buffers", write: (o) => withYazl(o, { compress: false, asStreams: false }), method: 0, descriptors: false, zip64: false },
  { name: "yazl deflate, streams (descriptors)", write: (o) => withYazl(o, { compress: true, asStreams: true }), method: 8, descriptors: true, zip64: false },
  { name: "yazl forceZip64 store", write: (o) => withYazl(o, { compress: false, asStreams: false, forceZip64: true }), method: 0, descriptors: false, zip64: true },
  { name: "Info-ZIP -0", write: (o) => withInfoZip(o, { level: 0, toStdout: false }), method: 0, descriptors: false, zip64: false },
  { name: "Info-ZIP -9", write: (o) => withInfoZip(o, { level: 9, toStdout: false }), method: 8, descriptors: false, zip64: false },
  { name: "Info-ZIP -9 to a pipe (descriptors)", write: (o) => withInfoZip(o, { level: 9, toStdout: true }), method: 8, descriptors: true, zip64: false },
  { name: "Info-ZIP -0 -fz (zip64)", write: (o) => withInfoZip(o, { level: 0, toStdout: false, forceZip64: true }), method: 0, descriptors: false, zip64: true },
  { name: "Python zipfile stored", write: (o) => withPython(o, { deflate: false, forceZip64: false, unseekable: false }), method: 0, descriptors: false, zip64: false },
  { name: "Python zipfile deflated, unseekable (descriptors)", write: (o) => withPython(o, { deflate: true, forceZip64: false, unseekable: true }), method: 8, descriptors: true, zip64: false },
  { name: "Python zipfile force_zip64 stored", write: (o) => withPython(o, { deflate: false, forceZip64: true, unseekable: false }), method: 0, descriptors: false, zip64: true },
  { name: "Python zipfile force_zip64 deflated, unseekable", write: (o) => withPython(o, { deflate: true, forceZip64: true, unseekable: true }), method: 8, descriptors: true, zip64: true },
];

describe("validator accepts archives from independent writers", () => {
  const fixture = useEmbeddedS3();
  const objects = smallDataset();
  let bucket = "";

  beforeAll(async () => {
    bucket = await fixture.bucket("accept");
    await uploadSources(fixture.client, bucket, PREFIX, objects);
  });

  it.each(cases)("$name", async (c) => {
    const zip = await c.write(objects);
    const facts = zipFacts(zip);
    // The compressible object must really be deflated when the case says deflate.
    expect(facts.entries.some((e) => e.method === c.method)).toBe(true);
    expect(facts.entries.some((e) => (e.flags & 0x08) !== 0)).toBe(c.descriptors);
    expect(facts.entries.some((e) => e.zip64Extra) || facts.zip64End).toBe(c.zip64);

    const key = await putArchive(fixture.client, bucket, `archives/${c.name.replace(/\W+/g, "-")}.zip`, zip);
    const result = await validateArchive(fixture.client, { bucket, archive_key: key, files_prefix: PREFIX, expected_object_count: objects.length });
    expect(result).toMatchObject({
      archive_key: key,
      archive_bytes: zip.length,
      entry_count: objects.length,
      uncompressed_bytes: objects.reduce((n, o) => n + o.data.length, 0),
      zip64: c.zip64,
    });
    expect(result.stored_entries + result.deflated_entries).toBe(objects.length);
    expect(c.method === 8 ? result.deflated_entries : result.stored_entries).toBeGreaterThan(0);
  });
});
