// Deterministic zip of a packaged folder (for tests and perf; Pulumi zips `dir` itself through
// FileArchive): entries sorted, one fixed timestamp, unix modes kept so `bootstrap` stays 0755.
import { createWriteStream, readFileSync, renameSync, rmSync } from "node:fs";
import { pipeline } from "node:stream/promises";
import type { Readable } from "node:stream";
import path from "node:path";
import { isExecutable, listFiles } from "./build-output";

interface ZipStreamLike extends Readable {
  entry(source: Buffer, data: { name: string; date: Date; mode: number }, callback: (error?: Error | null) => void): void;
  finalize(): void;
}
type ZipStreamCtor = new (options?: { zlib?: { level?: number } }) => ZipStreamLike;

/** 1980-01-01 is the earliest DOS timestamp; any fixed value makes the bytes reproducible. */
const FIXED_DATE = new Date(Date.UTC(2020, 0, 1, 0, 0, 0));

/** Writes `dir` as a zip to `outFile` (atomically: temp file + rename). */
export async function zipDirectory(dir: string, outFile: string): Promise<void> {
  // zip-stream ships no types: import it through a variable so TypeScript does not demand them.
  const specifier = "zip-stream";
  const { default: ZipStream } = (await import(specifier)) as { default: ZipStreamCtor };
  const zip = new ZipStream({ zlib: { level: 9 } });
  const temp = path.join(path.dirname(outFile), `.${path.basename(outFile)}.${process.pid}.tmp`);
  const written = pipeline(zip, createWriteStream(temp));
  try {
    for (const rel of listFiles(dir)) {
      const file = path.join(dir, rel);
      const mode = isExecutable(file) ? 0o755 : 0o644;
      await new Promise<void>((resolve, reject) =>
        zip.entry(readFileSync(file), { name: rel, date: FIXED_DATE, mode }, (error) => (error ? reject(error) : resolve())),
      );
    }
    zip.finalize();
    await written;
    renameSync(temp, outFile);
  } catch (error) {
    zip.destroy();
    await written.catch(() => undefined);
    rmSync(temp, { force: true });
    throw error;
  }
}
