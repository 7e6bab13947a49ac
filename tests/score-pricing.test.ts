// The price table: every commercial region where Lambda runs, generated from AWS's public price
// files (scripts/price-list.ts), with the us-east-1 numbers DESIGN.md publishes.
import { spawnSync } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { LAMBDA_RATES, PRICE_SOURCES, UnknownRegionError, isPricedRegion, lambdaRatesFor, s3RequestRatesFor } from "../harness/pricing";
import { renderModule } from "../scripts/generate-prices";
import { PriceFileError, buildPriceTable, isCommercialRegion, perThousand } from "../scripts/price-list";
import { REPO_ROOT } from "./fixtures/sfn-moto";

describe("pricing table", () => {
  it("has DESIGN.md's published us-east-1 rates", () => {
    expect(lambdaRatesFor("us-east-1")).toEqual({
      computePerGbSecond: { x86_64: 0.0000166667, arm64: 0.0000133334 },
      storagePerGbSecond: 0.0000000309,
      perRequest: 0.0000002, // $0.20 per 1M requests
    });
    expect(s3RequestRatesFor("us-east-1")).toEqual({ tier1PerThousand: 0.005, tier2PerThousand: 0.0004 });
  });

  it("covers the commercial regions where Lambda runs, old and new, and nothing outside that partition", () => {
    const regions = Object.keys(LAMBDA_RATES);
    expect(regions.length).toBeGreaterThanOrEqual(30);
    for (const region of ["us-east-1", "us-east-2", "us-west-1", "us-west-2", "eu-west-1", "eu-central-1", "eu-central-2", "eu-south-2", "ap-southeast-5", "ap-southeast-7", "mx-central-1", "ca-west-1", "il-central-1", "me-central-1", "af-south-1", "sa-east-1"]) {
      expect(isPricedRegion(region), region).toBe(true);
    }
    for (const region of regions) expect(isCommercialRegion(region), region).toBe(true);
    expect(PRICE_SOURCES.lambda.publicationDate).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(PRICE_SOURCES.s3.publicationDate).toMatch(/^\d{4}-\d\d-\d\dT/);
  });

  it("has every rate of every region, positive and plausible", () => {
    for (const region of Object.keys(LAMBDA_RATES)) {
      const lambda = lambdaRatesFor(region);
      const s3 = s3RequestRatesFor(region);
      // Bounds: 0.5x..2x of us-east-1, wide enough for regional premiums, narrow enough to catch a
      // unit slip (per 1,000 vs per request, per GB-s vs per GB-ms).
      expect(lambda.computePerGbSecond.x86_64, region).toBeGreaterThan(0.0000166667 / 2);
      expect(lambda.computePerGbSecond.x86_64, region).toBeLessThan(0.0000166667 * 2);
      expect(lambda.computePerGbSecond.arm64, region).toBeLessThan(lambda.computePerGbSecond.x86_64);
      expect(lambda.computePerGbSecond.arm64 / lambda.computePerGbSecond.x86_64, region).toBeCloseTo(0.8, 2);
      expect(lambda.perRequest, region).toBeGreaterThan(0.0000002 / 2);
      expect(lambda.perRequest, region).toBeLessThan(0.0000002 * 2);
      expect(lambda.storagePerGbSecond, region).toBeGreaterThan(0.0000000309 / 2);
      expect(lambda.storagePerGbSecond, region).toBeLessThan(0.0000000309 * 2);
      expect(s3.tier1PerThousand, region).toBeGreaterThan(0.005 / 2);
      expect(s3.tier1PerThousand, region).toBeLessThan(0.005 * 2);
      expect(s3.tier2PerThousand, region).toBeGreaterThan(0.0004 / 2);
      expect(s3.tier2PerThousand, region).toBeLessThan(0.0004 * 2);
      expect(s3.tier2PerThousand, region).toBeLessThan(s3.tier1PerThousand);
    }
  });

  it("refuses unpriced regions by name, including names that exist on every object", () => {
    for (const region of ["us-gov-west-1", "cn-north-1", "xx-nowhere-1", "constructor", "__proto__", "toString", ""]) {
      expect(isPricedRegion(region)).toBe(false);
      expect(() => lambdaRatesFor(region)).toThrow(UnknownRegionError);
      expect(() => s3RequestRatesFor(region)).toThrow(UnknownRegionError);
    }
    expect(() => s3RequestRatesFor("cn-north-1")).toThrow(/no Lambda prices for region 'cn-north-1': priced regions are .*us-east-1/);
  });
});

