// Pure (no Pulumi, no local/): decides whether an identity-based policy document allows one
// request, the way IAM evaluates it for a role with no other policy attached. Used by the local
// S3 front to enforce what components/ deploys (harness/policies.ts), and by the IAM tests.
//
// The rules implemented (IAM User Guide, "Policy evaluation logic" and "IAM JSON policy elements:
// Condition operators"):
// - default deny; an explicit Deny that matches wins over every Allow;
// - Action and Resource match with `*` (any run of characters) and `?` (one character); actions
//   compare case-insensitively, resources case-sensitively; NotAction / NotResource invert;
// - every condition operator of a statement must hold, and every key within an operator; a key
//   holds when ANY of its values matches; a key absent from the request fails the condition,
//   unless the operator ends in `IfExists`. Supported operators: StringEquals, StringNotEquals,
//   StringLike, StringNotLike, StringEqualsIgnoreCase, Bool, Null (and their IfExists forms).
//   `policyEvaluator` refuses a document using any other operator, so a policy this evaluator
//   cannot read is never enforced wrongly in silence.
import { z } from "zod";

const stringOrList = z.union([z.string(), z.array(z.string())]).transform((v) => (Array.isArray(v) ? v : [v]));

const StatementSchema = z.object({
  Sid: z.string().optional(),
  Effect: z.enum(["Allow", "Deny"]),
  Action: stringOrList.optional(),
  NotAction: stringOrList.optional(),
  Resource: stringOrList.optional(),
  NotResource: stringOrList.optional(),
  Condition: z.record(z.string(), z.record(z.string(), stringOrList)).optional(),
});

/** Any identity-based policy document (statements as one object or a list). */
export const AnyPolicyDocument = z.object({
  Version: z.string().optional(),
  Statement: z.union([StatementSchema, z.array(StatementSchema)]).transform((s) => (Array.isArray(s) ? s : [s])),
});
export type ParsedPolicy = z.infer<typeof AnyPolicyDocument>;
type ParsedStatement = ParsedPolicy["Statement"][number];

export interface AuthorizationRequest {
  /** e.g. `s3:GetObject`. */
  action: string;
  /** e.g. `arn:aws:s3:::bucket/key`. */
  resource: string;
  /** Condition keys of this request, e.g. `{ "s3:prefix": "files/" }`; absent keys are absent. */
  context?: Record<string, string>;
}

export type Decision = { allowed: true; by: string } | { allowed: false; reason: "implicit deny" | "explicit deny"; by?: string };

const SUPPORTED_OPERATORS = new Set(["StringEquals", "StringNotEquals", "StringLike", "StringNotLike", "StringEqualsIgnoreCase", "Bool", "Null"]);

const globCache = new Map<string, RegExp>();
function glob(pattern: string, value: string, ignoreCase = false): boolean {
  const cacheKey = `${ignoreCase ? "i" : "c"}${pattern}`;
  let regex = globCache.get(cacheKey);
  if (!regex) {
    const body = pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".");
    regex = new RegExp(`^${body}$`, ignoreCase ? "is" : "s");
    globCache.set(cacheKey, regex);
  }
  return regex.test(value);
}

/** Operators the document uses that this evaluator does not implement (empty = fully understood). */
export function unsupportedOperators(policy: ParsedPolicy): string[] {
  const found = policy.Statement.flatMap((s) => Object.keys(s.Condition ?? {})).map((op) => op.replace(/IfExists$/, ""));
  return [...new Set(found.filter((op) => !SUPPORTED_OPERATORS.has(op)))].sort();
}

function conditionHolds(operatorName: string, key: string, wanted: string[], context: Record<string, string>): boolean {
  const ifExists = operatorName.endsWith("IfExists");
  const operator = ifExists ? operatorName.slice(0, -"IfExists".length) : operatorName;
  const actual = Object.hasOwn(context, key) ? context[key] : undefined;
  if (operator === "Null") return wanted.some((w) => (w === "true") === (actual === undefined));
  if (actual === undefined) return ifExists;
  switch (operator) {
    case "StringEquals":
      return wanted.includes(actual);
    case "StringNotEquals":
      return !wanted.includes(actual);
    case "StringEqualsIgnoreCase":
      return wanted.some((w) => w.toLowerCase() === actual.toLowerCase());
    case "StringLike":
      return wanted.some((w) => glob(w, actual));
    case "StringNotLike":
      return !wanted.some((w) => glob(w, actual));
    case "Bool":
      return wanted.some((w) => w.toLowerCase() === actual.toLowerCase());
    default:
      return false;
  }
}

function matches(statement: ParsedStatement, request: AuthorizationRequest): boolean {
  const action = statement.Action
    ? statement.Action.some((a) => glob(a, request.action, true))
    : statement.NotAction
      ? !statement.NotAction.some((a) => glob(a, request.action, true))
      : false;
  if (!action) return false;
  const resource = statement.Resource
    ? statement.Resource.some((r) => glob(r, request.resource))
    : statement.NotResource
      ? !statement.NotResource.some((r) => glob(r, request.resource))
      : false;
  if (!resource) return false;
  const context = request.context ?? {};
  return Object.entries(statement.Condition ?? {}).every(([operator, keys]) =>
    Object.entries(keys).every(([key, values]) => conditionHolds(operator, key, values, context)),
  );
}

/** Evaluates one request against a parsed document: explicit Deny > Allow > implicit deny. */
export function evaluate(policy: ParsedPolicy, request: AuthorizationRequest): Decision {
  let allowedBy: string | undefined;
  for (const [i, statement] of policy.Statement.entries()) {
    if (!matches(statement, request)) continue;
    const name = statement.Sid ?? `statement ${i + 1}`;
    if (statement.Effect === "Deny") return { allowed: false, reason: "explicit deny", by: name };
    allowedBy ??= name;
  }
  return allowedBy ? { allowed: true, by: allowedBy } : { allowed: false, reason: "implicit deny" };
}

/** Parses `document` (throws naming the bad field) and returns a checker for it. */
export function policyEvaluator(document: unknown, what = "policy document"): (request: AuthorizationRequest) => Decision {
  const parsed = AnyPolicyDocument.safeParse(document);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`).join("; ");
    throw new Error(`invalid ${what}: ${problems}`);
  }
  const unsupported = unsupportedOperators(parsed.data);
  if (unsupported.length) throw new Error(`${what} uses condition operators this evaluator does not implement: ${unsupported.join(", ")}`);
  return (request) => evaluate(parsed.data, request);
}
