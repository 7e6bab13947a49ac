// The tests' view of harness/policy-evaluator.ts, the one evaluator the local S3 front enforces
// the deployed documents with: is (action, resource) allowed by these statements?
import type { Statement as PolicyStatement } from "../../harness/policies";
import { policyEvaluator } from "../../harness/policy-evaluator";

export type Statement = Omit<PolicyStatement, "Effect"> & { Effect: string };

export function allows(statements: Statement[], action: string, resource: string, context: Record<string, string> = {}): boolean {
  return policyEvaluator({ Version: "2012-10-17", Statement: statements })({ action, resource, context }).allowed;
}
