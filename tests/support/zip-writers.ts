// Independent ZIP writers the validator must accept: zip-stream, yazl, Info-ZIP `zip` and
// Python's zipfile. Each returns the archive bytes for a list of named objects.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import ZipStream from "zip-stream";
import yazl from "yazl";

export interface NamedObject {
  name: string;
  data: Buffer;
}

export async function collect(iterable: AsyncIterable<Buffer | Uint8Array>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of iterable) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks);
}

/** zip-stream: buffers give known sizes (no descriptor); streams force data descriptors. */
export async function withZipStream(objects: NamedObject[], options: { store: boolean; asStreams: boolean; forceZip64?: boolean }): Promise<Buffer> {
  const zip = new ZipStream({ store: options.store, forceZip64: options.forceZip64 ?? false });
  const output = collect(zip);
  for (const o of objects) {
    const source = options.asStreams ? Readable.from([o.data]) : o.data;
    await new Promise<void>((resolve, reject) =>
      zip.entry(source, { name: o.name, store: options.store }, (error) => (error ? reject(error) : resolve())),
    );
  }
  zip.finalize();
  return output;
}

/** yazl: addBuffer writes sizes up front; addReadStream uses data descriptors. */
export async function withYazl(objects: NamedObject[], options: { compress: boolean; asStreams: boolean; forceZip64?: boolean }): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  const output = collect(zip.outputStream as unknown as AsyncIterable<Buffer>);
  for (const o of objects) {
    const opts = { compress: options.compress, forceZip64Format: options.forceZip64 ?? false };
    if (options.asStreams) zip.addReadStream(Readable.from([o.data]), o.name, { ...opts, size: o.data.length });
    else zip.addBuffer(o.data, o.name, opts);
  }
  zip.end();
  return output;
}

function inTempDir<T>(objects: NamedObject[], run: (dir: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), "validate-writer-"));
  try {
    for (const o of objects) writeFileSync(join(dir, o.name), o.data);
    return run(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function check(result: ReturnType<typeof spawnSync>, what: string): Buffer {
  if (result.status !== 0) throw new Error(`${what} failed (${result.status}): ${result.stderr?.toString()}`);
  return result.stdout as Buffer;
}

/** Info-ZIP `zip`. `toStdout` streams to a pipe, so it must write data descriptors. */
export function withInfoZip(objects: NamedObject[], options: { level: 0 | 9; toStdout: boolean; forceZip64?: boolean }): Buffer {
  return inTempDir(objects, (dir) => {
    const flags = ["-X", "-q", `-${options.level}`, ...(options.forceZip64 ? ["-fz"] : [])];
    const names = objects.map((o) => o.name);
    if (options.toStdout) {
      return check(spawnSync("zip", [...flags, "-", ...names], { cwd: dir, maxBuffer: 1 << 30 }), "zip");
    }
    check(spawnSync("zip", [...flags, "out.zip", ...names], { cwd: dir }), "zip");
    return check(spawnSync("cat", ["out.zip"], { cwd: dir, maxBuffer: 1 << 30 }), "cat");
  });
}

const PYTHON_WRITER = String.raw`
import io, os, sys, zipfile
method = zipfile.ZIP_DEFLATED if sys.argv[1] == "deflate" else zipfile.ZIP_STORED
force64 = sys.argv[2] == "zip64"
unseekable = sys.argv[3] == "unseekable"
names = sys.argv[4:]
class Unseekable(io.RawIOBase):
    def __init__(self, out): self.out = out
    def writable(self): return True
    def write(self, b): self.out.write(b); return len(b)
target = Unseekable(sys.stdout.buffer) if unseekable else open("out.zip", "wb")
with zipfile.ZipFile(target, "w", compression=method) as zf:
    for name in names:
        with open(name, "rb") as f: data = f.read()
        info = zipfile.ZipInfo(name, (2020, 1, 1, 0, 0, 0))
        info.compress_type = method
        with zf.open(info, "w", force_zip64=force64) as w:
            w.write(data)
if not unseekable:
    target.close()
    sys.stdout.buffer.write(open("out.zip", "rb").read())
`;

/** Python zipfile. An unseekable target makes it write data descriptors. */
export function withPython(objects: NamedObject[], options: { deflate: boolean; forceZip64: boolean; unseekable: boolean }): Buffer {
  return inTempDir(objects, (dir) =>
    check(
      spawnSync("python3", ["-c", PYTHON_WRITER, options.deflate ? "deflate" : "store", options.forceZip64 ? "zip64" : "no", options.unseekable ? "unseekable" : "seekable", ...objects.map((o) => o.name)], { cwd: dir, maxBuffer: 1 << 30 }),
      "python3 zipfile",
    ),
  );
}
