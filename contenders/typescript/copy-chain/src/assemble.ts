// One run: list -> plan -> stored CRC32s (HEAD) -> segments built by chains of scratch uploads,
// each copied into its part of the archive's multipart upload as soon as it is done -> complete.
// The function itself sends only ZIP headers, the central directory and end records (and, for a
// dataset with no object of 5 MiB, one 5 MiB base): S3 copies every byte of every object.
import type { ArchiveEvent } from "./event";
import { planArchive, plannedRequests, type ArchivePlan, type PartSource, type PlannedEntry, type SegmentPlan } from "./plan";
import type { CompletedPart, S3Api } from "./s3/api";
import { Scratch, type ScratchStats } from "./scratch";
import { archiveTail, localHeader } from "./zip";

export interface ArchiveSummary {
  archive_key: string;
  entries: number;
  source_bytes: number;
  archive_bytes: number;
  zip64: boolean;
  /** Parts of the archive's multipart upload (one per segment); 0 when written by one PutObject. */
  segments: number;
  /** Bytes this function sent in request bodies (headers, directory, base). */
  bytes_sent: number;
  requests: number;
  planned_requests: Record<string, number>;
  throttled: number;
  retried: number;
  scratch: ScratchStats;
}

export class ArchiveError extends Error {
  override name = "ArchiveError";
}

export interface Tunables {
  /** Segments built at once (each is a chain of dependent uploads). */
  segmentConcurrency: number;
}

export const DEFAULT_TUNABLES: Tunables = { segmentConcurrency: 48 };

const ZIP_TYPE = "application/zip";
const SCRATCH_TYPE = "application/octet-stream";

