// Fills the source prefix with the deterministic dataset, as part of the deployment (DESIGN.md
// decision 5): an `aws.lambda.Invocation` in CRUD scope invokes the filler on create (fill), on
// update with the previous input (refill when count/size/seed/prefix changed) and on delete
// (empty the prefix), so the dataset follows the stack config like any other resource.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { FillParams } from "../harness/contracts";
import { HarnessFunction } from "./harness-function";
import type { PackagedCode } from "./lambda-shared";
import { fillerPolicy } from "../harness/policies";

export interface BucketFillerArgs {
  functionName: string;
  code: PackagedCode;
  memoryMb: number;
  timeoutS: number;
  logRetentionDays: number;
  bucketName: pulumi.Input<string>;
  bucketArn: pulumi.Input<string>;
  filesPrefix: string;
  objectCount: number;
  objectSizeMb: number;
  seed: string | number;
  /** Resources the bucket must have before objects go in (encryption, ownership...). */
  bucketReady?: pulumi.Resource[];
}

/** The key the CRUD lifecycle information is added under: `tf` is what FillInput expects. */
export const FILL_LIFECYCLE_KEY = "tf";

export class BucketFiller extends pulumi.ComponentResource {
  readonly filler: HarnessFunction;
  readonly invocation: aws.lambda.Invocation;
  /** The FillResult JSON the last invocation returned. */
  readonly result: pulumi.Output<string>;

  constructor(name: string, args: BucketFillerArgs, opts?: pulumi.ComponentResourceOptions) {
    super("s3-archive-bench:index:BucketFiller", name, {}, opts);

    this.filler = new HarnessFunction(
      `${name}-fn`,
      {
        functionName: args.functionName,
        description: "s3-archive-bench: fills, refills and empties the source prefix",
        code: args.code,
        memoryMb: args.memoryMb,
        timeoutS: args.timeoutS,
        logRetentionDays: args.logRetentionDays,
        policy: (logGroupArn) =>
          pulumi
            .all([args.bucketArn, logGroupArn])
            .apply(([bucketArn, lg]) => fillerPolicy({ bucketArn, logGroupArn: lg })),
      },
      { parent: this },
    );

    const input = pulumi.output(args.bucketName).apply((bucket) => {
      const params: FillParams = {
        bucket,
        prefix: args.filesPrefix,
        objectCount: args.objectCount,
        objectSizeMb: args.objectSizeMb,
        seed: args.seed,
      };
      return JSON.stringify(params);
    });

    this.invocation = new aws.lambda.Invocation(
      name,
      {
        functionName: this.filler.name,
        input,
        lifecycleScope: "CRUD",
        terraformKey: FILL_LIFECYCLE_KEY,
        // New filler code re-creates the dataset: a changed generator must not leave stale objects.
        triggers: { fillerCodeSha256: args.code.sha256 },
      },
      {
        parent: this,
        // Empty the old dataset (delete event) before filling the new one.
        deleteBeforeReplace: true,
        // Without its policy the filler's first invocation fails with AccessDenied; and on destroy,
        // the delete event must run while the role still may delete.
        dependsOn: [this.filler.rolePolicy, ...(args.bucketReady ?? [])],
      },
    );
    this.result = this.invocation.result;
    this.registerOutputs({ result: this.result });
  }
}