// Small files in the shape of AWS's metered-unit maps, written here (not copies of AWS's files).
function lambdaFile(regions: Record<string, Record<string, string>>) {
  const entries = Object.entries(regions).map(([location, units]) => [
    location,
    Object.fromEntries(Object.entries(units).map(([unit, price]) => [unit, { price, rateCode: `SKU.${unit}` }])),
  ]);
  return { manifest: { serviceId: "x", hawkFilePublicationDate: "2026-01-02T03:04:05Z", currencyCode: "USD" }, regions: Object.fromEntries(entries) };
}
const LAMBDA_UNITS = (x86: string, arm: string, request = "0.0000002000", storage = "0.0000000309") => ({
  "Lambda Duration": x86,
  "Lambda Duration Tier2": "0.0000150000",
  "Lambda Duration-ARM": arm,
  "Lambda Requests": request,
  "Lambda Requests-ARM": request,
  "Lambda Storage-Duration": storage,
  "Lambda Storage-Duration-ARM": storage,
});
const S3_UNITS = { "PUT COPY/POST or LIST requests per Requests": "0.0000055000", "GET and all other requests per Requests": "0.0000004400" };
const LOCATIONS = {
  "Test (North)": { name: "Test (North)", code: "tt-north-1", type: "AWS Region" },
  "AWS GovCloud (US)": { name: "AWS GovCloud (US)", code: "us-gov-west-1", type: "AWS Region" },
};

