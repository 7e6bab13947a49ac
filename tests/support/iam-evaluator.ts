// A minimal IAM evaluator for the tests: is (action, resource) allowed by some Allow statement?
// `*` and `?` are wildcards as in IAM; StringLike is the only condition operator the program uses.
// Every policy of the stack is Allow-only, so an action no statement allows is denied.
export interface Statement {
  Sid: string;
  Effect: string;
  Action: string[];
  Resource: string[];
  Condition?: Record<string, Record<string, string[]>>;
}

export const glob = (pattern: string, value: string) =>
  new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".")}$`).test(value);

export function allows(statements: Statement[], action: string, resource: string, context: Record<string, string> = {}): boolean {
  return statements.some(
    (s) =>
      s.Effect === "Allow" &&
      s.Action.some((a) => glob(a, action)) &&
      s.Resource.some((r) => glob(r, resource)) &&
      Object.entries(s.Condition?.StringLike ?? {}).every(([key, patterns]) =>
        context[key] !== undefined ? patterns.some((p) => glob(p, context[key]!)) : false,
      ),
  );
}