async function forEachLimit<T>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  let failed = false;
  const worker = async () => {
    while (!failed && next < items.length) {
      const i = next++;
      try {
        await fn(items[i]!, i);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };
  // Every worker ends before this returns, also after a failure: the caller's cleanup must not
  // race chains that are still creating scratch objects.
  const settled = await Promise.allSettled(Array.from({ length: Math.min(limit, items.length) }, worker));
  const failure = settled.find((r): r is PromiseRejectedResult => r.status === "rejected");
  if (failure) throw failure.reason;
}

export async function archivePrefix(s3: S3Api, event: ArchiveEvent, tunables: Tunables = DEFAULT_TUNABLES): Promise<ArchiveSummary> {
  const { bucket_name: bucket, files_prefix: prefix, archive_key: archiveKey } = event;
  const listed = await s3.list(bucket, `${prefix}/`);
  const objects = listed
    .filter((o) => o.key !== `${prefix}/`)
    .map((o) => {
      const name = o.key.slice(prefix.length + 1);
      if (name.includes("/")) throw new ArchiveError(`cannot archive nested key '${o.key}': the archive is flat (one entry per object under '${prefix}/')`);
      return { key: o.key, name, size: o.size };
    });
  const plan = planArchive(objects);
  const crcs = await Promise.all(plan.entries.map((e) => (e.source.size === 0 ? Promise.resolve(0) : s3.storedCrc32(bucket, e.source.key))));
  const zipEntries = plan.entries.map((e, i) => ({ nameBytes: e.nameBytes, size: e.source.size, crc32: crcs[i]!, offset: e.offset }));
  const tail = archiveTail(zipEntries, plan.tailOffset);
  if (tail.length !== plan.tailLength) throw new Error(`planner bug: central directory is ${tail.length} bytes, planned ${plan.tailLength}`);
  const header = (i: number) => localHeader(zipEntries[i]!);
  const render = (part: Extract<PartSource, { kind: "bytes" }>) => Buffer.concat(part.pieces.map((p) => (p.kind === "tail" ? tail : header(p.entry))));

  const scratch = new Scratch(s3, bucket, event.scratch_prefix);
  const sent = { bytes: 0 };
  try {
    if (plan.tiny) await writeWhole(s3, bucket, archiveKey, plan, header, tail, sent);
    else await writeByCopy(s3, { bucket, archiveKey, plan, scratch, render, sent, tunables });
  } finally {
    await scratch.cleanup();
  }
  const stats = s3.governor.stats;
  return {
    archive_key: archiveKey,
    entries: plan.entries.length,
    source_bytes: plan.entries.reduce((n, e) => n + e.source.size, 0),
    archive_bytes: plan.archiveBytes,
    zip64: plan.zip64,
    segments: plan.segments.length,
    bytes_sent: sent.bytes,
    requests: stats.requests,
    planned_requests: plannedRequests(plan),
    throttled: stats.throttled,
    retried: stats.retried,
    scratch: scratch.stats,
  };
}

/** Under 5 MiB no part can be copied into a multipart upload but the last: read it all, write it once. */
async function writeWhole(s3: S3Api, bucket: string, key: string, plan: ArchivePlan, header: (i: number) => Buffer, tail: Buffer, sent: { bytes: number }): Promise<void> {
  const bodies = await Promise.all(plan.entries.map((e) => (e.source.size === 0 ? Buffer.alloc(0) : s3.getObject(bucket, e.source.key))));
  const archive = Buffer.concat([...plan.entries.flatMap((_, i) => [header(i), bodies[i]!]), tail]);
  if (archive.length !== plan.archiveBytes) throw new ArchiveError(`sources changed while archiving: read ${archive.length} bytes, planned ${plan.archiveBytes}`);
  sent.bytes += archive.length;
  await s3.putObject(bucket, key, archive, ZIP_TYPE);
}

interface CopyRun {
  bucket: string;
  archiveKey: string;
  plan: ArchivePlan;
  scratch: Scratch;
  render: (part: Extract<PartSource, { kind: "bytes" }>) => Buffer;
  sent: { bytes: number };
  tunables: Tunables;
}

async function writeByCopy(s3: S3Api, run: CopyRun): Promise<void> {
  const { bucket, archiveKey, plan, scratch } = run;
  const base = plan.base && (await baseObject(s3, run));
  const uploadId = await s3.createUpload(bucket, archiveKey, ZIP_TYPE);
  try {
    const parts: CompletedPart[] = new Array(plan.segments.length);
    await forEachLimit(plan.segments, run.tunables.segmentConcurrency, async (segment, i) => {
      const built = await buildSegment(s3, run, segment, i, base);
      parts[i] = await s3.uploadPartCopy(bucket, archiveKey, uploadId, i + 1, built.key, { first: built.skip, last: built.skip + segment.length - 1 });
      if (built.scratch) scratch.release(built.key);
    });
    await s3.complete(bucket, archiveKey, uploadId, parts, plan.archiveBytes);
  } catch (error) {
    await s3.abort(bucket, archiveKey, uploadId).catch(() => undefined);
    throw error;
  }
}

/** The base's key and size: the smallest big source object, or a 5 MiB zero-filled scratch object. */
async function baseObject(s3: S3Api, run: CopyRun): Promise<{ key: string; size: number }> {
  const base = run.plan.base!;
  if (base.kind === "source") return { key: run.plan.entries[base.entry]!.source.key, size: base.size };
  const key = run.scratch.key("base");
  run.sent.bytes += base.size;
  await s3.putObject(run.bucket, key, Buffer.alloc(base.size), SCRATCH_TYPE);
  run.scratch.completed(key, base.size);
  return { key, size: base.size };
}

/** Runs a segment's chain; returns the object holding it and how many leading bytes to skip. */
async function buildSegment(s3: S3Api, run: CopyRun, segment: SegmentPlan, index: number, base: { key: string; size: number } | undefined): Promise<{ key: string; skip: number; scratch: boolean }> {
  const { bucket, plan, scratch } = run;
  let previous: { key: string; size: number } | undefined;
  for (const [step, upload] of segment.uploads.entries()) {
    const key = scratch.key(`${index}/${step}`);
    const id = await s3.createUpload(bucket, key, SCRATCH_TYPE);
    scratch.opened(key, id);
    let size = 0;
    const parts = await Promise.all(
      upload.map((part, p) => {
        const source = sourceOf(part, plan.entries, base, previous);
        if (source) {
          size += source.size;
          // A source object used as the base: only its first 5 MiB (the base's planned size).
          const range = part.kind === "base" && plan.base?.kind === "source" ? { first: 0, last: source.size - 1 } : undefined;
          return s3.uploadPartCopy(bucket, key, id, p + 1, source.key, range);
        }
        const bytes = run.render(part as Extract<PartSource, { kind: "bytes" }>);
        size += bytes.length;
        run.sent.bytes += bytes.length;
        return s3.uploadPart(bucket, key, id, p + 1, bytes);
      }),
    );
    await s3.complete(bucket, key, id, parts, size);
    scratch.completed(key, size);
    if (previous) scratch.release(previous.key);
    previous = { key, size };
  }
  if (!previous) throw new Error(`planner bug: segment ${index} has no upload`);
  const skip = segment.usesBase ? base!.size : 0;
  if (previous.size - skip !== segment.length) throw new Error(`planner bug: segment ${index} holds ${previous.size - skip} bytes, planned ${segment.length}`);
  return { key: previous.key, skip, scratch: true };
}

function sourceOf(part: PartSource, entries: readonly PlannedEntry[], base: { key: string; size: number } | undefined, previous: { key: string; size: number } | undefined): { key: string; size: number } | undefined {
  switch (part.kind) {
    case "base":
      return base;
    case "previous":
      return previous;
    case "body":
      return { key: entries[part.entry]!.source.key, size: entries[part.entry]!.source.size };
    case "bytes":
      return undefined;
  }
}
