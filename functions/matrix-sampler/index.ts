// The matrix's sampler Lambda: one (function, memory) configuration per call (sample.ts), the
// function under test reconfigured through the Lambda API, every sample written to DynamoDB.
// Endpoints, region and credentials come from the standard environment (locally
// AWS_ENDPOINT_URL_LAMBDA / AWS_ENDPOINT_URL_DYNAMODB point at the local Lambda API and moto).
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { LambdaClient } from "@aws-sdk/client-lambda";
import { parsePayload, SamplerEvent, SamplerResult } from "../../harness/matrix/contracts";
import { sampleConfiguration } from "./sample";

// Created once per execution environment; the SDK retries throttling and 5xx itself.
const lambda = new LambdaClient({});
const dynamo = new DynamoDBClient({});

export async function handler(event: unknown, context?: { getRemainingTimeInMillis?: () => number }): Promise<SamplerResult> {
  const request = parsePayload(SamplerEvent, event, "sampler event");
  const remaining = context?.getRemainingTimeInMillis?.();
  const deadlineMs = remaining === undefined ? undefined : Date.now() + remaining;
  return parsePayload(SamplerResult, await sampleConfiguration(request, { lambda, dynamo, deadlineMs }), "sampler result");
}
