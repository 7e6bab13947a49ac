// The validator rejects malformed archives, each with its precise reason. Every archive is
// generated here (craftZip writes any header field we ask for; some cases patch real bytes).
import { beforeAll, describe, expect, it } from "vitest";
import { randomBytes } from "node:crypto";
import { crc32, deflateRawSync } from "node:zlib";
import { DIGEST_MODES, validateArchive, type ValidateOptions } from "../functions/validate/validate";
import { useEmbeddedS3 } from "./support/s3";
import { named, putArchive, sha256Hex, smallDataset, uploadSources } from "./support/zip-sources";
import { craftZip, type CraftEntry } from "./support/zip-craft";
import { withYazl } from "./support/zip-writers";

const PREFIX = "files";
const objects = smallDataset();
const [o0, o1, o2, o3] = objects as [typeof objects[0], typeof objects[0], typeof objects[0], typeof objects[0]];
const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
const q = (s: string) => esc(`'${s}'`);

/** The four source objects as craft entries, each possibly overridden. */
function entries(overrides: Partial<Record<0 | 1 | 2 | 3, Partial<CraftEntry>>> = {}): CraftEntry[] {
  return objects.map((o, i) => ({ name: o.name, data: o.data, method: i === 2 ? 8 : 0, ...overrides[i as 0 | 1 | 2 | 3] }));
}

function patch(zip: Buffer, at: number, bytes: number[]): Buffer {
  const out = Buffer.from(zip);
  bytes.forEach((b, i) => (out[at + i] = b));
  return out;
}

/** An Info-ZIP Unicode Path extra field (APPNOTE 4.6.9): version 1, CRC-32 of `headerName`, `unicodeName`. */
function unicodePath(headerName: string, unicodeName: string): Buffer {
  const name = Buffer.from(unicodeName);
  const field = Buffer.alloc(9 + name.length);
  field.writeUInt16LE(0x7075, 0);
  field.writeUInt16LE(5 + name.length, 2);
  field.writeUInt8(1, 4);
  field.writeUInt32LE(crc32(Buffer.from(headerName)), 5);
  name.copy(field, 9);
  return field;
}

const flipped = Buffer.from(o3.data);
flipped[100] = flipped[100]! ^ 0x01;
const extra = named(randomBytes(500));

interface MalformedCase {
  name: string;
  archive: () => Buffer | Promise<Buffer>;
  reason: RegExp;
  options?: ValidateOptions;
}

