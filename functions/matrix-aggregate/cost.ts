// Lambda cost of a configuration's invocations, from the project's one price table.
//
// cost per 1M invocations = 1e6 x (mean billed ms / 1000 x memory MB / 1024 x architecture rate
// per GB-s + the request charge). Billed duration is read from the REPORT line, which since
// 2025-08-01 includes INIT on cold starts (every runtime), so a cold configuration's cost carries
// its init. Ephemeral storage is the free 512 MB for every matrix function: no storage term.
import type { Architecture } from "../../harness/contracts";
import { lambdaRatesFor } from "../../harness/pricing";

export function costPerInvocationUsd(billedMs: number, memoryMb: number, architecture: Architecture, region: string): number {
  const rates = lambdaRatesFor(region);
  return (billedMs / 1000) * (memoryMb / 1024) * rates.computePerGbSecond[architecture] + rates.perRequest;
}

export function costPerMillionUsd(meanBilledMs: number, memoryMb: number, architecture: Architecture, region: string): number {
  return costPerInvocationUsd(meanBilledMs, memoryMb, architecture, region) * 1_000_000;
}
