// The command table of `bench`. Each entry loads its module only when that command runs, so
// `bench new` never pays for the AWS SDK and a command's heavy imports stay out of the others.
//
// Adding a command = one module exporting `usage` and `run` (see CommandModule) + one line here.

/** What a command module exports. */
export interface CommandModule {
  /** Full help text, printed by `bench <command> --help` and after a usage error. */
  readonly usage: string;
  /** Runs the command with the arguments after its name; resolves to the exit code (see EXIT). */
  run(argv: string[]): Promise<number>;
}

export interface CommandEntry {
  /** One line for `bench --help`. */
  readonly summary: string;
  readonly load: () => Promise<CommandModule>;
}

export const COMMANDS: Readonly<Record<string, CommandEntry>> = {
  local: {
    summary: "run the whole benchmark on this machine (moto S3, Lambda sandboxes, local state machine)",
    load: () => import("./local"),
  },
  aws: {
    summary: "start (or attach to) the deployed state machine, show progress, print the ranking",
    load: () => import("./aws"),
  },
  matrix: {
    summary: "run the runtime matrix locally (runtimes x architectures x memory x workloads, cold and warm)",
    load: () => import("./matrix"),
  },
  validate: {
    summary: "check one archive (file.zip or s3://bucket/key) with the harness's validator",
    load: () => import("./validate"),
  },
  report: {
    summary: "write one self-contained HTML report (charts, tables) from result documents, or --history",
    load: () => import("./report"),
  },
  new: {
    summary: "scaffold a new Node contender folder: bench new <lang> <dev_id>",
    load: () => import("./new"),
  },
};
