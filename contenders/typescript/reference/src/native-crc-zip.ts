// zip-stream with the CRC-32 of buffered STORE entries computed by node's native zlib.crc32.
//
// WHY: for a Buffer source, compress-commons computes the entry CRC with the pure-JS `crc-32`
// package (crc32.buf). That was the largest single CPU cost of the naive pipeline (see README:
// profile). zlib.crc32 (Node >= 20.15 / 22.2, so every Lambda nodejs22.x) does the same sum in
// native code, several times faster. Everything else (headers, ZIP64 records, central directory)
// stays zip-stream's own code.
//
// This overrides one internal method of compress-commons 7 (`_appendBuffer`), reproducing its
// STORE branch exactly: set sizes + CRC, local header (sizes known, so no data descriptor),
// the data, then `_afterAppend`. If the internals it relies on are missing (another version),
// or the runtime lacks zlib.crc32, it falls back to the library's own path: slower, still right.
import * as zlib from "node:zlib";
import ZipStream, { type ZipArchiveEntry } from "zip-stream";

const METHOD_STORED = 0;
const ZIP32_MAX = 0xffffffff;

const nativeCrc32: ((data: Uint8Array) => number) | undefined =
  typeof (zlib as { crc32?: unknown }).crc32 === "function"
    ? (zlib as unknown as { crc32: (data: Uint8Array) => number }).crc32
    : undefined;

export class NativeCrcZipStream extends ZipStream {
  private readonly fastStore: boolean;

  constructor(options: { forceZip64: boolean }) {
    super({ ...options, store: true });
    const self = this as unknown as Record<string, unknown>;
    this.fastStore =
      nativeCrc32 !== undefined &&
      typeof self._writeLocalFileHeader === "function" &&
      typeof self._afterAppend === "function";
  }

  /** True when entries take the native-CRC path (reported in the handler's summary). */
  get usesNativeCrc(): boolean {
    return this.fastStore;
  }

  protected override _appendBuffer(
    entry: ZipArchiveEntry,
    source: Buffer,
    callback: (error: Error | null, entry?: ZipArchiveEntry) => void,
  ): void {
    if (!this.fastStore || entry.getMethod() !== METHOD_STORED || nativeCrc32 === undefined) {
      super._appendBuffer(entry, source, callback);
      return;
    }
    entry.setSize(source.length);
    entry.setCompressedSize(source.length);
    entry.setCrc(nativeCrc32(source) >>> 0);
    this._writeLocalFileHeader(entry);
    this.write(source);
    this._afterAppend(entry);
    callback(null, entry);
  }

  // compress-commons adds the ZIP64 extra to a central header only when the local header offset is
  // strictly greater than 0xFFFFFFFF; an entry starting exactly at 0xFFFFFFFF would get that value
  // written literally, which readers take as "see the ZIP64 extra" that is not there. Marking that
  // one entry as ZIP64 makes the library write the extra (real sizes and offset) for it.
  protected override _writeCentralFileHeader(entry: ZipArchiveEntry): void {
    const offsets = (entry as unknown as { _offsets?: { file?: number } })._offsets;
    if (offsets?.file === ZIP32_MAX) entry.isZip64 = () => true;
    super._writeCentralFileHeader(entry);
  }
}
