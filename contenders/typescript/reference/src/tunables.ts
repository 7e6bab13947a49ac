// Every knob of the pipeline, with the value measured best (README: "Tunables").
export interface Tunables {
  /** GetObject requests in flight. */
  downloadConcurrency: number;
  /** Bytes of objects downloaded ahead of the zip writer (in flight or waiting). */
  prefetchBytes: number;
  /** Objects larger than this are streamed into the zip instead of being buffered whole. */
  streamObjectsAboveBytes: number;
  /** Multipart part size (S3 minimum 5 MiB except the last part). */
  partSize: number;
  /** Parts uploaded concurrently by lib-storage. */
  queueSize: number;
  /** Chunks (socket-sized, ~16-64 KiB, or a header group) buffered between zip-stream and Upload. */
  bodyBufferedChunks: number;
  /** Write ZIP64 end records even for a small archive (tests; large ones get them automatically). */
  forceZip64: boolean;
}

const MiB = 1024 * 1024;

export const DEFAULT_TUNABLES: Tunables = {
  downloadConcurrency: 8,
  prefetchBytes: 64 * MiB,
  streamObjectsAboveBytes: 32 * MiB,
  partSize: 8 * MiB,
  queueSize: 4,
  bodyBufferedChunks: 32,
  forceZip64: false,
};
