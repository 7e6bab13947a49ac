// Pure: the S3 operations the local front names, which price tier each is billed at, and the price
// of a set of requests. Shared by the front (local/s3-front), the scorer and the CLI.
//
// Tiers (https://aws.amazon.com/s3/pricing/, S3 Standard "Requests & data retrievals"):
// tier 1 = PUT, COPY, POST and LIST requests; tier 2 = GET and all other requests; DELETE and
// CANCEL (abort of a multipart upload) are free. S3 bills 2xx and most 4xx answers, not 5xx
// (Amazon S3 API Reference, "Error responses": "Bucket owners aren't billed for HTTP 5XX server
// error responses, such as HTTP 503 Slow Down"), which is why usage counts unbilled requests apart.
export type S3Tier = "tier1" | "tier2" | "free";

const TIER1 = new Set([
  "PutObject",
  "CopyObject",
  "UploadPart",
  "UploadPartCopy",
  "CreateMultipartUpload",
  "CompleteMultipartUpload",
  "ListObjects",
  "ListObjectsV2",
  "ListObjectVersions",
  "ListMultipartUploads",
  "ListParts",
  "ListBuckets",
  "CreateBucket",
  "DeleteObjects", // a POST request (the objects it deletes are free, the POST is not)
]);
const FREE = new Set(["DeleteObject", "DeleteBucket", "AbortMultipartUpload"]);

export function s3Tier(operation: string): S3Tier {
  if (TIER1.has(operation)) return "tier1";
  if (FREE.has(operation)) return "free";
  if (/^(Put|Create|List)/.test(operation)) return "tier1";
  return "tier2";
}

/** USD for `requests` (billed requests by operation) at the given rates per 1,000, unrounded. */
export function s3RequestPrice(
  requests: Readonly<Record<string, number>>,
  rates: { tier1PerThousand: number; tier2PerThousand: number },
): number {
  let usd = 0;
  for (const [operation, count] of Object.entries(requests)) {
    const tier = s3Tier(operation);
    if (tier === "tier1") usd += (count * rates.tier1PerThousand) / 1000;
    else if (tier === "tier2") usd += (count * rates.tier2PerThousand) / 1000;
  }
  return usd;
}
