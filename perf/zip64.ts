// `npm run perf -- zip64 [--objects 520] [--size-mb 8.5] [--seed zip64] [--dir <tmp>]`
// A REAL ZIP64 check past 4 GiB (the unit tests only use small archives with simulated offsets):
//
//   A. the reference contender's own writer path (NativeCrcZipStream, forceZip64 from its
//      needsZip64, STORE), piped to a local file. Like the contender, it appends buffered objects
//      with entryFromChunks (native CRC, sizes in the local header) and streams large ones with
//      entry(Readable) (zip-stream's CRC, data descriptor); here every odd entry takes the
//      streamed path, so both kinds sit past 4 GiB;
//   B. Info-ZIP `zip -0 -X` of the same objects written to a temp dir (an independent writer that
//      switches to ZIP64 by itself: central entries past 4 GiB carry an offset-only ZIP64 extra).
//
// Objects come from the filler's deterministic plan (planObjects / objectContent, named by their
// sha256 like the real dataset), generated one at a time. Both archives are validated with
// validateZipFile(path, expected = planned names and sizes), each in a fresh child process so its
// time, CPU and peak RSS are the validator's alone (the file was just written, so it is read from
// the page cache: MiB/s is the validator's CPU-bound rate, not the disk's). Archive A is also
// tested by Info-ZIP `unzip -tqq`. Then, in a copy of A, faults are planted past 4 GiB and the
// validator must reject each with a precise reason; the script fails if any check does not hold.
//
// Disk: about 2 x the archive size at the peak (A + its faulty copy, then B's sources + B); the
// default 520 x 8.5 MiB (4.3 GiB) asks for 10 GiB free. Everything lives in one temp directory
// that is removed at the end, also on failure or Ctrl-C. Takes about 3 minutes on 2 cores.
//
// MEASURED (2026-11, 2 cores, ext4, 2 min 56 s in all; 520 objects, 4.317 GiB, 38 local headers
// past 4 GiB, the last at 4,625,817,893; in A 19 of those 38 are streamed entries with a data
// descriptor): both archives VALID as ZIP64, A with 24-byte central ZIP64 extras (sizes + offset),
// B with Info-ZIP's 8-byte offset-only extras; validator 500-650 MiB/s from the page cache,
// 1.8-2.0 CPU-s/GiB, peak RSS ~150 MiB (this process: ~180 MiB while writing); `unzip -t` agrees
// on A; every planted fault past 4 GiB (local CRC, local signature, descriptor CRC, ZIP64 offset
// truncated to 32 bits, ZIP64 offset + 1) rejected with a reason naming the entry. No bug found
// in the contender's writer or the validator past 4 GiB.
import { spawn } from "node:child_process";
import { once } from "node:events";
import { copyFile, mkdir, mkdtemp, open, readFile, rm, stat, writeFile, type FileHandle } from "node:fs/promises";
import { rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable, Writable } from "node:stream";
import { parseArgs } from "node:util";
import { MIB, objectContent, planObjects, sha256Hex, type ObjectPlan } from "../functions/fill-bucket/plan";
import { validateZipFile } from "../functions/validate/validate";
import { isInvalidArchive } from "../functions/validate/errors";
import type { ExpectedObject } from "../functions/validate/names";
import { NativeCrcZipStream } from "../contenders/typescript/reference/src/native-crc-zip";
import { needsZip64 } from "../contenders/typescript/reference/src/zip64";
import { runPerfChild, vmHwmMiB } from "./child";

const GIB = 1024 * MIB;
const FOUR_GIB = 2 ** 32;
const MIN_FREE_BYTES = 10 * GIB;
const ENTRY_DATE = new Date("2026-01-01T00:00:00Z");

// ---------------------------------------------------------------------------------------------
// The validation child: one validateZipFile in a fresh process, reported as one JSON line.

