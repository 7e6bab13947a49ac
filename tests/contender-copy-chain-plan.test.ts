// The copy-chain contender's planner, from synthetic sizes alone (no byte moves): entry offsets,
// ZIP64 past 4 GiB read back by the validator's own parsers, and S3's multipart rules (every part
// but an upload's last >= 5 MiB, at most 10,000 parts, 5 GiB per part) on every scratch upload.
import { describe, expect, it } from "vitest";
import {
  MAX_PART_BYTES,
  MAX_PARTS,
  MIN_PART_BYTES,
  PlanError,
  planArchive,
  plannedRequests,
  type ArchivePlan,
  type BytePiece,
  type SourceObject,
} from "../contenders/typescript/copy-chain/src/plan";
import { archiveTail, localHeader, U32_MAX } from "../contenders/typescript/copy-chain/src/zip";
import { parseCentralDirectory } from "../functions/validate/central-directory";
import { locateEndRecord } from "../functions/validate/eocd";

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;

/** Object i of a synthetic listing: a 64-hex name like the contest's keys, of `size` bytes. */
const objectOf = (i: number, size: number): SourceObject => {
  const name = i.toString(16).padStart(64, "0");
  return { key: `files/${name}`, name, size };
};
const dataset = (sizes: readonly number[]) => sizes.map((size, i) => objectOf(i, size));

/**
 * Replays every segment's chain from the sizes alone and checks S3's rules on each upload: every
 * part but an upload's last >= 5 MiB, none over 5 GiB, the last object holding the segment after
 * the skipped base, every segment but the last >= 5 MiB. Returns the rule breaks found, and the
 * archive's content in order as the segments' final parts lay it out ("h3" header, "b3" body).
 * (Problems are collected, not asserted one by one: 25,000 objects make ~100,000 checks.)
 */
function replayChains(plan: ArchivePlan): { problems: string[]; content: string[] } {
  const problems: string[] = [];
  const content: string[] = [];
  const baseSize = plan.base?.size ?? 0;
  if (plan.base && baseSize < MIN_PART_BYTES) problems.push(`base of ${baseSize} bytes`);
  if (plan.base?.kind === "source" && plan.entries[plan.base.entry]!.source.size < baseSize) problems.push("base larger than its source");
  if (plan.segments.length > MAX_PARTS) problems.push(`${plan.segments.length} parts`);
  plan.segments.forEach((segment, s) => {
    let previous: number | undefined;
    segment.uploads.forEach((upload, u) => {
      const where = `segment ${s} upload ${u}`;
      const sizes = upload.map((part): number => {
        switch (part.kind) {
          case "base":
            if (u !== 0 || !segment.usesBase) problems.push(`${where}: base outside a base chain's first upload`);
            return baseSize;
          case "previous":
            if (previous === undefined) problems.push(`${where}: 'previous' without a previous upload`);
            return previous ?? 0;
          case "body":
            content.push(`b${part.entry}`);
            return plan.entries[part.entry]!.source.size;
          case "bytes": {
            content.push(...part.pieces.map((p: BytePiece) => (p.kind === "tail" ? "tail" : `h${p.entry}`)));
            const expected = part.pieces.reduce((n, p) => n + (p.kind === "tail" ? plan.tailLength : 30 + plan.entries[p.entry]!.nameBytes.length), 0);
            if (part.length !== expected) problems.push(`${where}: bytes of ${part.length}, pieces of ${expected}`);
            return part.length;
          }
        }
      });
      sizes.slice(0, -1).forEach((size, p) => size < MIN_PART_BYTES && problems.push(`${where} part ${p + 1} (not its last): ${size} bytes`));
      if (sizes.some((size) => size > MAX_PART_BYTES)) problems.push(`${where}: a part over 5 GiB`);
      previous = sizes.reduce((a, b) => a + b, 0);
    });
    const skip = segment.usesBase ? baseSize : 0;
    if (previous === undefined || previous - skip !== segment.length) problems.push(`segment ${s}: last object ${previous} bytes - ${skip} skipped != ${segment.length}`);
    if (segment.length > MAX_PART_BYTES) problems.push(`segment ${s}: ${segment.length} bytes, over 5 GiB`);
    if (s < plan.segments.length - 1 && segment.length < MIN_PART_BYTES) problems.push(`segment ${s} (not the last): ${segment.length} bytes`);
  });
  return { problems, content };
}

