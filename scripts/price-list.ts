// Turns AWS's public price files into the rate table the harness prices runs with
// (harness/prices.generated.ts). Pure: files in, table out; scripts/generate-prices.ts does the IO.
//
// The files are the ones AWS's own pricing pages and Pricing Calculator load, published without an
// account at b0.p.awsstatic.com (see PRICE_FILES). Each "meteredUnitMap" file holds, per location
// name ("EU (Ireland)"), one entry per metered unit with a human-readable key ("Lambda Duration")
// and a `price` string in USD per unit; the locations file maps location names to region codes.
// The rateCode of each entry ("<SKU>.<offer term>.<rate code>") is the same key as in the Price
// List API's AWSLambda / AmazonS3 offer files, so the two publications agree by construction.
import { z } from "zod";

export const PRICE_FILES = {
  lambda: "https://b0.p.awsstatic.com/pricing/2.0/meteredUnitMaps/lambda/USD/current/lambda.json",
  s3: "https://b0.p.awsstatic.com/pricing/2.0/meteredUnitMaps/s3/USD/current/s3.json",
  locations: "https://b0.p.awsstatic.com/locations/1.0/aws/current/locations.json",
} as const;
export type PriceFileName = keyof typeof PRICE_FILES;

// The metered units we read. Only the FIRST duration tier ("Lambda Duration", not "... Tier2"):
// see harness/pricing.ts for why.
const LAMBDA_UNITS = {
  x86_64: "Lambda Duration",
  arm64: "Lambda Duration-ARM",
  requestX86: "Lambda Requests",
  requestArm: "Lambda Requests-ARM",
  storageX86: "Lambda Storage-Duration",
  storageArm: "Lambda Storage-Duration-ARM",
} as const;
// S3 Standard's two request tiers, priced per request in the file (the pricing page shows them
// per 1,000): tier 1 = PUT, COPY, POST, LIST; tier 2 = GET and all other requests.
const S3_UNITS = { tier1: "PUT COPY/POST or LIST requests per Requests", tier2: "GET and all other requests per Requests" } as const;

const Rate = z.object({ price: z.string().regex(/^\d+(\.\d+)?$/, "must be a decimal USD amount"), rateCode: z.string() });
const MeteredUnitMap = z.object({
  manifest: z.object({ serviceId: z.string(), hawkFilePublicationDate: z.string(), currencyCode: z.literal("USD") }),
  regions: z.record(z.string(), z.record(z.string(), Rate)),
});
const Locations = z.record(z.string(), z.object({ name: z.string(), code: z.string(), type: z.string() }));
export type MeteredUnitMap = z.infer<typeof MeteredUnitMap>;

export interface RegionRates {
  lambda: { x86_64: string; arm64: string; perRequest: string; storagePerGbSecond: string };
  s3: { tier1PerThousand: string; tier2PerThousand: string };
}

export interface PriceTable {
  sources: Record<PriceFileName, { url: string; publicationDate: string | undefined }>;
  /** region code -> rates as exact decimal strings (no binary rounding before they are written). */
  regions: Record<string, RegionRates>;
}

export class PriceFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PriceFileError";
  }
}

/**
 * The partition of a region code. Only the commercial partition ("aws") is priced: GovCloud,
 * China, the isolated and the European Sovereign Cloud partitions have their own price lists and
 * accounts. The prefixes are the region-name patterns of AWS's partitions (as in the SDKs'
 * partitions table: us-gov-*, cn-*, us-iso-*, us-isob-*, eu-isoe-*, us-isof-*, eusc-*).
 */
export function isCommercialRegion(code: string): boolean {
  return /^[a-z]{2}-[a-z]+-\d+$/.test(code) && !/^(us-gov|cn|us-iso[a-z]?|eu-isoe|eusc)-/.test(code);
}

