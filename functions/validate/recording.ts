// What a single-pass scan (single-pass.ts) saw, for the entry walk to replay (replay-reader.ts):
// the archive bytes it kept (headers, descriptors) and the byte ranges it digested. Stored in flat
// arrays and 1 MiB arenas, not an object per piece: an archive may hold hundreds of thousands of
// entries (harness/dataset-limits.ts), and per-entry objects measured ~1.8 KB each there.
import type { EntryDigest, EntryJob } from "./digester";

const ARENA_BYTES = 1 << 20;

export interface ScannedData {
  length: number;
  job: EntryJob;
  digest: Promise<EntryDigest>;
}

export class Recording {
  /** Every byte before this offset is kept or digested; the rest is unread. */
  liveFrom = 0;
  /** The archive's last bytes (as many as the TailWindow keeps), when the scan read the stream to its end. */
  tail?: Buffer;

  private readonly arenas: Buffer[] = [];
  private used = ARENA_BYTES;
  // Kept segments, in archive order; adjacent pieces are merged into one segment.
  private readonly segStart: number[] = [];
  private readonly segLength: number[] = [];
  private readonly segArena: number[] = [];
  private readonly segAt: number[] = [];
  // Digested ranges, in archive order.
  private readonly dataStart: number[] = [];
  private readonly dataLength: number[] = [];
  private readonly dataSize: number[] = [];
  /** method | (crc summed ? 0x100 : 0) */
  private readonly dataKind: number[] = [];
  private readonly digests: Promise<EntryDigest>[] = [];

  /** Keeps `bytes`, which are the archive's bytes from offset `start`. */
  keep(start: number, bytes: Buffer): void {
    if (bytes.length === 0) return;
    const last = this.segStart.length - 1;
    const merge = last >= 0 && this.segStart[last]! + this.segLength[last]! === start;
    if (merge && this.segArena[last] === this.arenas.length - 1 && this.used + bytes.length <= ARENA_BYTES) {
      bytes.copy(this.arenas.at(-1)!, this.used);
      this.used += bytes.length;
      this.segLength[last]! += bytes.length;
      return;
    }
    // A merged segment that does not fit moves, whole, to a fresh arena (segments are small:
    // a header with its name and extra field is at most ~128 KiB).
    const head = merge ? this.arenas[this.segArena[last]!]!.subarray(this.segAt[last]!, this.segAt[last]! + this.segLength[last]!) : undefined;
    const need = (head?.length ?? 0) + bytes.length;
    if (this.used + need > ARENA_BYTES) {
      this.arenas.push(Buffer.allocUnsafe(Math.max(ARENA_BYTES, need)));
      this.used = 0;
    }
    const arena = this.arenas.length - 1;
    const at = this.used;
    if (head) head.copy(this.arenas[arena]!, at);
    bytes.copy(this.arenas[arena]!, at + (head?.length ?? 0));
    this.used += need;
    if (merge) {
      this.segLength[last] = need;
      this.segArena[last] = arena;
      this.segAt[last] = at;
    } else {
      this.segStart.push(start);
      this.segLength.push(bytes.length);
      this.segArena.push(arena);
      this.segAt.push(at);
    }
  }

  addData(start: number, length: number, job: EntryJob, digest: Promise<EntryDigest>): void {
    this.dataStart.push(start);
    this.dataLength.push(length);
    this.dataSize.push(job.size);
    this.dataKind.push(job.method | (job.crc ? 0x100 : 0));
    this.digests.push(digest);
  }

  /** Index of the first segment that ends after `offset`, searching from `from` (reads move forward). */
  segmentAfter(offset: number, from: number): number {
    let i = from;
    while (i < this.segStart.length && this.segStart[i]! + this.segLength[i]! <= offset) i++;
    return i;
  }

  /** Kept bytes [start, end) from segment `i`, or undefined when it does not hold them all. */
  kept(i: number, start: number, end: number): Buffer | undefined {
    if (i >= this.segStart.length || this.segStart[i]! > start || this.segStart[i]! + this.segLength[i]! < end) return undefined;
    const at = this.segAt[i]! + start - this.segStart[i]!;
    return this.arenas[this.segArena[i]!]!.subarray(at, at + end - start);
  }

  /** Index of the first digested range starting at or after `offset`, searching from `from`. */
  dataAt(offset: number, from: number): number {
    let i = from;
    while (i < this.dataStart.length && this.dataStart[i]! < offset) i++;
    return i;
  }

  data(i: number): (ScannedData & { start: number }) | undefined {
    if (i >= this.dataStart.length) return undefined;
    const kind = this.dataKind[i]!;
    const job: EntryJob = { method: (kind & 0xff) as 0 | 8, size: this.dataSize[i]!, crc: (kind & 0x100) !== 0 };
    return { start: this.dataStart[i]!, length: this.dataLength[i]!, job, digest: this.digests[i]! };
  }
}
