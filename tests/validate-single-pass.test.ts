// The single-pass read (functions/validate/single-pass.ts): which archives it judges in one GET,
// which ones it hands to a live walk after a tail read, and that a scan the entry walk disagrees
// with falls back to the classic read with the classic verdict. validate-malformed.test.ts runs
// its whole corpus both ways; this file checks the requests each path makes.
import { beforeAll, describe, expect, it } from "vitest";
import { randomBytes } from "node:crypto";
import { S3Client } from "@aws-sdk/client-s3";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DIGEST_MODES, SINGLE_PASS_MAX_ENTRIES, validateArchive, validateZipFile, type ValidateOptions, type ValidationPass } from "../functions/validate/validate";
import { useEmbeddedS3 } from "./support/s3";
import { putArchive, smallDataset, uploadSources } from "./support/zip-sources";
import { withYazl, withZipStream } from "./support/zip-writers";
import { craftZip, type CraftEntry } from "./support/zip-craft";
import { Recording } from "../functions/validate/recording";

const PREFIX = "files";
const objects = smallDataset();

interface Judgement {
  error?: Error;
  passes: ValidationPass[];
  /** Archive GETs made, by Range header ("" = whole object). */
  gets: string[];
}

describe("single-pass validation", () => {
  const fixture = useEmbeddedS3();
  let bucket = "";
  let client: S3Client;
  const gets: string[] = [];

  beforeAll(async () => {
    bucket = await fixture.bucket("single-pass");
    await uploadSources(fixture.client, bucket, PREFIX, objects);
    client = new S3Client(fixture.s3.clientConfig);
    client.middlewareStack.add(
      (next, context) => async (args) => {
        const input = args.input as { Key?: string; Range?: string };
        if (context.commandName === "GetObjectCommand" && input.Key?.startsWith("archives/")) gets.push(input.Range ?? "");
        return next(args);
      },
      { step: "initialize", name: "countArchiveGets" },
    );
    return () => client.destroy();
  });

  const judge = async (name: string, zip: Buffer, options: ValidateOptions = {}): Promise<Judgement> => {
    const key = await putArchive(fixture.client, bucket, `archives/${name}.zip`, zip);
    const passes: ValidationPass[] = [];
    gets.length = 0;
    const input = { bucket, archive_key: key, files_prefix: PREFIX, expected_object_count: objects.length };
    const error = await validateArchive(client, input, { ...options, trace: (p) => passes.push(p) }).then(
      () => undefined,
      (e: Error) => e,
    );
    return { error, passes, gets: [...gets] };
  };

  it.each(DIGEST_MODES)("judges stored entries with data descriptors in one plain GET, no tail read (digest %s)", async (digest) => {
    const zip = await withZipStream(objects, { store: true, asStreams: true });
    expect(await judge(`store-descriptors-${digest}`, zip, { digest })).toEqual({ error: undefined, passes: ["single-pass"], gets: [""] });
  });

  it("reads the tail and walks on live from a deflated entry whose size only its data descriptor gives", async () => {
    const zip = await withYazl(objects, { compress: true, asStreams: true });
    const j = await judge("deflate-descriptors", zip);
    expect(j.error).toBeUndefined();
    expect(j.passes).toEqual(["scan-stopped"]);
    expect(j.gets).toEqual(["", `bytes=${Math.max(0, zip.length - (1 << 20))}-${zip.length - 1}`]);
  });

  it("judges the classic way when asked to (tail first, then the body)", async () => {
    const zip = await withZipStream(objects, { store: true, asStreams: false });
    const j = await judge("classic", zip, { singlePass: false });
    expect(j).toEqual({ error: undefined, passes: ["classic"], gets: ["", `bytes=0-${zip.length - 1}`] });
  });

  // An unsigned data descriptor whose CRC-32 field holds the descriptor signature (0x08074b50):
  // the scan takes it for a signed one, 4 bytes longer, and loses the thread, keeping bytes the
  // entry walk needs only partly. (The CRC is also wrong for the data, so the archive is invalid.)
  const misleadingDescriptor = (): Buffer => {
    const entries: CraftEntry[] = objects.map((o) => ({ name: o.name, data: o.data }));
    entries[0] = { ...entries[0]!, descriptor: "nosig32", descriptorFields: { crc: 0x08074b50 }, central: { crc: 0x08074b50 } };
    return craftZip(entries);
  };

  it.each(DIGEST_MODES)("falls back to the classic read, with the classic verdict, when the walk disagrees with the scan (digest %s)", async (digest) => {
    const zip = misleadingDescriptor();
    const single = await judge(`misleading-${digest}`, zip, { digest });
    const classic = await judge(`misleading-classic-${digest}`, misleadingDescriptor(), { digest, singlePass: false });
    expect(single.passes).toEqual(["single-pass", "restart"]);
    expect(classic.error?.name).toBe("InvalidArchive");
    expect(single.error?.message).toBe(classic.error?.message);
    expect(single.error?.message).toMatch(/^CRC-32 mismatch for '[0-9a-f]{64}': the central directory says 0x08074b50, the data has 0x[0-9a-f]{8}$/);
    // The restart reads the archive again: a fresh GET of the body, then its tail (all of this small archive).
    expect(single.gets).toEqual(["", "", `bytes=0-${zip.length - 1}`]);
  });

  it("reads a small non-zip object to its end once (no tail read), a large one not: the tail decides", async () => {
    const junk = randomBytes(3 << 20);
    const reason = /^not a zip archive: no end of central directory record in s3:\/\/.+ \(3145728 bytes, first bytes [0-9a-f]{8}\)$/;
    const small = await judge("junk", junk);
    expect(small.passes).toEqual(["single-pass"]);
    expect(small.error?.message).toMatch(reason);
    // With a 1,000-byte central directory cap, 3 MiB cannot all be central directory and end records.
    const capped = await judge("junk-capped", junk, { maxCentralDirectoryBytes: 1000 });
    expect(capped.passes).toEqual(["scan-stopped"]);
    expect(capped.error?.message).toMatch(reason);
    expect(capped.gets[0]).toBe("");
    expect(capped.gets[1]).toMatch(/^bytes=/);
  });

  it("reads the classic way when the listing is longer than the scan's record is allowed to grow", async () => {
    const path = join(mkdtempSync(join(tmpdir(), "single-pass-")), "a.zip");
    writeFileSync(path, await withZipStream(objects, { store: true, asStreams: true }));
    const listing = objects.map((o) => ({ name: o.name, size: o.data.length }));
    const passes: ValidationPass[] = [];
    await validateZipFile(path, listing, { trace: (p) => passes.push(p) });
    const long = [...listing, ...Array.from({ length: SINGLE_PASS_MAX_ENTRIES + 1 - listing.length }, (_, i) => ({ name: i.toString(16).padStart(64, "0"), size: 1 }))];
    await expect(validateZipFile(path, long, { trace: (p) => passes.push(p) })).rejects.toThrow(/^archive missing 99997 expected object\(s\)/);
    expect(passes).toEqual(["single-pass", "classic"]);
  });
});

