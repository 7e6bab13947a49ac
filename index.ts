// Composition root of the Pulumi program: reads and validates the stack config, packages the
// harness functions and the contenders (at program time, through harness/), builds the
// components and exports what `aws stepfunctions start-execution` and `bench aws` need.
import path from "node:path";
import { fileURLToPath } from "node:url";
import * as pulumi from "@pulumi/pulumi";
import { ExecutionInput, MAX_HISTORY_EVENTS, maxContendersPerExecution } from "./harness/definition";
import { parsePayload } from "./harness/contracts";
import { packageHarnessFunction } from "./harness/packaging";
import { HARNESS_FUNCTION_SETTINGS } from "./harness/function-settings";
import { BenchmarkBucket } from "./components/benchmark-bucket";
import { BenchmarkStateMachine } from "./components/benchmark-state-machine";
import { BucketFiller } from "./components/bucket-filler";
import { ContenderFactory } from "./components/contender-factory";
import { HarnessFunction } from "./components/harness-function";
import { PrDeployments, prDeploymentsArgs } from "./components/pr-deployments";
import { scorerPolicy, validatorPolicy } from "./harness/policies";
import { prepareContenders } from "./components/prepare-contenders";
import { readAwsRegion, readStackConfig } from "./components/stack-config";

const projectRoot = path.dirname(fileURLToPath(import.meta.url));
const project = pulumi.getProject();
const stack = pulumi.getStack();
const config = readStackConfig();
const region = readAwsRegion();
const prefix = `${project}-${stack}`;
const logRetentionDays = config.logRetentionDays;

// Program-time packaging: a bad manifest or a failing build stops `pulumi up` before any change.
const [fillCode, validateCode, scoreCode, prepared] = await Promise.all([
  packageHarnessFunction("fill-bucket"),
  packageHarnessFunction("validate"),
  packageHarnessFunction("score"),
  prepareContenders({
    project,
    stack,
    root: path.resolve(projectRoot, config.contendersDir),
    only: config.contenders,
  }),
]);

if (prepared.length === 0) {
  throw new Error(
    `no contenders to deploy: none found under ${path.resolve(projectRoot, config.contendersDir)} ` +
      "(add contenders/<lang>/<dev_id>/contender.json, or fix the contendersDir / contenders config)",
  );
}

// Step Functions' execution history quota (25,000 events, hard), per execution: each contender's
// runs and validations count in its own child execution, the parent holds a few events per
// contender (harness/history.ts). Checked before any resource is registered.
const maxContenders = maxContendersPerExecution(config.runsPerContender);
if (prepared.length > maxContenders) {
  throw new Error(
    maxContenders === 0
      ? `runsPerContender ${config.runsPerContender}: one contender's execution would come near Step Functions' history quota of ${MAX_HISTORY_EVENTS} events`
      : `${prepared.length} contender functions exceed the ${maxContenders} one execution can take ` +
          `(its scores must fit in 256 KiB and its history in ${MAX_HISTORY_EVENTS} events): deploy fewer with the contenders config`,
  );
}

const bucket = new BenchmarkBucket("bench");

new BucketFiller("fill", {
  functionName: `${prefix}-fill-bucket`,
  code: fillCode,
  memoryMb: HARNESS_FUNCTION_SETTINGS["fill-bucket"].memoryMb,
  timeoutS: HARNESS_FUNCTION_SETTINGS["fill-bucket"].timeoutS,
  logRetentionDays,
  bucketName: bucket.bucketName,
  bucketArn: bucket.bucketArn,
  bucketReady: bucket.ready,
  filesPrefix: config.filesPrefix,
  objectCount: config.objectCount,
  objectSizeMb: config.objectSizeMb,
  seed: config.seed,
});

const validator = new HarnessFunction("validate", {
  functionName: `${prefix}-validate`,
  description: "s3-archive-bench: checks one archive against the source listing",
  code: validateCode,
  memoryMb: HARNESS_FUNCTION_SETTINGS.validate.memoryMb,
  timeoutS: HARNESS_FUNCTION_SETTINGS.validate.timeoutS,
  logRetentionDays,
  policy: (logGroupArn) =>
    pulumi
      .all([bucket.bucketArn, logGroupArn])
      .apply(([bucketArn, lg]) => validatorPolicy({ bucketArn, filesPrefix: config.filesPrefix, logGroupArn: lg })),
});

const scorer = new HarnessFunction("score", {
  functionName: `${prefix}-score`,
  description: "s3-archive-bench: prices and ranks the runs",
  code: scoreCode,
  memoryMb: HARNESS_FUNCTION_SETTINGS.score.memoryMb,
  timeoutS: HARNESS_FUNCTION_SETTINGS.score.timeoutS,
  logRetentionDays,
  policy: (logGroupArn) => logGroupArn.apply((lg) => scorerPolicy({ logGroupArn: lg })),
});

const factory = new ContenderFactory("contender", {
  contenders: prepared,
  bucketArn: bucket.bucketArn,
  filesPrefix: config.filesPrefix,
  logRetentionDays,
});

const workflow = new BenchmarkStateMachine("benchmark", {
  stateMachineName: prefix,
  validatorArn: validator.arn,
  scorerArn: scorer.arn,
  contenderArns: Object.values(factory.contenders).map((c) => c.arn),
  functionNamePrefix: prefix,
  bucketName: bucket.bucketName,
  bucketArn: bucket.bucketArn,
  filesPrefix: config.filesPrefix,
  runsPerContender: config.runsPerContender,
  maxConcurrency: config.maxConcurrency,
  contenderConcurrency: config.contenderConcurrency,
  maxRunTimeMs: config.maxRunTimeMs,
  expectedObjectCount: config.objectCount,
  region,
  logRetentionDays,
});

// Off by default; when on, this stack manages the `pr` template stack's deployment settings.
const prDeployments = prDeploymentsArgs(config.prDeployments, { project });
if (prDeployments) new PrDeployments("pr-deployments", prDeployments);

const contenderNames = Object.keys(factory.contenders).sort();

export const bucketName = bucket.bucketName;
export const stateMachineArn = workflow.arn;
/** The machine that runs one contender (started by stateMachineArn once per contender). */
export const contenderStateMachineArn = workflow.contenderArn;
/** Exactly the state machine's input: `--input "$(pulumi stack output executionInput --json)"`. */
export const executionInput = pulumi
  .all(contenderNames.map((name) => factory.contenders[name]!.arn))
  .apply((arns) =>
    parsePayload(
      ExecutionInput,
      { contenders: contenderNames.map((name, i) => ({ name, function_arn: arns[i]! })) },
      "execution input",
    ),
  );
/** name (`<lang>-<dev_id>-<arch>`) -> { arn, architecture, memoryMb } */
export const contenders = pulumi.output(factory.contenders);
