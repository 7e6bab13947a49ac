// What a matrix run will cost on AWS and how long it will take: a FORECAST, printed before a run
// starts so nobody launches a production sweep by surprise. Every assumption is named here.
//
// Duration model (per sample): the DESIGN.md reference, nodejs22.x cpu at 500,000 iterations =
// 1472 ms warm at 1769 MB on arm64 (seed benchmark, Dec 2025), scaled by 1769 / memory below
// 1769 MB and flat above (single-threaded). Assumed alike for every runtime and architecture.
// memory: ASSUMED 3000 ms at 1769 MB, same scaling (no published reference); light: ASSUMED
// 40 ms whatever the memory (a few DynamoDB round trips). Cold samples add an ASSUMED 300 ms
// init and 2 s for UpdateFunctionConfiguration to reach Successful.
// Prices: Lambda from harness/pricing.ts (region given); Step Functions Standard $0.025 per
// 1,000 state transitions (https://aws.amazon.com/step-functions/pricing/, the same in us-east-1,
// us-east-2, us-west-2, eu-west-1, eu-central-1); DynamoDB on-demand $0.625 per million write
// request units and $0.125 per million read request units (us-east-1 after the November 2024
// price cut, as quoted by airbyte.com's "DynamoDB pricing" guide; other regions not checked).
// Free tiers are ignored.
import type { MatrixExecutionInput } from "./contracts";
import { lambdaRatesFor } from "../pricing";

export const PRICE_SOURCES = [
  "Lambda: harness/pricing.ts (AWS Pricing Calculator map, first tier)",
  "Step Functions: $0.025 per 1,000 state transitions (aws.amazon.com/step-functions/pricing)",
  "DynamoDB on-demand: $0.625/M WRU, $0.125/M RRU (us-east-1, after the Nov 2024 cut)",
];
const STEP_FUNCTIONS_PER_TRANSITION = 0.025 / 1000;
const DYNAMODB_PER_WRU = 0.625 / 1e6;
const DYNAMODB_PER_RRU = 0.125 / 1e6;
const REFERENCE_MS_AT_1769: Record<string, number> = { cpu: 1472, memory: 3000 };
const LIGHT_MS = 40;
const COLD_INIT_MS = 300;
const UPDATE_WAIT_MS = 2000;
/** The sampler is sized 1024 MB (local/matrix.ts, and the stack): it is billed for its whole wall time. */
const SAMPLER_GB = 1;

export function forecastSampleMs(workload: string, memoryMb: number): number {
  const reference = REFERENCE_MS_AT_1769[workload];
  if (reference === undefined) return LIGHT_MS;
  return (reference * 1769) / Math.min(memoryMb, 1769);
}

export interface MatrixEstimate {
  configurations: number;
  invocations: number;
  /** Forecast wall time of the run with `parallel` functions at once, ms. */
  durationMs: number;
  lambdaGbSeconds: number;
  lambdaUsd: number;
  stateTransitions: number;
  stepFunctionsUsd: number;
  dynamodbUsd: number;
  totalUsd: number;
}

export function estimateRun(input: MatrixExecutionInput, parallel: number): MatrixEstimate {
  const { cold, warm, time_budget_ms: budget } = input.run;
  const rates = lambdaRatesFor(input.run.region);
  let configurations = 0;
  let gbSeconds = 0;
  let lambdaUsd = 0;
  let transitions = 6; // StartRun, Functions, FinishRun and the execution itself (rounded up)
  let wru = 0;
  let rru = 0;
  const functionMs: number[] = [];
  for (const fn of input.functions) {
    let fnMs = 0;
    transitions += 2;
    for (const memoryMb of fn.memory_sizes) {
      configurations++;
      const sampleMs = forecastSampleMs(fn.workload, memoryMb);
      const configMs = cold * (sampleMs + COLD_INIT_MS + UPDATE_WAIT_MS) + warm * sampleMs;
      fnMs += configMs;
      const billedMs = cold * (sampleMs + COLD_INIT_MS) + warm * sampleMs;
      const gbs = (billedMs / 1000) * (memoryMb / 1024);
      gbSeconds += gbs;
      lambdaUsd += gbs * rates.computePerGbSecond[fn.architecture] + (cold + warm) * rates.perRequest;
      // The sampler (billed for its wall time) and one aggregate call.
      const calls = Math.max(1, Math.ceil(configMs / budget));
      gbSeconds += (configMs / 1000) * SAMPLER_GB;
      lambdaUsd += (configMs / 1000) * SAMPLER_GB * rates.computePerGbSecond.x86_64 + (calls + 1) * rates.perRequest;
      transitions += 3 + calls * 3 + 3; // Memories iteration + child task, per call Sample/Done/Continue, Prepare/Aggregate/end
      // One write per sample (< 1 KB), aggregate items (~6 KB each), the aggregate's strongly
      // consistent read of the samples (~600 B each, 4 KB per unit); light: 5 writes + 5 reads per sample.
      wru += cold + warm + 2 * 6;
      rru += Math.ceil(((cold + warm) * 600) / 4096);
      if (fn.workload === "light") {
        wru += 5 * (cold + warm);
        rru += 5 * (cold + warm);
      }
    }
    functionMs.push(fnMs);
  }
  const total = functionMs.reduce((a, b) => a + b, 0);
  const durationMs = Math.max(Math.max(...functionMs), total / Math.min(parallel, functionMs.length));
  const stepFunctionsUsd = transitions * STEP_FUNCTIONS_PER_TRANSITION;
  const dynamodbUsd = wru * DYNAMODB_PER_WRU + rru * DYNAMODB_PER_RRU;
  return {
    configurations,
    invocations: configurations * (cold + warm),
    durationMs,
    lambdaGbSeconds: gbSeconds,
    lambdaUsd,
    stateTransitions: transitions,
    stepFunctionsUsd,
    dynamodbUsd,
    totalUsd: lambdaUsd + stepFunctionsUsd + dynamodbUsd,
  };
}
