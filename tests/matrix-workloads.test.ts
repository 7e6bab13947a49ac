// The matrix's workloads, run as packaged through the real local sandboxes (cgroup-capped
// processes speaking the Runtime API) on every local runtime: the same checksum everywhere, equal
// to golden values computed independently here with Python's hashlib; light against moto's
// DynamoDB, including batches DynamoDB leaves unprocessed; bad input answered with a clear error.
import { spawnSync } from "node:child_process";
import { CreateTableCommand, DynamoDBClient, ScanCommand } from "@aws-sdk/client-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hostArchitecture } from "../harness/matrix/rust-build";
import { LIGHT_TABLE, matrixFunctions, packageMatrixFunction, type MatrixFunction } from "../harness/matrix/workloads";
import { LambdaSandboxes } from "../local/lambda/index";
import { startEmbeddedS3, type EmbeddedS3 } from "../local/s3";
import { startUnprocessedProxy, type UnprocessedProxy } from "./support/unprocessed-proxy";

// Every runtime this project's machines run locally (python3.14 is not installed here).
const LOCAL_RUNTIMES = ["nodejs22.x", "nodejs24.x", "python3.11", "python3.12", "python3.13", "provided.al2023"];
// One runtime per language for the 100 MiB memory run and the error paths.
const ONE_PER_LANGUAGE = ["nodejs22.x", "python3.11", "provided.al2023"];
const TABLE = "matrix-light";
const SMALL_COUNT = 200_000;

/** Golden values, computed by Python's hashlib in a process of its own (not by the workloads' code). */
function python(code: string): string {
  const run = spawnSync("python3", ["-c", code], { encoding: "utf8", timeout: 60_000 });
  if (run.status !== 0) throw new Error(`golden computation failed: ${run.stderr}`);
  return run.stdout.trim();
}
const goldenCpu = (iterations: number) =>
  python(`import hashlib\nd = hashlib.sha256(b"s3-archive-bench cpu").digest()\nfor _ in range(${iterations}): d = hashlib.sha256(d).digest()\nprint(d.hex())`);
const goldenMemory = (count: number) =>
  python(
    "import hashlib, struct\nM = (1 << 64) - 1\ns = 42\nv = []\n" +
      `for _ in range(${count}):\n s = (s + 0x9E3779B97F4A7C15) & M\n z = ((s ^ (s >> 30)) * 0xBF58476D1CE4E5B9) & M\n` +
      " z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M\n v.append(z ^ (z >> 31))\n" +
      "v.sort()\nprint(hashlib.sha256(struct.pack('<1000Q', *v[:1000])).hexdigest())",
  );
// The same script at the default 13,107,200 values needs ~1 GB and a minute, so it ran once
// (2026-12-02, Python 3.11, a plain list and list.sort()) and its answer is kept here.
const GOLDEN_MEMORY_DEFAULT = "add9961ad0ae11afcc2906d9c67636ef9c875fecb46cbd64508bd052755e4b53";

let moto: EmbeddedS3;
let dynamodb: DynamoDBClient;
const sandboxes = new LambdaSandboxes();
const proxies: UnprocessedProxy[] = [];
const functions = new Map<string, MatrixFunction>();

/** Registers `fn` under `name` with the table (or not) and an endpoint; the code is packaged once. */
async function register(fn: MatrixFunction, name: string, environment: Record<string, string>): Promise<void> {
  const code = await packageMatrixFunction(fn, { binaryFor: "host" });
  sandboxes.register({
    name,
    arn: `arn:aws:lambda:us-east-1:000000000000:function:${name}`,
    runtime: fn.runtime as "nodejs22.x",
    handler: code.handler,
    codeDir: code.dir,
    memoryMb: 1769,
    timeoutS: 300,
    ephemeralStorageMb: 512,
    architecture: fn.architecture,
    environment: { ...moto.lambdaEnv, ...environment },
  });
}

const nameOf = (workload: string, runtime: string) => `${workload}-${runtime.replace(".", "-")}`;

async function invoke(name: string, event: unknown): Promise<{ error?: string; body: Record<string, unknown> }> {
  const result = await sandboxes.invoke(name, event);
  const body = JSON.parse(result.Payload) as Record<string, unknown>;
  return result.FunctionError ? { error: String(body.errorMessage), body } : { body };
}

beforeAll(async () => {
  moto = await startEmbeddedS3();
  const { endpoint, region, credentials } = moto.clientConfig;
  dynamodb = new DynamoDBClient({ endpoint, region, credentials });
  await dynamodb.send(
    new CreateTableCommand({
      TableName: TABLE,
      KeySchema: [{ AttributeName: LIGHT_TABLE.partitionKey, KeyType: "HASH" }],
      AttributeDefinitions: [{ AttributeName: LIGHT_TABLE.partitionKey, AttributeType: "S" }],
      BillingMode: "PAY_PER_REQUEST",
    }),
  );
  const env = { [LIGHT_TABLE.envVar]: TABLE };
  for (const fn of matrixFunctions({ runtimes: LOCAL_RUNTIMES, architectures: [hostArchitecture()] })) {
    functions.set(nameOf(fn.workload, fn.runtime), fn);
    await register(fn, nameOf(fn.workload, fn.runtime), env);
  }
  for (const runtime of ONE_PER_LANGUAGE) {
    const light = functions.get(nameOf("light", runtime))!;
    await register(light, nameOf("light-no-table", runtime), {});
    for (const mode of ["partial", "always"] as const) {
      const proxy = await startUnprocessedProxy(moto.endpoint, mode);
      proxies.push(proxy);
      await register(light, nameOf(`light-${mode}`, runtime), { ...env, AWS_ENDPOINT_URL_DYNAMODB: proxy.endpoint });
    }
  }
}, 900_000);