const cases: MalformedCase[] = [
  { name: "not a zip", archive: () => randomBytes(5_000), reason: /^not a zip archive: no end of central directory record in s3:\/\/.* \(5000 bytes, first bytes [0-9a-f]{8}\)$/ },
  { name: "empty object", archive: () => Buffer.alloc(0), reason: /^not a zip archive: s3:\/\/.* is empty \(0 bytes\)$/ },
  { name: "shorter than an end record", archive: () => Buffer.from("PK\x05\x06"), reason: /is only 4 bytes, shorter than an end of central directory record/ },
  { name: "truncated in the middle", archive: () => { const z = craftZip(entries()); return z.subarray(0, z.length >> 1); }, reason: /^archive truncated: .* starts with a zip local file header but has no end of central directory record$/ },
  { name: "CRC-32 wrong in both headers", archive: () => craftZip(entries({ 0: { local: { crc: 0x1234 }, central: { crc: 0x1234 } } })), reason: new RegExp(`^CRC-32 mismatch for ${q(o0.name)}: the central directory says 0x00001234, the data has 0x[0-9a-f]{8}$`) },
  { name: "flipped data byte in a yazl archive", archive: async () => { const z = await withYazl(objects, { compress: false, asStreams: false }); return patch(z, z.indexOf(o1.data.subarray(0, 16)) + 5, [z[z.indexOf(o1.data.subarray(0, 16)) + 5]! ^ 0xff]); }, reason: new RegExp(`^content hash mismatch for ${q(o1.name)}: computed [0-9a-f]{64}$`) },
  { name: "local header CRC disagrees with the central directory", archive: () => craftZip(entries({ 1: { local: { crc: 0xdeadbeef } } })), reason: new RegExp(`^central directory and local header disagree for ${q(o1.name)}: crc32 0x[0-9a-f]{8} \\(central\\) vs 0xdeadbeef \\(local\\)$`) },
  { name: "local header size disagrees", archive: () => craftZip(entries({ 0: { local: { size: 5 } } })), reason: new RegExp(`disagree for ${q(o0.name)}: uncompressed size ${o0.data.length} \\(central\\) vs 5 \\(local\\)`) },
  { name: "size differs from the source object", archive: () => craftZip(entries({ 1: { data: Buffer.concat([o1.data, Buffer.from("!")]) } })), reason: new RegExp(`^size mismatch for ${q(o1.name)}: the archive declares 1201 bytes, the source object has 1200$`) },
  { name: "central directory and local header names differ", archive: () => craftZip(entries({ 0: { local: { name: "f".repeat(64) } } })), reason: new RegExp(`disagree for ${q(o0.name)}: name ${q(o0.name)} \\(central\\) vs '${"f".repeat(64)}' \\(local\\)`) },
  { name: "nested path", archive: () => craftZip(entries({ 0: { name: `dir/${o0.name}` } })), reason: new RegExp(`^archive contains nested path ${q(`dir/${o0.name}`)}$`) },
  { name: "directory entry", archive: () => craftZip([{ name: "dir/", data: Buffer.alloc(0) }, ...entries()]), reason: /^archive contains directory entry 'dir\/'$/ },
  { name: "parent reference '..'", archive: () => craftZip([...entries(), { name: "..", data: Buffer.from("x") }]), reason: /^archive contains a parent-directory reference '\.\.' in name '\.\.'$/ },
  { name: "backslash", archive: () => craftZip(entries({ 3: { name: `sub\\${o3.name}` } })), reason: /^archive contains a backslash in name 'sub\\\\[0-9a-f]{64}'$/ },
  { name: "duplicate entry", archive: () => craftZip([...entries(), { name: o2.name, data: o2.data }]), reason: new RegExp(`^unknown or duplicate object in archive: ${q(o2.name)} \\(it appears more than once\\)$`) },
  { name: "extra (unknown) entry", archive: () => craftZip([...entries(), { name: extra.name, data: extra.data }]), reason: new RegExp(`^unknown or duplicate object in archive: ${q(extra.name)} \\(no such object under s3://.*/files/\\)$`) },
  { name: "missing entries", archive: () => craftZip(entries().slice(0, 2)), reason: new RegExp(`^archive missing 2 expected object\\(s\\) \\(sample: \\[${[o2.name, o3.name].sort().map(q).join(", ")}\\]\\)$`) },
  { name: "empty archive when objects are expected", archive: () => craftZip([]), reason: /^archive missing 4 expected object\(s\) \(sample: \[.*\]\): the archive has no entries$/ },
  { name: "content hash mismatch (right size, right CRC)", archive: () => craftZip(entries({ 3: { data: flipped } })), reason: new RegExp(`^content hash mismatch for ${q(o3.name)}: computed ${sha256Hex(flipped)}$`) },
  { name: "encrypted entry", archive: () => craftZip(entries({ 1: { flags: 0x0001 } })), reason: new RegExp(`^entry ${q(o1.name)} is encrypted \\(general purpose flags 0x0001\\)$`) },
  { name: "unsupported method (bzip2)", archive: () => craftZip(entries({ 2: { method: 12, compressed: Buffer.from("BZh91AY&SY") } })), reason: new RegExp(`^entry ${q(o2.name)} uses unsupported compression method 12 \\(bzip2\\): only 0 \\(stored\\) and 8 \\(deflated\\) are accepted$`) },
  { name: "method differs between headers", archive: () => craftZip(entries({ 0: { local: { method: 8 } } })), reason: new RegExp(`disagree for ${q(o0.name)}: compression method 0 \\(stored\\) \\(central\\) vs 8 \\(deflated\\) \\(local\\)`) },
  { name: "two entries share one local header", archive: () => craftZip(entries({ 1: { central: { offset: 0 } } })), reason: /^entries '[0-9a-f]{64}' and '[0-9a-f]{64}' overlap: both start at local header offset 0$/ },
  { name: "entry starts inside the previous one", archive: () => craftZip(entries({ 1: { central: { offset: 40 } } })), reason: new RegExp(`^local header of ${q(o0.name)} at offset 0 \\(94 bytes\\) overlaps the next entry ${q(o1.name)} at offset 40$`) },
  { name: "trailing garbage after the end record", archive: () => craftZip(entries(), { trailing: Buffer.from("garbage") }), reason: /^trailing garbage: 7 byte\(s\) after the end of central directory record at offset \d+$/ },
  { name: "hidden bytes between entries", archive: () => craftZip(entries({ 2: { gapBefore: Buffer.from("0123456789") } })), reason: new RegExp(`^10 unaccounted byte\\(s\\) between entry ${q(o1.name)} \\(ends at \\d+\\) and entry ${q(o2.name)} \\(starts at \\d+\\)$`) },
  { name: "hidden bytes before the central directory", archive: () => craftZip(entries(), { gapBeforeCentral: Buffer.from("xyz") }), reason: new RegExp(`^3 unaccounted byte\\(s\\) between entry ${q(o3.name)} \\(ends at \\d+\\) and the central directory`) },
  { name: "data descriptor CRC disagrees", archive: () => craftZip(entries({ 0: { descriptor: "sig32", descriptorFields: { crc: 7 } } })), reason: new RegExp(`^data descriptor of ${q(o0.name)} disagrees with the central directory: crc32 0x00000007 vs 0x[0-9a-f]{8}$`) },
  { name: "64-bit data descriptor size disagrees", archive: () => craftZip(entries({ 2: { descriptor: "nosig64", descriptorFields: { size: 3 } } })), reason: new RegExp(`^data descriptor of ${q(o2.name)} disagrees with the central directory: uncompressed size 3 vs ${o2.data.length}$`) },
  { name: "data descriptor of impossible length", archive: () => craftZip(entries({ 0: { descriptor: "nosig32" }, 1: { gapBefore: Buffer.from("abc") } })), reason: new RegExp(`^data descriptor of ${q(o0.name)} at offset \\d+ has no valid layout: 15 byte\\(s\\) lie before the next entry`) },
  { name: "end record entry count wrong", archive: () => craftZip(entries(), { eocd: { entries: 5 } }), reason: /^end of central directory record declares 5 entries but the central directory holds 4$/ },
  { name: "zip64 end record disagrees with the classic one", archive: () => craftZip(entries(), { zip64End: true, eocd: { entries: 4 }, zip64Record: { entries: 5 } }), reason: /^zip64 end record and end of central directory record disagree on the entry count on this disk: 5 vs 4$/ },
  { name: "zip64 locator points at the wrong place", archive: () => craftZip(entries(), { zip64End: true, zip64LocatorOffset: 0 }), reason: /^no zip64 end of central directory record at offset 0 where the zip64 locator points \(found signature 0x04034b50\)$/ },
  { name: "zip64 placeholders without a zip64 extra field", archive: () => craftZip(entries({ 1: { zip64: true, central: { extra: Buffer.alloc(0) } } })), reason: new RegExp(`^the central directory entry of ${q(o1.name)} holds zip64 placeholders \\(0xFFFFFFFF\\) but no zip64 extra field$`) },
  { name: "classic placeholders without a zip64 locator", archive: () => craftZip(entries(), { eocd: { cdOffset: 0xffffffff } }), reason: /^end of central directory record holds zip64 placeholders \(0xFFFFFFFF\) but there is no zip64 end of central directory locator/ },
  { name: "corrupt deflate stream", archive: () => craftZip(entries({ 2: { compressed: Buffer.alloc(100, 0xff) } })), reason: new RegExp(`^entry ${q(o2.name)} has corrupt deflate data \\(invalid block type\\)$`) },
  { name: "truncated deflate stream", archive: () => craftZip(entries({ 2: { compressed: deflateRawSync(o2.data).subarray(0, 20) } })), reason: new RegExp(`^entry ${q(o2.name)} has corrupt deflate data \\(unexpected end of file\\)$`) },
  { name: "data after the end of the deflate stream", archive: () => craftZip(entries({ 2: { compressed: Buffer.concat([deflateRawSync(o2.data), Buffer.from("tail")]) } })), reason: new RegExp(`^deflate stream of ${q(o2.name)} ends after (\\d+) of its \\d+ compressed bytes`) },
  { name: "deflate data expands past the declared size", archive: () => craftZip(entries({ 2: { compressed: deflateRawSync(Buffer.concat([o2.data, Buffer.alloc(100_000)])) } })), reason: new RegExp(`^entry ${q(o2.name)} decompresses to more than the ${o2.data.length} bytes the central directory declares$`) },
  { name: "no local header where the central directory points", archive: () => { const z = craftZip(entries()); return patch(z, z.indexOf("PK\x03\x04", 1), [0x50, 0x4b, 0x07, 0x08]); }, reason: new RegExp(`^no local file header for ${q(o1.name)} at offset \\d+ \\(found signature 0x08074b50\\)$`) },
  { name: "corrupt central directory entry signature", archive: () => { const z = craftZip(entries()); return patch(z, z.indexOf("PK\x01\x02") + 46 + 64 + 2, [0]); }, reason: /^bad signature 0x02004b50 for central directory entry #1 at offset \d+: corrupt central directory$/ },
  // Fields that make common readers extract something other than what was validated.
  { name: "version needed to extract above 4.5 (0x45 written for 4.5)", archive: () => craftZip(entries({ 1: { versionNeeded: 0x45 } })), reason: new RegExp(`^entry ${q(o1.name)} needs version 6\\.9 to extract \\(central directory: version needed 69\\); at most 45 \\(4\\.5, ZIP64\\) is accepted`) },
  { name: "version needed above 4.5 in the local header only", archive: () => patch(craftZip(entries()), 4, [46, 0]), reason: new RegExp(`^entry ${q(o0.name)} needs version 4\\.6 to extract \\(local header: version needed 46\\)`) },
  { name: "patched data (general purpose flag bit 5)", archive: () => craftZip(entries({ 0: { flags: 0x0020 } })), reason: new RegExp(`^entry ${q(o0.name)} is marked as compressed patched data \\(central directory: general purpose flag bit 5, flags 0x0020\\)$`) },
  { name: "patched-data flag in the local header only", archive: () => craftZip(entries({ 3: { local: { flags: 0x0020 } } })), reason: new RegExp(`^entry ${q(o3.name)} is marked as compressed patched data \\(local header: general purpose flag bit 5, flags 0x0020\\)$`) },
  { name: "strong encryption flag (bit 6)", archive: () => craftZip(entries({ 1: { flags: 0x0040 } })), reason: new RegExp(`^entry ${q(o1.name)} is encrypted \\(general purpose flags 0x0040\\)$`) },
  { name: "Unicode Path extra field renaming the entry, CRC matching", archive: () => craftZip(entries({ 0: { extra: unicodePath(o0.name, extra.name) } })), reason: new RegExp(`^entry ${q(o0.name)} carries an Info-ZIP Unicode Path extra field \\(0x7075\\) in the central directory naming ${q(extra.name)} with a CRC that matches the header name, so readers that honour it extract under that other name$`) },
  { name: "Unicode Path extra field renaming the entry, CRC not matching", archive: () => craftZip(entries({ 2: { extra: unicodePath(extra.name, o1.name) } })), reason: new RegExp(`^entry ${q(o2.name)} carries an Info-ZIP Unicode Path extra field \\(0x7075\\) in the central directory naming ${q(o1.name)}: a second name for one entry$`) },
  { name: "Unicode Path extra field in the local header only", archive: () => craftZip(entries({ 1: { extra: unicodePath(o1.name, "renamed"), central: { extra: Buffer.alloc(0) } } })), reason: new RegExp(`^entry ${q(o1.name)} carries an Info-ZIP Unicode Path extra field \\(0x7075\\) in the local header naming 'renamed' with a CRC that matches`) },
  { name: "Unix symlink mode in the external attributes", archive: () => craftZip(entries({ 3: { externalAttributes: (0o120777 << 16) >>> 0 } })), reason: new RegExp(`^entry ${q(o3.name)} is a symbolic link, not a regular file \\(Unix mode 0o120777 in its external attributes\\)$`) },
  { name: "Unix directory mode in the external attributes", archive: () => craftZip(entries({ 0: { externalAttributes: (0o040755 << 16) >>> 0 } })), reason: new RegExp(`^entry ${q(o0.name)} is a directory, not a regular file \\(Unix mode 0o040755 in its external attributes\\)$`) },
  { name: "zip64 archive whose classic end record says this disk = 1", archive: () => craftZip(entries(), { zip64End: true, eocdDisk: 1 }), reason: /^multi-disk archives are not supported \(end of central directory record: disk 1, central directory on disk 0, beside a zip64 end record\)$/ },
  { name: "central directory over the size cap", archive: () => craftZip(entries()), options: { maxCentralDirectoryBytes: 100 }, reason: /^central directory is \d+ bytes, over the validator's limit of 100 bytes$/ },
];

describe("validator rejects malformed archives with a precise reason", () => {
  const fixture = useEmbeddedS3();
  let bucket = "";
  const input = (key: string, count = objects.length) => ({ bucket, archive_key: key, files_prefix: PREFIX, expected_object_count: count });

  beforeAll(async () => {
    bucket = await fixture.bucket("reject");
    await uploadSources(fixture.client, bucket, PREFIX, objects);
  });

  it.each([true, false])("accepts the unmodified crafted archives (so each rejection below is due to its defect), single pass %s", async (singlePass) => {
    const variants = [
      craftZip(entries()),
      craftZip(entries({ 0: { descriptor: "sig32" }, 1: { descriptor: "nosig32" }, 2: { descriptor: "nosig64", zip64: true }, 3: { descriptor: "sig64", zip64: true } }), { zip64End: true }),
      // An archive comment that itself contains an end-record signature must not confuse the search.
      craftZip(entries(), { comment: Buffer.from("comment with PK\x05\x06 inside, then more text") }),
      // Harmless neighbours of the rejected fields: a Unicode Path field repeating the name, version
      // 4.5 without zip64, DOS-made attributes (no Unix mode), the 0xFFFF disk placeholder.
      craftZip(entries({ 0: { extra: unicodePath(o0.name, o0.name) }, 1: { versionNeeded: 45 }, 2: { externalAttributes: 0x20 } }), { zip64End: true, eocdDisk: 0xffff }),
    ];
    for (const zip of variants) {
      for (const digest of DIGEST_MODES) {
        const key = await putArchive(fixture.client, bucket, `archives/baseline-${digest}-${singlePass}-${zip.length}.zip`, zip);
        await expect(validateArchive(fixture.client, input(key), { digest, singlePass })).resolves.toMatchObject({ entry_count: 4, stored_entries: 3, deflated_entries: 1 });
      }
    }
  });

  // Both digest engines (main thread and worker thread) and both ways of reading (one GET with the
  // entries replayed, single-pass.ts, or the tail first) must give the same verdicts.
  const modes = [...DIGEST_MODES.map((digest) => ({ digest, singlePass: true })), { digest: "inline" as const, singlePass: false }];
  describe.each(modes)("digest $digest, single pass $singlePass", ({ digest, singlePass }) => {
    it.each(cases)("$name", async (c) => {
      const key = await putArchive(fixture.client, bucket, `archives/${digest}-${singlePass}-${c.name.replace(/\W+/g, "-")}.zip`, await c.archive());
      const error = await validateArchive(fixture.client, input(key), { ...c.options, digest, singlePass }).then(
        () => undefined,
        (e: Error) => e,
      );
      expect(error, "archive was accepted").toBeInstanceOf(Error);
      expect(error!.message).toMatch(c.reason);
      expect(error!.name).toBe("InvalidArchive");
    });
  });

  it("a missing archive object is the contender's fault, with a clear message", async () => {
    await expect(validateArchive(fixture.client, input("archives/never-uploaded.zip"))).rejects.toMatchObject({
      name: "InvalidArchive",
      message: `archive s3://${bucket}/archives/never-uploaded.zip does not exist (NoSuchKey): nothing was uploaded under that key`,
    });
  });

  it("an expected_object_count that disagrees with the listing is a harness problem, not InvalidArchive", async () => {
    const key = await putArchive(fixture.client, bucket, "archives/fine.zip", craftZip(entries()));
    const error = await validateArchive(fixture.client, input(key, 5)).catch((e: Error) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).name).not.toBe("InvalidArchive");
    expect((error as Error).message).toBe(`harness problem: expected_object_count is 5 but s3://${bucket}/files/ lists 4 object(s); refill the bucket or fix the execution input`);
  });

  it("bad input is rejected before any S3 call", async () => {
    await expect(validateArchive(fixture.client, { bucket, archive_key: "", files_prefix: "/files" })).rejects.toMatchObject({ name: "InvalidPayloadError" });
  });
});
