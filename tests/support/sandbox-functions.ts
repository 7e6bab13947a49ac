// Test fixtures for the local Lambda sandboxes: tiny handlers under tests/fixtures/functions/.
import { fileURLToPath } from "node:url";
import type { InvokeResult, LocalFunction } from "../../local/lambda/index";

export const FUNCTION_FIXTURES = fileURLToPath(new URL("../fixtures/functions/", import.meta.url));
export const fixtureArn = (name: string) => `arn:aws:lambda:us-east-1:000000000000:function:${name}`;

/** A Node function `name` running the fixture folder `dir`, 1024 MB and 10 s unless overridden. */
export function fixtureFunction(name: string, dir: string, overrides: Partial<LocalFunction> = {}): LocalFunction {
  return {
    name,
    arn: fixtureArn(name),
    runtime: "nodejs22.x",
    handler: "index.handler",
    codeDir: `${FUNCTION_FIXTURES}${dir}`,
    memoryMb: 1024,
    timeoutS: 10,
    ephemeralStorageMb: 512,
    architecture: "x86_64",
    environment: {},
    ...overrides,
  };
}

/** The invocation's log tail (LogType: Tail), decoded. */
export function logOf(result: InvokeResult): string {
  return Buffer.from(result.LogResult ?? "", "base64").toString("utf8");
}