afterAll(async () => {
  await sandboxes.close();
  await Promise.all(proxies.map((proxy) => proxy.close()));
  dynamodb?.destroy();
  await moto?.stop();
});

describe("every local runtime gives the same checksum", () => {
  it("cpu: chained SHA-256 at the default 500,000 iterations, and at 1,000", async () => {
    const [atDefault, atThousand] = [goldenCpu(500_000), goldenCpu(1_000)];
    for (const runtime of LOCAL_RUNTIMES) {
      const name = nameOf("cpu", runtime);
      expect((await invoke(name, {})).body, runtime).toEqual({ ok: true, workload: "cpu", runtime, architecture: hostArchitecture(), checksum: atDefault });
      expect((await invoke(name, { iterations: 1_000 })).body.checksum, runtime).toBe(atThousand);
    }
  }, 600_000);

  it(`memory: ${SMALL_COUNT.toLocaleString("en")} values everywhere, the default 100 MiB once per language`, async () => {
    const small = goldenMemory(SMALL_COUNT);
    await Promise.all(
      LOCAL_RUNTIMES.map(async (runtime) => {
        expect((await invoke(nameOf("memory", runtime), { count: SMALL_COUNT })).body, runtime).toEqual({
          ok: true,
          workload: "memory",
          runtime,
          architecture: hostArchitecture(),
          checksum: small,
        });
      }),
    );
    for (const runtime of ONE_PER_LANGUAGE) {
      expect((await invoke(nameOf("memory", runtime), {})).body.checksum, runtime).toBe(GOLDEN_MEMORY_DEFAULT);
    }
  }, 900_000);

  it("light: 5 items written with a TTL and read back consistently from moto's DynamoDB", async () => {
    const before = Math.floor(Date.now() / 1000);
    for (const runtime of LOCAL_RUNTIMES) {
      expect((await invoke(nameOf("light", runtime), {})).body, runtime).toEqual({ ok: true, workload: "light", runtime, architecture: hostArchitecture(), checksum: "5" });
    }
    // The first test to write to the table: it holds exactly these invocations' items.
    const items = (await dynamodb.send(new ScanCommand({ TableName: TABLE, ConsistentRead: true }))).Items ?? [];
    expect(items).toHaveLength(5 * LOCAL_RUNTIMES.length);
    expect(new Set(items.map((item) => item.pk!.S!.split("#")[0])).size).toBe(LOCAL_RUNTIMES.length);
    for (const item of items) {
      expect(item.pk!.S).toMatch(/^[0-9a-f-]{36}#[0-4]$/); // unique per invocation: the request id
      const ttl = Number(item[LIGHT_TABLE.ttlAttribute]!.N);
      expect(ttl).toBeGreaterThanOrEqual(before + 3_600);
      expect(ttl).toBeLessThanOrEqual(Math.ceil(Date.now() / 1000) + 3_600);
    }
  }, 300_000);
});

describe("light retries what DynamoDB leaves unprocessed", () => {
  it.each(ONE_PER_LANGUAGE)("%s: resends only the unprocessed items and keys, and keeps what the first answer returned", async (runtime) => {
    const proxy = proxies[ONE_PER_LANGUAGE.indexOf(runtime) * 2]!;
    expect((await invoke(nameOf("light-partial", runtime), {})).body.checksum).toBe("5");
    // The first call of each batch had 2 of 5 processed; the retry carried exactly the other 3.
    expect(proxy.calls.map(({ operation, items }) => `${operation} ${items}`)).toEqual([
      "BatchWriteItem 5",
      "BatchWriteItem 3",
      "BatchGetItem 5",
      "BatchGetItem 3",
    ]);
  }, 120_000);

  it.each(ONE_PER_LANGUAGE)("%s: gives up after 8 attempts with backoff, as a failed invocation", async (runtime) => {
    const proxy = proxies[ONE_PER_LANGUAGE.indexOf(runtime) * 2 + 1]!;
    const { error } = await invoke(nameOf("light-always", runtime), {});
    expect(error).toContain("BatchWriteItem: still unprocessed after 8 attempts");
    expect(proxy.calls.map((call) => call.operation)).toEqual(Array(8).fill("BatchWriteItem"));
    // Backoff 25, 50, 100, 200, 400, 800, 1000 ms between the 8 attempts: 2.575 s at least.
    expect(proxy.calls.at(-1)!.at - proxy.calls[0]!.at).toBeGreaterThanOrEqual(2_500);
  }, 120_000);
});

describe("bad input is a failed invocation with a clear message", () => {
  it.each(ONE_PER_LANGUAGE)("%s", async (runtime) => {
    for (const iterations of [-1, 1.5, "10"]) {
      expect((await invoke(nameOf("cpu", runtime), { iterations })).error, `${runtime} ${iterations}`).toContain(
        "event.iterations must be an integer from 0 to 100000000",
      );
    }
    expect((await invoke(nameOf("memory", runtime), { count: 999 })).error).toContain("event.count must be an integer from 1000 to 104857600");
    expect((await invoke(nameOf("cpu", runtime), [1])).error).toContain("the event must be a JSON object");
    expect((await invoke(nameOf("light-no-table", runtime), {})).error).toContain("LIGHT_TABLE_NAME is not set");
  }, 120_000);
});
