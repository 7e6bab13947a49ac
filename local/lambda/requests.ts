// The request side of the local Lambda API: which function a name or ARN means, and the payload
// as the JSON text the runtime receives. Errors are the ones the AWS API throws for the same input.
import { InvalidRequestContentException, ResourceNotFoundException, type LocalFunction } from "./types";

/** Accepts a name, `name:$LATEST`, or the (optionally `:$LATEST`-qualified) ARN. */
export function findFunction(functions: ReadonlyMap<string, LocalFunction>, nameOrArn: string): LocalFunction {
  const arn = /^arn:aws[a-z-]*:lambda:[^:]+:\d{12}:function:([^:]+)(?::([^:]+))?$/.exec(nameOrArn);
  const [name, qualifier] = arn ? [arn[1]!, arn[2]] : (nameOrArn.split(":") as [string, string?]);
  const fn = functions.get(name);
  const arnMatches = !arn || fn?.arn === nameOrArn.replace(/:\$LATEST$/, "");
  if (!fn || !arnMatches || (qualifier !== undefined && qualifier !== "$LATEST")) {
    const shown = arn ? nameOrArn : `arn:aws:lambda:us-east-1:000000000000:function:${nameOrArn}`;
    throw new ResourceNotFoundException(`Function not found: ${shown}`);
  }
  return fn;
}

/** The event as JSON text: objects are serialized, strings/bytes must already be JSON. */
export function payloadText(payload: unknown): string {
  if (payload === undefined || payload === null) return "{}";
  if (typeof payload !== "string" && !(payload instanceof Uint8Array)) return JSON.stringify(payload);
  const text = typeof payload === "string" ? payload : Buffer.from(payload).toString("utf8");
  if (text.trim() === "") return "{}";
  try {
    JSON.parse(text);
  } catch (error) {
    throw new InvalidRequestContentException(`Could not parse request body into json: ${(error as Error).message}`);
  }
  return text;
}
