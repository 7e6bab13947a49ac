// Small source datasets for validator tests: objects named by the sha256 of their content,
// uploaded under `<prefix>/` as the filler would.
import { createHash, randomBytes } from "node:crypto";
import { PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import type { NamedObject } from "./zip-writers";

export const sha256Hex = (data: Buffer) => createHash("sha256").update(data).digest("hex");

export function named(data: Buffer): NamedObject {
  return { name: sha256Hex(data), data };
}

/** A handful of objects: random (incompressible) ones and one compressible text. */
export function smallDataset(): NamedObject[] {
  return [
    named(randomBytes(17_000)),
    named(randomBytes(1_200)),
    named(Buffer.from("the quick brown fox jumps over the lazy dog\n".repeat(900))),
    named(randomBytes(33_333)),
  ];
}

export async function uploadSources(client: S3Client, bucket: string, prefix: string, objects: NamedObject[]): Promise<void> {
  await Promise.all(objects.map((o) => client.send(new PutObjectCommand({ Bucket: bucket, Key: `${prefix}/${o.name}`, Body: o.data }))));
}

export async function putArchive(client: S3Client, bucket: string, key: string, body: Buffer): Promise<string> {
  await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
  return key;
}
