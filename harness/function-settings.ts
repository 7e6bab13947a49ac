// Sizing of the harness's own Lambdas, shared by both engines so a local run and a deployed stack
// give the validator and the filler the same memory (hence the same CPU share).
import type { HarnessFunctionName } from "./packaging";

export interface HarnessFunctionSettings {
  memoryMb: number;
  timeoutS: number;
  ephemeralStorageMb: number;
  description: string;
}

export const HARNESS_FUNCTION_SETTINGS: Readonly<Record<HarnessFunctionName, HarnessFunctionSettings>> = {
  // The filler generates and hashes every byte of the dataset: CPU-bound on one thread, so it gets
  // a full vCPU (2048 / 1769 = 1.16) and Lambda's longest timeout; the capacity arithmetic for
  // 3,000 x 5 MiB in one invocation is in functions/fill-bucket/index.ts.
  "fill-bucket": { memoryMb: 2048, timeoutS: 900, ephemeralStorageMb: 512, description: "fills the benchmark bucket" },
  // The validator hashes, CRCs and (for DEFLATE) inflates every archived byte in one sequential
  // pass (SHA-256 on a worker thread where a second CPU exists); one full vCPU keeps it
  // network-bound on AWS (functions/validate/index.ts has the arithmetic).
  validate: { memoryMb: 1769, timeoutS: 900, ephemeralStorageMb: 512, description: "validates one contender archive" },
  // The scorer is pure arithmetic over a few kilobytes.
  score: { memoryMb: 256, timeoutS: 60, ephemeralStorageMb: 512, description: "scores and ranks the runs" },
};
