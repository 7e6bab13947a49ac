// Hashing, CRC-32 and inflating every byte is the validator's main CPU cost. It runs on a worker
// thread so it overlaps with receiving and parsing on the main thread (measured by
// `npm run perf -- validate`). Entry data is copied into ~1 MiB batches whose ArrayBuffers are
// transferred (zero-copy) to the worker; at most MAX_IN_FLIGHT bytes are queued, so memory stays
// bounded however fast the archive arrives.
import { Worker } from "node:worker_threads";
import { DIGEST_WORKER_SOURCE } from "./digest-worker-source";

const BATCH_BYTES = 1 << 20;
const MAX_IN_FLIGHT = 8 << 20;

export interface EntryJob {
  method: 0 | 8;
  /** Declared uncompressed size: decompression past it is stopped and reported. */
  size: number;
}

export interface EntryDigest {
  sha256: string;
  crc32: number;
  /** Decompressed bytes produced. */
  size: number;
  /** Compressed bytes the decompressor consumed (less than given = data after the stream end). */
  consumed: number;
  /** Why decompression failed, if it did. */
  error: string | null;
}

interface DoneMessage extends EntryDigest {
  t: "done";
  id: number;
}
type WorkerMessage = { t: "ack"; n: number } | DoneMessage | { t: "fatal"; error: string };

export class Digester {
  private readonly worker: Worker;
  private nextId = 0;
  private readonly pending = new Map<number, { resolve: (d: EntryDigest) => void; reject: (e: Error) => void }>();
  private inFlight = 0;
  private drained: (() => void) | undefined;
  private failure: Error | undefined;
  private staging = Buffer.allocUnsafeSlow(BATCH_BYTES);
  private staged = 0;

  constructor() {
    this.worker = new Worker(DIGEST_WORKER_SOURCE, { eval: true });
    this.worker.on("message", (m: WorkerMessage) => this.onMessage(m));
    this.worker.on("error", (e) => this.crash(e));
    this.worker.on("exit", (code) => this.crash(new Error(`digest worker exited (code ${code})`)));
  }

  private onMessage(m: WorkerMessage): void {
    if (m.t === "ack") {
      this.inFlight -= m.n;
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

  /** Starts an entry: returns where to write its stored/compressed bytes and its digest-to-be. */
  begin(job: EntryJob): { write: (chunk: Buffer) => void | Promise<void>; end: () => Promise<EntryDigest> } {
    this.check();
    const id = this.nextId++;
    this.worker.postMessage({ t: "begin", id, method: job.method, limit: job.size });
    const result = new Promise<EntryDigest>((resolve, reject) => this.pending.set(id, { resolve, reject }));
    // Awaited later (entries are pipelined); don't let an early crash count as unhandled.
    result.catch(() => undefined);
    return {
      write: (chunk) => this.write(chunk),
      end: () => {
        this.flush();
        this.worker.postMessage({ t: "end" });
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
      if (this.staged === BATCH_BYTES) this.flush();
    }
    if (this.inFlight > MAX_IN_FLIGHT) {
      return new Promise<void>((resolve) => {
        this.drained = resolve;
      }).then(() => this.check());
    }
  }

  private flush(): void {
    if (this.staged === 0) return;
    const buffer = this.staging.buffer;
    this.worker.postMessage({ t: "data", b: buffer, n: this.staged }, [buffer]);
    this.inFlight += this.staged;
    this.staging = Buffer.allocUnsafeSlow(BATCH_BYTES);
    this.staged = 0;
  }

  async close(): Promise<void> {
    this.worker.removeAllListeners("exit");
    await this.worker.terminate();
  }
}
