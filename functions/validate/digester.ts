// Hashing, CRC-32 and inflating every byte is the validator's main CPU cost. WorkerDigester runs
// it on a worker thread so it overlaps with receiving and parsing on the main thread (measured
// against InlineDigester by `npm run perf -- validate`). Entry data is copied into 2 MiB batches
// whose ArrayBuffers are transferred (zero-copy) to the worker together with the entry
// boundaries, so a batch can hold many small entries, and transferred back for reuse (fewer,
// larger batches: each message costs the main thread ~70 us). At most MAX_IN_FLIGHT bytes are queued:
// memory stays bounded however fast the archive arrives.
import { Worker } from "node:worker_threads";
import { crc32 } from "node:zlib";
import { DIGEST_WORKER_SOURCE } from "./digest-worker-source";

const BATCH_BYTES = 2 << 20;
const BATCH_OPS = 4096;
const MAX_IN_FLIGHT = 8 << 20;

export interface EntryJob {
  method: 0 | 8;
  /** Declared uncompressed size: decompression past it is stopped and reported. */
  size: number;
  /** Sum the CRC-32 (false when the source object's stored CRC-32 stands in for it). */
  crc: boolean;
}

export interface EntryDigest {
  sha256: string;
  /** CRC-32 of the decompressed bytes; null when the job did not ask for it. */
  crc32: number | null;
  /** Decompressed bytes produced. */
  size: number;
  /** Compressed bytes the decompressor consumed (less than given = data after the stream end). */
  consumed: number;
  /** Why decompression failed, if it did. */
  error: string | null;
}

type WorkerMessage = { t: "ack"; n: number; b: ArrayBuffer } | ({ t: "done"; id: number } & EntryDigest) | { t: "fatal"; error: string };

export interface EntrySink {
  write(chunk: Buffer): void | Promise<void>;
  /** Ends the entry; the digest settles once the worker has seen the whole entry. */
  end(): Promise<EntryDigest>;
}

/** Where entry data goes to be inflated, hashed and CRC'd: a worker thread or the caller's. */
export interface DigestEngine {
  begin(job: EntryJob): EntrySink;
  /** Sends what is staged; call before awaiting the digests of entries already ended. */
  flush(): void;
  close(): Promise<void>;
}

export class WorkerDigester implements DigestEngine {
  private readonly worker: Worker;
  private nextId = 0;
  private readonly pending = new Map<number, { resolve: (d: EntryDigest) => void; reject: (e: Error) => void }>();
  private inFlight = 0;
  private drained: (() => void) | undefined;
  private failure: Error | undefined;
  private staging = Buffer.allocUnsafeSlow(BATCH_BYTES);
  /** Batch buffers the worker handed back: reused, so the pipeline allocates nothing per batch. */
  private readonly spare: ArrayBuffer[] = [];
  private staged = 0;
  private ops: number[] = [];
  /** Index of the length of the last op when that op is entry data (so chunks merge), else -1. */
  private dataSlot = -1;

  constructor() {
    this.worker = new Worker(DIGEST_WORKER_SOURCE, { eval: true });
    this.worker.on("message", (m: WorkerMessage) => this.onMessage(m));
    this.worker.on("error", (e) => this.crash(e));
    this.worker.on("exit", (code) => this.crash(new Error(`digest worker exited (code ${code})`)));
  }

  private onMessage(m: WorkerMessage): void {
    if (m.t === "ack") {
      this.inFlight -= m.n;
      this.spare.push(m.b);
      if (this.inFlight <= MAX_IN_FLIGHT / 2) this.wake();
    } else if (m.t === "done") {
      const { t: _t, id, ...digest } = m;
      this.pending.get(id)?.resolve(digest);
      this.pending.delete(id);
    } else {
      this.crash(new Error(`digest worker failed: ${m.error}`));
    }
  }

  private crash(error: Error): void {
    if (this.failure) return;
    this.failure = error;
    for (const { reject } of this.pending.values()) reject(error);
    this.pending.clear();
    this.wake();
  }

  private wake(): void {
    const wake = this.drained;
    this.drained = undefined;
    wake?.();
  }

  private check(): void {
    if (this.failure) throw this.failure;
  }

  begin(job: EntryJob): EntrySink {
    this.check();
    const id = this.nextId++;
    // A stored entry's CRC-32 is over the bytes passing through here: summed on this thread
    // (natively, ~0.2 s/GiB) while the worker hashes, instead of after the hash on the worker,
    // whose SHA-256 is the pipeline's slowest stage. A deflated entry's is over what the worker
    // inflates, so the worker sums it.
    const crcHere = job.crc && job.method === 0;
    let crc = 0;
    this.ops.push(0, id, job.method, job.size, job.crc && !crcHere ? 1 : 0);
    this.dataSlot = -1;
    const result = new Promise<EntryDigest>((resolve, reject) => this.pending.set(id, { resolve, reject })).then((d) =>
      crcHere ? { ...d, crc32: crc >>> 0 } : d,
    );
    // Awaited later (entries are pipelined); don't let an early crash count as unhandled.
    result.catch(() => undefined);
    return {
      write: crcHere
        ? (chunk) => {
            crc = crc32(chunk, crc);
            return this.write(chunk);
          }
        : (chunk) => this.write(chunk),
      end: () => {
        this.ops.push(2);
        this.dataSlot = -1;
        if (this.ops.length >= BATCH_OPS) this.flush();
        return result;
      },
    };
  }

  private write(chunk: Buffer): void | Promise<void> {
    this.check();
    let at = 0;
    while (at < chunk.length) {
      const take = Math.min(chunk.length - at, BATCH_BYTES - this.staged);
      chunk.copy(this.staging, this.staged, at, at + take);
      this.staged += take;
      at += take;
      if (this.dataSlot >= 0) this.ops[this.dataSlot]! += take;
      else {
        this.ops.push(1, take);
        this.dataSlot = this.ops.length - 1;
      }
      if (this.staged === BATCH_BYTES) this.flush();
    }
    if (this.inFlight > MAX_IN_FLIGHT) {
      return new Promise<void>((resolve) => {
        this.drained = resolve;
      }).then(() => this.check());
    }
  }

  flush(): void {
    if (this.ops.length === 0 || this.failure) return;
    const buffer = this.staging.buffer;
    this.worker.postMessage({ b: buffer, n: this.staged, ops: this.ops }, [buffer]);
    this.inFlight += this.staged;
    const reuse = this.spare.pop();
    this.staging = reuse ? Buffer.from(reuse) : Buffer.allocUnsafeSlow(BATCH_BYTES);
    this.staged = 0;
    this.ops = [];
    this.dataSlot = -1;
  }

  async close(): Promise<void> {
    this.worker.removeAllListeners("exit");
    await this.worker.terminate();
  }
}
