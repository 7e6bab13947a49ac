// The archive upload: lib-storage's `Upload` (multipart, `queueSize` parts in flight), wrapped so
// that a failure anywhere stops everything quickly and never leaves a multipart upload behind.
//
// WHY a wrapped client: lib-storage reports a failed UploadPart only after *all* its uploaders
// have drained the body, i.e. after the rest of the archive was built and uploaded for nothing,
// and it does not abort when CompleteMultipartUpload fails. The wrapper sees every command it
// sends: it learns the UploadId, reports a failed part at once (so the caller can stop the
// producer), cancels the other in-flight parts, and lets `abortLeftovers()` finish the job.
import { setMaxListeners } from "node:events";
import type { Readable } from "node:stream";
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  PutObjectCommand,
  UploadPartCommand,
  type S3Client,
} from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import { describeError } from "./errors";

export interface UploadTunables {
  partSize: number;
  queueSize: number;
}

export interface ArchiveUpload {
  /** Settles when the object exists (resolves) or the upload failed (rejects, clear message). */
  readonly done: Promise<void>;
  /** Parts uploaded so far (for the summary). */
  partsUploaded(): number;
  /** Cancels in-flight parts; the body's end/destroy drives the rest. */
  cancelInFlightParts(): void;
  /** Aborts the multipart upload if one was created and not yet aborted or completed. */
  abortLeftovers(): Promise<void>;
}

export function startArchiveUpload(
  client: S3Client,
  target: { bucket: string; key: string },
  body: Readable,
  tunables: UploadTunables,
  onFailure: (error: Error) => void,
): ArchiveUpload {
  const where = `s3://${target.bucket}/${target.key}`;
  const inFlightParts = new AbortController();
  setMaxListeners(0, inFlightParts.signal);
  let uploadId: string | undefined;
  let finished = false; // completed or aborted: nothing left to clean up
  let parts = 0;

  const describeCommand = (command: unknown): string => {
    if (command instanceof UploadPartCommand) return `upload part ${command.input.PartNumber} of ${where}`;
    if (command instanceof CreateMultipartUploadCommand) return `start the multipart upload of ${where}`;
    if (command instanceof CompleteMultipartUploadCommand) return `complete the multipart upload of ${where}`;
    if (command instanceof AbortMultipartUploadCommand) return `abort the multipart upload of ${where}`;
    if (command instanceof PutObjectCommand) return `upload ${where}`;
    return `send a request for ${where}`;
  };

  const send = async (command: Parameters<S3Client["send"]>[0], options?: { abortSignal?: AbortSignal }): Promise<unknown> => {
    const isPart = command instanceof UploadPartCommand;
    try {
      const output = await client.send(command, isPart ? { ...options, abortSignal: inFlightParts.signal } : options);
      if (command instanceof CreateMultipartUploadCommand) uploadId = (output as { UploadId?: string }).UploadId;
      if (command instanceof CompleteMultipartUploadCommand || command instanceof AbortMultipartUploadCommand) {
        finished = true;
      }
      if (isPart) parts++;
      return output;
    } catch (error) {
      // A part cancelled because of an earlier failure is not news; everything else is reported.
      if (!(isPart && inFlightParts.signal.aborted)) {
        onFailure(new Error(`failed to ${describeCommand(command)}: ${describeError(error)}`, { cause: error }));
      }
      throw error;
    }
  };
  // Same client (config, middleware, sockets), only `send` observed.
  const guarded = Object.create(client) as S3Client;
  (guarded as unknown as { send: typeof send }).send = send;

  const upload = new Upload({
    client: guarded,
    params: { Bucket: target.bucket, Key: target.key, Body: body, ContentType: "application/zip" },
    partSize: tunables.partSize,
    queueSize: tunables.queueSize,
    leavePartsOnError: false,
  });

  const done = upload.done().then(() => {
    finished = true;
  });
  done.catch(() => undefined); // observed by the caller; never an unhandled rejection

  return {
    done,
    partsUploaded: () => parts,
    cancelInFlightParts: () => inFlightParts.abort(),
    async abortLeftovers() {
      if (uploadId === undefined || finished) return;
      try {
        await client.send(new AbortMultipartUploadCommand({ Bucket: target.bucket, Key: target.key, UploadId: uploadId }));
      } catch (error) {
        if ((error as { name?: string }).name !== "NoSuchUpload") {
          throw new Error(`failed to abort the multipart upload ${uploadId} of ${where}: ${describeError(error)}`, { cause: error });
        }
      }
      finished = true;
    },
  };
}
