// The AWS SDK for Python that local Python sandboxes import, as Lambda's Python runtimes provide
// boto3 and botocore (in /var/runtime, on PYTHONPATH, after the function's own folder).
//
// The SDK is Debian's `python3-boto3` (installed by .ci/run), read from Debian's dist-packages and
// nowhere else, so every machine gets the same one whatever `python3` or pip put elsewhere. Every
// package it needs is pure Python, so one copy serves every local interpreter (3.11, 3.12, 3.13).
// Only the SDK and its dependencies are exposed, through a folder of symlinks, not the whole
// dist-packages: a contender must not find there what Lambda would not give it. (Debian's botocore
// imports the system `requests` instead of its vendored copy, so that comes along; on Lambda,
// `import requests` fails, so do not rely on it.)
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, renameSync, rmSync, symlinkSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { repoRoot } from "../../harness/repo-root";

/** Makes Debian's older botocore honour AWS_ENDPOINT_URL_S3 as Lambda's botocore does (read it). */
const SITECUSTOMIZE = join(dirname(fileURLToPath(import.meta.url)), "python-sitecustomize.py");
/** Where Debian installs python3-* packages for every Python 3 version. */
export const DEBIAN_DIST_PACKAGES = "/usr/lib/python3/dist-packages";
/** What Lambda's Python runtimes ship beside the interpreter: boto3, botocore and what they import. */
const REQUIRED = ["boto3", "botocore", "s3transfer", "jmespath", "dateutil", "urllib3", "six"] as const;
/** Debian's botocore uses the system `requests`; taken only when present. */
const OPTIONAL = ["requests", "idna", "certifi", "charset_normalizer", "chardet"] as const;

// Run with -I -S (no site folders, no PYTHON* variables): only argv[1] is searched. Prints
// "name<TAB>path" for each module found there: the package folder, or the file of a module.
const PROBE = `
import importlib, os, sys
root = sys.argv[1]
sys.path.insert(0, root)
for name in sys.argv[2:]:
    try:
        module = importlib.import_module(name)
    except Exception:
        continue
    path = module.__file__
    path = os.path.dirname(path) if os.path.basename(path) == "__init__.py" else path
    if path.startswith(root + os.sep):
        print(name + "\t" + path)
`;

let cached: { path: string | undefined; problem: string | undefined } | undefined;

/**
 * The folder to put on a Python sandbox's PYTHONPATH, or undefined (with a reason) when the host has
 * no SDK. Built once per process, under .build/python-sdk/, keyed by the packages' paths.
 */
export function pythonSdkPath(): { path: string | undefined; problem: string | undefined } {
  if (cached) return cached;
  const probe = spawnSync("python3", ["-I", "-S", "-c", PROBE, DEBIAN_DIST_PACKAGES, ...REQUIRED, ...OPTIONAL], { encoding: "utf8" });
  const found = new Map<string, string>();
  for (const line of (probe.stdout ?? "").split("\n")) {
    const [name, path] = line.split("\t");
    if (name && path) found.set(name, path);
  }
  const missing = REQUIRED.filter((name) => !found.has(name));
  if (probe.status !== 0 || missing.length) {
    const problem =
      `no AWS SDK for Python in ${DEBIAN_DIST_PACKAGES} (missing ${missing.join(", ") || "python3"}): ` +
      "Python functions cannot import boto3 as they can on Lambda; install it with `apt-get install python3-boto3`";
    // Once per process (the result is cached): Python functions still run, without boto3.
    console.warn(`[lambda sandboxes] ${problem}`);
    cached = { path: undefined, problem };
    return cached;
  }
  // link name -> target: each package under its own name, plus our sitecustomize.
  const links: [string, string][] = [...found.values()].map((path) => [basename(path), path]);
  links.push(["sitecustomize.py", SITECUSTOMIZE]);
  links.sort(([a], [b]) => a.localeCompare(b));
  const key = createHash("sha256").update(JSON.stringify(links)).digest("hex").slice(0, 16);
  // Not under /tmp: each sandbox gets a private /tmp, which would hide it.
  const dir = join(repoRoot(), ".build", "python-sdk", key);
  if (!existsSync(dir)) {
    // Built beside and renamed into place, so concurrent processes never see a half-made folder.
    const building = `${dir}.${process.pid}`;
    rmSync(building, { recursive: true, force: true });
    mkdirSync(building, { recursive: true });
    for (const [name, target] of links) symlinkSync(target, join(building, name));
    try {
      renameSync(building, dir);
    } catch {
      rmSync(building, { recursive: true, force: true }); // another process won the race
    }
  }
  cached = { path: dir, problem: undefined };
  return cached;
}
