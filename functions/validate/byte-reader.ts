// Sequential reads over a stream of chunks: small exact reads for headers (copied only when
// they straddle chunks) and zero-copy forwarding of entry data to a sink.
import type { DigestEngine, EntryDigest, EntryJob } from "./digester";

export const EMPTY = Buffer.alloc(0);

/** What the entry walk (local-entries.ts) reads through: the archive from offset 0, in order. */
export interface EntryReader {
  /** Absolute archive offset of the next byte. */
  readonly position: number;
  readExact(n: number, what: string): Promise<Buffer>;
  /** The next `n` bytes are one entry's data: digests them as `job` (the digest settles later,
   *  hence wrapped: an async function would otherwise wait for it). */
  digestData(n: number, job: EntryJob, digester: DigestEngine, what: string): Promise<{ digest: Promise<EntryDigest> }>;
  close(): Promise<void>;
}

export class ByteReader implements EntryReader {
  private chunk: Buffer = EMPTY;
  private at = 0;
  /** Absolute archive offset of the next byte. */
  position: number;

  constructor(
    private readonly source: AsyncIterator<Buffer>,
    start: number,
    private readonly describe: string,
    /** Sees every chunk as it arrives (single-pass.ts keeps the archive's last bytes this way). */
    private readonly onChunk?: (chunk: Buffer) => void,
  ) {
    this.position = start;
  }

  private async fill(what: string): Promise<void> {
    while (this.at >= this.chunk.length) {
      const next = await this.source.next();
      // The caller only asks for bytes it knows lie before the central directory, so running
      // dry here means the byte source lied (short read), not that the archive is malformed.
      if (next.done) throw new Error(`${this.describe} ended early at offset ${this.position} while reading ${what} (short read)`);
      this.chunk = next.value;
      this.at = 0;
      this.onChunk?.(next.value);
    }
  }

  async readExact(n: number, what: string): Promise<Buffer> {
    if (n === 0) return EMPTY;
    await this.fill(what);
    if (this.chunk.length - this.at >= n) {
      const out = this.chunk.subarray(this.at, this.at + n);
      this.at += n;
      this.position += n;
      return out;
    }
    const out = Buffer.allocUnsafe(n);
    let filled = 0;
    while (filled < n) {
      await this.fill(what);
      const take = Math.min(n - filled, this.chunk.length - this.at);
      this.chunk.copy(out, filled, this.at, this.at + take);
      this.at += take;
      filled += take;
      this.position += take;
    }
    return out;
  }

  /** Hands exactly `n` bytes to `sink`, chunk by chunk, awaiting it when it asks to (backpressure). */
  async forward(n: number, sink: (chunk: Buffer) => void | Promise<void>, what: string): Promise<void> {
    let left = n;
    while (left > 0) {
      await this.fill(what);
      const take = Math.min(left, this.chunk.length - this.at);
      const piece = this.chunk.subarray(this.at, this.at + take);
      this.at += take;
      this.position += take;
      left -= take;
      const pending = sink(piece);
      if (pending) await pending;
    }
  }

  async digestData(n: number, job: EntryJob, digester: DigestEngine, what: string): Promise<{ digest: Promise<EntryDigest> }> {
    const sink = digester.begin(job);
    await this.forward(n, sink.write, what);
    return { digest: sink.end() };
  }

  /** Stops the underlying stream (e.g. after an error) so no more bytes are fetched. */
  async close(): Promise<void> {
    await this.source.return?.();
  }
}