interface ChildReport {
  ok: boolean;
  /** The validator's reason when it rejected the archive (InvalidArchive), else undefined. */
  reason?: string;
  /** Any other error: the validator or the harness broke. */
  crash?: string;
  zip64?: boolean;
  entries?: number;
  bytes: number;
  seconds: number;
  cpuSeconds: number;
  peakRssMiB: number;
}

async function child(path: string, expectedFile: string): Promise<void> {
  const expected = JSON.parse(await readFile(expectedFile, "utf8")) as ExpectedObject[];
  const bytes = (await stat(path)).size;
  const cpu = process.cpuUsage();
  const started = performance.now();
  let report: Omit<ChildReport, "seconds" | "cpuSeconds" | "peakRssMiB" | "bytes">;
  try {
    const summary = await validateZipFile(path, expected);
    report = { ok: true, zip64: summary.zip64, entries: summary.entry_count };
  } catch (error) {
    report = isInvalidArchive(error) ? { ok: false, reason: (error as Error).message } : { ok: false, crash: String((error as Error)?.stack ?? error) };
  }
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  console.log(JSON.stringify({ ...report, bytes, seconds, cpuSeconds: (used.user + used.system) / 1e6, peakRssMiB: vmHwmMiB() } satisfies ChildReport));
}

function runChild(path: string, expectedFile: string): Promise<ChildReport> {
  return runPerfChild<ChildReport>("zip64", [path, expectedFile], "validation child");
}

// ---------------------------------------------------------------------------------------------
// An independent look at an archive's structure (not the validator's code): end records, and
// every central entry's local header offset with the ZIP64 extra resolved.

interface Layout {
  size: number;
  zip64Eocd: boolean;
  entries: number;
  cdOffset: number;
  /** Per central entry, in central directory order. */
  central: Array<{
    name: string;
    at: number;
    flags: number;
    compressedSize: number;
    localOffset: number;
    zip64ExtraAt?: number;
    zip64ExtraLength?: number;
    offsetInExtraAt?: number;
  }>;
}

async function readAt(handle: FileHandle, start: number, length: number): Promise<Buffer> {
  const out = Buffer.alloc(length);
  const { bytesRead } = await handle.read(out, 0, length, start);
  if (bytesRead !== length) throw new Error(`short read at ${start}`);
  return out;
}

async function inspect(path: string): Promise<Layout> {
  const handle = await open(path, "r");
  try {
    const size = (await handle.stat()).size;
    const tailLength = Math.min(size, 66_000);
    const tail = await readAt(handle, size - tailLength, tailLength);
    let eocd = -1;
    for (let i = tail.length - 22; i >= 0; i--) if (tail.readUInt32LE(i) === 0x06054b50) { eocd = i; break; }
    if (eocd < 0) throw new Error(`${path}: no end of central directory record`);
    let entries = tail.readUInt16LE(eocd + 10);
    let cdSize = tail.readUInt32LE(eocd + 12);
    let cdOffset = tail.readUInt32LE(eocd + 16);
    const zip64Eocd = eocd >= 20 && tail.readUInt32LE(eocd - 20) === 0x07064b50;
    if (zip64Eocd) {
      const recordOffset = Number(tail.readBigUInt64LE(eocd - 20 + 8));
      const record = await readAt(handle, recordOffset, 56);
      if (record.readUInt32LE(0) !== 0x06064b50) throw new Error(`${path}: no ZIP64 end record at ${recordOffset}`);
      entries = Number(record.readBigUInt64LE(32));
      cdSize = Number(record.readBigUInt64LE(40));
      cdOffset = Number(record.readBigUInt64LE(48));
    }
    const cd = await readAt(handle, cdOffset, cdSize);
    const central: Layout["central"] = [];
    for (let p = 0; p < cd.length; ) {
      if (cd.readUInt32LE(p) !== 0x02014b50) throw new Error(`${path}: bad central signature at ${cdOffset + p}`);
      const nameLength = cd.readUInt16LE(p + 28);
      const extraLength = cd.readUInt16LE(p + 30);
      const commentLength = cd.readUInt16LE(p + 32);
      const name = cd.toString("utf8", p + 46, p + 46 + nameLength);
      let localOffset = cd.readUInt32LE(p + 42);
      let compressedSize = cd.readUInt32LE(p + 20);
      let zip64ExtraAt: number | undefined;
      let zip64ExtraLength: number | undefined;
      let offsetInExtraAt: number | undefined;
      for (let q = p + 46 + nameLength; q + 4 <= p + 46 + nameLength + extraLength; ) {
        const id = cd.readUInt16LE(q);
        const length = cd.readUInt16LE(q + 2);
        if (id === 0x0001) {
          zip64ExtraAt = cdOffset + q;
          zip64ExtraLength = length;
          // Only the fields whose classic value is 0xFFFFFFFF appear: size, compressed size, offset.
          let field = q + 4;
          if (cd.readUInt32LE(p + 24) === 0xffffffff) field += 8;
          if (compressedSize === 0xffffffff) {
            compressedSize = Number(cd.readBigUInt64LE(field));
            field += 8;
          }
          if (localOffset === 0xffffffff) {
            offsetInExtraAt = cdOffset + field;
            localOffset = Number(cd.readBigUInt64LE(field));
          }
        }
        q += 4 + length;
      }
      central.push({ name, at: cdOffset + p, flags: cd.readUInt16LE(p + 8), compressedSize, localOffset, zip64ExtraAt, zip64ExtraLength, offsetInExtraAt });
      p += 46 + nameLength + extraLength + commentLength;
    }
    if (central.length !== entries) throw new Error(`${path}: end record says ${entries} entries, central directory has ${central.length}`);
    return { size, zip64Eocd, entries, cdOffset, central };
  } finally {
    await handle.close();
  }
}

