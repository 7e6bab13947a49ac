// What an `aws.lambda.Invocation` (lifecycleScope "CRUD") asks for, decided without touching S3.
// Pulumi/Terraform add `tf: {action, prev_input}` to the input; `prev_input` is the previous input
// object on update. No `tf` (a plain invoke) means create.
import { FillInput, FillParams, parsePayload } from "../../harness/contracts";
import { planObjects, seedText } from "./plan";

export type FillDecision =
  | { readonly kind: "fill"; readonly params: FillParams; readonly action: "filled" | "refilled"; readonly previous?: FillParams }
  | { readonly kind: "unchanged"; readonly params: FillParams }
  | { readonly kind: "empty"; readonly params: FillParams };

/** Validates the event (throws InvalidPayloadError naming the field) and decides what to do. */
export function decide(event: unknown): FillDecision {
  const input = parsePayload(FillInput, event, "fill-bucket input");
  const { tf, ...params } = input;
  // Checks the schema cannot express (size limits) now, before any S3 call.
  planObjects(params);
  switch (tf?.action ?? "create") {
    case "create":
      return { kind: "fill", params, action: "filled" };
    case "delete":
      return { kind: "empty", params };
    case "update": {
      const previous = previousParams(tf?.prev_input);
      if (previous && sameDataset(previous, params)) return { kind: "unchanged", params };
      return { kind: "fill", params, action: "refilled", previous };
    }
  }
}

/** The previous input as FillParams, or undefined when absent or unreadable (then: refill). */
function previousParams(prevInput: unknown): FillParams | undefined {
  if (typeof prevInput !== "object" || prevInput === null) return undefined;
  const { tf: _ignored, ...rest } = prevInput as Record<string, unknown>;
  const parsed = FillParams.safeParse(rest);
  return parsed.success ? parsed.data : undefined;
}

/** Same bucket, prefix, count, size and seed (1 and "1" are one seed, as in the generators). */
export function sameDataset(a: FillParams, b: FillParams): boolean {
  return (
    a.bucket === b.bucket &&
    a.prefix === b.prefix &&
    a.objectCount === b.objectCount &&
    a.objectSizeMb === b.objectSizeMb &&
    seedText(a.seed) === seedText(b.seed)
  );
}
