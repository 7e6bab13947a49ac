// `bench validate <file.zip | s3://bucket/key>`: the harness's own validator (functions/validate)
// on one archive, to check a contender's output before (or after) a run.
import { S3Client } from "@aws-sdk/client-s3";
import { validateArchive, validateSource, validateZipFile, isInvalidArchive, type ExpectedObject } from "../functions/validate";
import { listSourceObjects } from "../functions/validate/listing";
import { s3Source } from "../functions/validate/sources";
import { EXIT, UsageError, parseCommandArgs } from "./args";

export const usage = `usage: bench validate <file.zip | s3://bucket/key> [--files s3://bucket/prefix] [--prefix <prefix>] [--objects <n>]

Checks one archive with the harness's validator and prints its summary (JSON) or the precise
reason it is invalid.
  file.zip         a local archive: every entry's name must be the sha256 of its content; with
                   --files, it must also hold exactly the objects listed there
  s3://bucket/key  an archive in S3, checked against the objects under s3://bucket/<prefix>/,
                   like the state machine does (region, credentials and endpoint from the usual
                   AWS environment, e.g. AWS_ENDPOINT_URL_S3)

options:
  --files <s3://bucket/prefix>  the source listing to check a local file against
  --prefix <prefix>             the source prefix for an s3:// archive (default: files)
  --objects <n>                 for an s3:// archive: how many objects the stack put under the
                                prefix (its objectCount); a listing that disagrees is reported
                                as a dataset problem, as the state machine's validator does
  -h, --help                    this help

exit codes: 0 valid, 1 invalid (or the archive could not be read), 2 usage error.`;

function parseS3Url(url: string, what: string): { bucket: string; key: string } {
  const match = /^s3:\/\/([^/]+)\/(.+)$/.exec(url);
  if (!match) throw new UsageError(`${what} must look like s3://bucket/key, got "${url}"`);
  return { bucket: match[1]!, key: match[2]!.replace(/\/+$/, "") };
}

export async function run(argv: string[]): Promise<number> {
  const parsed = parseCommandArgs(argv, { files: { type: "string" }, prefix: { type: "string" }, objects: { type: "string" } }, { min: 1, max: 1 });
  if (parsed === "help") {
    process.stdout.write(`${usage}\n`);
    return EXIT.ok;
  }
  const [target] = parsed.positionals as [string];
  const isS3 = target.startsWith("s3://");
  if (isS3 && parsed.values.files !== undefined) throw new UsageError("--files is for a local file; for s3:// use --prefix");
  if (!isS3 && parsed.values.prefix !== undefined) throw new UsageError("--prefix is for an s3:// archive; for a file use --files");
  if (!isS3 && parsed.values.objects !== undefined) throw new UsageError("--objects is for an s3:// archive");
  const expectedCount = parsed.values.objects === undefined ? undefined : Number(parsed.values.objects);
  if (expectedCount !== undefined && !(Number.isInteger(expectedCount) && expectedCount >= 0 && /^\d+$/.test(parsed.values.objects!))) {
    throw new UsageError(`--objects must be a whole number of objects, got "${parsed.values.objects}"`);
  }

  let client: S3Client | undefined;
  try {
    let summary: object;
    if (isS3) {
      const { bucket, key } = parseS3Url(target, "the archive");
      const prefix = (parsed.values.prefix ?? "files").replace(/^\/+|\/+$/g, "");
      client = new S3Client({});
      if (expectedCount !== undefined) {
        // Exactly the Lambda's job: one listing, checked against the stack's count.
        summary = await validateArchive(client, { bucket, archive_key: key, files_prefix: prefix, expected_object_count: expectedCount });
      } else {
        // No count to check: list once and validate against that listing (listing twice and
        // feeding the first count to the check made it a check that could never fail).
        const listed = await listSourceObjects(client, bucket, prefix);
        summary = { archive_key: key, ...(await validateSource(await s3Source(client, bucket, key), listed, `s3://${bucket}/${prefix}/`)) };
      }
    } else {
      let expected: ExpectedObject[] | null = null;
      if (parsed.values.files !== undefined) {
        const { bucket, key: prefix } = parseS3Url(parsed.values.files, "--files");
        client = new S3Client({});
        expected = await listSourceObjects(client, bucket, prefix);
      }
      summary = await validateZipFile(target, expected);
    }
    process.stdout.write(`valid: ${target}\n${JSON.stringify(summary, null, 2)}\n`);
    return EXIT.ok;
  } catch (error) {
    if (isInvalidArchive(error)) {
      process.stdout.write(`invalid: ${target}: ${error.message}\n`);
      return EXIT.harnessFailed;
    }
    throw error;
  } finally {
    client?.destroy();
  }
}
