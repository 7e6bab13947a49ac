// Lists every object under `<prefix>/`, following continuation tokens (1,000 keys per page).
import { ListObjectsV2Command, type S3Client } from "@aws-sdk/client-s3";

export interface SourceObject {
  /** Full S3 key, e.g. `files/<sha256>`. */
  key: string;
  /** Entry name in the archive: the key without `<prefix>/` (the contest's archives are flat). */
  name: string;
  size: number;
  lastModified: Date;
}

export async function listSourceObjects(client: S3Client, bucket: string, prefix: string): Promise<SourceObject[]> {
  const listPrefix = `${prefix}/`;
  const objects: SourceObject[] = [];
  let continuationToken: string | undefined;
  do {
    const page = await client.send(
      new ListObjectsV2Command({ Bucket: bucket, Prefix: listPrefix, ContinuationToken: continuationToken }),
    );
    for (const item of page.Contents ?? []) {
      const key = item.Key;
      if (key === undefined || key === listPrefix) continue; // a console "folder" marker is not a file
      const name = key.slice(listPrefix.length);
      if (name.includes("/")) {
        throw new Error(`cannot archive nested key '${key}': the archive is flat (one entry per object under '${listPrefix}')`);
      }
      objects.push({ key, name, size: item.Size ?? 0, lastModified: item.LastModified ?? new Date() });
    }
    continuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (continuationToken);
  return objects;
}
