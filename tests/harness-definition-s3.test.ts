// The cleanup Tasks against real S3 (moto): the S3 Task states call the same-named SDK v3 command
// with their Parameters, as the local engine does and as the aws-sdk integration does on AWS.
// Killed runs leave real multipart uploads; afterwards none is left under archives/, no archive
// either, and an upload outside the runs' keys (another run's key prefix included) is untouched.
import { describe, expect, it } from "vitest";
import * as S3 from "@aws-sdk/client-s3";
import { ResultDocument, type ContenderEvent } from "../harness/contracts";
import { buildDefinition, ExecutionInput, TASK_STATES } from "../harness/definition";
import { FakeAws, runLocally } from "./support/harness-fake-aws";
import { useEmbeddedS3 } from "./support/s3";
import { arn, PARAMS } from "./support/harness-params";

const fixture = useEmbeddedS3();
const PART = Buffer.alloc(5 * 1024 * 1024, 7); // S3's minimum part size

/** `aws-sdk:s3:<action>` as an SDK v3 call; errors named `S3.<name>` like the integration's. */
function s3Task(client: S3.S3Client, action: string) {
  const Command = (S3 as unknown as Record<string, new (input: unknown) => S3.DeleteObjectCommand>)[`${action[0]!.toUpperCase()}${action.slice(1)}Command`]!;
  return async (input: unknown) => {
    try {
      const { $metadata: _m, ...output } = await client.send(new Command(input));
      return JSON.parse(JSON.stringify(output)) as unknown;
    } catch (error) {
      throw Object.assign(new Error((error as Error).message), { name: `S3.${(error as Error).name}` });
    }
  };
}

async function openUploads(bucket: string) {
  const listed = await fixture.client.send(new S3.ListMultipartUploadsCommand({ Bucket: bucket }));
  return (listed.Uploads ?? []).map((u) => u.Key).sort();
}

describe("multipart cleanup against moto", () => {
  it("aborts what killed runs left under their own keys, and nothing else", async () => {
    const bucket = await fixture.bucket("cleanup");
    const client = fixture.client;
    const name = "typescript-killed-arm64";
    // Not any run's: another execution's run 1, and run 10's key (it shares "run-1" with run 1's).
    const bystanders = [`archives/${name}/exec-0/run-1.zip`, `archives/${name}/exec-1/run-10.zip`];
    for (const Key of bystanders) await client.send(new S3.CreateMultipartUploadCommand({ Bucket: bucket, Key }));
    // A key that EXTENDS run 1's key counts as run 1's (a contender's temporary name): the
    // listing is by prefix, and only run 1 writes under it.
    await client.send(new S3.CreateMultipartUploadCommand({ Bucket: bucket, Key: `archives/${name}/exec-1/run-1.zip.part` }));

    const aws = new FakeAws({ [arn(name)]: { config: "zip" } });
    const handlers = aws.handlers() as Record<string, (input: never) => Promise<unknown>>;
    // Run 0 writes its archive; runs 1 and 2 are "killed" mid-upload (a part uploaded, no abort).
    handlers[TASK_STATES.invokeContender] = async (input: never) => {
      const event = (input as { Payload: ContenderEvent }).Payload;
      expect(event.bucket_name).toBe(bucket);
      if (event.archive_key.endsWith("run-0.zip")) {
        await client.send(new S3.PutObjectCommand({ Bucket: bucket, Key: event.archive_key, Body: "zip" }));
        return { StatusCode: 200, ExecutedVersion: "$LATEST", Payload: null, LogResult: "" };
      }
      const { UploadId } = await client.send(new S3.CreateMultipartUploadCommand({ Bucket: bucket, Key: event.archive_key }));
      await client.send(new S3.UploadPartCommand({ Bucket: bucket, Key: event.archive_key, UploadId, PartNumber: 1, Body: PART }));
      throw Object.assign(new Error(JSON.stringify({ errorType: "Sandbox.Timedout", errorMessage: "Task timed out after 1.00 seconds" })), { name: "Sandbox.Timedout" });
    };
    for (const state of [TASK_STATES.listMultipartUploads, TASK_STATES.abortMultipartUpload, TASK_STATES.deleteArchive]) {
      const resource = state === TASK_STATES.deleteArchive ? "deleteObject" : state[0]!.toLowerCase() + state.slice(1);
      handlers[state] = s3Task(client, resource) as (input: never) => Promise<unknown>;
    }
    const instrumented = Object.assign(Object.create(aws) as FakeAws, { handlers: () => handlers });

    const input = ExecutionInput.parse({ contenders: [{ name, function_arn: arn(name) }] });
    const { output } = await runLocally(buildDefinition({ ...PARAMS, bucket, runsPerContender: 3 }), input, instrumented);

    expect(ResultDocument.parse(output).failure).toEqual([{ contender: name, reason: expect.stringMatching(/^timeout: run 2 of 3: /) }]);
    expect(await openUploads(bucket)).toEqual(bystanders.sort());
    const objects = await client.send(new S3.ListObjectsV2Command({ Bucket: bucket, Prefix: "archives/" }));
    expect(objects.Contents ?? []).toEqual([]);
  });
});
