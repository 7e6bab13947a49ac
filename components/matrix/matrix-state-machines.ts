// The matrix's two state machines (harness/matrix/definition.ts): the per-configuration child,
// then the root that starts it once per (function, memory). Each has its own role; they share
// one log group. Logging is ERROR level: a production run makes tens of thousands of sampler
// calls, whose inputs and outputs the execution histories already keep (90 days); the log group
// records what failed, with its data, at a small fraction of the ingestion cost.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { configurationDefinition, rootDefinition } from "../../harness/matrix/definition";
import { matrixConfigurationMachinePolicy, matrixRootMachinePolicy } from "../../harness/matrix/policies";
import { assumeRolePolicy, policyJson, type PolicyDocument } from "../../harness/policies";

export interface MatrixStateMachinesArgs {
  namePrefix: string;
  samplerArn: pulumi.Output<string>;
  aggregateArn: pulumi.Output<string>;
  parallel: number;
  logRetentionDays: number;
  dependsOn: pulumi.Resource[];
}

export class MatrixStateMachines extends pulumi.ComponentResource {
  readonly logGroup: aws.cloudwatch.LogGroup;
  readonly configuration: aws.sfn.StateMachine;
  readonly root: aws.sfn.StateMachine;
  readonly rootArn: pulumi.Output<string>;

  constructor(name: string, args: MatrixStateMachinesArgs, opts?: pulumi.ComponentResourceOptions) {
    super("s3-archive-bench:index:MatrixStateMachines", name, {}, opts);
    const child = { parent: this };
    const rootName = `${args.namePrefix}-matrix`;
    // The /aws/vendedlogs/ prefix keeps the logs resource policy Step Functions writes small.
    this.logGroup = new aws.cloudwatch.LogGroup(name, { name: `/aws/vendedlogs/states/${rootName}`, retentionInDays: args.logRetentionDays }, child);
    const logging = { logDestination: pulumi.interpolate`${this.logGroup.arn}:*`, includeExecutionData: true, level: "ERROR" };

    const machine = (suffix: string, machineName: string, policy: pulumi.Output<PolicyDocument>, definition: pulumi.Output<object>) => {
      const role = new aws.iam.Role(`${name}-${suffix}`, { assumeRolePolicy: assumeRolePolicy("states.amazonaws.com") }, child);
      const rolePolicy = new aws.iam.RolePolicy(
        `${name}-${suffix}`,
        { role: role.id, policy: policy.apply((p) => policyJson(p, `matrix ${suffix} state machine role`)) },
        child,
      );
      return new aws.sfn.StateMachine(
        `${name}-${suffix}`,
        {
          name: machineName,
          // STANDARD: a production run lasts hours (EXPRESS stops at 5 minutes).
          type: "STANDARD",
          roleArn: role.arn,
          definition: definition.apply((d) => JSON.stringify(d)),
          loggingConfiguration: logging,
        },
        // Step Functions checks the role can deliver logs when the machine is created.
        { parent: this, dependsOn: [rolePolicy, ...args.dependsOn] },
      );
    };

    // The configuration machine's ARN goes into the root's definition; the child never needs the root's.
    const params = (configurationMachineArn: string, samplerArn: string, aggregatorArn: string) => ({
      samplerArn,
      aggregatorArn,
      configurationMachineArn,
      maxParallel: args.parallel,
    });
    const configurationName = `${rootName}-configuration`;
    this.configuration = machine(
      "configuration",
      configurationName,
      pulumi.all([args.samplerArn, args.aggregateArn]).apply(([samplerArn, aggregateArn]) => matrixConfigurationMachinePolicy({ samplerArn, aggregateArn })),
      pulumi
        .all([args.samplerArn, args.aggregateArn])
        // The child's definition does not use its own ARN; a placeholder keeps the params valid.
        .apply(([s, a]) => configurationDefinition(params(`arn:aws:states:::stateMachine:${configurationName}`, s, a))),
    );
    this.root = machine(
      "root",
      rootName,
      pulumi.all([args.aggregateArn, this.configuration.arn]).apply(([aggregateArn, configurationMachineArn]) => matrixRootMachinePolicy({ aggregateArn, configurationMachineArn })),
      pulumi.all([this.configuration.arn, args.samplerArn, args.aggregateArn]).apply(([c, s, a]) => rootDefinition(params(c, s, a))),
    );
    this.rootArn = this.root.arn;
    this.registerOutputs({ rootArn: this.rootArn, configurationArn: this.configuration.arn });
  }
}
