// The S3 client, tuned for bulk transfer. Region, credentials and endpoint come from the standard
// environment (AWS_REGION, AWS_ENDPOINT_URL_S3, ...), which the SDK reads by itself.
//
// Checksum choices (measured, README "Where the CPU goes"): every byte would otherwise be hashed
// four times on top of the ZIP's own CRC-32.
// - Uploads keep the SDK's CRC-32 (requestChecksumCalculation WHEN_SUPPORTED: S3 verifies each
//   part and stores a checksum for the archive). That CRC is native (zlib.crc32), so cheap.
// - The SigV4 SHA-256 of each part's payload is dropped (`UNSIGNED-PAYLOAD`): the CRC-32 above
//   already protects the body, which is exactly what the SDK itself does for streamed bodies
//   (STREAMING-UNSIGNED-PAYLOAD-TRAILER), and TLS protects it in transit.
// - Downloads are not re-validated by the SDK (responseChecksumValidation WHEN_REQUIRED): the
//   archive's entry CRC-32 is computed from the bytes received anyway, and the validator checks
//   each entry's SHA-256 against its name.
import { S3Client } from "@aws-sdk/client-s3";

const UNSIGNED_BODY_COMMANDS = new Set(["UploadPartCommand", "PutObjectCommand"]);

export function createS3Client(): S3Client {
  const client = new S3Client({
    requestChecksumCalculation: "WHEN_SUPPORTED",
    responseChecksumValidation: "WHEN_REQUIRED",
  });
  client.middlewareStack.add(
    (next, context) => async (args) => {
      if (UNSIGNED_BODY_COMMANDS.has(context.commandName ?? "")) {
        const request = args.request as { headers?: Record<string, string> };
        if (request.headers) request.headers["x-amz-content-sha256"] = "UNSIGNED-PAYLOAD";
      }
      return next(args);
    },
    // Before signing (finalizeRequest): the signer uses a payload hash header when one is present.
    { step: "build", name: "unsignedPayloadForChecksummedBodies" },
  );
  return client;
}
