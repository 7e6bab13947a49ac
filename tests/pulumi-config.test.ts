// Stack configuration and contender discovery failing loudly, with the key, file and field named,
// before any resource exists; and the committed stack files being valid configs.
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import * as pulumi from "@pulumi/pulumi";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { StackConfig, readStackConfig } from "../components/stack-config";
import { MAX_OBJECT_COUNT, MAX_OBJECT_SIZE_MIB } from "../harness/dataset-limits";
import { TWO_CONTENDERS, baseConfig, writeContendersRoot, type FixtureFiles } from "./support/contender-fixtures";

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));

/** The `config:` map of a Pulumi.<stack>.yaml (flat scalars only, which is all ours hold). */
function stackFile(stack: string): Record<string, string> {
  const text = readFileSync(path.join(root, `Pulumi.${stack}.yaml`), "utf8");
  const entries = [...text.matchAll(/^ {2}([\w:-]+):\s*(.+)$/gm)].map((m) => [m[1]!, m[2]!.replace(/^"(.*)"$/, "$1")]);
  return Object.fromEntries(entries);
}

function configFrom(values: Record<string, unknown>): pulumi.Config {
  const all: Record<string, string> = {};
  for (const [k, v] of Object.entries(values)) all[k] = typeof v === "string" ? v : JSON.stringify(v);
  pulumi.runtime.setAllConfig(all);
  return new pulumi.Config("s3-archive-bench");
}

