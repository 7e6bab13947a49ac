// The stack outputs `bench aws` starts from (`pulumi stack output --json`), validated at the edge.
import { readFile } from "node:fs/promises";
import { z } from "zod";
import { parsePayload } from "../harness/contracts";
import { ExecutionInput } from "../harness/execution-input";
import { UsageError } from "./args";

export { ExecutionInput };

/** Pulumi prints an output built with JSON.stringify as a string: accept both forms. */
export const jsonOrValue = <T extends z.ZodType>(schema: T) =>
  z.preprocess((value) => {
    if (typeof value !== "string") return value;
    try {
      return JSON.parse(value);
    } catch {
      return value; // let the schema report the type error
    }
  }, schema);

const STATE_MACHINE_ARN = /^arn:[a-z-]+:states:[a-z0-9-]+:\d{12}:stateMachine:[A-Za-z0-9_-]+$/;
const EXECUTION_ARN = /^arn:[a-z-]+:states:[a-z0-9-]+:\d{12}:execution:/;

/** A stack output that must be a state machine ARN (both suites' outputs). */
export const StateMachineArn = z.string().regex(STATE_MACHINE_ARN, "must be a Step Functions state machine ARN");

/** `--execution <arn>` of `bench aws` and `bench matrix aws`: a usage error unless it is one. */
export function checkExecutionArn(value: string): void {
  if (!EXECUTION_ARN.test(value)) throw new UsageError(`--execution must be a Step Functions execution ARN, got "${value}"`);
}

/** Only the outputs `bench aws` needs; the others (e.g. `contenders`) are ignored. */
export const StackOutputs = z.object({
  stateMachineArn: StateMachineArn,
  bucketName: z.string().min(1),
  executionInput: jsonOrValue(ExecutionInput),
});
export type StackOutputs = z.infer<typeof StackOutputs>;

/** Reads all of a stream (stdin) as text. */
async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === "string" ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks).toString("utf8");
}

/**
 * Loads the outputs from `file`, else from stdin (refusing an interactive stdin, which would just
 * wait forever). Malformed JSON or missing outputs are UsageErrors naming the source and field.
 */
export async function loadStackOutputs(
  file: string | undefined,
  stdin: NodeJS.ReadableStream & { isTTY?: boolean } = process.stdin,
): Promise<StackOutputs> {
  return loadOutputs(StackOutputs, "bench aws", file, stdin);
}

/** The same, for any command's schema of outputs (e.g. `bench matrix aws`). */
export async function loadOutputs<T extends z.ZodType>(
  schema: T,
  command: string,
  file: string | undefined,
  stdin: NodeJS.ReadableStream & { isTTY?: boolean } = process.stdin,
): Promise<z.infer<T>> {
  let text: string;
  let source: string;
  if (file !== undefined) {
    source = file;
    try {
      text = await readFile(file, "utf8");
    } catch (error) {
      throw new UsageError(`cannot read --outputs ${file}: ${(error as Error).message}`, false);
    }
  } else {
    if (stdin.isTTY) {
      throw new UsageError(`no stack outputs: pipe \`pulumi stack output --json\` into ${command}, or pass --outputs <file>`);
    }
    source = "stdin";
    text = await readAll(stdin);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`stack outputs from ${source} are not JSON (${(error as Error).message})`, false);
  }
  try {
    return parsePayload(schema, json, `stack outputs from ${source}`);
  } catch (error) {
    throw new UsageError((error as Error).message, false);
  }
}

/** Keeps the contenders named in `filter` (`<lang>-<dev_id>` selects every architecture). */
export function selectContenders(input: ExecutionInput, filter: string[] | undefined): ExecutionInput {
  if (!filter?.length) return input;
  const wanted = (name: string) =>
    filter.some((f) => name === f || name === `${f}-arm64` || name === `${f}-x86_64`);
  const contenders = input.contenders.filter((c) => wanted(c.name));
  const unknown = filter.filter((f) => !input.contenders.some((c) => c.name === f || c.name.startsWith(`${f}-`)));
  if (unknown.length || contenders.length === 0) {
    const known = input.contenders.map((c) => c.name).join(", ");
    throw new UsageError(`unknown contender(s) ${unknown.join(", ") || filter.join(", ")}; the stack has: ${known}`, false);
  }
  return { contenders };
}

/** The region in a Step Functions ARN: the client must talk to the stack's region, whatever AWS_REGION says. */
export function regionOfArn(arn: string): string {
  const region = arn.split(":")[3];
  if (!region) throw new UsageError(`not an ARN: ${arn}`, false);
  return region;
}
