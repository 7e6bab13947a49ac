// The plan of one archive, made before any byte moves: entry order and offsets, and how S3 will
// assemble the bytes by copying. Pure (no I/O): tests plan archives far past 4 GiB from sizes alone.
//
// The rule that shapes everything (S3 UploadPart / UploadPartCopy): every part of a multipart
// upload but the last is at least 5 MiB. A ZIP header is ~100 bytes and a small object is under
// 5 MiB, so neither can sit in the middle of an upload: each must be the LAST part of some upload.
// The archive is therefore cut into segments, one final part each, and a segment is built by a
// short chain of two- or three-part uploads into scratch objects:
//   [what the segment holds so far, copied] [big bodies, copied]... [one small piece]
// where the small piece is header bytes (UploadPart) or a small object (UploadPartCopy). A segment
// starts at a body of 5 MiB or more, so its first upload needs nothing before it; a segment that
// must start with a small piece (the archive's first header, or a dataset with no big object)
// starts from a "base": 5 MiB or more of bytes that are not archive content, which the final
// part skips with a byte range. Big and small objects alternate so that each big body opens a
// segment that carries the next small object: ~13 requests per pair of objects.
import { localHeaderLength, tailLayout, U32_MAX } from "./zip";

export const MIN_PART_BYTES = 5 * 1024 * 1024;
export const MAX_PART_BYTES = 5 * 1024 * 1024 * 1024;
export const MAX_PARTS = 10_000;

export interface SourceObject {
  key: string;
  /** Entry name in the archive (the key without `<prefix>/`). */
  name: string;
  size: number;
}

export interface PlannedEntry {
  source: SourceObject;
  nameBytes: Buffer;
  /** Offset of its local header. */
  offset: number;
}

/** Bytes the function writes itself: local headers, and the central directory with end records. */
export type BytePiece = { kind: "header"; entry: number } | { kind: "tail" };

export type PartSource =
  /** The base: bytes that are not archive content, skipped by the segment's final part. */
  | { kind: "base" }
  /** The segment's scratch object so far (the previous upload of its chain). */
  | { kind: "previous" }
  /** A whole source object, copied by S3. */
  | { kind: "body"; entry: number }
  /** Adjacent byte pieces (a header; two headers around an empty object; the last header and the tail). */
  | { kind: "bytes"; pieces: BytePiece[]; length: number };

export interface SegmentPlan {
  /** Offset of the segment in the archive, and its length: the final part it becomes. */
  start: number;
  length: number;
  usesBase: boolean;
  /** The chain: each upload's first part is the base, the previous upload, or a big body. */
  uploads: PartSource[][];
}

export type BasePlan = { kind: "source"; entry: number; size: number } | { kind: "zeros"; size: number };

export interface ArchivePlan {
  entries: PlannedEntry[];
  tailOffset: number;
  tailLength: number;
  archiveBytes: number;
  zip64: boolean;
  /** Archives under 5 MiB are written whole by one PutObject: no segment can be built without a 5 MiB base. */
  tiny: boolean;
  base: BasePlan | undefined;
  segments: SegmentPlan[];
}

export class PlanError extends Error {
  override name = "PlanError";
}

/** Big objects each followed by an even share of the small ones, in listing order within each kind. */
export function orderEntries(objects: readonly SourceObject[]): SourceObject[] {
  const big = objects.filter((o) => o.size >= MIN_PART_BYTES);
  const small = objects.filter((o) => o.size < MIN_PART_BYTES);
  if (big.length === 0) return [...small];
  const out: SourceObject[] = [];
  let taken = 0;
  big.forEach((b, i) => {
    out.push(b);
    const upTo = Math.round(((i + 1) * small.length) / big.length);
    for (; taken < upTo; taken++) out.push(small[taken]!);
  });
  return out;
}

type Unit = { kind: "bytes"; pieces: BytePiece[]; length: number } | { kind: "copy"; entry: number; length: number; big: boolean };

export function planArchive(objects: readonly SourceObject[]): ArchivePlan {
  const ordered = orderEntries(objects);
  const entries: PlannedEntry[] = [];
  let offset = 0;
  for (const source of ordered) {
    if (source.size >= U32_MAX) throw new PlanError(`cannot archive '${source.key}' (${source.size} bytes): entries of 4 GiB or more need ZIP64 local headers, which this contender does not write`);
    const nameBytes = Buffer.from(source.name, "utf8");
    if (nameBytes.length > 0xffff) throw new PlanError(`cannot archive '${source.key}': its name is longer than ZIP's 65,535 bytes`);
    entries.push({ source, nameBytes, offset });
    offset += localHeaderLength(nameBytes.length) + source.size;
  }
  const tailOffset = offset;
  const { length: tailLength, zip64 } = tailLayout(entries.map((e) => ({ nameLength: e.nameBytes.length, offset: e.offset })), tailOffset);
  const archiveBytes = tailOffset + tailLength;
  if (archiveBytes < MIN_PART_BYTES) return { entries, tailOffset, tailLength, archiveBytes, zip64, tiny: true, base: undefined, segments: [] };

  const units = unitsOf(entries, tailLength);
  let segments = cutSegments(units);
  if (segments.length > MAX_PARTS) segments = mergeSegments(segments, Math.ceil(segments.length / MAX_PARTS));
  const base = segments.some((s) => s.usesBase) ? chooseBase(entries) : undefined;
  const baseBytes = base?.size ?? 0;
  let start = 0;
  const planned = segments.map((s) => {
    const length = s.units.reduce((n, u) => n + u.length, 0);
    if (length + (s.usesBase ? baseBytes : 0) > MAX_PART_BYTES) {
      throw new PlanError(`a segment of ${length} bytes would exceed S3's 5 GiB part limit (${entries.length} objects, ${archiveBytes} bytes): more objects than ${MAX_PARTS} segments can hold`);
    }
    const segment: SegmentPlan = { start, length, usesBase: s.usesBase, uploads: chainOf(s.units, s.usesBase) };
    start += length;
    return segment;
  });
  return { entries, tailOffset, tailLength, archiveBytes, zip64, tiny: false, base, segments: planned };
}

