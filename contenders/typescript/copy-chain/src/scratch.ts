// This run's temporary objects: all under `<scratch_prefix>/<run id>/` (ten runs at once share
// the scratch prefix, so each takes its own sub-prefix), deleted in batches of 200 as soon as a
// chain no longer needs them, and everything left deleted before the handler returns, also when
// it fails. Uploads still open at a failure are aborted. Whatever a crash leaves (the function
// killed mid-run, an upload whose CreateMultipartUpload answer was lost) is the bucket lifecycle
// rule's to expire.
import { randomUUID } from "node:crypto";
import type { S3Api } from "./s3/api";

/** 200 keys a DeleteObjects: ~23 requests a run at 3,000 objects, and at most ~2 GB of finished scratch held at once. */
const DELETE_BATCH = 200;

export interface ScratchStats {
  /** Scratch objects completed, and their bytes (what S3 stored for this run, transiently). */
  objects: number;
  bytes: number;
  /** Most bytes held at once. */
  peakBytes: number;
  /** Left behind after cleanup (0 unless a delete failed). */
  leftObjects: number;
}

export class Scratch {
  readonly prefix: string;
  private readonly held = new Map<string, number>();
  private readonly releasable: string[] = [];
  private readonly open = new Map<string, string>();
  private heldBytes = 0;
  private flushing: Promise<void> = Promise.resolve();
  readonly stats: ScratchStats = { objects: 0, bytes: 0, peakBytes: 0, leftObjects: 0 };

  constructor(
    private readonly s3: S3Api,
    private readonly bucket: string,
    scratchPrefix: string,
  ) {
    this.prefix = `${scratchPrefix}/${randomUUID()}`;
  }

  key(name: string): string {
    return `${this.prefix}/${name}`;
  }

  opened(key: string, uploadId: string): void {
    this.open.set(key, uploadId);
  }

  /** The upload of `key` completed: the object exists and must be deleted before the run ends. */
  completed(key: string, bytes: number): void {
    this.open.delete(key);
    this.held.set(key, bytes);
    this.heldBytes += bytes;
    this.stats.objects++;
    this.stats.bytes += bytes;
    this.stats.peakBytes = Math.max(this.stats.peakBytes, this.heldBytes);
  }

  /** `key` is no longer needed; deleted with the next full batch. */
  release(key: string): void {
    this.releasable.push(key);
    if (this.releasable.length >= DELETE_BATCH) this.flushing = this.flushing.then(() => this.deleteBatch(this.releasable.splice(0, DELETE_BATCH)));
  }

  private async deleteBatch(keys: string[]): Promise<void> {
    if (!keys.length) return;
    await this.s3.deleteObjects(this.bucket, keys);
    for (const key of keys) {
      this.heldBytes -= this.held.get(key) ?? 0;
      this.held.delete(key);
    }
  }

  /** Aborts open uploads and deletes every object still held. Throws the first failure after trying all. */
  async cleanup(): Promise<void> {
    const failures: unknown[] = [];
    await this.flushing.catch((e: unknown) => failures.push(e));
    await Promise.all([...this.open].map(([key, id]) => this.s3.abort(this.bucket, key, id).catch((e: unknown) => failures.push(e))));
    const keys = [...this.held.keys()];
    this.releasable.length = 0;
    for (let i = 0; i < keys.length; i += DELETE_BATCH) await this.deleteBatch(keys.slice(i, i + DELETE_BATCH)).catch((e: unknown) => failures.push(e));
    this.stats.leftObjects = this.held.size;
    if (failures.length) throw failures[0];
  }
}
