// The validator's CRC-32 shortcut: once an entry's SHA-256 equals its name, its declared CRC-32 is
// checked against the source object's CRC32 as S3 stores it instead of being summed; where no
// stored CRC is known, it is summed as before. A wrong declared CRC is rejected on both paths.
import { beforeAll, describe, expect, it } from "vitest";
import { crc32 } from "node:zlib";
import { S3Client } from "@aws-sdk/client-s3";
import { DIGEST_MODES, validateArchive, validateSource } from "../functions/validate/validate";
import { s3Source } from "../functions/validate/sources";
import { parseStoredCrc32, StoredChecksums } from "../functions/validate/stored-checksums";
import { useEmbeddedS3 } from "./support/s3";
import { putArchive, smallDataset, uploadSources } from "./support/zip-sources";
import { craftZip, type CraftEntry } from "./support/zip-craft";

const PREFIX = "files";
const objects = smallDataset();
const o0 = objects[0]!;
const hex = (n: number) => `0x${(n >>> 0).toString(16).padStart(8, "0")}`;
const entries = (crc0?: number): CraftEntry[] =>
  objects.map((o, i) => ({ name: o.name, data: o.data, method: i === 2 ? 8 : 0, ...(i === 0 && crc0 !== undefined ? { local: { crc: crc0 }, central: { crc: crc0 } } : {}) }));
const expected = objects.map((o) => ({ name: o.name, size: o.data.length }));
const trueCrc = new Map(objects.map((o) => [o.name, crc32(o.data)]));

describe("validator: declared CRC-32 vs the source's stored CRC32", () => {
  const fixture = useEmbeddedS3();
  let withCrc = "";
  let bare = "";

  beforeAll(async () => {
    withCrc = await fixture.bucket("stored-crc");
    await uploadSources(fixture.client, withCrc, PREFIX, objects); // the SDK's default CRC32
    bare = await fixture.bucket("no-crc");
    const noChecksums = new S3Client({ ...fixture.s3.clientConfig, requestChecksumCalculation: "WHEN_REQUIRED" });
    await uploadSources(noChecksums, bare, PREFIX, objects);
    noChecksums.destroy();
  });

  const judge = async (bucket: string, zip: Buffer, lookup: (name: string) => number | undefined, digest: (typeof DIGEST_MODES)[number]) => {
    const key = await putArchive(fixture.client, bucket, `archives/${Math.random().toString(36).slice(2)}.zip`, zip);
    return validateSource(await s3Source(fixture.client, bucket, key), expected, "the listing", { storedCrc32: lookup, digest }).then(
      () => "valid",
      (e: Error) => `${e.name}: ${e.message}`,
    );
  };

  it("reads each source's stored CRC32 (HeadObject), and knows none for objects stored without one", async () => {
    const stored = new StoredChecksums(fixture.client, withCrc, PREFIX, objects.map((o) => o.name), 2);
    await stored.done;
    expect(objects.map((o) => stored.lookup(o.name))).toEqual(objects.map((o) => trueCrc.get(o.name)));
    expect(stored.missing).toBe(0);
    const none = new StoredChecksums(fixture.client, bare, PREFIX, [...objects.map((o) => o.name), "0".repeat(64)]);
    await none.done;
    expect(objects.map((o) => none.lookup(o.name))).toEqual([undefined, undefined, undefined, undefined]);
    expect(none.missing).toBe(5); // four without a checksum, one that does not exist
  });

  it("decodes only a full-object CRC32", () => {
    expect(parseStoredCrc32("DUoRhQ==", undefined)).toBe(crc32("hello world"));
    expect(parseStoredCrc32("DUoRhQ==", "FULL_OBJECT")).toBe(crc32("hello world"));
    expect(parseStoredCrc32("DUoRhQ==-2", undefined)).toBeUndefined();
    expect(parseStoredCrc32("DUoRhQ==", "COMPOSITE")).toBeUndefined();
    expect(parseStoredCrc32(undefined, undefined)).toBeUndefined();
    expect(parseStoredCrc32("AAA=", undefined)).toBeUndefined();
  });

  describe.each(DIGEST_MODES)("digest %s", (digest) => {
    it("accepts a good archive on either path", async () => {
      expect(await judge(withCrc, craftZip(entries()), (n) => trueCrc.get(n), digest)).toBe("valid");
      expect(await judge(withCrc, craftZip(entries()), () => undefined, digest)).toBe("valid");
    });

    it("uses the stored value instead of summing: a stored CRC that disagrees with a right declared one is reported", async () => {
      // Impossible with real S3 (the stored CRC is the data's); it shows which value was compared.
      const verdict = await judge(withCrc, craftZip(entries()), (n) => (n === o0.name ? 0x0badf00d : trueCrc.get(n)), digest);
      expect(verdict).toBe(`InvalidArchive: CRC-32 mismatch for '${o0.name}': the central directory says ${hex(trueCrc.get(o0.name)!)}, the data has 0x0badf00d`);
    });

    it("rejects a wrong declared CRC-32 via the stored CRC32", async () => {
      const verdict = await judge(withCrc, craftZip(entries(0x1234)), (n) => trueCrc.get(n), digest);
      expect(verdict).toBe(`InvalidArchive: CRC-32 mismatch for '${o0.name}': the central directory says 0x00001234, the data has ${hex(trueCrc.get(o0.name)!)}`);
    });

    it("sums the CRC-32 where no stored one is known, and rejects a wrong declared one", async () => {
      const verdict = await judge(bare, craftZip(entries(0x1234)), () => undefined, digest);
      expect(verdict).toBe(`InvalidArchive: CRC-32 mismatch for '${o0.name}': the central directory says 0x00001234, the data has ${hex(trueCrc.get(o0.name)!)}`);
    });
  });

  it("validateArchive end to end: the same verdicts with stored checksums, without them, and with the lookup off", async () => {
    for (const bucket of [withCrc, bare]) {
      for (const storedChecksums of [true, false]) {
        const input = (key: string) => ({ bucket, archive_key: key, files_prefix: PREFIX, expected_object_count: objects.length });
        const good = await putArchive(fixture.client, bucket, `archives/good-${storedChecksums}.zip`, craftZip(entries()));
        await expect(validateArchive(fixture.client, input(good), { storedChecksums })).resolves.toMatchObject({ entry_count: 4 });
        const bad = await putArchive(fixture.client, bucket, `archives/bad-${storedChecksums}.zip`, craftZip(entries(0x1234)));
        await expect(validateArchive(fixture.client, input(bad), { storedChecksums })).rejects.toMatchObject({
          name: "InvalidArchive",
          message: `CRC-32 mismatch for '${o0.name}': the central directory says 0x00001234, the data has ${hex(trueCrc.get(o0.name)!)}`,
        });
      }
    }
  });
});
