// Pure parts of the reference contender: the prefetcher's budgets and the ZIP64 / part-size rules.
import { describe, expect, it } from "vitest";
import { OrderedPrefetcher } from "../contenders/typescript/reference/src/prefetch";
import { archiveSizeBound, needsZip64 } from "../contenders/typescript/reference/src/zip64";
import { partSizeFor } from "../contenders/typescript/reference/src/archive";
import { parseEvent } from "../contenders/typescript/reference/src/event";

const MiB = 1024 * 1024;

/** Fetches that complete only when the test says so, recording what was in flight. */
function controlledFetches() {
  const pending = new Map<number, () => void>();
  let inFlight = 0;
  let maxInFlight = 0;
  const started: number[] = [];
  const fetch = (item: { id: number; size: number }) => {
    started.push(item.id);
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    return new Promise<number>((resolve) =>
      pending.set(item.id, () => {
        inFlight--;
        resolve(item.id);
      }),
    );
  };
  const finish = async (id: number) => {
    pending.get(id)!();
    pending.delete(id);
    await new Promise((r) => setImmediate(r));
  };
  return { fetch, finish, started, max: () => maxInFlight };
}

describe("OrderedPrefetcher", () => {
  const items = Array.from({ length: 10 }, (_, id) => ({ id, size: 10 }));

  it("keeps listing order and never holds more than its byte budget", async () => {
    const f = controlledFetches();
    const p = new OrderedPrefetcher(items, f.fetch, (i) => i.size, () => false, { concurrency: 8, budgetBytes: 30 });
    const first = p.takeNext();
    expect(f.started).toEqual([0, 1, 2]); // 3 x 10 bytes = the budget, although 8 GETs are allowed
    await f.finish(2);
    await f.finish(1);
    expect(f.started).toEqual([0, 1, 2]); // done but not released: still held
    await f.finish(0);
    expect((await first).item.id).toBe(0);
    p.release(10);
    expect(f.started).toEqual([0, 1, 2, 3]);
    expect((await p.takeNext()).item.id).toBe(1);
  });

  it("never has more than `concurrency` fetches in flight", async () => {
    const f = controlledFetches();
    const p = new OrderedPrefetcher(items, f.fetch, (i) => i.size, () => false, { concurrency: 2, budgetBytes: 1_000 });
    const first = p.takeNext();
    expect(f.started).toEqual([0, 1]);
    await f.finish(0);
    expect(f.started).toEqual([0, 1, 2]);
    await first;
    expect(f.max()).toBe(2);
  });

  it("always starts the item being waited for, even past the budget (progress)", async () => {
    const f = controlledFetches();
    const big = [{ id: 0, size: 100 }, { id: 1, size: 100 }];
    const p = new OrderedPrefetcher(big, f.fetch, (i) => i.size, () => false, { concurrency: 4, budgetBytes: 10 });
    const first = p.takeNext();
    expect(f.started).toEqual([0]);
    await f.finish(0);
    await first;
    const second = p.takeNext(); // the first is not released yet: the budget is exceeded, still starts
    expect(f.started).toEqual([0, 1]);
    await f.finish(1);
    expect((await second).item.id).toBe(1);
  });

  it("starts a streamed item only when it is next, and counts it as holding nothing", async () => {
    const f = controlledFetches();
    const mixed = [{ id: 0, size: 10 }, { id: 1, size: 1_000 }, { id: 2, size: 10 }];
    const p = new OrderedPrefetcher(mixed, f.fetch, (i) => (i.size > 100 ? 0 : i.size), (i) => i.size > 100, {
      concurrency: 4,
      budgetBytes: 1_000,
    });
    const first = p.takeNext();
    expect(f.started).toEqual([0]);
    await f.finish(0);
    await first;
    p.release(10);
    const second = p.takeNext();
    expect(f.started).toEqual([0, 1, 2]); // the streamed one, then prefetching resumes behind it
    await f.finish(1);
    await second;
  });
});

describe("ZIP64 and part size rules", () => {
  const objects = (count: number, size: number) => Array.from({ length: count }, (_, i) => ({ name: `${i}`.padStart(64, "0"), size }));

  it("forces ZIP64 from 65,535 entries or when the archive could reach 4 GiB", () => {
    expect(needsZip64(objects(65_534, 1))).toBe(false);
    expect(needsZip64(objects(65_535, 1))).toBe(true);
    expect(needsZip64(objects(3_000, 5_000_000))).toBe(true); // 15 GB, the contest's default
    expect(needsZip64(objects(800, 5_000_000))).toBe(false); // 4 GB minus headers
    const justBelow = objects(1, 0xffffffff - archiveSizeBound(objects(1, 0)) - 1);
    expect(needsZip64(justBelow)).toBe(false);
    justBelow[0]!.size += 1;
    expect(needsZip64(justBelow)).toBe(true);
  });

  it("keeps the tuned part size until 10,000 parts would not suffice", () => {
    expect(partSizeFor(objects(3_000, 5_000_000), 8 * MiB)).toBe(8 * MiB); // 15 GB in 1,789 parts
    const huge = objects(30_000, 5_000_000); // 150 GB
    const grown = partSizeFor(huge, 8 * MiB);
    expect(grown % MiB).toBe(0);
    expect(Math.ceil(archiveSizeBound(huge) / grown)).toBeLessThanOrEqual(10_000);
  });
});

describe("event parsing", () => {
  it("accepts the three fields and names each bad one", () => {
    expect(parseEvent({ bucket_name: "b", files_prefix: "files", archive_key: "a/b.zip", extra: 1 })).toEqual({
      bucket_name: "b",
      files_prefix: "files",
      archive_key: "a/b.zip",
    });
    expect(() => parseEvent({ bucket_name: "b", files_prefix: "/files", archive_key: "x/" })).toThrow(
      "invalid event: files_prefix: must not start or end with '/'; archive_key: must not end with '/'",
    );
    expect(() => parseEvent({ files_prefix: "files", archive_key: "k" })).toThrow(/invalid event: bucket_name: /);
  });
});