// ---------------------------------------------------------------------------------------------
// Writers.

/** A file sink that counts what reached the disk, so the writer can wait for it (one object in memory). */
class FileSink extends Writable {
  written = 0;
  constructor(private readonly handle: FileHandle) {
    super({ highWaterMark: 4 * MIB });
  }
  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.handle.write(chunk).then(({ bytesWritten }) => {
      if (bytesWritten !== chunk.length) return callback(new Error(`short write: ${bytesWritten} of ${chunk.length}`));
      this.written += chunk.length;
      this.emit("progress");
      callback();
    }, callback);
  }
  async reach(bytes: number): Promise<void> {
    while (this.written < bytes) await once(this, "progress");
  }
}

/** Which entries of A go through zip-stream's streamed path (data descriptor), as the contender's objects above streamObjectsAboveBytes do. */
const isStreamed = (index: number) => index % 2 === 1;
/** At most this many counted bytes may still sit in NativeCrcZipStream's small-write buffer. */
const COALESCE_SLACK = 64 * 1024;

/** Archive A: the reference contender's writer path (see contenders/typescript/reference/src/archive.ts). */
async function writeWithContender(path: string, plan: ObjectPlan, names: string[]): Promise<{ zip64Forced: boolean; seconds: number }> {
  const objects = plan.sizes.map((size, i) => ({ name: names[i]!, size }));
  const zip64Forced = needsZip64(objects);
  const started = performance.now();
  const handle = await open(path, "w");
  try {
    const zip = new NativeCrcZipStream({ forceZip64: zip64Forced });
    const sink = new FileSink(handle);
    let failure: Error | undefined;
    zip.on("error", (e: Error) => (failure ??= e));
    sink.on("error", (e: Error) => (failure ??= e));
    zip.pipe(sink);
    const finished = once(sink, "finish");
    for (let i = 0; i < plan.sizes.length; i++) {
      const content = objectContent(plan, i);
      if (sha256Hex(content) !== names[i]) throw new Error(`object ${i} is not deterministic`);
      await new Promise<void>((resolve, reject) => {
        const data = { name: names[i]!, date: ENTRY_DATE, store: true };
        const done = (error: Error | null | undefined) => (error ? reject(error) : resolve());
        if (isStreamed(i)) {
          // As a GetObject body would arrive: a Readable of 1 MiB chunks (views of the one buffer).
          const chunks: Buffer[] = [];
          for (let at = 0; at < content.length; at += MIB) chunks.push(content.subarray(at, at + MIB));
          zip.entry(Readable.from(chunks), data, done);
        } else {
          zip.entryFromChunks([content], undefined, data, done);
        }
      });
      if (zip.writableNeedDrain) await once(zip as never, "drain");
      // The object is on disk before the next is generated. Small writes (headers, descriptors)
      // may wait in NativeCrcZipStream's coalescing buffer (< 64 KiB) until the next big write.
      await sink.reach(zip.getBytesWritten() - COALESCE_SLACK);
      if (failure) throw failure;
    }
    zip.finalize();
    await finished;
    if (failure) throw failure;
    if (zip.getBytesWritten() !== (await handle.stat()).size) throw new Error("archive A: zip-stream's byte count and the file size disagree");
  } finally {
    await handle.close();
  }
  return { zip64Forced, seconds: (performance.now() - started) / 1000 };
}

