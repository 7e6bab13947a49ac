// The input a state-machine execution takes: which contender functions to run. Pulumi exports
// exactly this as `executionInput`; the local engine builds it from the packaged contenders.
import { z } from "zod";

/**
 * Most contenders one execution takes. Each one's score (~1 KB) travels in the Rank task's
 * input, which like every Step Functions payload must stay under 256 KiB.
 */
export const MAX_CONTENDERS = 100;

export const ExecutionContender = z.strictObject({
  /** The contender key `<lang>-<dev_id>-<arch>`; it names the archive keys and the result rows. */
  name: z
    .string()
    // It is part of a Lambda function name (at most 64 characters), and bounds the archive keys.
    .max(64)
    .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, "must be a contender key such as typescript-bob-arm64 (letters, digits, - _ .)"),
  function_arn: z.string().min(1),
});
export type ExecutionContender = z.infer<typeof ExecutionContender>;

export const ExecutionInput = z.strictObject({
  contenders: z
    .array(ExecutionContender)
    .min(1, "must list at least one contender")
    .max(MAX_CONTENDERS, `must list at most ${MAX_CONTENDERS} contenders (one execution's scores must fit in 256 KiB)`)
    .superRefine((contenders, ctx) => {
      const seen = new Set<string>();
      contenders.forEach((c, i) => {
        if (seen.has(c.name)) ctx.addIssue({ code: "custom", path: [i, "name"], message: `duplicate contender name "${c.name}"` });
        seen.add(c.name);
      });
    }),
});
export type ExecutionInput = z.infer<typeof ExecutionInput>;
