// Minimal typings for zip-stream 7 (ESM-only, ships none): only what tests and perf use.
declare module "zip-stream" {
  export interface ZipStreamOptions {
    store?: boolean;
    forceZip64?: boolean;
    zlib?: { level?: number };
    comment?: string;
  }
  export interface ZipStreamEntryData {
    name: string;
    store?: boolean;
    date?: Date;
  }
  export default class ZipStream implements AsyncIterable<Buffer> {
    constructor(options?: ZipStreamOptions);
    entry(source: Buffer | NodeJS.ReadableStream | string, data: ZipStreamEntryData, callback: (error?: Error | null) => void): this;
    finalize(): void;
    on(event: string, listener: (...args: any[]) => void): this;
    pipe<T extends NodeJS.WritableStream>(destination: T): T;
    [Symbol.asyncIterator](): AsyncIterator<Buffer>;
  }
}