function run(command: string, args: string[], options: { cwd?: string; input?: string } = {}): Promise<{ seconds: number }> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const proc = spawn(command, args, { cwd: options.cwd, stdio: ["pipe", "ignore", "pipe"] });
    let err = "";
    proc.stderr.on("data", (c: Buffer) => (err += c.toString()));
    proc.on("error", reject);
    proc.on("exit", (code) =>
      code === 0 ? resolve({ seconds: (performance.now() - started) / 1000 }) : reject(new Error(`${command} ${args.join(" ")} exited with ${code}: ${err.slice(-2000)}`)),
    );
    proc.stdin.end(options.input ?? "");
  });
}

/** Archive B: Info-ZIP `zip -0` (STORE) of the objects written as files, names from stdin (flat, no directory entries). */
async function writeWithInfoZip(path: string, sourceDir: string, plan: ObjectPlan, names: string[]): Promise<{ seconds: number; zipSeconds: number }> {
  const started = performance.now();
  for (let i = 0; i < plan.sizes.length; i++) await writeFile(join(sourceDir, names[i]!), objectContent(plan, i));
  // -X: no extra file attributes (UT/ux extras), so the only extra left is Info-ZIP's own ZIP64.
  const { seconds: zipSeconds } = await run("zip", ["-0", "-X", "-q", path, "-@"], { cwd: sourceDir, input: names.join("\n") + "\n" });
  await rm(sourceDir, { recursive: true, force: true });
  return { seconds: (performance.now() - started) / 1000, zipSeconds };
}

// ---------------------------------------------------------------------------------------------

async function freeBytes(dir: string): Promise<number> {
  const out = await new Promise<string>((resolve, reject) => {
    const proc = spawn("df", ["-B1", "--output=avail", dir], { stdio: ["ignore", "pipe", "pipe"] });
    let text = "";
    proc.stdout.on("data", (c: Buffer) => (text += c.toString()));
    proc.on("error", reject);
    proc.on("exit", (code) => (code === 0 ? resolve(text) : reject(new Error(`df exited with ${code}`))));
  });
  const value = Number(out.trim().split("\n").at(-1));
  if (!Number.isFinite(value)) throw new Error(`cannot parse df output: ${out}`);
  return value;
}

const fmtGiB = (bytes: number) => `${(bytes / GIB).toFixed(3)} GiB`;

