// Sizing of the matrix's own Lambdas, shared by both engines (as harness/function-settings.ts is
// for the contest's), so the sampler's overhead between samples is the same locally and on AWS.
import type { HarnessFunctionSettings } from "../function-settings";

export type MatrixHarnessFunction = "matrix-sampler" | "matrix-aggregate";

export const MATRIX_FUNCTION_SETTINGS: Readonly<Record<MatrixHarnessFunction, HarnessFunctionSettings>> = {
  // The sampler mostly waits on Lambda's API and parses a few KB per sample; 1024 MB (0.58 vCPU)
  // keeps its own overhead between samples low. Lambda's longest timeout: a call starts samples
  // for AWS_TIME_BUDGET_MS (harness/matrix/plan.ts, 600 s) and then finishes the last one.
  "matrix-sampler": { memoryMb: 1024, timeoutS: 900, ephemeralStorageMb: 512, description: "samples one matrix configuration" },
  // Statistics over at most a few thousand samples, plus a bootstrap of 10,000 resamples per comparison.
  "matrix-aggregate": { memoryMb: 1024, timeoutS: 300, ephemeralStorageMb: 512, description: "aggregates and compares matrix samples" },
};
