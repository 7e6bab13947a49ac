// cpu workload: chained SHA-256. h0 = sha256("s3-archive-bench cpu") (the 20 ASCII bytes),
// h(i+1) = sha256(h(i)) over the 32 raw digest bytes; returns hex(h(iterations)).
import { createHash } from "node:crypto";
import { intField, workloadResult } from "../../_node/workload-result";

const SEED = "s3-archive-bench cpu";
const DEFAULT_ITERATIONS = 500_000;

export const handler = async (event: unknown) => {
  const iterations = intField(event, "iterations", DEFAULT_ITERATIONS, 0, 100_000_000);
  let digest = createHash("sha256").update(SEED, "ascii").digest();
  for (let i = 0; i < iterations; i++) digest = createHash("sha256").update(digest).digest();
  return workloadResult("cpu", digest.toString("hex"));
};
