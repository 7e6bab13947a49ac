// Program-time work before any contender resource exists: discover the manifests (harness/
// validates each one: a bad manifest throws naming its file and field), apply the stack's
// contender filter, and package every (contender, architecture) the way harness/ does for the
// local engine too, so AWS and local runs deploy the very same bytes.
import { contenderFunctionName, discoverContenders, type ContenderManifest, type ContenderSpec } from "../harness/manifest";
import { packageContender, zipDirectory } from "../harness/packaging";
import { selectContenders, UnknownContenderError } from "../harness/selection";
import type { Architecture } from "../harness/contracts";
import { checkFunctionName, type PackagedCode } from "./lambda-shared";

export type ContenderPackage =
  /** `zipFile` is set when the folder had to be zipped by us (executable `bootstrap`). */
  | { kind: "zip"; code: PackagedCode; zipFile?: string }
  /** A Dockerfile in the contender folder, built and pushed at deploy time. */
  | { kind: "image"; context: string };

export interface PreparedContender {
  /** `<lang>-<dev_id>` */
  id: string;
  /** `<lang>-<dev_id>-<arch>`: the contender's name in results and archive keys. */
  key: string;
  functionName: string;
  architecture: Architecture;
  manifestPath: string;
  manifest: ContenderManifest;
  package: ContenderPackage;
}

export interface PrepareContendersOptions {
  project: string;
  stack: string;
  /** Absolute folder holding `<lang>/<dev_id>/contender.json`. */
  root: string;
  /** `<lang>-<dev_id>` or `<lang>-<dev_id>-<arch>` entries; everything when absent. */
  only?: string[];
}

export async function prepareContenders(opts: PrepareContendersOptions): Promise<PreparedContender[]> {
  const specs = discoverContenders(opts.root);
  let wanted;
  try {
    wanted = selectContenders(specs, opts.only);
  } catch (error) {
    if (!(error instanceof UnknownContenderError)) throw error;
    throw new Error(`config contenders: ${error.message}, under ${opts.root}`);
  }
  const prepared: PreparedContender[] = [];
  // One at a time: provided runtimes run their build command, which may not like company.
  for (const { spec, arch, key } of wanted) {
    const functionName = checkFunctionName(contenderFunctionName(opts.project, opts.stack, spec, arch), spec.manifestPath);
    prepared.push({
      id: spec.id,
      key,
      functionName,
      architecture: arch,
      manifestPath: spec.manifestPath,
      manifest: spec.manifest,
      package: await packageOne(spec, arch),
    });
  }
  return prepared;
}

async function packageOne(spec: ContenderSpec, arch: Architecture): Promise<ContenderPackage> {
  if (spec.manifest.runtime === "image") return { kind: "image", context: spec.dir };
  const code = await packageContender(spec, arch);
  if (!code.runtime.startsWith("provided")) return { kind: "zip", code };
  // Pulumi's directory archives do not reliably keep the executable bit; our zip does.
  const zipFile = `${code.dir}.zip`;
  await zipDirectory(code.dir, zipFile);
  return { kind: "zip", code, zipFile };
}