describe("stack configuration", () => {
  it("accepts the committed stacks: dev is the full contest, pr the cheap review stack", () => {
    const dev = readStackConfig(configFrom(stackFile("dev")));
    expect(dev).toMatchObject({ objectCount: 3000, objectSizeMb: 5, runsPerContender: 10, maxRunTimeMs: 300000, filesPrefix: "files" });
    expect(stackFile("dev")["aws:region"]).toMatch(/^[a-z]{2}-[a-z]+-\d$/);
    const pr = readStackConfig(configFrom(stackFile("pr")));
    expect(pr.objectCount).toBeGreaterThanOrEqual(100);
    expect(pr.objectCount).toBeLessThan(1000);
    expect(pr.runsPerContender).toBe(2);
    expect(pr.prDeployments.enabled).toBe(false);
  });

  it("names the key of every bad or missing value", () => {
    const bad = { ...baseConfig("contenders"), "s3-archive-bench:objectCount": -3, "s3-archive-bench:maxRunTimeMs": 1_000_000 };
    delete (bad as Record<string, unknown>)["s3-archive-bench:seed"];
    expect(() => readStackConfig(configFrom(bad))).toThrow(
      /s3-archive-bench:objectCount: .*s3-archive-bench:seed: .*s3-archive-bench:maxRunTimeMs: /,
    );
    const typo = { ...baseConfig("contenders"), "s3-archive-bench:runsPerContender": "ten" };
    expect(() => readStackConfig(configFrom(typo))).toThrow(/s3-archive-bench:runsPerContender: .*number/);
  });

  it("bounds objectCount and objectSizeMb (MiB) by the validator's and the filler's real limits", () => {
    const at = { ...baseConfig("contenders"), "s3-archive-bench:objectCount": MAX_OBJECT_COUNT, "s3-archive-bench:objectSizeMb": MAX_OBJECT_SIZE_MIB };
    expect(readStackConfig(configFrom(at))).toMatchObject({ objectCount: MAX_OBJECT_COUNT, objectSizeMb: 509 });
    // 64 MiB of central directory at 174 bytes per entry.
    expect(MAX_OBJECT_COUNT).toBe(385_683);
    const over = { ...baseConfig("contenders"), "s3-archive-bench:objectCount": MAX_OBJECT_COUNT + 1, "s3-archive-bench:objectSizeMb": 510 };
    expect(() => readStackConfig(configFrom(over))).toThrow(
      /s3-archive-bench:objectCount: must be at most 385683: the validator reads an archive's central directory into at most 64 MiB, 174 bytes per entry; s3-archive-bench:objectSizeMb: must be at most 509 MiB: the filler generates each object/,
    );
    const tiny = { ...baseConfig("contenders"), "s3-archive-bench:objectSizeMb": 1e-9 };
    expect(() => readStackConfig(configFrom(tiny))).toThrow(/s3-archive-bench:objectSizeMb: rounds to 0 bytes \(the value is in MiB\)/);
  });

  it("names the nested key of a bad prDeployments setting", () => {
    const on = { ...baseConfig("contenders"), "s3-archive-bench:prDeployments": { enabled: true, repository: "acme/bench" } };
    expect(() => readStackConfig(configFrom(on))).toThrow(/s3-archive-bench:prDeployments\.organization: /);
  });

  it("rejects a misspelt key instead of silently using a default", () => {
    const typo = { ...baseConfig("contenders"), "s3-archive-bench:maxConcurency": 3 };
    expect(() => readStackConfig(configFrom(typo))).toThrow(/s3-archive-bench:maxConcurency: unknown key \(known: .*maxConcurrency/);
  });

  it("keeps the source prefix away from the contenders' prefixes", () => {
    for (const filesPrefix of ["archives", "scratch/files", "/files", "files/", "*", "fi*es"]) {
      const c = { ...baseConfig("contenders"), "s3-archive-bench:filesPrefix": filesPrefix };
      expect(() => readStackConfig(configFrom(c)), filesPrefix).toThrow(/s3-archive-bench:filesPrefix: /);
    }
  });

  it("bounds contenderConcurrency: 0 (all at once) to 100, 1 = one contender at a time", () => {
    for (const ok of [0, 1, 40, 100]) {
      expect(readStackConfig(configFrom({ ...baseConfig("x"), "s3-archive-bench:contenderConcurrency": ok })).contenderConcurrency).toBe(ok);
    }
    for (const bad of [-1, 1.5, 101, "all"]) {
      expect(() => readStackConfig(configFrom({ ...baseConfig("x"), "s3-archive-bench:contenderConcurrency": bad })), String(bad)).toThrow(
        /s3-archive-bench:contenderConcurrency: /,
      );
    }
  });

  it("applies defaults for the optional keys", () => {
    const minimal = Object.fromEntries(
      Object.entries(baseConfig("x")).filter(([k]) => !/filesPrefix|maxConcurrency|contendersDir/.test(k)),
    );
    expect(readStackConfig(configFrom(minimal))).toMatchObject({
      filesPrefix: "files",
      maxConcurrency: 0,
      contenderConcurrency: 0,
      contendersDir: "contenders",
      logRetentionDays: 14,
      prDeployments: { enabled: false },
    });
  });
});

describe("the program refuses to start", () => {
  let cleanup: (() => void) | undefined;
  beforeEach(() => vi.resetModules());
  afterEach(() => cleanup?.());

  async function load(files: FixtureFiles, extra: Record<string, unknown> = {}) {
    const fixture = writeContendersRoot(files);
    cleanup = fixture.cleanup;
    // A fresh module graph per case: the program is imported once per load.
    const { loadProgram } = await import("./support/pulumi-program");
    return { root: fixture.root, run: () => loadProgram({ ...baseConfig(fixture.root), ...extra }) };
  }

  it("on a malformed manifest, naming its file and field", async () => {
    const broken = JSON.parse(TWO_CONTENDERS["python/bob/contender.json"]!);
    broken.memoryMb = "lots";
    const { root, run } = await load({ ...TWO_CONTENDERS, "python/bob/contender.json": JSON.stringify(broken) });
    const error = await run().then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(error?.name).toBe("ManifestError");
    expect(error?.message).toContain(path.join(root, "python", "bob", "contender.json"));
    expect(error?.message).toMatch(/memoryMb: /);
  });

  it("on a contender filter naming an unknown contender", async () => {
    const { run } = await load(TWO_CONTENDERS, { "s3-archive-bench:contenders": ["typescript-alice", "go-nobody"] });
    await expect(run()).rejects.toThrow(/config contenders: unknown contender\(s\) 'go-nobody' \(known: .*python-bob/);
  });

  it("deploys only the contenders the filter names (by id or by key)", async () => {
    const { run } = await load(TWO_CONTENDERS, { "s3-archive-bench:contenders": ["typescript-alice-x86_64", "python-bob"] });
    const { outputs } = await run();
    expect(Object.keys(outputs.contenders as object).sort()).toEqual(["python-bob-arm64", "typescript-alice-x86_64"]);
  });

  it("wires Pulumi Deployments for the pr stack only when prDeployments.enabled", async () => {
    const prDeployments = {
      enabled: true,
      organization: "acme",
      repository: "acme/s3-archive-bench",
      oidcRoleArn: "arn:aws:iam::123456789012:role/pulumi-deployments",
    };
    const { run } = await load(TWO_CONTENDERS, { "s3-archive-bench:prDeployments": prDeployments });
    const { resources } = await run();
    const component = resources.find((r) => r.type === "s3-archive-bench:deploy:PrDeployments");
    expect(component?.parent).toBe("");
    const settings = resources.filter((r) => r.type === "pulumiservice:index:DeploymentSettings");
    expect(settings).toHaveLength(1);
    expect(settings[0]!.parent).toBe(component!.urn);
    expect(settings[0]!.inputs).toMatchObject({
      organization: "acme",
      project: "s3-archive-bench",
      stack: "pr",
      vcs: { repository: "acme/s3-archive-bench", pullRequestTemplate: true, deployCommits: false },
    });
  });

  it("no longer refuses many contenders at the most runs: each contender's runs count in its own execution's history", async () => {
    // 18 contender functions x 32 runs exceeded one execution's 25,000 events when every run of
    // every contender was in it; now the parent holds 12 events per contender.
    const bob = (i: number): FixtureFiles => ({
      [`python/bob${i}/contender.json`]: TWO_CONTENDERS["python/bob/contender.json"]!,
      [`python/bob${i}/main.py`]: TWO_CONTENDERS["python/bob/main.py"]!,
    });
    const many = Object.assign({}, ...Array.from({ length: 18 }, (_, i) => bob(i))) as FixtureFiles;
    const { run } = await load(many, { "s3-archive-bench:runsPerContender": 32, "s3-archive-bench:contenderConcurrency": 1 });
    const { resources } = await run();
    const parent = resources.find((r) => r.type === "aws:sfn/stateMachine:StateMachine" && r.name === "benchmark")!;
    expect(JSON.parse(parent.inputs.definition).States.Contenders.MaxConcurrency).toBe(1);
  });

  it("in a region without prices, naming it, before creating any resource", async () => {
    const { run } = await load(TWO_CONTENDERS, { "aws:region": "us-gov-west-1" });
    const error = await run().then(
      () => undefined,
      (e: unknown) => e as Error & { registered?: unknown[] },
    );
    expect(error?.message).toMatch(/invalid stack configuration: aws:region: 'us-gov-west-1' has no Lambda prices.*priced: .*us-east-1/);
    expect(error?.registered).toEqual([]);
  });

  it("on an object size the filler would refuse mid-deployment, before creating any resource", async () => {
    const { run } = await load(TWO_CONTENDERS, { "s3-archive-bench:objectSizeMb": 600 });
    const error = await run().then(
      () => undefined,
      (e: unknown) => e as Error & { registered?: unknown[] },
    );
    expect(error?.message).toMatch(/invalid stack configuration: s3-archive-bench:objectSizeMb: must be at most 509 MiB/);
    expect(error?.registered).toEqual([]);
  });

  it("on invalid stack config, before touching contenders", async () => {
    const { run } = await load(TWO_CONTENDERS, { "s3-archive-bench:runsPerContender": 0 });
    await expect(run()).rejects.toThrow(/invalid stack configuration: s3-archive-bench:runsPerContender: /);
  });
});
