// The workflow that runs, validates and scores every contender: the ASL comes from harness/ (the
// same object the local engine runs), wired here with this stack's ARNs.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { buildDefinition } from "../harness/definition";
import { assumeRolePolicy, policyJson, stateMachinePolicy } from "../harness/policies";

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
  maxRunTimeMs: number;
  expectedObjectCount: number;
  region: string;
  logRetentionDays: number;
}

export class BenchmarkStateMachine extends pulumi.ComponentResource {
  readonly role: aws.iam.Role;
  readonly rolePolicy: aws.iam.RolePolicy;
  readonly logGroup: aws.cloudwatch.LogGroup;
  readonly stateMachine: aws.sfn.StateMachine;
  readonly arn: pulumi.Output<string>;

  constructor(name: string, args: BenchmarkStateMachineArgs, opts?: pulumi.ComponentResourceOptions) {
    super("s3-archive-bench:index:BenchmarkStateMachine", name, {}, opts);
    const child = { parent: this };

    // The /aws/vendedlogs/ prefix keeps the logs resource policy Step Functions writes small.
    this.logGroup = new aws.cloudwatch.LogGroup(
      name,
      { name: `/aws/vendedlogs/states/${args.stateMachineName}`, retentionInDays: args.logRetentionDays },
      child,
    );
    this.role = new aws.iam.Role(name, { assumeRolePolicy: assumeRolePolicy("states.amazonaws.com") }, child);
    this.rolePolicy = new aws.iam.RolePolicy(
      name,
      {
        role: this.role.id,
        policy: pulumi
          .all([args.bucketArn, args.validatorArn, args.scorerArn, pulumi.all(args.contenderArns)])
          .apply(([bucketArn, validatorArn, scorerArn, contenderFunctionArns]) =>
            policyJson(
              stateMachinePolicy({
                bucketArn,
                harnessFunctionArns: [validatorArn, scorerArn],
                contenderFunctionArns,
                namePrefix: args.functionNamePrefix,
              }),
              "state machine role",
            ),
          ),
      },
      child,
    );

    const definition = pulumi
      .all([args.validatorArn, args.scorerArn, args.bucketName])
      .apply(([validatorArn, scorerArn, bucket]) =>
        JSON.stringify(
          buildDefinition({
            validatorArn,
            scorerArn,
            bucket,
            filesPrefix: args.filesPrefix,
            runsPerContender: args.runsPerContender,
            maxConcurrency: args.maxConcurrency,
            maxRunTimeMs: args.maxRunTimeMs,
            expectedObjectCount: args.expectedObjectCount,
            region: args.region,
          }),
        ),
      );

    this.stateMachine = new aws.sfn.StateMachine(
      name,
      {
        name: args.stateMachineName,
        // STANDARD: runs last minutes (EXPRESS stops at 5), and each execution keeps a history.
        type: "STANDARD",
        roleArn: this.role.arn,
        definition,
        loggingConfiguration: {
          logDestination: pulumi.interpolate`${this.logGroup.arn}:*`,
          includeExecutionData: true,
          level: "ALL",
        },
      },
      // Step Functions checks the role can deliver logs when the machine is created.
      { parent: this, dependsOn: [this.rolePolicy] },
    );
    this.arn = this.stateMachine.arn;
    this.registerOutputs({ arn: this.arn });
  }
}
