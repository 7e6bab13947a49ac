// Definition parameters and naming helpers shared by the tests/harness-definition*.test.ts files.
import type { DefinitionParams } from "../../harness/definition";

export const PARAMS: DefinitionParams = {
  validatorArn: "arn:aws:lambda:eu-west-1:123456789012:function:bench-dev-validate",
  scorerArn: "arn:aws:lambda:eu-west-1:123456789012:function:bench-dev-score",
  bucket: "bench-bucket",
  filesPrefix: "files",
  runsPerContender: 3,
  maxConcurrency: 2,
  contenderConcurrency: 0,
  contenderStateMachineArn: "arn:aws:states:eu-west-1:123456789012:stateMachine:bench-dev-contender",
  maxRunTimeMs: 300_000,
  expectedObjectCount: 3000,
  region: "eu-west-1",
};
export const arn = (name: string) => `arn:aws:lambda:eu-west-1:123456789012:function:${name}`;
/** An archive key as the definition forms it: the contender, the execution, then a UUID. */
export const ARCHIVE_KEY = (name: string, execution = "exec-1") =>
  new RegExp(`^archives/${name.replace(/[.]/g, "\\.")}/${execution}/[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}\\.zip$`);
