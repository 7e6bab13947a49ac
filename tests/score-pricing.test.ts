import { describe, expect, it } from "vitest";
import { LAMBDA_RATES, UnknownRegionError, isPricedRegion, lambdaRatesFor } from "../harness/pricing";

describe("pricing table", () => {
  it("covers the regions the benchmark is deployed to, with the us-east-1 first-tier rates", () => {
    for (const region of ["us-east-1", "us-west-2", "eu-west-1", "eu-central-1"]) expect(isPricedRegion(region)).toBe(true);
    expect(lambdaRatesFor("us-east-1")).toEqual({
      computePerGbSecond: { x86_64: 0.0000166667, arm64: 0.0000133334 },
      storagePerGbSecond: 0.0000000309,
      perRequest: 0.0000002,
    });
  });

  it("has a sane entry for every region (Arm cheaper than x86, all rates positive)", () => {
    for (const [region, rates] of Object.entries(LAMBDA_RATES)) {
      expect(rates.computePerGbSecond.arm64, region).toBeLessThan(rates.computePerGbSecond.x86_64);
      expect(rates.storagePerGbSecond, region).toBeGreaterThan(0);
      expect(rates.perRequest, region).toBe(0.0000002);
    }
  });

  it("refuses unknown regions, including names that exist on every object", () => {
    for (const region of ["ap-east-1", "constructor", "__proto__", "toString", ""]) {
      expect(isPricedRegion(region)).toBe(false);
      expect(() => lambdaRatesFor(region)).toThrow(UnknownRegionError);
    }
  });
});
