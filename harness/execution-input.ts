// The input a state-machine execution takes: which contender functions to run. Pulumi exports
// exactly this as `executionInput`; the local engine builds it from the packaged contenders.
import { z } from "zod";

export const ExecutionContender = z.strictObject({
  /** The contender key `<lang>-<dev_id>-<arch>`; it names the archive keys and the result rows. */
  name: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, "must be a contender key such as typescript-bob-arm64 (letters, digits, - _ .)"),
  function_arn: z.string().min(1),
});
export type ExecutionContender = z.infer<typeof ExecutionContender>;

export const ExecutionInput = z.strictObject({
  contenders: z
    .array(ExecutionContender)
    .min(1, "must list at least one contender")
    .superRefine((contenders, ctx) => {
      const seen = new Set<string>();
      contenders.forEach((c, i) => {
        if (seen.has(c.name)) ctx.addIssue({ code: "custom", path: [i, "name"], message: `duplicate contender name "${c.name}"` });
        seen.add(c.name);
      });
    }),
});
export type ExecutionInput = z.infer<typeof ExecutionInput>;