describe("Recording (the scan's kept bytes and digested ranges)", () => {
  it("gives back every kept byte, merged runs included, across its 1 MiB arenas; nothing it did not keep", () => {
    const archive = randomBytes(5 << 20);
    const rec = new Recording();
    // Runs of 1-3 adjacent pieces (as header + name + extra are kept), separated by unkept gaps
    // (as entry data is), until well past several arenas.
    const runs: [number, number][] = [];
    let at = 0;
    for (let i = 0; at < archive.length - 200_000; i++) {
      const start = at;
      for (let piece = 0; piece <= i % 3; piece++) {
        const n = 1 + ((i * 7919 + piece * 104_729) % 60_000);
        rec.keep(at, archive.subarray(at, at + n));
        at += n;
      }
      runs.push([start, at]);
      at += 1 + (i % 5000);
    }
    let segment = 0;
    for (const [start, end] of runs) {
      segment = rec.segmentAfter(start, segment);
      expect(rec.kept(segment, start, end)?.equals(archive.subarray(start, end)), `run ${start}-${end}`).toBe(true);
      expect(rec.kept(segment, start, end + 1), `one byte past run ${start}-${end}`).toBeUndefined();
    }
    expect(rec.kept(rec.segmentAfter(runs[0]![1], 0), runs[0]![1], runs[0]![1] + 1)).toBeUndefined();
  });
});