export function parseMeteredUnitMap(file: PriceFileName, json: unknown): MeteredUnitMap {
  const parsed = MeteredUnitMap.safeParse(json);
  if (!parsed.success) throw new PriceFileError(`${file}: not a metered-unit price file: ${parsed.error.issues[0]?.message} at ${parsed.error.issues[0]?.path.join(".")}`);
  return parsed.data;
}

export function buildPriceTable(files: { lambda: unknown; s3: unknown; locations: unknown }): PriceTable {
  const lambda = parseMeteredUnitMap("lambda", files.lambda);
  const s3 = parseMeteredUnitMap("s3", files.s3);
  const locations = Locations.safeParse(files.locations);
  if (!locations.success) throw new PriceFileError(`locations: not a locations file: ${locations.error.issues[0]?.message}`);

  const regions: Record<string, RegionRates> = {};
  for (const [location, units] of Object.entries(lambda.regions)) {
    const place = locations.data[location];
    // "Any" and edge locations carry Lambda@Edge prices only; they are not regions.
    if (!place || place.type !== "AWS Region" || !isCommercialRegion(place.code)) continue;
    const code = place.code;
    const price = (map: Record<string, { price: string }> | undefined, unit: string, file: string) => {
      const found = map?.[unit]?.price;
      if (found === undefined) throw new PriceFileError(`${file}: ${location} (${code}) has no "${unit}" rate`);
      return found;
    };
    const lambdaRate = (unit: string) => normalizeDecimal(price(units, unit, "lambda"));
    const same = (a: string, b: string, what: string) => {
      // The harness prices requests and storage once per region; if AWS ever splits them by
      // architecture the table's shape must change, not silently pick one.
      if (Number(a) !== Number(b)) throw new PriceFileError(`lambda: ${location} (${code}) prices ${what} differently for x86 (${a}) and Arm (${b})`);
      return a;
    };
    const s3Units = s3.regions[location];
    regions[code] = {
      lambda: {
        x86_64: lambdaRate(LAMBDA_UNITS.x86_64),
        arm64: lambdaRate(LAMBDA_UNITS.arm64),
        perRequest: same(lambdaRate(LAMBDA_UNITS.requestX86), lambdaRate(LAMBDA_UNITS.requestArm), "requests"),
        storagePerGbSecond: same(lambdaRate(LAMBDA_UNITS.storageX86), lambdaRate(LAMBDA_UNITS.storageArm), "ephemeral storage"),
      },
      s3: {
        tier1PerThousand: perThousand(price(s3Units, S3_UNITS.tier1, "s3")),
        tier2PerThousand: perThousand(price(s3Units, S3_UNITS.tier2, "s3")),
      },
    };
  }
  if (Object.keys(regions).length === 0) throw new PriceFileError("lambda: no commercial region found (is the locations file the matching one?)");
  const sorted = Object.fromEntries(Object.entries(regions).sort(([a], [b]) => a.localeCompare(b)));
  return {
    sources: {
      lambda: { url: PRICE_FILES.lambda, publicationDate: lambda.manifest.hawkFilePublicationDate },
      s3: { url: PRICE_FILES.s3, publicationDate: s3.manifest.hawkFilePublicationDate },
      locations: { url: PRICE_FILES.locations, publicationDate: undefined },
    },
    regions: sorted,
  };
}

/** "0.0000050000" per request -> "0.005" per 1,000 requests, in decimal (no float rounding). */
export function perThousand(perUnit: string): string {
  const [whole = "0", fraction = ""] = perUnit.split(".");
  const digits = `${whole}${fraction.padEnd(3, "0")}`;
  const point = whole.length + 3;
  return normalizeDecimal(`${digits.slice(0, point)}.${digits.slice(point)}`);
}

/** Drops leading and trailing zeros: "0000.0050000" -> "0.005". */
export function normalizeDecimal(value: string): string {
  const [whole, fraction = ""] = value.split(".");
  const w = (whole ?? "").replace(/^0+(?=\d)/, "") || "0";
  const f = fraction.replace(/0+$/, "");
  return f ? `${w}.${f}` : w;
}
