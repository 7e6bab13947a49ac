// The price of ONE run at the mean billed duration: compute (memory x billed time x arch rate) +
// ephemeral storage above the free 512 MB + one request.
import type { Architecture } from "../../harness/contracts";
import { FREE_EPHEMERAL_STORAGE_MB, type LambdaRates } from "../../harness/pricing";
import { GB_SECOND_DECIMALS, USD_DECIMALS, roundTo } from "./numbers";

export interface PriceInput {
  architecture: Architecture;
  memoryMb: number;
  ephemeralStorageMb: number;
  /** Billed Duration of each successful run, from the REPORT lines. */
  billedDurationsMs: readonly number[];
}

export interface Price {
  gb_second_compute: number;
  gb_second_storage: number;
  compute_rate_usd: number;
  storage_rate_usd: number;
  request_rate_usd: number;
  compute_price_usd: number;
  storage_price_usd: number;
  request_price_usd: number;
  run_price_usd: number;
}

const MS_PER_S_TIMES_MB_PER_GB = 1000 * 1024;

export function priceRun(input: PriceInput, rates: LambdaRates): Price {
  const n = input.billedDurationsMs.length;
  if (n === 0) throw new Error("cannot price a contender without a successful run");
  // GB-s = (sum of billed ms / n / 1000) x (MB / 1024). Billed durations and sizes are integers,
  // so multiplying first and dividing once gives the correctly rounded double (e.g. exactly
  // 106.3155 for 512 MB at a mean of 212631 ms) instead of accumulating three roundings.
  const billedSumMs = input.billedDurationsMs.reduce((sum, v) => sum + v, 0);
  const gbSecondCompute = (billedSumMs * input.memoryMb) / (n * MS_PER_S_TIMES_MB_PER_GB);
  const billedStorageMb = Math.max(0, input.ephemeralStorageMb - FREE_EPHEMERAL_STORAGE_MB);
  const gbSecondStorage = (billedSumMs * billedStorageMb) / (n * MS_PER_S_TIMES_MB_PER_GB);

  const computeRate = rates.computePerGbSecond[input.architecture];
  const computePrice = gbSecondCompute * computeRate;
  const storagePrice = gbSecondStorage * rates.storagePerGbSecond;
  const requestPrice = rates.perRequest;
  return {
    gb_second_compute: roundTo(gbSecondCompute, GB_SECOND_DECIMALS),
    gb_second_storage: roundTo(gbSecondStorage, GB_SECOND_DECIMALS),
    compute_rate_usd: computeRate,
    storage_rate_usd: rates.storagePerGbSecond,
    request_rate_usd: rates.perRequest,
    compute_price_usd: roundTo(computePrice, USD_DECIMALS),
    storage_price_usd: roundTo(storagePrice, USD_DECIMALS),
    request_price_usd: roundTo(requestPrice, USD_DECIMALS),
    run_price_usd: roundTo(computePrice + storagePrice + requestPrice, USD_DECIMALS),
  };
}
