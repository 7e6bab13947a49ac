// One of the harness's own Lambdas (fill-bucket, validate, score): its own role with exactly the
// policy it is given, its own log group, and the function.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { assumeRolePolicy, type PolicyDocument } from "../harness/policies";
import { checkFunctionName, functionLogGroup, loggingConfig, zipCode, type PackagedCode } from "./lambda-shared";

export interface HarnessFunctionArgs {
  functionName: string;
  code: PackagedCode;
  memoryMb: number;
  timeoutS: number;
  logRetentionDays: number;
  /** The role's only policy, given the function's log group ARN. */
  policy: (logGroupArn: pulumi.Output<string>) => pulumi.Output<PolicyDocument>;
  environment?: Record<string, pulumi.Input<string>>;
  description?: string;
}

export class HarnessFunction extends pulumi.ComponentResource {
  readonly role: aws.iam.Role;
  /** Depend on this before invoking the function: the role is useless until its policy exists. */
  readonly rolePolicy: aws.iam.RolePolicy;
  readonly logGroup: aws.cloudwatch.LogGroup;
  readonly function: aws.lambda.Function;
  readonly arn: pulumi.Output<string>;
  readonly name: pulumi.Output<string>;

  constructor(name: string, args: HarnessFunctionArgs, opts?: pulumi.ComponentResourceOptions) {
    super("s3-archive-bench:index:HarnessFunction", name, {}, opts);
    const child = { parent: this };
    const functionName = checkFunctionName(args.functionName, name);

    this.logGroup = functionLogGroup(name, functionName, args.logRetentionDays, child);
    this.role = new aws.iam.Role(name, { assumeRolePolicy: assumeRolePolicy("lambda.amazonaws.com") }, child);
    this.rolePolicy = new aws.iam.RolePolicy(
      name,
      { role: this.role.id, policy: args.policy(this.logGroup.arn).apply((p) => JSON.stringify(p)) },
      child,
    );
    this.function = new aws.lambda.Function(
      name,
      {
        name: functionName,
        description: args.description,
        role: this.role.arn,
        ...zipCode(args.code),
        architectures: ["arm64"],
        memorySize: args.memoryMb,
        timeout: args.timeoutS,
        loggingConfig: loggingConfig(this.logGroup),
        environment: args.environment ? { variables: args.environment } : undefined,
      },
      { parent: this, dependsOn: [this.logGroup] },
    );
    this.arn = this.function.arn;
    this.name = this.function.name;
    this.registerOutputs({ arn: this.arn, name: this.name });
  }
}
