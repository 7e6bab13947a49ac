// zip-stream with the CRC-32 of buffered STORE entries given by the caller (S3's stored CRC-32 of
// the object, see download.ts) or, when none is given, computed by node's native zlib.crc32.
//
// WHY: for a Buffer source, compress-commons computes the entry CRC with the pure-JS `crc-32`
// package (crc32.buf). That was the largest single CPU cost of the naive pipeline (see README:
// profile). A known CRC costs nothing; zlib.crc32 (Node >= 20.15 / 22.2, so every Lambda
// nodejs22.x) does the sum in native code, several times faster than the JS one. Everything else
// (headers, ZIP64 records, central directory) stays zip-stream's own code.
//
// This overrides one internal method of compress-commons 7 (`_appendBuffer`), reproducing its
// STORE branch exactly: set sizes + CRC, local header (sizes known, so no data descriptor),
// the data, then `_afterAppend`. If the internals it relies on are missing (another version),
// or the runtime lacks zlib.crc32, it falls back to the library's own path: slower, still right.
import * as zlib from "node:zlib";
import ZipStream, { type ZipArchiveEntry, type ZipEntryData } from "zip-stream";

const METHOD_STORED = 0;
// Header fields are written 2 or 4 bytes at a time (~15 writes per entry, ~20 per central
// directory record). Each write is a chunk through two streams and a reason for read() to
// concatenate, so small writes are gathered here and passed on as one chunk: per entry, the
// stream then carries one header chunk and the data itself.
const COALESCE_BELOW = 16 * 1024;
const COALESCE_FLUSH_AT = 64 * 1024;
const ZIP32_MAX = 0xffffffff;

type Crc32 = (data: Uint8Array, initial?: number) => number;
const nativeCrc32: Crc32 | undefined =
  typeof (zlib as { crc32?: unknown }).crc32 === "function" ? (zlib as unknown as { crc32: Crc32 }).crc32 : undefined;

export class NativeCrcZipStream extends ZipStream {
  private readonly fastStore: boolean;
  private pending: Buffer[] = [];
  // Chunk lists (and known CRC-32s) of entries appended with entryFromChunks, keyed by their
  // placeholder source.
  private readonly chunkLists = new WeakMap<Buffer, { chunks: readonly Buffer[]; crc32: number | undefined }>();
  private pendingBytes = 0;

  constructor(options: { forceZip64: boolean }) {
    super({ ...options, store: true });
    const self = this as unknown as Record<string, unknown>;
    this.fastStore =
      nativeCrc32 !== undefined &&
      typeof self._writeLocalFileHeader === "function" &&
      typeof self._afterAppend === "function";
  }

  /** Small writes are kept (offset already counted) until a big write, the end, or 64 KiB. */
  override write(chunk: Buffer | string, callback?: (error?: Error | null) => void): boolean {
    const data = typeof chunk === "string" ? Buffer.from(chunk) : chunk;
    if (data.length < COALESCE_BELOW && callback === undefined) {
      this.pending.push(data);
      this.pendingBytes += data.length;
      this.offset += data.length; // what ArchiveOutputStream.write would have counted
      return this.pendingBytes >= COALESCE_FLUSH_AT ? this.flushPending() : true;
    }
    this.flushPending();
    return super.write(data, callback);
  }

  override end(...args: unknown[]): this {
    this.flushPending();
    return super.end(...args);
  }

  private flushPending(): boolean {
    if (this.pendingBytes === 0 && this.pending.length === 0) return true;
    const combined = this.pending.length === 1 ? this.pending[0]! : Buffer.concat(this.pending, this.pendingBytes);
    this.pending = [];
    this.pendingBytes = 0;
    this.offset -= combined.length; // super.write counts these bytes again
    return super.write(combined);
  }

  /** True when entries take the native-CRC path (reported in the handler's summary). */
  get usesNativeCrc(): boolean {
    return this.fastStore;
  }

  /**
   * Appends a STORE entry whose data is a list of chunks, written as they are (no joining copy).
   * `crc32` is the data's CRC-32 when known (S3's stored checksum: trusted, not recomputed);
   * undefined computes it. It goes through zip-stream's own entry() (name, date, mode, state
   * checks) with an empty placeholder Buffer that `_appendBuffer` recognises and replaces.
   */
  entryFromChunks(
    chunks: readonly Buffer[],
    crc32: number | undefined,
    data: ZipEntryData,
    callback: (error: Error | null | undefined) => void,
  ): void {
    const placeholder = Buffer.alloc(0);
    this.chunkLists.set(placeholder, { chunks, crc32 });
    this.entry(placeholder, { ...data, store: true }, callback);
  }

  protected override _appendBuffer(
    entry: ZipArchiveEntry,
    source: Buffer,
    callback: (error: Error | null, entry?: ZipArchiveEntry) => void,
  ): void {
    const { chunks, crc32: known } = this.chunkLists.get(source) ?? { chunks: [source], crc32: undefined };
    this.chunkLists.delete(source);
    if (!this.fastStore || entry.getMethod() !== METHOD_STORED || nativeCrc32 === undefined) {
      super._appendBuffer(entry, chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks), callback);
      return;
    }
    let size = 0;
    for (const chunk of chunks) size += chunk.length;
    let crc = known ?? 0;
    if (known === undefined) for (const chunk of chunks) crc = nativeCrc32(chunk, crc);
    entry.setSize(size);
    entry.setCompressedSize(size);
    entry.setCrc(crc >>> 0);
    this._writeLocalFileHeader(entry); // sizes known: no data descriptor
    for (const chunk of chunks) this.write(chunk);
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
