// Reading what Step Functions hands back as text: JSON that may be absent or malformed, and
// caught task errors whose Cause is usually a Lambda error payload ({errorType, errorMessage}).

/** `text` parsed as JSON, or undefined when it is absent or not JSON. */
export function parseJsonText(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** One readable line for a caught task error: `<Error>: <errorMessage or Cause>`. */
export function taskErrorText(error: { Error: string; Cause?: string }): string {
  const cause = parseJsonText(error.Cause) as { errorMessage?: unknown } | undefined;
  const message = typeof cause?.errorMessage === "string" ? cause.errorMessage : error.Cause;
  return message ? `${error.Error}: ${message}` : error.Error;
}
