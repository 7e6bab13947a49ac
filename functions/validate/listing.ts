// The real listing of the source prefix: what the archive must contain, one entry per object.
import { ListObjectsV2Command, type S3Client } from "@aws-sdk/client-s3";
import type { ExpectedObject } from "./names";

/** Lists `<prefix>/` fully (paginated). A nested key is a dataset (harness) problem, not the archive's. */
export async function listSourceObjects(client: S3Client, bucket: string, prefix: string): Promise<ExpectedObject[]> {
  const base = `${prefix}/`;
  const objects: ExpectedObject[] = [];
  let token: string | undefined;
  do {
    const page = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: base, ContinuationToken: token }));
    for (const item of page.Contents ?? []) {
      const key = item.Key ?? "";
      const name = key.slice(base.length);
      if (name.length === 0 || name.includes("/")) {
        throw new Error(`harness problem: source prefix s3://${bucket}/${base} holds key '${key}', which is not a flat object name`);
      }
      objects.push({ name, size: item.Size ?? 0 });
    }
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return objects;
}
