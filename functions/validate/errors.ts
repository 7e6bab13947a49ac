// The one error a contender can be blamed for. Anything else thrown by the validator means the
// validator (or the harness around it) broke, and the scorer must not report it as `invalid:`.

export const INVALID_ARCHIVE = "InvalidArchive";

export class InvalidArchiveError extends Error {
  constructor(message: string) {
    super(message);
    this.name = INVALID_ARCHIVE;
  }
}

/** Throws an `InvalidArchive` error with `reason` as its whole message. */
export function invalid(reason: string): never {
  throw new InvalidArchiveError(reason);
}

export function isInvalidArchive(error: unknown): error is InvalidArchiveError {
  return error instanceof Error && error.name === INVALID_ARCHIVE;
}

/** `0x1a2b3c4d`: CRC-32 values and signatures are easier to compare in fixed-width hex. */
export function hex32(value: number): string {
  return `0x${(value >>> 0).toString(16).padStart(8, "0")}`;
}

/** Quotes an archive name for a message, escaping control characters and cutting huge names. */
export function quoteName(name: string): string {
  const cut = name.length > 200 ? `${name.slice(0, 200)}...` : name;
  return `'${JSON.stringify(cut).slice(1, -1)}'`;
}
