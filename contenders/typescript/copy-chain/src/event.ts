// The contender's own view of its event (it imports nothing from the project). Unlike a streaming
// contender it needs `scratch_prefix`: its temporary objects live there and nowhere else.
import { z } from "zod";

const nonEmpty = z.string().min(1, "must be a non-empty string");
const noEdgeSlash = (p: string) => !p.startsWith("/") && !p.endsWith("/");

export const ArchiveEvent = z.object({
  bucket_name: nonEmpty,
  files_prefix: nonEmpty.refine(noEdgeSlash, "must not start or end with '/'"),
  archive_key: nonEmpty.refine((k) => !k.endsWith("/"), "must not end with '/'"),
  scratch_prefix: z
    .string({ message: "is required: this contender writes temporary objects and may only write them there" })
    .min(1, "must be a non-empty string")
    .refine(noEdgeSlash, "must not start or end with '/'"),
});
export type ArchiveEvent = z.infer<typeof ArchiveEvent>;

export class InvalidEventError extends Error {
  override name = "InvalidEventError";
}

/** Parses the Lambda event, or throws one error that names every bad field. */
export function parseEvent(value: unknown): ArchiveEvent {
  const result = ArchiveEvent.safeParse(value);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => `${issue.path.join(".") || "(event)"}: ${issue.message}`);
  throw new InvalidEventError(`invalid event: ${problems.join("; ")}`);
}
