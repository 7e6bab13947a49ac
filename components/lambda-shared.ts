// What every Lambda of the stack has in common: its own log group with a retention, created before
// the function (else Lambda creates one that keeps logs forever), and plain-text logs.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { PackagedCode } from "../harness/packaging";

export type { PackagedCode };

/** Lambda caps function names at 64 characters; fail at program time, not in the API. */
export function checkFunctionName(functionName: string, what: string): string {
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(functionName)) {
    throw new Error(
      `${what}: Lambda function name '${functionName}' (${functionName.length} chars) must be 1-64 of [A-Za-z0-9_-]; ` +
        "use a shorter project, stack or dev_id",
    );
  }
  return functionName;
}

export function functionLogGroup(
  name: string,
  functionName: string,
  retentionInDays: number,
  opts: pulumi.CustomResourceOptions,
): aws.cloudwatch.LogGroup {
  return new aws.cloudwatch.LogGroup(name, { name: `/aws/lambda/${functionName}`, retentionInDays }, opts);
}

/**
 * Text, not JSON: the harness reads the REPORT line from the log tail of each invocation
 * (LogType: Tail), and the score function parses the text form of that line.
 */
export function loggingConfig(logGroup: aws.cloudwatch.LogGroup): aws.types.input.lambda.FunctionLoggingConfig {
  return { logFormat: "Text", logGroup: logGroup.name };
}

/** Zip-packaged code: Pulumi zips the folder itself (file modes, e.g. an executable bootstrap, are kept). */
export function zipCode(code: PackagedCode): Pick<aws.lambda.FunctionArgs, "code" | "handler" | "runtime" | "packageType"> {
  return { packageType: "Zip", code: new pulumi.asset.FileArchive(code.dir), handler: code.handler, runtime: code.runtime };
}
