// The Pulumi program under mocks: resource graph, names, contender functions, the fill Invocation,
// the state machine wiring and the stack outputs. IAM is in pulumi-iam.test.ts.
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FillParams } from "../harness/contracts";
import { buildContenderDefinition, buildDefinition, ExecutionInput } from "../harness/definition";
import { IMAGE_CONTENDER, PROVIDED_CONTENDER, TWO_CONTENDERS, baseConfig, writeContendersRoot } from "./support/contender-fixtures";
import {
  ACCOUNT,
  REGION,
  byName,
  collect,
  loadProgram,
  ofType,
  parentOf,
  type LoadedProgram,
  type RecordedResource,
  zipEntryModes,
} from "./support/pulumi-program";

const P = "s3-archive-bench-test";
const fnArn = (name: string) => `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${name}`;
const CONTENDER_KEYS = [
  "python-bob-arm64",
  "rust-carol-x86_64",
  "shell-dave-arm64",
  "typescript-alice-arm64",
  "typescript-alice-x86_64",
];

let program: LoadedProgram;
let all: RecordedResource[];
const fixture = writeContendersRoot({ ...TWO_CONTENDERS, ...IMAGE_CONTENDER, ...PROVIDED_CONTENDER });

beforeAll(async () => {
  program = await loadProgram(baseConfig(fixture.root));
  all = program.resources;
});
afterAll(() => fixture.cleanup());

const lambda = (name: string) => byName(all, "aws:lambda/function:Function", name);