function describeLayout(layout: Layout): string {
  const offsets = layout.central.map((e) => e.localOffset);
  const largest = Math.max(...offsets);
  const past = offsets.filter((o) => o >= FOUR_GIB).length;
  const withExtra = layout.central.filter((e) => e.zip64ExtraAt !== undefined).length;
  const described = layout.central.filter((e) => e.localOffset >= FOUR_GIB && (e.flags & 0x0008) !== 0).length;
  const lengths = [...new Set(layout.central.flatMap((e) => (e.zip64ExtraLength === undefined ? [] : [e.zip64ExtraLength])))].sort((x, y) => x - y);
  return (
    `${layout.size} bytes (${fmtGiB(layout.size)}), ${layout.entries} entries; ZIP64 EOCD ${layout.zip64Eocd ? "present" : "ABSENT"}; ` +
    `largest local header offset ${largest} (${fmtGiB(largest)}); ${past} local header(s) past 4 GiB (${described} with a data descriptor); ` +
    `${withExtra} central entr${withExtra === 1 ? "y" : "ies"} with a ZIP64 extra` +
    (lengths.length > 0 ? ` (payload ${lengths.join("/")} bytes)` : "") +
    `; central directory at ${layout.cdOffset}`
  );
}

function describeValidation(report: ChildReport, rates = true): string {
  const verdict = report.ok ? `VALID (zip64 ${report.zip64}, ${report.entries} entries)` : report.reason !== undefined ? `INVALID: ${report.reason}` : `CRASH: ${report.crash}`;
  const gib = report.bytes / GIB;
  // A rejection stops early: a rate over the whole file would mean nothing.
  if (!rates) return `${verdict}\n      rejected after ${report.seconds.toFixed(1)} s, peak RSS ${report.peakRssMiB.toFixed(0)} MiB`;
  return (
    `${verdict}\n      validation ${report.seconds.toFixed(1)} s, ${(report.bytes / MIB / report.seconds).toFixed(0)} MiB/s, ` +
    `${(report.cpuSeconds / gib).toFixed(2)} CPU-s/GiB, peak RSS ${report.peakRssMiB.toFixed(0)} MiB`
  );
}

/** Replaces the byte at `at` by change(old); returns the old byte. */
async function patchByte(path: string, at: number, change: (old: number) => number): Promise<number> {
  const handle = await open(path, "r+");
  try {
    const old = (await readAt(handle, at, 1))[0]!;
    await handle.write(Buffer.from([change(old) & 0xff]), 0, 1, at);
    return old;
  } finally {
    await handle.close();
  }
}

