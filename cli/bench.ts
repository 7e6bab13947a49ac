// `bench`: the command-line entry. Dispatches to the subcommands of ./commands, turns a UsageError
// into "message + usage, exit 2" and any other error into "message, exit 1" (the harness failed).
import { pathToFileURL } from "node:url";

// The SDK's "Node < 22 will be unsupported in 2027" notice is not actionable for a pinned SDK and
// would clutter every command's output on Node 20.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
import { EXIT, UsageError } from "./args";
import { COMMANDS, type CommandModule } from "./commands";

function mainUsage(): string {
  const names = Object.keys(COMMANDS).sort();
  const width = Math.max(...names.map((n) => n.length));
  const lines = names.map((name) => `  ${name.padEnd(width)}  ${COMMANDS[name]!.summary}`);
  return [
    "usage: bench <command> [options]      (bench <command> --help for its options)",
    "",
    "commands:",
    ...lines,
    "",
    "exit codes: 0 the run completed (contender failures are results), 1 the harness failed,",
    "            2 usage error, 130 interrupted",
  ].join("\n");
}

function writeError(prefix: string, error: unknown, usage?: string): void {
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`${prefix}: ${message}\n`);
  if (usage) process.stderr.write(`\n${usage}\n`);
  if (process.env.BENCH_DEBUG && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
}

/** Runs `bench` with `argv` (the arguments after the script) and resolves to the exit code. */
export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    const out = name === undefined ? process.stderr : process.stdout;
    out.write(`${mainUsage()}\n`);
    return name === undefined ? EXIT.usage : EXIT.ok;
  }
  const entry = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!entry) {
    writeError("bench", new Error(`unknown command "${name}"`), mainUsage());
    return EXIT.usage;
  }
  let command: CommandModule | undefined;
  try {
    command = await entry.load();
    return await command.run(rest);
  } catch (error) {
    if (error instanceof UsageError) {
      writeError(`bench ${name}`, error, error.showUsage ? command?.usage : undefined);
      return EXIT.usage;
    }
    writeError(`bench ${name}`, error);
    return EXIT.harnessFailed;
  }
}

// Run only when executed as a script (tests import `main` directly too).
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  // Set exitCode and let the event loop drain, so piped stdout is flushed completely.
  main(process.argv.slice(2)).then(
    (code) => (process.exitCode = code),
    (error: unknown) => {
      writeError("bench", error);
      process.exitCode = EXIT.harnessFailed;
    },
  );
}