describe("NativeCrcZipStream past 4 GiB (offsets simulated: the archive's offset counter starts high)", () => {
  /** Central directory records of the archive: name, 32-bit offset field, ZIP64 extra values. */
  function centralRecords(archive: Buffer, base: number) {
    const eocd64 = archive.lastIndexOf(Buffer.from([0x50, 0x4b, 0x06, 0x06]));
    expect(eocd64).toBeGreaterThan(0);
    let at = Number(archive.readBigUInt64LE(eocd64 + 48)) - base; // CD offset, made relative
    const records = [];
    while (archive.readUInt32LE(at) === 0x02014b50) {
      const nameLength = archive.readUInt16LE(at + 28);
      const extraLength = archive.readUInt16LE(at + 30);
      const commentLength = archive.readUInt16LE(at + 32);
      const name = archive.toString("utf8", at + 46, at + 46 + nameLength);
      const extra = archive.subarray(at + 46 + nameLength, at + 46 + nameLength + extraLength);
      const zip64 = extra.length >= 28 && extra.readUInt16LE(0) === 1 ? Number(extra.readBigUInt64LE(20)) : undefined;
      records.push({ name, offsetField: archive.readUInt32LE(at + 42), zip64Offset: zip64, crc: archive.readUInt32LE(at + 16) });
      at += 46 + nameLength + extraLength + commentLength;
    }
    return records;
  }

  it("gives every entry at or past 0xFFFFFFFF a ZIP64 extra with its real offset, and CRCs over chunks", async () => {
    const { NativeCrcZipStream } = await import("../contenders/typescript/reference/src/native-crc-zip");
    const { crc32 } = await import("node:zlib");
    const zip = new NativeCrcZipStream({ forceZip64: true });
    const out: Buffer[] = [];
    zip.on("data", (c: Buffer) => out.push(c));
    const ended = new Promise((r) => zip.once("end", r));
    const name = (c: string) => c.repeat(64);
    // The first entry (30-byte header + 64-byte name + 10 bytes) ends exactly at 0xFFFFFFFF, so the
    // second starts there: the boundary compress-commons alone would write without a ZIP64 extra.
    const base = 0xffffffff - (30 + 64 + 10);
    zip.offset = base;
    const append = (n: string, chunks: Buffer[]) =>
      new Promise<void>((res, rej) => zip.entryFromChunks(chunks, undefined, { name: n }, (e) => (e ? rej(e) : res())));
    await append(name("a"), [Buffer.from("01234"), Buffer.from("56789")]);
    await append(name("b"), [Buffer.from("0123456789")]);
    await append(name("c"), [Buffer.from("x")]);
    zip.finalize();
    await ended;

    const records = centralRecords(Buffer.concat(out), base);
    expect(records.map((r) => r.name)).toEqual([name("a"), name("b"), name("c")]);
    expect(records[0]).toMatchObject({ offsetField: base, zip64Offset: undefined, crc: crc32("0123456789") });
    expect(records[1]).toMatchObject({ offsetField: 0xffffffff, zip64Offset: 0xffffffff, crc: crc32("0123456789") });
    expect(records[2]).toMatchObject({ offsetField: 0xffffffff, zip64Offset: 0xffffffff + 30 + 64 + 10 });
  });

  it("writes a given CRC-32 (S3's stored one) as is, without summing the data", async () => {
    const { NativeCrcZipStream } = await import("../contenders/typescript/reference/src/native-crc-zip");
    const zip = new NativeCrcZipStream({ forceZip64: true });
    const out: Buffer[] = [];
    zip.on("data", (c: Buffer) => out.push(c));
    const ended = new Promise((r) => zip.once("end", r));
    // A deliberately wrong CRC: if the zip summed the data, the record would hold crc32("data").
    await new Promise<void>((res, rej) => zip.entryFromChunks([Buffer.from("da"), Buffer.from("ta")], 0x12345678, { name: "n".repeat(64) }, (e) => (e ? rej(e) : res())));
    zip.finalize();
    await ended;
    const archive = Buffer.concat(out);
    expect(archive.readUInt32LE(14)).toBe(0x12345678); // local header
    expect(centralRecords(archive, 0)[0]).toMatchObject({ crc: 0x12345678 });
  });
});

describe("storedCrc32 (S3's stored checksum, base64 big-endian)", () => {
  it("decodes a full-object CRC32 and refuses a missing, composite or malformed one", async () => {
    const { storedCrc32 } = await import("../contenders/typescript/reference/src/download");
    const { crc32 } = await import("node:zlib");
    expect(storedCrc32({ ChecksumCRC32: "DUoRhQ==" })).toBe(crc32("hello world"));
    expect(storedCrc32({ ChecksumCRC32: "DUoRhQ==", ChecksumType: "FULL_OBJECT" })).toBe(crc32("hello world"));
    expect(() => storedCrc32({})).toThrow(/no stored CRC-32.*uploaded without a CRC32 checksum/);
    expect(() => storedCrc32({ ChecksumCRC32: "DUoRhQ==-3" })).toThrow(/composite multipart checksum/);
    expect(() => storedCrc32({ ChecksumCRC32: "DUoRhQ==", ChecksumType: "COMPOSITE" })).toThrow(/composite/);
    expect(() => storedCrc32({ ChecksumCRC32: "AAAAAAA=" })).toThrow(/not 4 bytes/);
  });
});