describe("price table generator (scripts/price-list.ts)", () => {
  it("reads the first duration tier, one request and storage rate, and S3 rates per 1,000, for commercial regions only", () => {
    const table = buildPriceTable({
      lambda: lambdaFile({ "Test (North)": LAMBDA_UNITS("0.0000170000", "0.0000136000"), "AWS GovCloud (US)": LAMBDA_UNITS("0.1", "0.1"), Any: { "Lambda Edge-Requests": "0.0000006" } }),
      s3: lambdaFile({ "Test (North)": S3_UNITS }),
      locations: LOCATIONS,
    });
    expect(table.regions).toEqual({
      "tt-north-1": {
        lambda: { x86_64: "0.000017", arm64: "0.0000136", perRequest: "0.0000002", storagePerGbSecond: "0.0000000309" },
        s3: { tier1PerThousand: "0.0055", tier2PerThousand: "0.00044" },
      },
    });
    expect(table.sources.lambda.publicationDate).toBe("2026-01-02T03:04:05Z");
  });

  it("fails naming the region and the unit when a rate is missing", () => {
    const lambda = lambdaFile({ "Test (North)": LAMBDA_UNITS("0.000017", "0.0000136") });
    expect(() => buildPriceTable({ lambda, s3: lambdaFile({}), locations: LOCATIONS })).toThrow(
      /s3: Test \(North\) \(tt-north-1\) has no "PUT COPY\/POST or LIST requests per Requests" rate/,
    );
    const { "Lambda Duration-ARM": _arm, ...withoutArm } = LAMBDA_UNITS("0.000017", "0.0000136");
    const noArm = lambdaFile({ "Test (North)": withoutArm });
    const error = (() => {
      try {
        buildPriceTable({ lambda: noArm, s3: lambdaFile({ "Test (North)": S3_UNITS }), locations: LOCATIONS });
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(PriceFileError);
    expect((error as Error).message).toBe('lambda: Test (North) (tt-north-1) has no "Lambda Duration-ARM" rate');
  });

  it("refuses a file that prices requests differently per architecture, and files of another shape", () => {
    const split = lambdaFile({ "Test (North)": { ...LAMBDA_UNITS("0.000017", "0.0000136"), "Lambda Requests-ARM": "0.0000001" } });
    expect(() => buildPriceTable({ lambda: split, s3: lambdaFile({ "Test (North)": S3_UNITS }), locations: LOCATIONS })).toThrow(
      /prices requests differently for x86 \(0.0000002\) and Arm \(0.0000001\)/,
    );
    expect(() => buildPriceTable({ lambda: { products: {} }, s3: lambdaFile({}), locations: LOCATIONS })).toThrow(/lambda: not a metered-unit price file/);
  });

  it("converts per-request prices to per-1,000 in decimal, without float noise", () => {
    expect(perThousand("0.0000050000")).toBe("0.005");
    expect(perThousand("0.0000004000")).toBe("0.0004");
    expect(perThousand("0.0000042300")).toBe("0.00423");
    expect(perThousand("1.5")).toBe("1500");
  });

  it("classifies partitions by region name", () => {
    for (const r of ["us-east-1", "eu-south-2", "ap-southeast-7", "mx-central-1", "il-central-1"]) expect(isCommercialRegion(r), r).toBe(true);
    for (const r of ["us-gov-west-1", "cn-north-1", "us-iso-east-1", "us-isob-east-1", "eu-isoe-west-1", "eusc-de-east-1", "Any", ""]) expect(isCommercialRegion(r), r).toBe(false);
  });
});

describe("npm run prices:generate (scripts/generate-prices.ts)", () => {
  const files = {
    lambda: lambdaFile({ "Test (North)": LAMBDA_UNITS("0.0000170000", "0.0000136000") }),
    s3: lambdaFile({ "Test (North)": S3_UNITS }),
    locations: LOCATIONS,
  };

  it("writes a module whose numbers are the files' decimals, with the sources and the command in its header", async () => {
    const dir = await mkdtemp(join(tmpdir(), "prices-"));
    try {
      const out = join(dir, "prices.generated.ts");
      await writeFile(out, renderModule(buildPriceTable(files), "npm run prices:generate -- --from <dir>", "test files"));
      const text = await readFile(out, "utf8");
      expect(text).toMatch(/^\/\/ GENERATED by scripts\/generate-prices\.ts/);
      expect(text).toContain("// Command: npm run prices:generate -- --from <dir>");
      expect(text).toContain("lambda.json (published 2026-01-02T03:04:05Z)");
      const module = (await import(pathToFileURL(out).href)) as typeof import("../harness/prices.generated");
      expect(module.REGION_RATES).toEqual({
        "tt-north-1": { lambda: { x86_64: 0.000017, arm64: 0.0000136, perRequest: 0.0000002, storagePerGbSecond: 0.0000000309 }, s3: { tier1PerThousand: 0.0055, tier2PerThousand: 0.00044 } },
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("fails naming the problem and leaves the existing table untouched", async () => {
    const dir = await mkdtemp(join(tmpdir(), "prices-"));
    try {
      await writeFile(join(dir, "lambda.json"), JSON.stringify(files.lambda));
      await writeFile(join(dir, "s3.json"), JSON.stringify(lambdaFile({})));
      await writeFile(join(dir, "locations.json"), JSON.stringify(files.locations));
      const out = join(dir, "table.ts");
      await writeFile(out, "// the committed table\n");
      const result = spawnSync(process.execPath, ["--import", "tsx", "scripts/generate-prices.ts", "--from", dir, "--out", out], { cwd: REPO_ROOT, encoding: "utf8" });
      expect(result.status).toBe(1);
      expect(result.stderr).toContain('generate-prices: s3: Test (North) (tt-north-1) has no "PUT COPY/POST or LIST requests per Requests" rate');
      expect(await readFile(out, "utf8")).toBe("// the committed table\n");
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
