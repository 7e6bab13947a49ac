// The contender's own view of its event. It deliberately does not import the harness's contracts:
// a contender is a stand-alone Lambda that only knows the documented fields (it needs three; the
// optional `scratch_prefix` and any field added later are accepted and ignored).
import { z } from "zod";

const nonEmpty = z.string().min(1, "must be a non-empty string");

export const ArchiveEvent = z.object({
  bucket_name: nonEmpty,
  // `files` means the keys `files/<name>`; a slash at either end would make the listing ambiguous.
  files_prefix: nonEmpty.refine((p) => !p.startsWith("/") && !p.endsWith("/"), "must not start or end with '/'"),
  archive_key: nonEmpty.refine((k) => !k.endsWith("/"), "must not end with '/'"),
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
