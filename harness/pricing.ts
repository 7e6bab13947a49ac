// AWS Lambda on-demand prices (USD) the scorer ranks contenders by. One entry per region.
//
// Sources, looked up on 2026-11-24:
// - https://aws.amazon.com/lambda/pricing/ : defines the model (duration billed per GB-second by
//   architecture, first tier = first 6 B GB-s/month for x86 and 7.5 B for Arm; 512 MB of
//   ephemeral storage free, only the configured part above it billed per GB-second; requests
//   $0.20 per 1M). The per-region rate tables on that page are rendered client-side, so the
//   stored copy of the page shows the model but not the numbers.
// - The numbers: AWS Pricing Calculator's metered-unit map for Lambda
//   (https://calculator.aws/pricing/2.0/meteredUnitMaps/lambda/USD/current/lambda.json), as
//   transcribed per region in remotion-dev/remotion packages/lambda/src/pricing/price-per-1-s.ts
//   (keys "Lambda Duration", "Lambda Duration-ARM", "Lambda Storage-Duration[-ARM]",
//   "Lambda Requests[-ARM]").
// - Cross-checks: the us-east-1 x86/Arm first-tier rates and the $0.0000000309 storage rate are
//   also quoted by several independent write-ups of the pricing page (e.g. cloudchipr.com's
//   "AWS Lambda Pricing" guide) and by infracost outputs; artillery's
//   lib/platform/aws-lambda/prices.js lists the same x86/Arm rates as its default for every
//   region not in its exception list (our four regions are not exceptions).
// Per-region confidence is stated on each entry below.
//
// Only the FIRST duration tier is used: tiers apply to an account's aggregate monthly usage,
// which a benchmark cannot know, and one benchmark run is far below the 6 B GB-s threshold.
// Free tier is ignored for the same reason.

import type { Architecture } from "./contracts";

export interface LambdaRates {
  /** USD per GB-second of billed duration, first tier, by architecture. */
  readonly computePerGbSecond: Readonly<Record<Architecture, number>>;
  /** USD per GB-second of ephemeral storage configured above the free 512 MB. */
  readonly storagePerGbSecond: number;
  /** USD per request (= per invocation): $0.20 per 1M requests. */
  readonly perRequest: number;
}

/** Ephemeral storage every function gets at no charge; only the configured excess is billed. */
export const FREE_EPHEMERAL_STORAGE_MB = 512;

const STANDARD_COMPUTE = { x86_64: 0.0000166667, arm64: 0.0000133334 } as const;
const PER_REQUEST = 0.0000002;

/** Regions we have confirmed rates for. Anything else is refused (see `lambdaRatesFor`). */
export const LAMBDA_RATES: Readonly<Record<string, LambdaRates>> = {
  // US East (N. Virginia): compute and storage confirmed by the calculator map and by several
  // independent quotes of the pricing page.
  "us-east-1": { computePerGbSecond: STANDARD_COMPUTE, storagePerGbSecond: 0.0000000309, perRequest: PER_REQUEST },
  // US East (Ohio): calculator map (same as us-east-1); the pricing page uses this region for its
  // first-tier examples, but its numbers are not in the stored copy: not independently confirmed.
  "us-east-2": { computePerGbSecond: STANDARD_COMPUTE, storagePerGbSecond: 0.0000000309, perRequest: PER_REQUEST },
  // US West (Oregon): calculator map only (same as us-east-1); not independently confirmed.
  "us-west-2": { computePerGbSecond: STANDARD_COMPUTE, storagePerGbSecond: 0.0000000309, perRequest: PER_REQUEST },
  // Europe (Ireland): compute from the calculator map (standard rates, also artillery's default);
  // storage $0.0000000340 from the calculator map only: not independently confirmed.
  "eu-west-1": { computePerGbSecond: STANDARD_COMPUTE, storagePerGbSecond: 0.000000034, perRequest: PER_REQUEST },
  // Europe (Frankfurt): compute from the calculator map (standard rates); storage $0.0000000367
  // from the calculator map, also seen in infracost output quoting it; region of that output
  // not stated there, so treat as calculator-map-only.
  "eu-central-1": { computePerGbSecond: STANDARD_COMPUTE, storagePerGbSecond: 0.0000000367, perRequest: PER_REQUEST },
};

export class UnknownRegionError extends Error {
  constructor(region: string) {
    super(
      `no Lambda prices for region '${region}': known regions are ${Object.keys(LAMBDA_RATES).join(", ")}; ` +
        `add the region's rates (with their source) to harness/pricing.ts`,
    );
    this.name = "UnknownRegionError";
  }
}

/**
 * The rates of `region`. An unknown region is an error, not a fallback: several regions price
 * Lambda differently (artillery's table has af-south-1, ap-east-1, eu-south-1, me-south-1 at 17-38% above
 * the standard rates), and a
 * silently wrong price would make the ranking look authoritative while being wrong. Callers that
 * deploy or start a run should call this up front (or check `isPricedRegion`) so the error shows
 * before any contender is invoked.
 */
export function lambdaRatesFor(region: string): LambdaRates {
  const rates = Object.hasOwn(LAMBDA_RATES, region) ? LAMBDA_RATES[region] : undefined;
  if (!rates) throw new UnknownRegionError(region);
  return rates;
}

export function isPricedRegion(region: string): boolean {
  return Object.hasOwn(LAMBDA_RATES, region);
}

// S3 Standard request prices, USD per 1,000 requests. Source: https://aws.amazon.com/s3/pricing/
// ("Requests & data retrievals", S3 Standard): PUT, COPY, POST, LIST requests $0.005 per 1,000;
// GET, SELECT and all other requests $0.0004 per 1,000 (us-east-1, as quoted in DESIGN.md).
// DELETE and CANCEL (AbortMultipartUpload) requests are free (same page).
const S3_REQUEST_RATES: Readonly<Record<string, { tier1PerThousand: number; tier2PerThousand: number }>> = {
  "us-east-1": { tier1PerThousand: 0.005, tier2PerThousand: 0.0004 },
};

/** S3 Standard request rates of `region`; an unknown region is refused, never guessed. */
export function s3RequestRatesFor(region: string): { tier1PerThousand: number; tier2PerThousand: number } {
  const rates = Object.hasOwn(S3_REQUEST_RATES, region) ? S3_REQUEST_RATES[region] : undefined;
  if (!rates) {
    throw new Error(`no S3 request prices for region '${region}': known regions are ${Object.keys(S3_REQUEST_RATES).join(", ")}; add them to harness/pricing.ts`);
  }
  return rates;
}
