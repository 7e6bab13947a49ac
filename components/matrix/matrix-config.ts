// The `matrix` key of the stack configuration (components/stack-config.ts validates it with the
// rest, so an error names e.g. `s3-archive-bench:matrix.runtimes.0`). Off by default: the
// contest's stacks deploy nothing of the matrix unless asked.
//
//   pulumi config set --path matrix.enabled true
//   pulumi config set --path matrix.mode production
//   pulumi config set --path 'matrix.architectures[0]' x86_64
import { z } from "zod";
import { MAX_INLINE_MAP_CONCURRENCY } from "../../harness/matrix/definition";
import { MATRIX_MODE_NAMES } from "../../harness/matrix/modes";
import { DEFAULT_MATRIX_RUNTIMES, MATRIX_ARCHITECTURES, WORKLOADS } from "../../harness/matrix/workloads";

const listOf = <T extends readonly [string, ...string[]]>(values: T) =>
  z
    .array(z.enum(values, { error: `must be one of ${values.join(", ")}` }))
    .min(1, "must list at least one")
    .refine((list) => new Set(list).size === list.length, "must not repeat a value");

/**
 * Lambda's control plane (UpdateFunctionConfiguration, GetFunctionConfiguration) allows 15
 * requests per second per account and region (Lambda quotas, "Lambda API requests":
 * https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html). Every cold sample
 * costs one update and a few status polls, so 10 functions sampled at once keeps the sweep under
 * it with room for the SDK's retries.
 */
export const DEFAULT_MATRIX_PARALLEL = 10;

export const MatrixConfig = z
  .strictObject({
    enabled: z.boolean().default(false),
    /** Default: every runtime of DEFAULT_MATRIX_RUNTIMES a workload provides. */
    runtimes: listOf(DEFAULT_MATRIX_RUNTIMES).optional(),
    /** Default: both. */
    architectures: listOf(MATRIX_ARCHITECTURES).optional(),
    /** Default: cpu, memory and light. */
    workloads: listOf(WORKLOADS).optional(),
    /** The mode of the execution input the stack exports (`bench matrix aws` shows its estimate first). */
    mode: z.enum(MATRIX_MODE_NAMES, { error: `must be one of ${MATRIX_MODE_NAMES.join(", ")}` }).default("test"),
    /** Functions sampled at once (memory sizes of one function are always swept in order). */
    parallel: z.number().int().min(1).max(MAX_INLINE_MAP_CONCURRENCY, `must be at most ${MAX_INLINE_MAP_CONCURRENCY} (an inline Map's concurrency)`).default(DEFAULT_MATRIX_PARALLEL),
  })
  .prefault({});
export type MatrixConfig = z.infer<typeof MatrixConfig>;

/** Days a sample item is kept in the results table (DynamoDB TTL); run and aggregate items stay. */
export const ResultsTtlDays = z.number().int().min(1).max(3650).default(30);
