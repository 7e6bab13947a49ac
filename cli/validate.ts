// `bench validate <file.zip | s3://bucket/key>`: the harness's own validator (functions/validate)
// on one archive, to check a contender's output before (or after) a run.
import { S3Client } from "@aws-sdk/client-s3";
import { validateArchive, validateZipFile, isInvalidArchive, type ExpectedObject } from "../functions/validate";
import { listSourceObjects } from "../functions/validate/listing";
import { EXIT, UsageError, parseCommandArgs } from "./args";

export const usage = `usage: bench validate <file.zip | s3://bucket/key> [--files s3://bucket/prefix] [--prefix <prefix>]

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
  -h, --help                    this help

exit codes: 0 valid, 1 invalid (or the archive could not be read), 2 usage error.`;

function parseS3Url(url: string, what: string): { bucket: string; key: string } {
  const match = /^s3:\/\/([^/]+)\/(.+)$/.exec(url);
  if (!match) throw new UsageError(`${what} must look like s3://bucket/key, got "${url}"`);
  return { bucket: match[1]!, key: match[2]!.replace(/\/+$/, "") };
}

export async function run(argv: string[]): Promise<number> {
  const parsed = parseCommandArgs(argv, { files: { type: "string" }, prefix: { type: "string" } }, { min: 1, max: 1 });
  if (parsed === "help") {
    process.stdout.write(`${usage}\n`);
    return EXIT.ok;
  }
  const [target] = parsed.positionals as [string];
  const isS3 = target.startsWith("s3://");
  if (isS3 && parsed.values.files !== undefined) throw new UsageError("--files is for a local file; for s3:// use --prefix");
  if (!isS3 && parsed.values.prefix !== undefined) throw new UsageError("--prefix is for an s3:// archive; for a file use --files");

  let client: S3Client | undefined;
  try {
    let summary: object;
    if (isS3) {
      const { bucket, key } = parseS3Url(target, "the archive");
      const prefix = (parsed.values.prefix ?? "files").replace(/^\/+|\/+$/g, "");
      client = new S3Client({});
      const listed = await listSourceObjects(client, bucket, prefix);
      summary = await validateArchive(client, { bucket, archive_key: key, files_prefix: prefix, expected_object_count: listed.length });
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
