// Lambda entry point of the validator. Throws `InvalidArchive` (message = the precise reason)
// for a bad archive; any other error means the validator or the harness broke.
//
// DESIGN (validate.ts): list the source prefix; HEAD the archive; read a 1 MiB tail (end records
// + central directory, capped at 64 MiB); check names/sizes against the listing; then ONE plain
// sequential GET of the body (requested before the tail read, so the two overlap) parsed as it
// streams: each local header is cross-checked with its central entry, data is inflated and
// sha256'd and CRC'd chunk by chunk (optionally the CRC is taken from the source objects' stored
// CRC32s instead, stored-checksums.ts: off, it measured slower), descriptors checked,
// gaps/overlaps detected. Memory does not grow with the archive: no declared size is used to
// allocate.
// Why not parallel ranged GETs: entry hashes are sequential anyway, ranges would need reordering
// buffers, and moto (the local S3) copies the whole object for every ranged GET.
// MEASURED with `npm run perf -- validate --rounds 3` (1000 MiB STORE archive, 200 entries, moto
// on the same 2-core machine, 2026-12-02, load average 22-28 from other sessions): validator
// 2.04-3.21 CPU-s/GiB (median 2.14) vs raw SDK GET 1.29-2.23 in the same rounds; throughput ratio
// 0.25-0.81 (median 0.51), peak RSS 142-159 MiB. Under CPU contention the ratio tracks the CPU
// ratio, so the 0.8 target was not reached here. With the sources' stored CRC32s (opt-in, see
// validate.ts) the validator used 3.9-4.6 CPU-s/GiB: the HEADs cost more than the CRCs they save.
// The worker-thread digest (options.digest = "worker") was slower and used more CPU and memory.
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