/** The archive's content as ZIP lays it out: header, body (none when empty), ..., tail. */
function expectedContent(plan: ArchivePlan): string[] {
  return [...plan.entries.flatMap((e, i) => (e.source.size > 0 ? [`h${i}`, `b${i}`] : [`h${i}`])), "tail"];
}

/** Offsets chain (each = previous + 30 + name + size), segments tile the archive, chains obey S3. */
function checkPlan(plan: ArchivePlan, objects: readonly SourceObject[]): void {
  expect(plan.entries.map((e) => e.source.key).sort()).toEqual(objects.map((o) => o.key).sort());
  const offsets: number[] = [];
  let offset = 0;
  for (const e of plan.entries) {
    offsets.push(offset);
    offset += 30 + e.nameBytes.length + e.source.size;
  }
  expect(plan.entries.map((e) => e.offset)).toEqual(offsets);
  expect(plan.tailOffset).toBe(offset);
  expect(plan.archiveBytes).toBe(plan.tailOffset + plan.tailLength);
  const starts: number[] = [];
  let start = 0;
  for (const segment of plan.segments) {
    starts.push(start);
    start += segment.length;
  }
  expect(plan.segments.map((s) => s.start)).toEqual(starts);
  expect(start).toBe(plan.archiveBytes);
  const { problems, content } = replayChains(plan);
  expect(problems).toEqual([]);
  expect(content.join(" ")).toBe(expectedContent(plan).join(" "));
}

/** Renders the tail with synthetic CRCs and reads it back with the validator's parsers. */
function readBackTail(plan: ArchivePlan) {
  const zipEntries = plan.entries.map((e, i) => ({ nameBytes: e.nameBytes, size: e.source.size, crc32: (0x9e3779b1 * (i + 1)) >>> 0, offset: e.offset }));
  const tail = archiveTail(zipEntries, plan.tailOffset);
  expect(tail.length).toBe(plan.tailLength);
  const end = locateEndRecord(tail, plan.tailOffset, plan.archiveBytes);
  expect(end).toBeDefined();
  const central = parseCentralDirectory(tail.subarray(0, end!.cdSize), end!);
  return { end: end!, central, zipEntries };
}

/** Requests counted from the plan's own structure, as assemble.ts issues them. */
function countRequests(plan: ArchivePlan): Record<string, number> {
  const uploads = plan.segments.reduce((n, s) => n + s.uploads.length, 0);
  const parts = plan.segments.flatMap((s) => s.uploads.flat());
  const bytesParts = parts.filter((p) => p.kind === "bytes").length;
  return {
    // Empty objects have no stored CRC32 to read: the contender skips their HEAD (assemble.ts).
    HeadObject: plan.entries.filter((e) => e.source.size > 0).length,
    CreateMultipartUpload: uploads + 1,
    UploadPartCopy: parts.length - bytesParts + plan.segments.length,
    UploadPart: bytesParts,
    CompleteMultipartUpload: uploads + 1,
    ...(plan.base?.kind === "zeros" ? { PutObject: 1 } : {}),
  };
}

