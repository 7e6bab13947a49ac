// The scorer's per-run usage is the contender's own: the validator's invocation names the same
// archive_key in its event, and its requests, bytes and CPU must not be billed to the contender.
import { describe, expect, it } from "vitest";
import { withRunUsage } from "../local/s3-front/run-usage";
import { emptyUsage, type InvocationUsage } from "../local/s3-front/usage";
import type { LambdaService } from "../local/task-handlers";

const ARN = (name: string) => `arn:aws:lambda:us-east-1:000000000000:function:${name}`;
const KEY = "archives/c/e/run-0.zip";

function usage(functionName: string, over: Partial<InvocationUsage>): InvocationUsage {
  return { ...emptyUsage(functionName, "req", { archive_key: KEY }), ...over };
}

describe("withRunUsage", () => {
  it("sums only the contender's invocations for a run, not the validator's of the same archive", async () => {
    const records = [
      usage("bench-contender-arm64", { requests: { GetObject: 10, UploadPart: 2 }, bytesIn: 1000, bytesOut: 1100, cpuSeconds: 2 }),
      usage("bench-validate", { requests: { GetObject: 2, HeadObject: 10 }, bytesIn: 1100, cpuSeconds: 1 }),
    ];
    let seen: unknown;
    const lambda: LambdaService = {
      getFunctionConfiguration: async () => ({}),
      invoke: async (_arn, payload) => {
        seen = payload;
        return { StatusCode: 200, ExecutedVersion: "$LATEST", Payload: "{}" };
      },
    };
    const wrapped = withRunUsage(lambda, ARN("bench-score"), { usageWhere: (match) => records.filter(match) }, () => new Set());
    const contender = { contender: "c", function_arn: ARN("bench-contender-arm64"), runs: [{ ok: true, index: 0, archive_key: KEY, log_result: "" }] };
    await wrapped.invoke(ARN("bench-score"), { action: "score-contender", contender });
    const run = (seen as { contender: { runs: { usage: Record<string, unknown> }[] } }).contender.runs[0]!;
    expect(run.usage).toMatchObject({ s3_requests: { GetObject: 10, UploadPart: 2 }, bytes_in: 1000, bytes_out: 1100, cpu_seconds: 2 });
  });
});
