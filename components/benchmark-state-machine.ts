// The workflow that runs, validates and scores every contender: two state machines built from
// harness/ (the same objects the local engine runs), wired here with this stack's ARNs.
//   - `<prefix>-contender`: one execution per contender (its runs, validations, cleanup, score);
//   - `<prefix>`: the one `bench aws` starts; it starts a contender execution per contender
//     (states:startExecution.sync:2), so that whatever one contender does fails only its own
//     execution (harness/definition.ts says why), then ranks.
// Each has its own role: the parent may start and follow contender executions and call the
// scorer; only the contender machine invokes contenders and touches the bucket.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { buildContenderDefinition, buildDefinition, type DefinitionParams } from "../harness/definition";
import { assumeRolePolicy, policyJson, type PolicyDocument } from "../harness/policies";
import { parentStateMachinePolicy, stateMachinePolicy } from "../harness/workflow-policies";

export interface BenchmarkStateMachineArgs {
  stateMachineName: string;
  validatorArn: pulumi.Input<string>;
  scorerArn: pulumi.Input<string>;
  /** Every contender function; the role may invoke these and nothing else outside the harness. */
  contenderArns: pulumi.Input<string>[];
  /** `<project>-<stack>`, the start of every contender function name. */
  functionNamePrefix: string;
  bucketName: pulumi.Input<string>;
  bucketArn: pulumi.Input<string>;
  filesPrefix: string;
  runsPerContender: number;
  maxConcurrency: number;
  /** Contenders at once (0 = all). */
  contenderConcurrency: number;
  maxRunTimeMs: number;
  expectedObjectCount: number;
  region: string;
  logRetentionDays: number;
}

/** One STANDARD state machine with its role, inline policy and log group. */
class Machine {
  readonly role: aws.iam.Role;
  readonly rolePolicy: aws.iam.RolePolicy;
  readonly logGroup: aws.cloudwatch.LogGroup;
  readonly stateMachine: aws.sfn.StateMachine;

  constructor(
    name: string,
    machineName: string,
    policy: pulumi.Output<PolicyDocument>,
    definition: pulumi.Output<Record<string, unknown>>,
    logRetentionDays: number,
    parent: pulumi.Resource,
  ) {
    const child = { parent };
    // The /aws/vendedlogs/ prefix keeps the logs resource policy Step Functions writes small.
    this.logGroup = new aws.cloudwatch.LogGroup(name, { name: `/aws/vendedlogs/states/${machineName}`, retentionInDays: logRetentionDays }, child);
    this.role = new aws.iam.Role(name, { assumeRolePolicy: assumeRolePolicy("states.amazonaws.com") }, child);
    this.rolePolicy = new aws.iam.RolePolicy(
      name,
      { role: this.role.id, policy: policy.apply((doc) => policyJson(doc, `${machineName} state machine role`)) },
      child,
    );
    this.stateMachine = new aws.sfn.StateMachine(
      name,
      {
        name: machineName,
        // STANDARD: runs last minutes (EXPRESS stops at 5, and cannot wait for a child with .sync).
        type: "STANDARD",
        roleArn: this.role.arn,
        definition: definition.apply((d) => JSON.stringify(d)),
        loggingConfiguration: {
          logDestination: pulumi.interpolate`${this.logGroup.arn}:*`,
          includeExecutionData: true,
          level: "ALL",
        },
      },
      // Step Functions checks the role can deliver logs when the machine is created.
      { parent, dependsOn: [this.rolePolicy] },
    );
  }
}

export class BenchmarkStateMachine extends pulumi.ComponentResource {
  /** The machine `bench aws` starts. */
  readonly parent: Machine;
  /** One execution per contender. */
  readonly contender: Machine;
  readonly arn: pulumi.Output<string>;
  readonly contenderArn: pulumi.Output<string>;

  constructor(name: string, args: BenchmarkStateMachineArgs, opts?: pulumi.ComponentResourceOptions) {
    super("s3-archive-bench:index:BenchmarkStateMachine", name, {}, opts);
    const contenderMachineName = `${args.stateMachineName}-contender`;
    const params = (validatorArn: string, scorerArn: string, bucket: string, contenderStateMachineArn: string): DefinitionParams => ({
      validatorArn,
      scorerArn,
      bucket,
      filesPrefix: args.filesPrefix,
      runsPerContender: args.runsPerContender,
      maxConcurrency: args.maxConcurrency,
      contenderConcurrency: args.contenderConcurrency,
      contenderStateMachineArn,
      maxRunTimeMs: args.maxRunTimeMs,
      expectedObjectCount: args.expectedObjectCount,
      region: args.region,
    });

    this.contender = new Machine(
      `${name}-contender`,
      contenderMachineName,
      pulumi
        .all([args.bucketArn, args.validatorArn, args.scorerArn, pulumi.all(args.contenderArns)])
        .apply(([bucketArn, validatorArn, scorerArn, contenderFunctionArns]) =>
          stateMachinePolicy({ bucketArn, harnessFunctionArns: [validatorArn, scorerArn], contenderFunctionArns, namePrefix: args.functionNamePrefix }),
        ),
      pulumi
        .all([args.validatorArn, args.scorerArn, args.bucketName])
        // The contender definition never refers to its own ARN (nor to the parent's settings).
        .apply(([validatorArn, scorerArn, bucket]) => buildContenderDefinition(params(validatorArn, scorerArn, bucket, "unused"))),
      args.logRetentionDays,
      this,
    );
    this.contenderArn = this.contender.stateMachine.arn;

    this.parent = new Machine(
      name,
      args.stateMachineName,
      pulumi
        .all([this.contenderArn, args.scorerArn, args.bucketArn])
        .apply(([contenderStateMachineArn, scorerArn, bucketArn]) => parentStateMachinePolicy({ contenderStateMachineArn, scorerArn, bucketArn })),
      pulumi
        .all([args.validatorArn, args.scorerArn, args.bucketName, this.contenderArn])
        .apply(([validatorArn, scorerArn, bucket, contenderArn]) => buildDefinition(params(validatorArn, scorerArn, bucket, contenderArn))),
      args.logRetentionDays,
      this,
    );
    this.arn = this.parent.stateMachine.arn;
    this.registerOutputs({ arn: this.arn, contenderArn: this.contenderArn });
  }
}