describe("resource graph", () => {
  it("has every component and child, each under the right parent", () => {
    const short = (r: RecordedResource) => `${r.type.split(":").pop()}/${r.name}`;
    const edges = all.map((r) => `${short(r)} <- ${parentOf(all, r) ? short(parentOf(all, r)!) : "(stack)"}`).sort();
    const fn = (component: string, name: string) => [
      `LogGroup/${name} <- HarnessFunction/${name}`,
      `Role/${name} <- HarnessFunction/${name}`,
      `RolePolicy/${name} <- HarnessFunction/${name}`,
      `Function/${name} <- HarnessFunction/${name}`,
      `HarnessFunction/${name} <- ${component}`,
    ];
    const contender = (key: string) => [
      `LogGroup/contender-${key} <- ContenderFactory/contender`,
      `Role/contender-${key}-role <- ContenderFactory/contender`,
      `RolePolicy/contender-${key}-role <- ContenderFactory/contender`,
      `Function/contender-${key} <- ContenderFactory/contender`,
    ];
    const expected = [
      "BenchmarkBucket/bench <- (stack)",
      "Bucket/bench <- BenchmarkBucket/bench",
      "BucketServerSideEncryptionConfiguration/bench <- BenchmarkBucket/bench",
      "BucketPublicAccessBlock/bench <- BenchmarkBucket/bench",
      "BucketOwnershipControls/bench <- BenchmarkBucket/bench",
      "BucketLifecycleConfiguration/bench <- BenchmarkBucket/bench",
      "BucketFiller/fill <- (stack)",
      "Invocation/fill <- BucketFiller/fill",
      ...fn("BucketFiller/fill", "fill-fn"),
      ...fn("(stack)", "validate"),
      ...fn("(stack)", "score"),
      "ContenderFactory/contender <- (stack)",
      ...CONTENDER_KEYS.flatMap(contender),
      "Repository/contender-rust-carol <- ContenderFactory/contender",
      "Image/contender-rust-carol-x86_64 <- ContenderFactory/contender",
      "BenchmarkStateMachine/benchmark <- (stack)",
      "LogGroup/benchmark <- BenchmarkStateMachine/benchmark",
      "Role/benchmark <- BenchmarkStateMachine/benchmark",
      "RolePolicy/benchmark <- BenchmarkStateMachine/benchmark",
      "StateMachine/benchmark <- BenchmarkStateMachine/benchmark",
      "LogGroup/benchmark-contender <- BenchmarkStateMachine/benchmark",
      "Role/benchmark-contender <- BenchmarkStateMachine/benchmark",
      "RolePolicy/benchmark-contender <- BenchmarkStateMachine/benchmark",
      "StateMachine/benchmark-contender <- BenchmarkStateMachine/benchmark",
    ].sort();
    expect(edges).toEqual(expected);
  });

  it("configures the bucket: SSE, no public access, owner-enforced, lifecycle, forceDestroy", () => {
    const bucket = byName(all, "aws:s3/bucket:Bucket", "bench");
    expect(bucket.inputs.forceDestroy).toBe(true);
    const bucketName = bucket.state.bucket;
    const sse = byName(all, "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", "bench");
    expect(sse.inputs.bucket).toBe(bucketName);
    expect(sse.inputs.rules[0].applyServerSideEncryptionByDefault.sseAlgorithm).toBe("AES256");
    const pab = byName(all, "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "bench").inputs;
    expect(pab).toMatchObject({ blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true });
    expect(byName(all, "aws:s3/bucketOwnershipControls:BucketOwnershipControls", "bench").inputs.rule).toEqual({
      objectOwnership: "BucketOwnerEnforced",
    });
    const rules = byName(all, "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", "bench").inputs.rules;
    expect(rules).toEqual([
      { id: "abort-incomplete-multipart-uploads", status: "Enabled", filter: {}, abortIncompleteMultipartUpload: { daysAfterInitiation: 1 } },
      { id: "expire-archives", status: "Enabled", filter: { prefix: "archives/" }, expiration: { days: 7 } },
      { id: "expire-scratch", status: "Enabled", filter: { prefix: "scratch/" }, expiration: { days: 7 } },
    ]);
  });
});

describe("functions", () => {
  it("makes one function per (contender, architecture), named <project>-<stack>-<lang>-<dev_id>-<arch>", () => {
    const contenders = ofType(all, "aws:lambda/function:Function").filter((f) => f.name.startsWith("contender-"));
    const summary = contenders
      .map((f) => [f.inputs.name, f.inputs.architectures.join(","), f.inputs.memorySize, f.inputs.timeout, f.inputs.ephemeralStorage.size])
      .sort();
    expect(summary).toEqual([
      [`${P}-python-bob-arm64`, "arm64", 2048, 300, 1024],
      [`${P}-rust-carol-x86_64`, "x86_64", 3008, 900, 512],
      [`${P}-shell-dave-arm64`, "arm64", 128, 60, 512],
      [`${P}-typescript-alice-arm64`, "arm64", 1024, 600, 512],
      [`${P}-typescript-alice-x86_64`, "x86_64", 1024, 600, 512],
    ]);
    for (const f of contenders) {
      // Its own role (see "gives every contender function its own role").
      expect(f.inputs.role).toBe(byName(all, "aws:iam/role:Role", `${f.name}-role`).state.arn);
      expect(f.inputs.loggingConfig).toEqual({ logFormat: "Text", logGroup: `/aws/lambda/${f.inputs.name}` });
      const logGroup = byName(all, "aws:cloudwatch/logGroup:LogGroup", f.name);
      expect(logGroup.inputs).toMatchObject({ name: `/aws/lambda/${f.inputs.name}`, retentionInDays: 14 });
      expect(f.dependencies).toEqual(expect.arrayContaining([logGroup.urn, byName(all, "aws:iam/rolePolicy:RolePolicy", `${f.name}-role`).urn]));
    }
  });

  it("packages each runtime its way: Node bundle, Python folder, bootstrap zip, container image", async () => {
    const alice = lambda("contender-typescript-alice-arm64").inputs;
    expect(alice).toMatchObject({ packageType: "Zip", runtime: "nodejs22.x", handler: "index.handler" });
    const bundleDir = await alice.code.path;
    const { handler } = await import(pathToFileURL(path.join(bundleDir, "index.mjs")).href);
    expect(await handler({ archive_key: "archives/x/run-0.zip" })).toBe("archives/x/run-0.zip");
    expect(await lambda("contender-typescript-alice-x86_64").inputs.code.path).toBe(bundleDir);

    const bob = lambda("contender-python-bob-arm64").inputs;
    expect(bob).toMatchObject({ packageType: "Zip", runtime: "python3.12", handler: "main.handler" });
    expect(readFileSync(path.join(await bob.code.path, "main.py"), "utf8")).toContain("def handler");

    const dave = lambda("contender-shell-dave-arm64").inputs;
    expect(dave).toMatchObject({ packageType: "Zip", runtime: "provided.al2023", handler: "bootstrap" });
    const zipFile = await dave.code.path;
    expect(zipFile).toMatch(/\.zip$/);
    expect(zipEntryModes(readFileSync(zipFile))).toEqual({ bootstrap: 0o755 });

    const carol = lambda("contender-rust-carol-x86_64").inputs;
    const image = byName(all, "awsx:ecr:Image", "contender-rust-carol-x86_64");
    expect(carol.packageType).toBe("Image");
    expect(carol.imageUri).toBe(image.state.imageUri);
    expect(carol.runtime).toBeUndefined();
    expect(image.inputs.platform).toBe("linux/amd64");
    expect(image.inputs.context).toBe(path.join(fixture.root, "rust", "carol"));
    expect(image.inputs.repositoryUrl).toBe(byName(all, "awsx:ecr:Repository", "contender-rust-carol").state.url);
    expect(byName(all, "awsx:ecr:Repository", "contender-rust-carol").inputs.forceDelete).toBe(true);
  });

  it("builds an esbuild bundle for every harness function", async () => {
    for (const [resource, fnName] of [["fill-fn", "fill-bucket"], ["validate", "validate"], ["score", "score"]] as const) {
      const f = lambda(resource).inputs;
      expect(f).toMatchObject({ name: `${P}-${fnName}`, runtime: "nodejs22.x", handler: "index.handler", architectures: ["arm64"] });
      const bundle = path.join(await f.code.path, "index.mjs");
      expect(existsSync(bundle)).toBe(true);
      expect(readFileSync(bundle, "utf8")).toMatch(/export\s*\{[^}]*handler/);
    }
  });
});

describe("the bucket filler's Invocation", () => {
  it("runs in CRUD scope with the fill input, replaces delete-first, after its role policy", () => {
    const inv = byName(all, "aws:lambda/invocation:Invocation", "fill");
    const bucketName = byName(all, "aws:s3/bucket:Bucket", "bench").state.bucket;
    expect(inv.inputs.lifecycleScope).toBe("CRUD");
    expect(inv.inputs.terraformKey).toBe("tf");
    expect(inv.inputs.functionName).toBe(`${P}-fill-bucket`);
    const input = FillParams.parse(JSON.parse(inv.inputs.input));
    expect(input).toEqual({ bucket: bucketName, prefix: "files", objectCount: 300, objectSizeMb: 5, seed: "review" });
    expect(inv.deleteBeforeReplace).toBe(true);
    const policy = byName(all, "aws:iam/rolePolicy:RolePolicy", "fill-fn");
    const ownership = byName(all, "aws:s3/bucketOwnershipControls:BucketOwnershipControls", "bench");
    expect(inv.dependencies).toEqual(expect.arrayContaining([policy.urn, ownership.urn]));
    expect(Object.keys(inv.inputs.triggers)).toEqual(["fillerCodeSha256"]);
    expect(inv.inputs.triggers.fillerCodeSha256).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe("state machines", () => {
  const params = (bucket: string) => ({
    validatorArn: fnArn(`${P}-validate`),
    scorerArn: fnArn(`${P}-score`),
    bucket,
    filesPrefix: "files",
    runsPerContender: 2,
    maxConcurrency: 4,
    contenderConcurrency: 0,
    contenderStateMachineArn: `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:${P}-contender`,
    maxRunTimeMs: 120000,
    expectedObjectCount: 300,
    region: "eu-west-1",
  });

  it("runs the harness definitions wired with this stack's ARNs: the parent starts the contender machine", () => {
    const bucketName = byName(all, "aws:s3/bucket:Bucket", "bench").state.bucket;
    const parent = byName(all, "aws:sfn/stateMachine:StateMachine", "benchmark");
    const child = byName(all, "aws:sfn/stateMachine:StateMachine", "benchmark-contender");
    expect(JSON.parse(parent.inputs.definition)).toEqual(buildDefinition(params(bucketName)));
    expect(JSON.parse(child.inputs.definition)).toEqual(buildContenderDefinition(params(bucketName)));
    expect(child.state.arn).toBe(params(bucketName).contenderStateMachineArn);
    // Independently of the builders: the only literal function ARNs are the validator's and the
    // scorer's (contenders come from the execution input), the only bucket is ours, and the
    // parent's only state machine is the contender machine.
    const literal = (definition: unknown, key: string) => collect(definition, key).sort();
    expect(literal(JSON.parse(child.inputs.definition), "FunctionName")).toEqual([fnArn(`${P}-score`), fnArn(`${P}-validate`)]);
    expect(literal(JSON.parse(parent.inputs.definition), "FunctionName")).toEqual([fnArn(`${P}-score`), fnArn(`${P}-score`)]);
    expect(literal(JSON.parse(parent.inputs.definition), "StateMachineArn")).toEqual([child.state.arn]);
    for (const sm of [child, parent]) expect(new Set(literal(JSON.parse(sm.inputs.definition), "Bucket"))).toEqual(new Set([bucketName]));
    for (const [resource, name] of [["benchmark", P], ["benchmark-contender", `${P}-contender`]] as const) {
      const sm = byName(all, "aws:sfn/stateMachine:StateMachine", resource);
      expect(sm.inputs).toMatchObject({ name, type: "STANDARD", roleArn: byName(all, "aws:iam/role:Role", resource).state.arn });
      const logGroup = byName(all, "aws:cloudwatch/logGroup:LogGroup", resource);
      expect(logGroup.inputs).toEqual({ name: `/aws/vendedlogs/states/${name}`, retentionInDays: 14 });
      expect(sm.inputs.loggingConfiguration).toEqual({ logDestination: `${logGroup.state.arn}:*`, includeExecutionData: true, level: "ALL" });
      expect(sm.dependencies).toContain(byName(all, "aws:iam/rolePolicy:RolePolicy", resource).urn);
    }
  });

  it("gives every contender function its own role", () => {
    for (const key of CONTENDER_KEYS) {
      const role = byName(all, "aws:iam/role:Role", `contender-${key}-role`);
      expect(role.inputs.name).toBe(`${P}-${key}`);
      expect(lambda(`contender-${key}`).inputs.role).toBe(role.state.arn);
      expect(lambda(`contender-${key}`).dependencies).toContain(byName(all, "aws:iam/rolePolicy:RolePolicy", `contender-${key}-role`).urn);
    }
  });
});

describe("stack outputs", () => {
  it("exports exactly bucketName, stateMachineArn, contenderStateMachineArn, executionInput and contenders", () => {
    const bucketName = byName(all, "aws:s3/bucket:Bucket", "bench").state.bucket;
    expect(Object.keys(program.outputs).sort()).toEqual(["bucketName", "contenderStateMachineArn", "contenders", "executionInput", "stateMachineArn"]);
    expect(program.outputs.bucketName).toBe(bucketName);
    expect(program.outputs.contenderStateMachineArn).toBe(`arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:${P}-contender`);
    expect(program.outputs.stateMachineArn).toBe(`arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:${P}`);
    const executionInput = {
      contenders: CONTENDER_KEYS.map((name) => ({ name, function_arn: fnArn(`${P}-${name}`) })),
    };
    expect(program.outputs.executionInput).toEqual(executionInput);
    expect(ExecutionInput.parse(program.outputs.executionInput)).toEqual(executionInput);
    expect(program.outputs.contenders).toEqual({
      "python-bob-arm64": { arn: fnArn(`${P}-python-bob-arm64`), architecture: "arm64", memoryMb: 2048 },
      "rust-carol-x86_64": { arn: fnArn(`${P}-rust-carol-x86_64`), architecture: "x86_64", memoryMb: 3008 },
      "shell-dave-arm64": { arn: fnArn(`${P}-shell-dave-arm64`), architecture: "arm64", memoryMb: 128 },
      "typescript-alice-arm64": { arn: fnArn(`${P}-typescript-alice-arm64`), architecture: "arm64", memoryMb: 1024 },
      "typescript-alice-x86_64": { arn: fnArn(`${P}-typescript-alice-x86_64`), architecture: "x86_64", memoryMb: 1024 },
    });
  });
});
