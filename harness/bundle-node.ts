// esbuild bundle of a Node handler into one ESM file that runs on nodejs22.x (and on the local
// Node 20). Everything is bundled, @aws-sdk included: the SDK Lambda ships varies by region and
// date, a bundled one is the same everywhere and makes the bundle (and its hash) deterministic.
import { build } from "esbuild";
import path from "node:path";
import { repoRoot } from "./repo-root";

// ESM output has no `require`; CommonJS dependencies that `require("node:...")` built-ins need one.
// The import is aliased so it cannot clash with a name in the bundled code.
const REQUIRE_BANNER =
  'import { createRequire as __benchCreateRequire } from "node:module";\n' +
  "const require = __benchCreateRequire(import.meta.url);";

export interface BundleOptions {
  /** The handler's source file (absolute). */
  entry: string;
  /** Output folder; the bundle is written as `<outDir>/<fileName>.mjs`. */
  outDir: string;
  /** File part of the Lambda handler (`index` for `index.handler`). */
  fileName: string;
  /** Folder that file paths in the bundle's comments are relative to (keeps output location-free). */
  workingDir: string;
}

export async function bundleNode(opts: BundleOptions): Promise<void> {
  const result = await build({
    entryPoints: [opts.entry],
    outfile: path.join(opts.outDir, `${opts.fileName}.mjs`),
    absWorkingDir: opts.workingDir,
    bundle: true,
    platform: "node",
    // node20 runs on both the local Node 20 and Lambda's nodejs22.x.
    target: "node20",
    format: "esm",
    banner: { js: REQUIRE_BANNER },
    // Whitespace-only minification: drops the per-module path comments (which would make the
    // bytes depend on where node_modules lives) and shrinks the SDK; names stay readable.
    minifyWhitespace: true,
    keepNames: true,
    legalComments: "none",
    sourcemap: false,
    // Prefer the ESM builds of dual packages (the AWS SDK ships both).
    mainFields: ["module", "main"],
    conditions: ["module"],
    // Contenders may live outside the repo (`bench local --contenders-dir`): they still bundle
    // the project's own dependencies.
    nodePaths: [path.join(repoRoot(), "node_modules")],
    logLevel: "silent",
    write: true,
  });
  if (result.errors.length) {
    throw new Error(`esbuild failed for ${opts.entry}: ${result.errors.map((e) => e.text).join("; ")}`);
  }
}
