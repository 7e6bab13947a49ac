// Lambda entry point of the validator. Throws `InvalidArchive` (message = the precise reason)
// for a bad archive; any other error means the validator or the harness broke.
import { S3Client } from "@aws-sdk/client-s3";
import type { ValidateResult } from "../../harness/contracts";
import { validateArchive } from "./validate";

export { validateArchive, validateSource, validateZipFile, MAX_CENTRAL_DIRECTORY_BYTES, type ArchiveSummary } from "./validate";
export { InvalidArchiveError, INVALID_ARCHIVE, isInvalidArchive } from "./errors";
export type { ExpectedObject } from "./names";

// Created once per sandbox; reaches moto locally through AWS_ENDPOINT_URL_S3.
let client: S3Client | undefined;

export async function handler(event: unknown): Promise<ValidateResult> {
  // The validator checks every entry's CRC-32 itself; a whole-object checksum of the archive
  // would only repeat that work (and the body read stops before the central directory anyway).
  client ??= new S3Client({ responseChecksumValidation: "WHEN_REQUIRED" });
  return validateArchive(client, event);
}
