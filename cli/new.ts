// `bench new <lang> <dev_id>`: scaffolds contenders/<lang>/<dev_id>/ with a valid contender.json
// and a working Node handler, then checks the result with the same discovery `bench local` and
// `pulumi up` use.
//
// Why the handler is a copy of cli/templates/node-contender and not of the reference contender:
// the reference is the bar to beat (prefetching, byte budgets, native CRC, tuned parts); a scaffold
// that copied it would make every newcomer start from, and resubmit, the same entry. The template
// is a different, minimal approach (yazl, one object at a time) that passes the validator and is
// short enough to read in a minute. It is typechecked with the project, so it cannot rot unseen.
import { cp, mkdir, rm, writeFile } from "node:fs/promises";
import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { MAX_CONTENDER_KEY_LENGTH, ManifestError, discoverContenders, type ContenderManifest } from "../harness/manifest";
import { displayPath, repoRoot } from "../harness/repo-root";
import { EXIT, UsageError, parseCommandArgs } from "./args";

export const usage = `usage: bench new <lang> <dev_id> [--contenders-dir <dir>]

Creates contenders/<lang>/<dev_id>/ with contender.json and src/index.ts: a simple, valid Node
contender (yazl, one object at a time) to make faster. <lang> is "typescript" (the scaffold is a
Node handler; other runtimes: see CONTRIBUTING.md). Names: lowercase letters, digits and "-".

options:
  --contenders-dir <dir>  where contenders live (default: <repo>/contenders)
  -h, --help              this help`;

const NAME = /^[a-z0-9][a-z0-9-]*$/;
const SCAFFOLD_LANGS = ["typescript"];
const TEMPLATE_DIR = fileURLToPath(new URL("./templates/node-contender", import.meta.url));

export function scaffoldManifest(lang: string, devId: string): ContenderManifest {
  return {
    runtime: "nodejs22.x",
    handler: "index.handler",
    entry: "src/index.ts",
    architectures: ["arm64"],
    memoryMb: 1024,
    timeoutS: 900,
    ephemeralStorageMb: 512,
    description: `${lang}-${devId}: yazl STORE zip, one object at a time, streamed into a multipart upload (bench new scaffold)`,
  };
}

/** Quotes a path for a POSIX shell when it holds anything but safe characters. */
export function shellQuote(text: string): string {
  return /^[\w@%+=:,./-]+$/.test(text) ? text : `'${text.replace(/'/g, "'\\''")}'`;
}

export async function run(argv: string[]): Promise<number> {
  const parsed = parseCommandArgs(argv, { "contenders-dir": { type: "string" } }, { min: 2, max: 2 });
  if (parsed === "help") {
    process.stdout.write(`${usage}\n`);
    return EXIT.ok;
  }
  const [lang, devId] = parsed.positionals as [string, string];
  for (const [what, value] of [["lang", lang], ["dev_id", devId]] as const) {
    if (!NAME.test(value)) throw new UsageError(`${what} "${value}" must be lowercase letters, digits and "-" (starting with a letter or digit)`);
  }
  if (!SCAFFOLD_LANGS.includes(lang)) {
    throw new UsageError(`bench new scaffolds Node contenders in TypeScript: use lang "typescript" (for ${lang}, see "Other runtimes" in CONTRIBUTING.md)`);
  }
  const key = `${lang}-${devId}-arm64`;
  if (key.length > MAX_CONTENDER_KEY_LENGTH) {
    throw new UsageError(`contender key "${key}" is ${key.length} characters; <lang>-<dev_id>-<arch> must fit in ${MAX_CONTENDER_KEY_LENGTH}: choose a shorter dev_id`);
  }
  const defaultRoot = path.join(repoRoot(), "contenders");
  const root = path.resolve(parsed.values["contenders-dir"] ?? defaultRoot);
  const dir = path.join(root, lang, devId);
  if (existsSync(dir)) throw new UsageError(`${displayPath(dir)} already exists: refusing to overwrite it`, false);

  await mkdir(path.dirname(dir), { recursive: true });
  const manifestPath = path.join(dir, "contender.json");
  try {
    await cp(TEMPLATE_DIR, dir, { recursive: true, errorOnExist: true, force: false });
    await writeFile(manifestPath, `${JSON.stringify(scaffoldManifest(lang, devId), null, 2)}\n`);
    // The same check `bench local` and `pulumi up` run: a scaffold that fails it is our bug.
    const found = discoverContenders(root).find((spec) => spec.dir === dir);
    if (!found) throw new Error(`the new contender was not discovered under ${root}`);
  } catch (error) {
    if (error instanceof ManifestError && error.file !== manifestPath) {
      // Ours is fine; another contender's manifest is broken, which `bench local` will report too.
      process.stderr.write(`warning: ${error.message}\n`);
    } else {
      await rm(dir, { recursive: true, force: true }); // never leave half a contender behind
      throw error;
    }
  }
  const id = `${lang}-${devId}`;
  process.stdout.write(
    [
      `created ${displayPath(dir)}/`,
      "  contender.json   runtime, memory, architectures (see CONTRIBUTING.md)",
      "  src/index.ts     the handler: make it faster",
      "",
      // `bench local` only looks outside contenders/ when told to: say so in the command.
      `run it locally:  npm run bench -- --contenders ${id}${root === defaultRoot ? "" : ` --contenders-dir ${shellQuote(displayPath(root))}`}`,
      "",
    ].join("\n"),
  );
  return EXIT.ok;
}
