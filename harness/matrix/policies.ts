// The runtime matrix's IAM policies, as pure functions of ARNs (like harness/policies.ts for the
// contest): components/matrix deploys them, tests read them statement by statement.
//
// Least privilege, per role:
// - sampler: reconfigure (memory, environment token), read the configuration of, and invoke the
//   matrix's functions under test, listed one ARN at a time (at most 7 runtimes x 2
//   architectures x 3 workloads = 42, ~4.8 KB at 64-character names: under IAM's 10,240), and
//   write sample items. Not its own function nor the aggregate: it never needs to touch them.
// - aggregate: read and write items of the results table, nothing else.
// - workloads: their own logs; the light workload also its one table (batch write + batch get).
// - root state machine: invoke the aggregate, start and follow child executions of the
//   configuration machine only (the contest parent's nestedExecutionStatements, workflow-policies.ts).
// - configuration state machine: invoke the sampler and the aggregate.
import { doc, writeLogs, type PolicyDocument } from "../policies";
import { DELIVER_LOGS, nestedExecutionStatements } from "../workflow-policies";

const INVOKE = "lambda:InvokeFunction";

export function matrixSamplerPolicy(p: { functionArns: string[]; resultsTableArn: string; logGroupArn: string }): PolicyDocument {
  if (!p.functionArns.length) throw new Error("the sampler policy needs at least one function under test");
  return doc(
    {
      Sid: "ReconfigureAndInvokeMatrixFunctions",
      Effect: "Allow",
      Action: ["lambda:GetFunctionConfiguration", "lambda:UpdateFunctionConfiguration", INVOKE],
      Resource: [...p.functionArns].sort(),
    },
    { Sid: "WriteSamples", Effect: "Allow", Action: ["dynamodb:PutItem"], Resource: [p.resultsTableArn] },
    writeLogs([p.logGroupArn]),
  );
}

export function matrixAggregatePolicy(p: { resultsTableArn: string; logGroupArn: string }): PolicyDocument {
  return doc(
    { Sid: "ReadAndWriteResults", Effect: "Allow", Action: ["dynamodb:PutItem", "dynamodb:Query"], Resource: [p.resultsTableArn] },
    writeLogs([p.logGroupArn]),
  );
}

/** One role per workload: its functions' log groups, and its table if it has one (light). */
export function matrixWorkloadPolicy(p: { logGroupArns: string[]; tableArn?: string }): PolicyDocument {
  const table = p.tableArn
    ? [{ Sid: "UseWorkloadTable", Effect: "Allow" as const, Action: ["dynamodb:BatchWriteItem", "dynamodb:BatchGetItem"], Resource: [p.tableArn] }]
    : [];
  return doc(...table, writeLogs([...p.logGroupArns].sort()));
}

export function matrixRootMachinePolicy(p: { aggregateArn: string; configurationMachineArn: string }): PolicyDocument {
  return doc(
    { Sid: "InvokeAggregate", Effect: "Allow", Action: [INVOKE], Resource: [p.aggregateArn] },
    ...nestedExecutionStatements(p.configurationMachineArn, "Configuration"),
    DELIVER_LOGS,
  );
}

export function matrixConfigurationMachinePolicy(p: { samplerArn: string; aggregateArn: string }): PolicyDocument {
  return doc({ Sid: "InvokeSamplerAndAggregate", Effect: "Allow", Action: [INVOKE], Resource: [p.samplerArn, p.aggregateArn] }, DELIVER_LOGS);
}