describe("copy-chain planner", () => {
  it("plans a ZIP64 archive past 4 GiB: offsets, segments, parts, and a tail the validator reads back exactly", () => {
    // 900 objects: every third 3 MiB (+ i bytes), the others 6 MiB (+ 7i bytes): ~4.4 GiB.
    const objects = dataset(Array.from({ length: 900 }, (_, i) => (i % 3 === 0 ? 3 * MiB + i : 6 * MiB + 7 * i)));
    const plan = planArchive(objects);

    expect(plan.tiny).toBe(false);
    expect(plan.zip64).toBe(true);
    expect(plan.archiveBytes).toBeGreaterThan(U32_MAX);
    // The base is (a prefix of) a big source object: nothing is uploaded to build it.
    expect(plan.base?.kind).toBe("source");
    checkPlan(plan, objects);
    // Big and small alternate (two big, one small): each big body opens a segment.
    expect(plan.entries.slice(0, 3).map((e) => e.source.size)).toEqual([6 * MiB + 7, 3 * MiB, 6 * MiB + 14]);
    expect(plan.segments.length).toBe(600);
    expect(plan.segments.filter((s) => s.usesBase).length).toBe(1);

    const { end, central, zipEntries } = readBackTail(plan);
    expect(end).toMatchObject({ zip64: true, entryCount: 900, cdOffset: plan.tailOffset });
    const past4GiB = plan.entries.filter((e) => e.offset > U32_MAX);
    expect(past4GiB.length).toBeGreaterThan(50);
    central.forEach((c, i) => {
      expect({ name: c.name, localOffset: c.localOffset, size: c.size, crc32: c.crc32, zip64: c.zip64 }).toEqual({
        name: plan.entries[i]!.source.name,
        localOffset: plan.entries[i]!.offset,
        size: plan.entries[i]!.source.size,
        crc32: zipEntries[i]!.crc32,
        zip64: plan.entries[i]!.offset >= U32_MAX,
      });
    });
    // A local header carries what the central directory says (sizes < 4 GiB need no ZIP64 there).
    const last = zipEntries.at(-1)!;
    const header = localHeader(last);
    expect([header.readUInt32LE(0), header.readUInt32LE(14), header.readUInt32LE(18), header.readUInt32LE(22)]).toEqual([0x04034b50, last.crc32, last.size, last.size]);
    expect(header.subarray(30).toString()).toBe(plan.entries.at(-1)!.source.name);
    expect(plannedRequests(plan)).toEqual(countRequests(plan));
  });

  it("merges segments when there would be more than 10,000 parts (25,000 objects)", () => {
    const objects = dataset(Array.from({ length: 25_000 }, (_, i) => (i % 2 === 0 ? 5 * MiB + (i % 97) : 1 * MiB + i)));
    const plan = planArchive(objects);

    expect(plan.zip64).toBe(true);
    expect(plan.segments.length).toBe(Math.ceil(12_500 / 2));
    expect(Math.max(...plan.segments.map((s) => s.uploads.length))).toBeGreaterThan(2);
    checkPlan(plan, objects);
    const { end, central } = readBackTail(plan);
    expect(end.entryCount).toBe(25_000);
    expect(central.map((c) => c.localOffset)).toEqual(plan.entries.map((e) => e.offset));
    expect(central.filter((c) => c.localOffset > U32_MAX).length).toBeGreaterThan(20_000);
    expect(plannedRequests(plan)).toEqual(countRequests(plan));
  });

  it("plans a dataset with no object of 5 MiB from a zero-filled base", () => {
    const objects = dataset(Array.from({ length: 40 }, (_, i) => MiB + 1000 * i));
    const plan = planArchive(objects);

    expect(plan.base).toEqual({ kind: "zeros", size: MIN_PART_BYTES });
    expect(plan.zip64).toBe(false);
    expect(plan.segments.length).toBeGreaterThanOrEqual(7);
    expect(plan.segments.every((s) => s.usesBase && s.uploads[0]![0]!.kind === "base")).toBe(true);
    checkPlan(plan, objects);
    expect(plan.entries.map((e) => e.source.key)).toEqual(objects.map((o) => o.key)); // listing order kept
    const requests = plannedRequests(plan);
    expect(requests).toEqual(countRequests(plan));
    expect(requests.PutObject).toBe(1);
  });

  it("plans a dataset of big objects only: a source is the base of the first segment, each other segment is one upload", () => {
    const sizes = Array.from({ length: 20 }, (_, i) => 5 * MiB + ((i * 7919) % 50_000));
    const objects = dataset(sizes);
    const plan = planArchive(objects);

    expect(plan.base?.kind).toBe("source");
    // Segment 0 is [header 0 from the base, body 0, header 1]; each other big body opens one more.
    expect(plan.segments.length).toBe(20);
    expect(plan.segments.map((s) => s.usesBase)).toEqual([true, ...Array<boolean>(19).fill(false)]);
    expect(plan.segments.slice(1).every((s) => s.uploads.length === 1 && s.uploads[0]!.map((p) => p.kind).join() === "body,bytes")).toBe(true);
    checkPlan(plan, objects);
    expect(plannedRequests(plan)).toEqual(countRequests(plan));
  });

  it("puts the headers around an empty object side by side in one part", () => {
    const sizes = [6 * MiB, 0, 0, 2 * MiB, 7 * MiB, 0, MiB];
    const objects = dataset(sizes);
    const plan = planArchive(objects);

    checkPlan(plan, objects);
    const byteParts = plan.segments.flatMap((s) => s.uploads.flat()).filter((p) => p.kind === "bytes");
    const runs = byteParts.map((p) => p.pieces.map((x) => (x.kind === "tail" ? "tail" : plan.entries[x.entry]!.source.size)));
    // [empty, empty, 2 MiB] share one run of three headers; [empty, 1 MiB] one of two; the last run ends with the tail.
    expect(runs).toContainEqual([0, 0, 2 * MiB]);
    expect(runs).toContainEqual([0, MiB]);
    expect(runs.at(-1)).toEqual(["tail"]);
    expect(plan.entries.filter((e) => e.source.size === 0).map((e) => e.offset)).toEqual([
      6 * MiB + 94,
      6 * MiB + 2 * 94,
      6 * MiB + 2 * MiB + 7 * MiB + 5 * 94,
    ]);
  });

  it("counts no HeadObject for empty objects, which the contender never asks for a CRC32", () => {
    const plan = planArchive(dataset([6 * MiB, 0, 0, MiB]));
    expect(plannedRequests(plan).HeadObject).toBe(2);
    const tiny = planArchive(dataset([0, 10, 0]));
    expect(plannedRequests(tiny)).toEqual({ HeadObject: 1, GetObject: 1, PutObject: 1 });
  });

  it("writes archives under 5 MiB whole (tiny), the empty archive included", () => {
    const plan = planArchive(dataset([1024, 0, 4096]));
    expect(plan).toMatchObject({ tiny: true, base: undefined, segments: [], zip64: false });
    expect(plan.archiveBytes).toBe(3 * 94 + 1024 + 4096 + 3 * 110 + 22);
    expect(plannedRequests(planArchive(dataset([1024, 4096])))).toEqual({ HeadObject: 2, GetObject: 2, PutObject: 1 });

    const empty = planArchive([]);
    expect(empty).toMatchObject({ tiny: true, entries: [], archiveBytes: 22, tailOffset: 0, tailLength: 22 });
    const { end, central } = readBackTail(empty);
    expect([end.entryCount, end.zip64, central]).toEqual([0, false, []]);
  });

  it("plans objects up to 4 GiB - 1 byte: the base a segment skips must not be a whole multi-GiB object", () => {
    // Segment 0 starts from the base and holds the first body: with the smallest big object as
    // the whole base, base + body passes S3's 5 GiB part limit once big objects pass 2.5 GiB.
    for (const sizes of [[U32_MAX - 1], [3 * GiB, 3 * GiB + 1, MiB]]) {
      const objects = dataset(sizes);
      const plan = planArchive(objects);
      checkPlan(plan, objects);
      expect(plan.archiveBytes).toBeGreaterThan(sizes.reduce((a, b) => a + b, 0));
    }
  });

  it("rejects an object of 4 GiB or more, and a name over 65,535 bytes, naming the key", () => {
    const huge = objectOf(1, 4 * GiB);
    expect(() => planArchive([objectOf(0, 6 * MiB), huge])).toThrow(PlanError);
    expect(() => planArchive([objectOf(0, 6 * MiB), huge])).toThrow(`cannot archive '${huge.key}' (${4 * GiB} bytes): entries of 4 GiB or more need ZIP64 local headers`);
    expect(() => planArchive([objectOf(0, U32_MAX)])).toThrow(PlanError);
    const long = "n".repeat(0x10000);
    expect(() => planArchive([{ key: `files/${long}`, name: long, size: 1 }])).toThrow(/its name is longer than ZIP's 65,535 bytes/);
  });
});
