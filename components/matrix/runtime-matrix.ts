// The runtime matrix on AWS: one Lambda per (runtime, architecture, workload), the sampler and
// the aggregate, the results table, the light workload's table, the two state machines (root +
// per-configuration child, harness/matrix/definition.ts) with their log group, and a
// least-privilege role for each (harness/matrix/policies.ts). Memory is never deployed per size:
// the sampler changes it with UpdateFunctionConfiguration during a run (DESIGN.md).
//
// The sampler also changes each function's environment (a fresh token per cold sample). Pulumi
// diffs against its own state, so a later `pulumi up` leaves that alone; `pulumi refresh` would
// show it as drift and the next `up` would put the deployed memory and variables back, which is
// harmless between runs.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { MatrixExecutionInput } from "../../harness/matrix/contracts";
import { MATRIX_FUNCTION_SETTINGS } from "../../harness/matrix/function-settings";
import type { MatrixMode } from "../../harness/matrix/modes";
import { AWS_TIME_BUDGET_MS, planRun, type PlannedFunction } from "../../harness/matrix/plan";
import { matrixAggregatePolicy, matrixSamplerPolicy, matrixWorkloadPolicy } from "../../harness/matrix/policies";
import { PARTITION_KEY, SORT_KEY, TTL_ATTRIBUTE } from "../../harness/matrix/results-table";
import { LIGHT_TABLE, WORKLOADS } from "../../harness/matrix/workloads";
import { assumeRolePolicy, policyJson } from "../../harness/policies";
import { HarnessFunction } from "../harness-function";
import { checkFunctionName, functionLogGroup, loggingConfig, zipCode } from "../lambda-shared";
import { MatrixStateMachines } from "./matrix-state-machines";
import type { PreparedMatrix, PreparedMatrixFunction } from "./prepare-matrix";

export interface RuntimeMatrixArgs {
  prepared: PreparedMatrix;
  /** `<project>-<stack>`: the start of every name. */
  namePrefix: string;
  region: string;
  mode: MatrixMode;
  /** Functions sampled at once by the root state machine. */
  parallel: number;
  resultsTtlDays: number;
  logRetentionDays: number;
}

/** The execution input the stack exports, for a table and the deployed ARNs (pure: also checked at program time). */
export function matrixExecutionInput(
  args: Pick<RuntimeMatrixArgs, "namePrefix" | "region" | "mode" | "resultsTtlDays">,
  functions: readonly PreparedMatrixFunction[],
  arns: readonly string[],
  table: string,
): MatrixExecutionInput {
  const planned: PlannedFunction[] = functions.map((f, i) => ({
    function_arn: arns[i]!,
    runtime: f.fn.runtime,
    architecture: f.fn.architecture,
    workload: f.fn.workload,
    minMemoryMb: f.manifest.minMemoryMb,
  }));
  return planRun(
    {
      // A placeholder: `bench matrix aws` gives every execution a fresh run id (its execution name).
      run_id: `${args.namePrefix}-matrix`,
      table,
      region: args.region,
      engine: { kind: "aws" },
      time_budget_ms: AWS_TIME_BUDGET_MS,
      sample_ttl_s: args.resultsTtlDays * 24 * 3600,
      skipped: [],
    },
    planned,
    { mode: args.mode },
  );
}

export class RuntimeMatrix extends pulumi.ComponentResource {
  readonly resultsTable: aws.dynamodb.Table;
  readonly lightTable: aws.dynamodb.Table | undefined;
  readonly functions: Record<string, aws.lambda.Function> = {};
  readonly sampler: HarnessFunction;
  readonly aggregate: HarnessFunction;
  readonly stateMachines: MatrixStateMachines;
  readonly stateMachineArn: pulumi.Output<string>;
  readonly resultsTableName: pulumi.Output<string>;
  readonly executionInput: pulumi.Output<MatrixExecutionInput>;

