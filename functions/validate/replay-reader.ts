// The entry walk's reader after a single-pass scan (single-pass.ts): serves the bytes the scan
// kept and the digests of the ranges it digested, then reads on live from where the scan stopped.
// Anything the scan did not see exactly as the walk asks for it (bytes it digested but did not
// keep, a data range delimited differently, a digest made for another declared size) throws
// ReplayMismatch: the caller then validates the archive again from scratch the classic way, so a
// replay can only ever give the verdict the classic walk gives.
import { EMPTY, type ByteReader, type EntryReader } from "./byte-reader";
import type { DigestEngine, EntryDigest, EntryJob } from "./digester";
import type { Recording } from "./recording";

export class ReplayMismatch extends Error {
  constructor(message: string) {
    super(`single-pass scan does not match the entry walk: ${message}`);
    this.name = "ReplayMismatch";
  }
}

export class ReplayReader implements EntryReader {
  position = 0;
  /** Where the last lookups ended in the recording (reads only move forward). */
  private segment = 0;
  private dataIndex = 0;

  constructor(
    private readonly rec: Recording,
    /** The scan's own reader, positioned at `rec.liveFrom`. */
    private readonly live: ByteReader,
  ) {}

  async readExact(n: number, what: string): Promise<Buffer> {
    if (n === 0) return EMPTY;
    const start = this.position;
    const { liveFrom } = this.rec;
    if (start >= liveFrom) return this.fromLive(n, what);
    const kept = this.kept(start, Math.min(start + n, liveFrom));
    this.position += kept.length;
    if (kept.length === n) return kept;
    return Buffer.concat([kept, await this.fromLive(n - kept.length, what)]);
  }

  async digestData(n: number, job: EntryJob, digester: DigestEngine, what: string): Promise<{ digest: Promise<EntryDigest> }> {
    const start = this.position;
    if (start >= this.rec.liveFrom) {
      this.expectLive();
      const result = await this.live.digestData(n, job, digester, what);
      this.position = this.live.position;
      return result;
    }
    this.dataIndex = this.rec.dataAt(start, this.dataIndex);
    const scanned = this.rec.data(this.dataIndex);
    // A digest without a CRC stands in only where the walk does not want one either.
    if (!scanned || scanned.start !== start || scanned.length !== n || scanned.job.method !== job.method || scanned.job.size !== job.size || (job.crc && !scanned.job.crc)) {
      throw new ReplayMismatch(`${what} (${n} bytes at offset ${start}) was not digested as one entry of that size`);
    }
    this.position += n;
    return { digest: scanned.digest };
  }

  close(): Promise<void> {
    return this.live.close();
  }

  private async fromLive(n: number, what: string): Promise<Buffer> {
    this.expectLive();
    const bytes = await this.live.readExact(n, what);
    this.position = this.live.position;
    return bytes;
  }

  private expectLive(): void {
    if (this.live.position !== this.position) throw new ReplayMismatch(`live reader at ${this.live.position}, walk at ${this.position}`);
  }

  /** Kept bytes [start, end): one segment must hold them all (adjacent ones were merged). */
  private kept(start: number, end: number): Buffer {
    this.segment = this.rec.segmentAfter(start, this.segment);
    const bytes = this.rec.kept(this.segment, start, end);
    if (!bytes) throw new ReplayMismatch(`bytes ${start}-${end} were digested, not kept`);
    return bytes;
  }
}
