// Definition parameters and naming helpers shared by the tests/harness-definition*.test.ts files.
import type { DefinitionParams } from "../../harness/definition";

export const PARAMS: DefinitionParams = {
  validatorArn: "arn:aws:lambda:eu-west-1:123456789012:function:bench-dev-validate",
  scorerArn: "arn:aws:lambda:eu-west-1:123456789012:function:bench-dev-score",
  bucket: "bench-bucket",
  filesPrefix: "files",
  runsPerContender: 3,
  maxConcurrency: 2,
  maxRunTimeMs: 300_000,
  expectedObjectCount: 3000,
  region: "eu-west-1",
};
export const arn = (name: string) => `arn:aws:lambda:eu-west-1:123456789012:function:${name}`;
export const key = (name: string, i: number, execution = "exec-1") => `archives/${name}/${execution}/run-${i}.zip`;
