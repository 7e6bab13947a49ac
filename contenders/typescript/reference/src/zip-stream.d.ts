// zip-stream 7 ships no types. Only what this contender uses, plus the compress-commons internals
// that `native-crc-zip.ts` overrides (pinned: zip-stream 7.0.5 on compress-commons 7.0.x).
// Ambient declarations are project-wide: this is the project's only declaration of the module,
// so it also covers what the tests use (e.g. async iteration).
declare module "zip-stream" {
  import type { Readable } from "node:stream";

  export interface ZipEntryData {
    name: string;
    date?: Date;
    store?: boolean;
    mode?: number;
  }

  /** compress-commons' ZipArchiveEntry: only the setters the STORE fast path needs. */
  export interface ZipArchiveEntry {
    getMethod(): number;
    setSize(size: number): void;
    setCompressedSize(size: number): void;
    setCrc(crc: number): void;
    isZip64(): boolean;
  }

  /** A readable-stream v4 Transform: not a node `Readable`, but pipe()-compatible with one. */
  export default class ZipStream implements AsyncIterable<Buffer> {
    constructor(options?: { forceZip64?: boolean; store?: boolean; comment?: string });
    entry(
      source: Buffer | Readable,
      data: ZipEntryData,
      callback: (error: Error | null | undefined, entry?: ZipArchiveEntry) => void,
    ): this | undefined;
    finalize(): void;
    pipe<T extends NodeJS.WritableStream>(destination: T, options?: { end?: boolean }): T;
    destroy(error?: Error): this;
    on(event: string, listener: (...args: any[]) => void): this;
    once(event: string, listener: (...args: any[]) => void): this;
    off(event: string, listener: (...args: any[]) => void): this;
    write(chunk: Buffer | string, callback?: (error?: Error | null) => void): boolean;
    end(...args: unknown[]): this;
    /** Archive offset of the next byte (ArchiveOutputStream keeps it in write()). */
    offset: number;
    readonly writableLength: number;
    readonly writableNeedDrain: boolean;
    readonly destroyed: boolean;
    /** Bytes written so far: the archive offset of the next byte. */
    getBytesWritten(): number;
    isZip64(): boolean;
    [Symbol.asyncIterator](): AsyncIterator<Buffer>;

    protected _appendBuffer(entry: ZipArchiveEntry, source: Buffer, callback: (error: Error | null, entry?: ZipArchiveEntry) => void): void;
    protected _writeLocalFileHeader(entry: ZipArchiveEntry): void;
    protected _afterAppend(entry: ZipArchiveEntry): void;
    protected _writeCentralFileHeader(entry: ZipArchiveEntry): void;
  }
}
