// AWS Lambda and S3 Standard request prices (USD) the scorer and the forecast price runs with,
// for every commercial region where Lambda runs.
//
// The numbers are not typed here: harness/prices.generated.ts is generated from AWS's public
// price files by `npm run prices:generate` (scripts/generate-prices.ts; its header names the files
// and their publication dates). This module gives them their shapes and refuses unknown regions.
// The model the rates plug into (https://aws.amazon.com/lambda/pricing/): duration billed per
// GB-second by architecture; 512 MB of ephemeral storage free, only the configured part above it
// billed per GB-second; one request charge per invocation.
//
// Only the FIRST duration tier is used: tiers apply to an account's aggregate monthly usage,
// which a benchmark cannot know, and one benchmark run is far below the 6 B GB-s threshold.
// Free tier is ignored for the same reason.

import type { Architecture } from "./contracts";
import { PRICE_SOURCES, REGION_RATES } from "./prices.generated";

export { PRICE_SOURCES };

export interface LambdaRates {
  /** USD per GB-second of billed duration, first tier, by architecture. */
  readonly computePerGbSecond: Readonly<Record<Architecture, number>>;
  /** USD per GB-second of ephemeral storage configured above the free 512 MB. */
  readonly storagePerGbSecond: number;
  /** USD per request (= per invocation). */
  readonly perRequest: number;
}

export interface S3RequestRates {
  /** USD per 1,000 PUT, COPY, POST or LIST requests (S3 Standard). */
  readonly tier1PerThousand: number;
  /** USD per 1,000 GET and all other requests (S3 Standard). */
  readonly tier2PerThousand: number;
}

/** Ephemeral storage every function gets at no charge; only the configured excess is billed. */
export const FREE_EPHEMERAL_STORAGE_MB = 512;

type PricedRegion = keyof typeof REGION_RATES;

/** Every priced region's Lambda rates. Anything else is refused (see `lambdaRatesFor`). */
export const LAMBDA_RATES: Readonly<Record<string, LambdaRates>> = Object.fromEntries(
  Object.entries(REGION_RATES).map(([region, { lambda }]) => [
    region,
    {
      computePerGbSecond: { x86_64: lambda.x86_64, arm64: lambda.arm64 },
      storagePerGbSecond: lambda.storagePerGbSecond,
      perRequest: lambda.perRequest,
    },
  ]),
);

export class UnknownRegionError extends Error {
  constructor(region: string) {
    super(
      `no Lambda prices for region '${region}': priced regions are the commercial regions where Lambda runs ` +
        `(${Object.keys(REGION_RATES).join(", ")}); a new region needs \`npm run prices:generate\` (harness/prices.generated.ts)`,
    );
    this.name = "UnknownRegionError";
  }
}

export function isPricedRegion(region: string): region is PricedRegion {
  return Object.hasOwn(REGION_RATES, region);
}

/**
 * The rates of `region`. An unknown region is an error, not a fallback: regions price Lambda
 * differently (af-south-1, ap-east-1, eu-south-1, me-south-1 are 17-38% above us-east-1), and a
 * silently wrong price would make the ranking look authoritative while being wrong. `pulumi up`
 * and `bench aws` call this up front, so the error shows before anything is deployed or run.
 */
export function lambdaRatesFor(region: string): LambdaRates {
  if (!isPricedRegion(region)) throw new UnknownRegionError(region);
  return LAMBDA_RATES[region]!;
}

/** S3 Standard request prices of `region`; unknown regions throw UnknownRegionError. */
export function s3RequestRatesFor(region: string): S3RequestRates {
  if (!isPricedRegion(region)) throw new UnknownRegionError(region);
  return REGION_RATES[region].s3;
}
