// The default digest engine: the same per-entry work as the worker (digest-worker-source.ts; keep
// the two in step), run on the calling thread with no copies. Less total CPU and memory than the
// worker; the worker can overlap hashing with receiving when a spare core exists.
// `npm run perf -- validate` measures both; see DIGEST_MODES in validate.ts.
import { createHash } from "node:crypto";
import { crc32, createInflateRaw } from "node:zlib";
import type { DigestEngine, EntryDigest, EntryJob, EntrySink } from "./digester";

export class InlineDigester implements DigestEngine {
  begin(job: EntryJob): EntrySink {
    const hash = createHash("sha256");
    let crc = 0;
    let size = 0;
    let given = 0;
    let error: string | null = null;
    const inflate = job.method === 8 ? createInflateRaw() : undefined;
    const fail = (message: string) => {
      error ??= message;
      if (inflate && !inflate.destroyed) inflate.destroy();
    };
    // Decompressed bytes; never more than declared, so a deflate bomb costs at most that much work.
    const take = (chunk: Buffer) => {
      if (error) return;
      if (size + chunk.length > job.size) return fail(`decompresses to more than the ${job.size} bytes the central directory declares`);
      size += chunk.length;
      hash.update(chunk);
      if (job.crc) crc = crc32(chunk, crc);
    };
    const digest = (consumed: number): EntryDigest => ({ sha256: hash.digest("hex"), crc32: job.crc ? crc >>> 0 : null, size, consumed, error });
    if (!inflate) {
      return {
        write: (chunk) => {
          given += chunk.length;
          take(chunk);
        },
        end: async () => digest(given),
      };
    }
    inflate.on("data", take);
    const finished = new Promise<void>((resolve) => {
      inflate.once("end", resolve);
      inflate.once("close", resolve);
      inflate.once("error", (e) => {
        fail(`has corrupt deflate data (${e.message})`);
        resolve();
      });
    });
    return {
      write: (chunk) => {
        given += chunk.length;
        if (error) return;
        // A write whose stream already failed never calls back: race it with the failure.
        return Promise.race([new Promise<void>((resolve) => inflate.write(chunk, () => resolve())), finished]);
      },
      end: async () => {
        if (!inflate.destroyed) inflate.end();
        await finished;
        return digest(error ? given : inflate.bytesWritten);
      },
    };
  }

  flush(): void {}

  async close(): Promise<void> {}
}
