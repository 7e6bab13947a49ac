// Lambda entry point. The S3 client takes region, credentials and endpoint from the standard
// environment (AWS_REGION, AWS_ENDPOINT_URL_S3, ...): no local-mode code here.
import type { S3Client } from "@aws-sdk/client-s3";
import { archivePrefix, type ArchiveSummary } from "./archive";
import { parseEvent } from "./event";
import { createS3Client } from "./s3-client";

// One client per container: warm invocations reuse its keep-alive sockets.
let client: S3Client | undefined;

export async function handler(event: unknown): Promise<ArchiveSummary> {
  const parsed = parseEvent(event);
  client ??= createS3Client();
  return archivePrefix(client, parsed);
}
