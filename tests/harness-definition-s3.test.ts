// The cleanup Tasks against real S3 (moto): the S3 Task states call the same-named SDK v3 command
// with their Parameters, as the local engine does and as the aws-sdk integration does on AWS.
// Killed runs leave real multipart uploads; afterwards none is left under archives/, no archive
// either, and an upload outside the runs' keys is untouched.
import { describe, expect, it } from "vitest";
import * as S3 from "@aws-sdk/client-s3";
import { ResultDocument, type ContenderEvent } from "../harness/contracts";
import { ExecutionInput, TASK_STATES } from "../harness/definition";
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
    // Not any run's: another execution's key, and a key of this execution no run was given.
    const bystanders = [`archives/${name}/exec-0/00000000-0000-4000-8000-000000000000.zip`, `archives/${name}/exec-1/not-a-run.zip`];
    for (const Key of bystanders) await client.send(new S3.CreateMultipartUploadCommand({ Bucket: bucket, Key }));

    const aws = new FakeAws({ [arn(name)]: { config: "zip" } });
    const handlers = aws.handlers() as Record<string, (input: never) => Promise<unknown>>;
    // The first run writes its archive; the other two are "killed" mid-upload (a part uploaded,
    // no abort), one of them also under a key that EXTENDS its own (a contender's temporary name:
    // the listing is by prefix, and only that run writes under it).
    let invocations = 0;
    handlers[TASK_STATES.invokeContender] = async (input: never) => {
      const event = (input as { Payload: ContenderEvent }).Payload;
      expect(event.bucket_name).toBe(bucket);
      const run = invocations++;
      if (run === 0) {
        await client.send(new S3.PutObjectCommand({ Bucket: bucket, Key: event.archive_key, Body: "zip" }));
        return { StatusCode: 200, ExecutedVersion: "$LATEST", Payload: null, LogResult: "" };
      }
      const { UploadId } = await client.send(new S3.CreateMultipartUploadCommand({ Bucket: bucket, Key: event.archive_key }));
      await client.send(new S3.UploadPartCommand({ Bucket: bucket, Key: event.archive_key, UploadId, PartNumber: 1, Body: PART }));
      if (run === 1) await client.send(new S3.CreateMultipartUploadCommand({ Bucket: bucket, Key: `${event.archive_key}.part` }));
      throw Object.assign(new Error(JSON.stringify({ errorType: "Sandbox.Timedout", errorMessage: "Task timed out after 1.00 seconds" })), { name: "Sandbox.Timedout" });
    };
    for (const state of [TASK_STATES.listMultipartUploads, TASK_STATES.abortMultipartUpload, TASK_STATES.deleteArchive, TASK_STATES.deleteUnjudgedArchive]) {
      const resource = state.startsWith("Delete") ? "deleteObject" : state[0]!.toLowerCase() + state.slice(1);
      handlers[state] = s3Task(client, resource) as (input: never) => Promise<unknown>;
    }
    const instrumented = Object.assign(Object.create(aws) as FakeAws, { handlers: () => handlers });

    const input = ExecutionInput.parse({ contenders: [{ name, function_arn: arn(name) }] });
    const { output } = await runLocally({ ...PARAMS, bucket, runsPerContender: 3 }, input, instrumented);

    expect(ResultDocument.parse(output).failure).toEqual([{ contender: name, reason: expect.stringMatching(/^timeout: run 2 of 3: /) }]);
    expect(await openUploads(bucket)).toEqual(bystanders.sort());
    const objects = await client.send(new S3.ListObjectsV2Command({ Bucket: bucket, Prefix: "archives/" }));
    expect(objects.Contents ?? []).toEqual([]);
  });
});
