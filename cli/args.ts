// Argument parsing shared by every `bench` subcommand: node:util parseArgs in strict mode, with
// `--help` on each command and one error type that the entry turns into "message + usage, exit 2".
import { parseArgs, type ParseArgsConfig } from "node:util";

/** Exit codes of `bench` (documented in `bench --help`). */
export const EXIT = {
  /** The run completed; contender failures are results, not errors. */
  ok: 0,
  /** The harness itself failed (execution failed, timed out or was aborted; bad result; I/O). */
  harnessFailed: 1,
  /** Unknown command, bad flag or bad input file. */
  usage: 2,
  /** Interrupted with Ctrl-C (128 + SIGINT), as shells report it. */
  interrupted: 130,
} as const;

/** A mistake in what the user typed or fed in: printed with the command's usage, exit 2. */
export class UsageError extends Error {
  constructor(
    message: string,
    /** false when the usage text would not help (e.g. a malformed input file). */
    readonly showUsage = true,
  ) {
    super(message);
    this.name = "UsageError";
  }
}

type Options = NonNullable<ParseArgsConfig["options"]>;
const helpOption = { help: { type: "boolean", short: "h" } } as const;

export type Parsed<O extends Options> = ReturnType<
  typeof parseArgs<{ args: string[]; options: O & typeof helpOption; allowPositionals: true; strict: true }>
>;

/**
 * Parses `argv` strictly (unknown flags and missing values are UsageErrors). Returns "help" when
 * `--help`/`-h` was given, so each command prints its own usage and exits 0.
 */
export function parseCommandArgs<O extends Options>(
  argv: string[],
  options: O,
  positionals: { min: number; max: number },
): Parsed<O> | "help" {
  let parsed: Parsed<O>;
  try {
    parsed = parseArgs({ args: argv, options: { ...options, ...helpOption }, allowPositionals: true, strict: true });
  } catch (error) {
    // parseArgs errors already say which flag; drop its "To specify a positional…" advice.
    const message = error instanceof Error ? error.message.split(". To specify")[0]! : String(error);
    throw new UsageError(message);
  }
  if ((parsed.values as { help?: boolean }).help) return "help";
  const count = parsed.positionals.length;
  if (count < positionals.min) throw new UsageError("missing argument");
  if (count > positionals.max) throw new UsageError(`unexpected argument: ${parsed.positionals[positionals.max]}`);
  return parsed;
}

/** Parses a positive integer flag value, or throws a UsageError naming the flag. */
export function positiveInt(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^[1-9][0-9]*$/.test(value)) throw new UsageError(`--${flag} must be a positive integer, got "${value}"`);
  return Number(value);
}

/** Parses a positive number flag value (e.g. seconds), or throws a UsageError naming the flag. */
export function positiveNumber(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`--${flag} must be a positive number, got "${value}"`);
  return n;
}