export async function main(argv: string[]): Promise<void> {
  if (argv[0] === "--child") return child(argv[1]!, argv[2]!);
  const { values } = parseArgs({
    args: argv,
    options: {
      objects: { type: "string", default: "520" },
      "size-mb": { type: "string", default: "8.5" },
      seed: { type: "string", default: "zip64" },
      dir: { type: "string", default: tmpdir() },
    },
  });
  const plan = planObjects({ objectCount: Number(values.objects), objectSizeMb: Number(values["size-mb"]), seed: values.seed });
  const need = Math.max(MIN_FREE_BYTES, 2 * plan.totalBytes + GIB);
  const free = await freeBytes(values.dir);
  if (free < need) {
    console.error(`perf zip64: not enough free disk in ${values.dir}: ${fmtGiB(free)} available, ${fmtGiB(need)} needed (two ~${fmtGiB(plan.totalBytes)} archives at the peak). Free some space or pass --dir.`);
    process.exitCode = 1;
    return;
  }
  console.log(
    `plan: ${plan.sizes.length} objects, mean ${(plan.meanBytes / MIB).toFixed(2)} MiB (sizes ${plan.minBytes}..${plan.maxBytes} bytes), ` +
      `${plan.totalBytes} bytes (${fmtGiB(plan.totalBytes)}) of data, seed '${plan.seedText}'; ${fmtGiB(free)} free in ${values.dir}`,
  );
  if (plan.totalBytes < FOUR_GIB + plan.maxBytes) console.log("warning: the data is too small to put local headers past 4 GiB");

  const work = await mkdtemp(join(values.dir, "perf-zip64-"));
  // Ctrl-C, a kill or a stalled await (exit 13) skips `finally`: remove the 4+ GiB of temp files anyway.
  const removeWork = () => rmSync(work, { recursive: true, force: true });
  const onSignal = (signal: NodeJS.Signals) => {
    removeWork();
    console.error(`perf zip64: ${signal}: removed ${work}`);
    process.exit(130);
  };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  process.once("exit", removeWork);
  const failures: string[] = [];
  const check = (ok: boolean, what: string) => {
    if (!ok) failures.push(what);
  };
  try {
    // Names are the contents' sha256 (as in the real dataset): one object at a time.
    let started = performance.now();
    const names = plan.sizes.map((_, i) => sha256Hex(objectContent(plan, i)));
    const expected: ExpectedObject[] = names.map((name, i) => ({ name, size: plan.sizes[i]! }));
    const expectedFile = join(work, "expected.json");
    await writeFile(expectedFile, JSON.stringify(expected));
    console.log(`named ${names.length} objects (sha256 of the generated content) in ${((performance.now() - started) / 1000).toFixed(1)} s`);

    // --- A: the reference contender's writer.
    const pathA = join(work, "a-contender.zip");
    const a = await writeWithContender(pathA, plan, names);
    const layoutA = await inspect(pathA);
    console.log(
      `\nA: reference contender writer (NativeCrcZipStream, STORE, forceZip64 ${a.zip64Forced} from needsZip64), written in ${a.seconds.toFixed(1)} s ` +
        `(generating + hashing + writing; this process's peak RSS so far ${vmHwmMiB().toFixed(0)} MiB)`,
    );
    console.log(`   ${describeLayout(layoutA)}`);
    console.log(`   entries: ${plan.sizes.filter((_, i) => !isStreamed(i)).length} buffered (entryFromChunks), ${plan.sizes.filter((_, i) => isStreamed(i)).length} streamed (entry(Readable))`);
    const reportA = await runChild(pathA, expectedFile);
    console.log(`   validator: ${describeValidation(reportA)}`);
    check(reportA.ok && reportA.zip64 === true, "archive A (contender) should validate as ZIP64");
    check(layoutA.zip64Eocd, "archive A should have a ZIP64 end of central directory record");
    started = performance.now();
    const unzipA = await run("unzip", ["-tqq", pathA]).then(() => "ok", (e: Error) => `FAILED: ${e.message}`);
    console.log(`   Info-ZIP unzip -tqq: ${unzipA} (${((performance.now() - started) / 1000).toFixed(1)} s)`);
    check(unzipA === "ok", "unzip -t of archive A");

    // --- Faults past 4 GiB in a copy of A: each must be rejected, with a reason naming the entry.
    const pathBad = join(work, "a-faulty.zip");
    await copyFile(pathA, pathBad);
    await rm(pathA);
    // The last buffered entry (sizes and CRC in its local header) and the last streamed one (data
    // descriptor): both past 4 GiB.
    const last = layoutA.central.at(-1)!;
    const buffered = layoutA.central.findLast((e) => (e.flags & 0x0008) === 0)!;
    const streamed = layoutA.central.findLast((e) => (e.flags & 0x0008) !== 0);
    console.log(
      `\nfaults planted one at a time in a copy of A (each restored before the next), at the last buffered entry '${buffered.name}' ` +
        `(local header at ${buffered.localOffset}, ${fmtGiB(buffered.localOffset)}) and the last entry '${last.name}' (at ${last.localOffset}):`,
    );
    const faults: Array<{ what: string; at: number; value: (old: number) => number; expect: RegExp }> = [
      {
        what: `local header CRC-32 of the buffered entry, first byte, at offset ${buffered.localOffset + 14}`,
        at: buffered.localOffset + 14,
        value: (old) => old ^ 0xff,
        expect: new RegExp(`^central directory and local header disagree for '${buffered.name}': crc32 `),
      },
      {
        what: `local header signature of the buffered entry, at offset ${buffered.localOffset}`,
        at: buffered.localOffset,
        value: (old) => old ^ 0x01,
        expect: new RegExp(`^no local file header for '${buffered.name}' at offset ${buffered.localOffset} `),
      },
    ];
    if (streamed && streamed.localOffset >= FOUR_GIB) {
      // Signed 16-byte descriptor (sizes below 4 GiB) right after the data: signature, CRC-32, sizes.
      const handle = await open(pathBad, "r");
      const local = await readAt(handle, streamed.localOffset, 30).finally(() => handle.close());
      const descriptorAt = streamed.localOffset + 30 + local.readUInt16LE(26) + local.readUInt16LE(28) + streamed.compressedSize;
      faults.push({
        what: `data descriptor CRC-32 of the streamed entry '${streamed.name}', first byte, at offset ${descriptorAt + 4}`,
        at: descriptorAt + 4,
        value: (old) => old ^ 0xff,
        expect: new RegExp(`^data descriptor of '${streamed.name}' disagrees with the central directory: crc32 `),
      });
    } else {
      failures.push("A has no streamed entry past 4 GiB");
    }
    if (last.offsetInExtraAt !== undefined) {
      // A writer that truncated the offset to 32 bits: bit 32 of the ZIP64 extra's u64 cleared.
      faults.push({
        what: `central ZIP64 extra offset of the last entry truncated to 32 bits (byte at ${last.offsetInExtraAt + 4}: ${last.localOffset} -> ${last.localOffset - FOUR_GIB})`,
        at: last.offsetInExtraAt + 4,
        value: (old) => old & ~0x01,
        expect: new RegExp(`'${last.name}' at offset ${last.localOffset - FOUR_GIB}$|'${last.name}' \\(starts at ${last.localOffset - FOUR_GIB}\\)`),
      });
      faults.push({
        what: `central ZIP64 extra offset of the last entry + 1 (byte at ${last.offsetInExtraAt}: ${last.localOffset} -> ${last.localOffset + 1})`,
        at: last.offsetInExtraAt,
        value: (old) => (old + 1) & 0xff,
        expect: new RegExp(`^1 unaccounted byte\\(s\\) between entry '.*' \\(ends at ${last.localOffset}\\) and entry '${last.name}' \\(starts at ${last.localOffset + 1}\\)$`),
      });
    } else {
      failures.push("the last central entry of A has no ZIP64 offset");
    }
    for (const fault of faults) {
      const old = await patchByte(pathBad, fault.at, fault.value);
      const report = await runChild(pathBad, expectedFile);
      await patchByte(pathBad, fault.at, () => old);
      console.log(`   - ${fault.what}\n     validator: ${describeValidation(report, false).replace(/\n {6}/, "\n       ")}`);
      check(!report.ok && report.reason !== undefined && fault.expect.test(report.reason), `fault '${fault.what}' should be rejected with a reason matching ${fault.expect}`);
    }
    await rm(pathBad);

    // --- B: Info-ZIP.
    const pathB = join(work, "b-infozip.zip");
    const sourceDir = join(work, "src");
    await rm(sourceDir, { recursive: true, force: true });
    await mkdir(sourceDir);
    const b = await writeWithInfoZip(pathB, sourceDir, plan, names);
    const layoutB = await inspect(pathB);
    console.log(`\nB: Info-ZIP zip -0 -X (Zip 3.0), written in ${b.seconds.toFixed(1)} s (zip itself ${b.zipSeconds.toFixed(1)} s)`);
    console.log(`   ${describeLayout(layoutB)}`);
    const reportB = await runChild(pathB, expectedFile);
    console.log(`   validator: ${describeValidation(reportB)}`);
    check(reportB.ok && reportB.zip64 === true, "archive B (Info-ZIP) should validate as ZIP64");
    check(layoutB.zip64Eocd, "archive B should have a ZIP64 end of central directory record");
    await rm(pathB);
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    process.off("exit", removeWork);
    await rm(work, { recursive: true, force: true });
  }
  if (failures.length > 0) {
    console.log(`\nFAILED:\n${failures.map((f) => `  - ${f}`).join("\n")}`);
    process.exitCode = 1;
  } else {
    console.log("\nall ZIP64 checks passed (temp files removed)");
  }
}
