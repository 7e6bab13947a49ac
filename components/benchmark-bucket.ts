// The bucket the contest runs in: sources under `<filesPrefix>/`, archives and scratch objects
// written by contenders under `archives/` and `scratch/`, which expire on their own.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { ARCHIVES_PREFIX, SCRATCH_PREFIX } from "../harness/policies";

export interface BenchmarkBucketArgs {
  /** Days after which archives and scratch objects are deleted by S3 itself. */
  expireAfterDays?: number;
}

export class BenchmarkBucket extends pulumi.ComponentResource {
  readonly bucket: aws.s3.Bucket;
  readonly bucketName: pulumi.Output<string>;
  readonly bucketArn: pulumi.Output<string>;
  /** The bucket's settings: depend on them before writing objects into the bucket. */
  readonly ready: pulumi.Resource[];

  constructor(name: string, args: BenchmarkBucketArgs = {}, opts?: pulumi.ComponentResourceOptions) {
    super("s3-archive-bench:index:BenchmarkBucket", name, {}, opts);
    const child = { parent: this };
    const expireAfterDays = args.expireAfterDays ?? 7;

    // forceDestroy: `pulumi destroy` must succeed even when a run left archives behind or the
    // filler's delete could not empty the sources.
    this.bucket = new aws.s3.Bucket(name, { forceDestroy: true }, child);
    const bucket = this.bucket.bucket;

    const encryption = new aws.s3.BucketServerSideEncryptionConfiguration(
      name,
      {
        bucket,
        rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" }, bucketKeyEnabled: true }],
      },
      child,
    );
    const publicAccess = new aws.s3.BucketPublicAccessBlock(
      name,
      { bucket, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true },
      child,
    );
    // BucketOwnerEnforced disables ACLs: every object belongs to the bucket owner whoever wrote it.
    const ownership = new aws.s3.BucketOwnershipControls(
      name,
      { bucket, rule: { objectOwnership: "BucketOwnerEnforced" } },
      child,
    );
    const lifecycle = new aws.s3.BucketLifecycleConfiguration(
      name,
      {
        bucket,
        rules: [
          {
            // A contender that crashes mid-upload leaves parts that are billed until aborted.
            id: "abort-incomplete-multipart-uploads",
            status: "Enabled",
            filter: {},
            abortIncompleteMultipartUpload: { daysAfterInitiation: 1 },
          },
          ...[ARCHIVES_PREFIX, SCRATCH_PREFIX].map((prefix) => ({
            id: `expire-${prefix}`,
            status: "Enabled",
            filter: { prefix: `${prefix}/` },
            expiration: { days: expireAfterDays },
          })),
        ],
      },
      child,
    );

    this.bucketName = this.bucket.bucket;
    this.bucketArn = this.bucket.arn;
    this.ready = [encryption, publicAccess, ownership, lifecycle];
    this.registerOutputs({ bucketName: this.bucketName, bucketArn: this.bucketArn });
  }
}
