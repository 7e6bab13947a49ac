// Loads index.ts under Pulumi's mock monitor (no CLI, no AWS) and records every resource
// registration with what the mocks API does not show: parent, dependsOn, deleteBeforeReplace.
// Mocks stand in for the Pulumi engine only; everything the program computes is real.
import * as pulumi from "@pulumi/pulumi";

export const PROJECT = "s3-archive-bench";
export const STACK = "test";
export const REGION = "eu-west-1";
export const ACCOUNT = "123456789012";

export interface RecordedResource {
  urn: string;
  type: string;
  name: string;
  /** URN of the parent, "" for a top-level resource. */
  parent: string;
  custom: boolean;
  /** URNs of explicit and implicit dependencies. */
  dependencies: string[];
  deleteBeforeReplace: boolean;
  inputs: Record<string, any>;
  state: Record<string, any>;
}

export interface LoadedProgram {
  resources: RecordedResource[];
  outputs: Record<string, unknown>;
}

/** Cloud-assigned attributes (ARNs, generated names) in the format AWS returns them. */
function mockState(type: string, name: string, inputs: Record<string, any>): Record<string, any> {
  switch (type) {
    case "aws:s3/bucket:Bucket": {
      const bucket = inputs.bucket ?? `${name}-a1b2c3`;
      return { ...inputs, bucket, arn: `arn:aws:s3:::${bucket}` };
    }
    case "aws:iam/role:Role":
      return { ...inputs, name: `${name}-r1`, arn: `arn:aws:iam::${ACCOUNT}:role/${name}-r1` };
    case "aws:cloudwatch/logGroup:LogGroup":
      return { ...inputs, arn: `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:${inputs.name}` };
    case "aws:lambda/function:Function":
      return { ...inputs, arn: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${inputs.name}` };
    case "aws:dynamodb/table:Table":
      return { ...inputs, arn: `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/${inputs.name}` };
    case "aws:sfn/stateMachine:StateMachine":
      return { ...inputs, arn: `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:${inputs.name}` };
    case "aws:lambda/invocation:Invocation":
      return { ...inputs, result: JSON.stringify({ action: "filled" }) };
    case "awsx:ecr:Repository":
      return { ...inputs, url: `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/${name}` };
    case "awsx:ecr:Image":
      return { ...inputs, imageUri: `${inputs.repositoryUrl}@sha256:${"ab".repeat(32)}` };
    default:
      return inputs;
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Sets config and mocks, imports the program once, and returns its resources and outputs. */
export async function loadProgram(config: Record<string, unknown>): Promise<LoadedProgram> {
  const all: Record<string, string> = {};
  for (const [k, v] of Object.entries(config)) all[k] = typeof v === "string" ? v : JSON.stringify(v);
  pulumi.runtime.setAllConfig(all);

  await pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        const state = mockState(args.type, args.name, args.inputs);
        // AWS uses the bucket's name as its id; other ids are opaque.
        const id = args.type === "aws:s3/bucket:Bucket" ? state.bucket : `${args.name}-id`;
        return { id, state };
      },
      call: (args) => args.inputs,
    },
    PROJECT,
    STACK,
    false,
  );
  const resources = recordRegistrations();

  let program: Record<string, unknown>;
  try {
    program = (await import("../../index")) as Record<string, unknown>;
  } catch (error) {
    // What the program registered before it stopped: tests of refusals assert it is nothing.
    throw Object.assign(error as Error, { registered: resources });
  }
  const outputs: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(program)) {
    const resolved = await resolve(value);
    // Pulumi leaves an export whose value is undefined out of the stack outputs (e.g. the matrix's when it is off).
    if (resolved !== undefined) outputs[key] = resolved;
  }
  // Drain: some resources (and registerOutputs calls) finish after the exports resolve.
  await pulumi.runtime.disconnect();
  await sleep(0);
  return { resources, outputs };
}

function resolve(value: unknown): Promise<unknown> {
  if (!pulumi.Output.isInstance(value)) return Promise.resolve(value);
  return new Promise((r) => (value as pulumi.Output<unknown>).apply((v) => r(v)));
}

function recordRegistrations(): RecordedResource[] {
  const recorded: RecordedResource[] = [];
  const monitor = pulumi.runtime.getMonitor() as any;
  const original = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req: any, callback: (err: unknown, res: any) => void) => {
    original(req, (err: unknown, res: any) => {
      if (!err) {
        recorded.push({
          urn: res.getUrn(),
          type: req.getType(),
          name: req.getName(),
          parent: req.getParent(),
          custom: req.getCustom(),
          dependencies: req.getDependenciesList(),
          deleteBeforeReplace: req.getDeletebeforereplace(),
          inputs: pulumi.runtime.deserializeProperties(req.getObject()),
          state: pulumi.runtime.deserializeProperties(res.getObject()),
        });
      }
      callback(err, res);
    });
  };
  return recorded;
}

// ---------------------------------------------------------------------------------------------
// Queries used by the tests.

export function ofType(resources: RecordedResource[], type: string): RecordedResource[] {
  return resources.filter((r) => r.type === type);
}

export function byName(resources: RecordedResource[], type: string, name: string): RecordedResource {
  const found = resources.filter((r) => r.type === type && r.name === name);
  if (found.length !== 1) throw new Error(`expected one ${type} named ${name}, found ${found.length}`);
  return found[0]!;
}

export function parentOf(resources: RecordedResource[], r: RecordedResource): RecordedResource | undefined {
  return resources.find((p) => p.urn === r.parent);
}

/** name -> unix permission bits, from a ZIP's central directory (external attributes >> 16). */
export function zipEntryModes(zip: Buffer): Record<string, number> {
  const modes: Record<string, number> = {};
  for (let at = zip.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02])); at >= 0; ) {
    const nameLength = zip.readUInt16LE(at + 28);
    const next = at + 46 + nameLength + zip.readUInt16LE(at + 30) + zip.readUInt16LE(at + 32);
    modes[zip.toString("utf8", at + 46, at + 46 + nameLength)] = (zip.readUInt32LE(at + 38) >>> 16) & 0o777;
    at = zip.readUInt32LE(next) === 0x02014b50 ? next : -1;
  }
  return modes;
}

/** Every value stored under `key` anywhere in a JSON tree. */
export function collect(tree: unknown, key: string): unknown[] {
  if (Array.isArray(tree)) return tree.flatMap((t) => collect(t, key));
  if (tree === null || typeof tree !== "object") return [];
  return Object.entries(tree).flatMap(([k, v]) => (k === key ? [v] : collect(v, key)));
}
