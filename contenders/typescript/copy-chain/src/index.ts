// Lambda entry point. Region, credentials and endpoint come from the standard environment
// (AWS_REGION, AWS_ACCESS_KEY_ID, ..., AWS_ENDPOINT_URL_S3): no local-mode code here.
import { archivePrefix, type ArchiveSummary } from "./assemble";
import { parseEvent } from "./event";
import { S3Api } from "./s3/api";
import { S3Connection } from "./s3/connection";
import { RateGovernor, type GovernorOptions } from "./s3/governor";

/**
 * 64 requests in flight at most, starting at 32: ten runs at once then ask a prefix for at most
 * 640 requests at a time, and the window halves per SlowDown burst. 10 attempts with full-jitter
 * backoff from 50 ms to 5 s ride out a minute of throttling before a run gives up.
 */
export const GOVERNOR: GovernorOptions = { maxInFlight: 64, initialInFlight: 32, maxAttempts: 10, baseDelayMs: 50, maxDelayMs: 5000 };
/** Copies of ~10 MiB take S3 well under a second; 120 s is a lost connection, not a slow copy. */
const REQUEST_TIMEOUT_MS = 120_000;

// One connection per container: warm invocations reuse its keep-alive sockets.
let connection: S3Connection | undefined;

export async function handler(event: unknown): Promise<ArchiveSummary> {
  const parsed = parseEvent(event);
  connection ??= new S3Connection({ maxSockets: GOVERNOR.maxInFlight, timeoutMs: REQUEST_TIMEOUT_MS });
  // A governor per invocation: its window and counts describe this run.
  return archivePrefix(new S3Api(connection, new RateGovernor(GOVERNOR)), parsed);
}
