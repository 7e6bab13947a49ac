// One Lambda per (contender, architecture), each under its OWN least-privilege role: a shared
// role let any contender overwrite another's archives or scratch objects. Adding a folder under
// contenders/ is all a contributor does to enter.
import * as aws from "@pulumi/aws";
import * as awsx from "@pulumi/awsx";
import * as pulumi from "@pulumi/pulumi";
import { functionLogGroup, loggingConfig, zipCode } from "./lambda-shared";
import { assumeRolePolicy, contenderPolicy, policyJson } from "../harness/policies";
import type { PreparedContender } from "./prepare-contenders";

export interface ContenderFactoryArgs {
  contenders: PreparedContender[];
  bucketArn: pulumi.Input<string>;
  filesPrefix: string;
  logRetentionDays: number;
}

export interface DeployedContender {
  arn: pulumi.Output<string>;
  architecture: string;
  memoryMb: number;
}

const PLATFORM = { arm64: "linux/arm64", x86_64: "linux/amd64" } as const;

export class ContenderFactory extends pulumi.ComponentResource {
  /** By contender key, like `functions`. */
  readonly roles: Record<string, aws.iam.Role> = {};
  readonly rolePolicies: Record<string, aws.iam.RolePolicy> = {};
  readonly functions: Record<string, aws.lambda.Function> = {};
  /** name (`<lang>-<dev_id>-<arch>`) -> what the stack output and the execution input need. */
  readonly contenders: Record<string, DeployedContender> = {};

  constructor(name: string, args: ContenderFactoryArgs, opts?: pulumi.ComponentResourceOptions) {
    super("s3-archive-bench:index:ContenderFactory", name, {}, opts);
    const child = { parent: this };

    const logGroups = args.contenders.map((c) =>
      functionLogGroup(`${name}-${c.key}`, c.functionName, args.logRetentionDays, child),
    );
    args.contenders.forEach((c, i) => {
      // Named like its function (both at most 64 characters), so the console pairs them at a glance.
      const role = new aws.iam.Role(
        `${name}-${c.key}-role`,
        { name: c.functionName, assumeRolePolicy: assumeRolePolicy("lambda.amazonaws.com") },
        child,
      );
      this.roles[c.key] = role;
      this.rolePolicies[c.key] = new aws.iam.RolePolicy(
        `${name}-${c.key}-role`,
        {
          role: role.id,
          policy: pulumi
            .all([args.bucketArn, logGroups[i]!.arn])
            .apply(([bucketArn, logGroupArn]) =>
              policyJson(contenderPolicy({ bucketArn, filesPrefix: args.filesPrefix, contender: c.key, logGroupArn }), `contender role ${c.key}`),
            ),
        },
        child,
      );
    });

    const repositories = new Map<string, awsx.ecr.Repository>();
    args.contenders.forEach((c, i) => {
      const m = c.manifest;
      let code: aws.lambda.FunctionArgs;
      if (c.package.kind === "image") {
        let repo = repositories.get(c.id);
        if (!repo) {
          // forceDelete: the images go with the stack.
          repo = new awsx.ecr.Repository(`${name}-${c.id}`, { forceDelete: true }, child);
          repositories.set(c.id, repo);
        }
        const image = new awsx.ecr.Image(
          `${name}-${c.key}`,
          { repositoryUrl: repo.url, context: c.package.context, platform: PLATFORM[c.architecture] },
          child,
        );
        code = { role: this.roles[c.key]!.arn, packageType: "Image", imageUri: image.imageUri };
      } else {
        const archive = c.package.zipFile ? { code: new pulumi.asset.FileArchive(c.package.zipFile) } : {};
        code = { role: this.roles[c.key]!.arn, ...zipCode(c.package.code), ...archive };
      }
      const fn = new aws.lambda.Function(
        `${name}-${c.key}`,
        {
          ...code,
          name: c.functionName,
          description: (m.description ?? `s3-archive-bench contender ${c.id}`).slice(0, 256),
          architectures: [c.architecture],
          memorySize: m.memoryMb,
          timeout: m.timeoutS,
          ephemeralStorage: { size: m.ephemeralStorageMb },
          loggingConfig: loggingConfig(logGroups[i]!),
        },
        // The policy first: a run started right after `pulumi up` must not meet AccessDenied.
        { parent: this, dependsOn: [logGroups[i]!, this.rolePolicies[c.key]!] },
      );
      this.functions[c.key] = fn;
      this.contenders[c.key] = { arn: fn.arn, architecture: c.architecture, memoryMb: m.memoryMb };
    });

    this.registerOutputs({
      contenders: Object.fromEntries(Object.entries(this.contenders).map(([k, v]) => [k, v.arn])),
    });
  }
}