  constructor(name: string, args: RuntimeMatrixArgs, opts?: pulumi.ComponentResourceOptions) {
    super("s3-archive-bench:index:RuntimeMatrix", name, {}, opts);
    const child = { parent: this };
    const { functions } = args.prepared;
    // Fail at program time, before any resource, if the plan breaks a quota or a workload minimum.
    matrixExecutionInput(args, functions, functions.map((f) => `arn:aws:lambda:${args.region}:000000000000:function:${f.functionName}`), "check");

    this.resultsTable = new aws.dynamodb.Table(
      `${name}-results`,
      {
        name: `${args.namePrefix}-matrix-results`,
        billingMode: "PAY_PER_REQUEST",
        hashKey: PARTITION_KEY,
        rangeKey: SORT_KEY,
        attributes: [
          { name: PARTITION_KEY, type: "S" },
          { name: SORT_KEY, type: "S" },
        ],
        // Sample items carry `expires_at`; run and aggregate items have none and stay.
        ttl: { attributeName: TTL_ATTRIBUTE, enabled: true },
      },
      child,
    );
    const needsLightTable = functions.some((f) => f.manifest.environment.includes(LIGHT_TABLE.envVar));
    this.lightTable = needsLightTable
      ? new aws.dynamodb.Table(
          `${name}-light`,
          {
            name: `${args.namePrefix}-matrix-light`,
            billingMode: "PAY_PER_REQUEST",
            hashKey: LIGHT_TABLE.partitionKey,
            attributes: [{ name: LIGHT_TABLE.partitionKey, type: "S" }],
            ttl: { attributeName: LIGHT_TABLE.ttlAttribute, enabled: true },
          },
          child,
        )
      : undefined;

    for (const workload of WORKLOADS) {
      const own = functions.filter((f) => f.fn.workload === workload);
      if (own.length) this.deployWorkload(name, workload, own, args, child);
    }
    const functionArns = functions.map((f) => this.functions[f.fn.name]!.arn);

    const sampler = MATRIX_FUNCTION_SETTINGS["matrix-sampler"];
    this.sampler = new HarnessFunction(
      `${name}-sampler`,
      {
        functionName: `${args.namePrefix}-matrix-sampler`,
        description: `s3-archive-bench: ${sampler.description}`,
        code: args.prepared.sampler,
        memoryMb: sampler.memoryMb,
        timeoutS: sampler.timeoutS,
        logRetentionDays: args.logRetentionDays,
        policy: (logGroupArn) =>
          pulumi.all([pulumi.all(functionArns), this.resultsTable.arn, logGroupArn]).apply(([arns, resultsTableArn, lg]) => {
            const policy = matrixSamplerPolicy({ functionArns: arns, resultsTableArn, logGroupArn: lg });
            policyJson(policy, "matrix sampler role"); // one ARN per function: check IAM's size cap
            return policy;
          }),
      },
      child,
    );
    const aggregate = MATRIX_FUNCTION_SETTINGS["matrix-aggregate"];
    this.aggregate = new HarnessFunction(
      `${name}-aggregate`,
      {
        functionName: `${args.namePrefix}-matrix-aggregate`,
        description: `s3-archive-bench: ${aggregate.description}`,
        code: args.prepared.aggregate,
        memoryMb: aggregate.memoryMb,
        timeoutS: aggregate.timeoutS,
        logRetentionDays: args.logRetentionDays,
        policy: (logGroupArn) =>
          pulumi.all([this.resultsTable.arn, logGroupArn]).apply(([resultsTableArn, lg]) => matrixAggregatePolicy({ resultsTableArn, logGroupArn: lg })),
      },
      child,
    );

    this.stateMachines = new MatrixStateMachines(
      `${name}-workflow`,
      {
        namePrefix: args.namePrefix,
        samplerArn: this.sampler.arn,
        aggregateArn: this.aggregate.arn,
        parallel: args.parallel,
        logRetentionDays: args.logRetentionDays,
        // A run started right after `pulumi up` must not meet AccessDenied in the sampler.
        dependsOn: [this.sampler.rolePolicy, this.aggregate.rolePolicy],
      },
      child,
    );
    this.stateMachineArn = this.stateMachines.rootArn;
    this.resultsTableName = this.resultsTable.name;
    this.executionInput = pulumi
      .all([pulumi.all(functionArns), this.resultsTable.name])
      .apply(([arns, table]) => matrixExecutionInput(args, functions, arns, table));
    this.registerOutputs({ stateMachineArn: this.stateMachineArn, resultsTableName: this.resultsTableName });
  }

  /** One role for a workload's functions (its logs, its table), then each function with its log group. */
  private deployWorkload(name: string, workload: string, own: PreparedMatrixFunction[], args: RuntimeMatrixArgs, child: pulumi.CustomResourceOptions): void {
    const logGroups = own.map((f) => functionLogGroup(`${name}-${f.fn.name}`, checkFunctionName(f.functionName, f.fn.name), args.logRetentionDays, child));
    const usesTable = own.some((f) => f.manifest.environment.includes(LIGHT_TABLE.envVar));
    const role = new aws.iam.Role(`${name}-${workload}`, { assumeRolePolicy: assumeRolePolicy("lambda.amazonaws.com") }, child);
    const rolePolicy = new aws.iam.RolePolicy(
      `${name}-${workload}`,
      {
        role: role.id,
        policy: pulumi
          .all([pulumi.all(logGroups.map((g) => g.arn)), usesTable ? this.lightTable!.arn : undefined])
          .apply(([logGroupArns, tableArn]) => policyJson(matrixWorkloadPolicy({ logGroupArns, tableArn }), `matrix ${workload} role`)),
      },
      child,
    );
    own.forEach((f, i) => {
      const variables: Record<string, pulumi.Input<string>> = {};
      for (const variable of f.manifest.environment) {
        if (variable !== LIGHT_TABLE.envVar) throw new Error(`${f.manifest.manifestPath}: environment: the stack cannot provide ${variable} (it knows ${LIGHT_TABLE.envVar})`);
        variables[variable] = this.lightTable!.name;
      }
      this.functions[f.fn.name] = new aws.lambda.Function(
        `${name}-${f.fn.name}`,
        {
          name: f.functionName,
          description: `s3-archive-bench matrix: ${f.fn.workload} on ${f.fn.runtime} ${f.fn.architecture}`,
          role: role.arn,
          ...zipCode(f.code),
          architectures: [f.fn.architecture],
          // The sampler sets each configuration's memory; deployed at the workload's minimum.
          memorySize: f.manifest.minMemoryMb,
          timeout: f.manifest.timeoutS,
          loggingConfig: loggingConfig(logGroups[i]!),
          environment: Object.keys(variables).length ? { variables } : undefined,
        },
        { parent: this, dependsOn: [logGroups[i]!, rolePolicy] },
      );
    });
  }
}
