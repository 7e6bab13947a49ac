// Which (contender, architecture) pairs a run covers, shared by both engines: `bench local
// --contenders` and the stack's `contenders` config accept the same names.
import type { Architecture } from "./contracts";
import { contenderKey, type ContenderSpec } from "./manifest";

export interface ContenderTarget {
  /** `<lang>-<dev_id>-<arch>`: the name in results and archive keys. */
  key: string;
  spec: ContenderSpec;
  arch: Architecture;
}

export class UnknownContenderError extends Error {
  constructor(
    readonly unknown: string[],
    readonly known: string[],
  ) {
    super(`unknown contender(s) ${unknown.map((u) => `'${u}'`).join(", ")} (known: ${known.join(", ") || "none"})`);
    this.name = "UnknownContenderError";
  }
}

/**
 * Every architecture of every contender, or only those named in `only` (a `<lang>-<dev_id>`
 * selects all its architectures, a `<lang>-<dev_id>-<arch>` just one). Unknown names throw.
 */
export function selectContenders(specs: ContenderSpec[], only?: string[]): ContenderTarget[] {
  const all = specs.flatMap((spec) => spec.manifest.architectures.map((arch) => ({ key: contenderKey(spec, arch), spec, arch })));
  if (!only || only.length === 0) return all;
  const known = new Set(all.flatMap((t) => [t.spec.id, t.key]));
  const unknown = only.filter((name) => !known.has(name));
  if (unknown.length) throw new UnknownContenderError(unknown, [...known].sort());
  return all.filter((t) => only.includes(t.spec.id) || only.includes(t.key));
}