/** The archive as a sequence of copies and byte runs; empty objects have no body, so headers can be adjacent. */
function unitsOf(entries: readonly PlannedEntry[], tailLength: number): Unit[] {
  const units: Unit[] = [];
  const addBytes = (piece: BytePiece, length: number) => {
    const last = units.at(-1);
    if (last?.kind === "bytes") {
      last.pieces.push(piece);
      last.length += length;
    } else units.push({ kind: "bytes", pieces: [piece], length });
  };
  entries.forEach((e, i) => {
    addBytes({ kind: "header", entry: i }, localHeaderLength(e.nameBytes.length));
    if (e.source.size > 0) units.push({ kind: "copy", entry: i, length: e.source.size, big: e.source.size >= MIN_PART_BYTES });
  });
  addBytes({ kind: "tail" }, tailLength);
  return units;
}

interface DraftSegment {
  units: Unit[];
  usesBase: boolean;
}

/** A new segment starts at a big body once the current one holds 5 MiB; without big bodies, at any unit. */
function cutSegments(units: readonly Unit[]): DraftSegment[] {
  const anyBig = units.some((u) => u.kind === "copy" && u.big);
  const segments: DraftSegment[] = [];
  let current: DraftSegment | undefined;
  let held = 0;
  for (const unit of units) {
    const opensSegment = !anyBig || (unit.kind === "copy" && unit.big);
    if (!current || (held >= MIN_PART_BYTES && opensSegment)) {
      current = { units: [], usesBase: !(unit.kind === "copy" && unit.big) };
      segments.push(current);
      held = 0;
    }
    current.units.push(unit);
    held += unit.length;
  }
  return segments;
}

/** Joins every `group` consecutive segments into one (the 10,000-part limit); chains get longer, not more numerous. */
function mergeSegments(segments: readonly DraftSegment[], group: number): DraftSegment[] {
  const out: DraftSegment[] = [];
  for (let i = 0; i < segments.length; i += group) {
    const members = segments.slice(i, i + group);
    out.push({ units: members.flatMap((s) => s.units), usesBase: members[0]!.usesBase });
  }
  return out;
}

/** Uploads: copy what is held so far, then big bodies, then one small piece as the last part. */
function chainOf(units: readonly Unit[], usesBase: boolean): PartSource[][] {
  const uploads: PartSource[][] = [];
  let pending: PartSource[] = usesBase ? [{ kind: "base" }] : [];
  for (const unit of units) {
    const part: PartSource = unit.kind === "bytes" ? { kind: "bytes", pieces: unit.pieces, length: unit.length } : { kind: "body", entry: unit.entry };
    if (unit.kind === "copy" && unit.big) {
      pending.push(part);
      continue;
    }
    if (pending.length === 0) throw new PlanError("planner bug: a segment starts with a small piece but has no base");
    pending.push(part);
    uploads.push(pending);
    pending = [{ kind: "previous" }];
  }
  if (pending.length > 1) uploads.push(pending);
  return uploads;
}

/** The first 5 MiB of the smallest big source object (only ever copied, as a prefix the final part skips); else a zero-filled object. */
function chooseBase(entries: readonly PlannedEntry[]): BasePlan {
  let best: { entry: number; size: number } | undefined;
  entries.forEach((e, i) => {
    if (e.source.size >= MIN_PART_BYTES && (!best || e.source.size < best.size)) best = { entry: i, size: e.source.size };
  });
  // Only the first 5 MiB of the source serve as the base: a whole multi-GiB object would push the
  // segment past S3's 5 GiB part limit and be copied for nothing.
  return best ? { kind: "source", entry: best.entry, size: MIN_PART_BYTES } : { kind: "zeros", size: MIN_PART_BYTES };
}

/** S3 requests the plan will make, by operation, without retries (the README's request mix). */
export function plannedRequests(plan: ArchivePlan): Record<string, number> {
  // Empty objects need no stored checksum: their CRC-32 is 0.
  const heads = plan.entries.filter((e) => e.source.size > 0).length;
  if (plan.tiny) return { HeadObject: heads, GetObject: plan.entries.filter((e) => e.source.size > 0).length, PutObject: 1 };
  let uploads = 0;
  let copies = 0;
  let parts = 0;
  for (const s of plan.segments) {
    uploads += s.uploads.length;
    for (const u of s.uploads) for (const p of u) p.kind === "bytes" ? parts++ : copies++;
  }
  return {
    HeadObject: heads,
    CreateMultipartUpload: uploads + 1,
    UploadPartCopy: copies + plan.segments.length,
    UploadPart: parts,
    CompleteMultipartUpload: uploads + 1,
    ...(plan.base?.kind === "zeros" ? { PutObject: 1 } : {}),
  };
}
