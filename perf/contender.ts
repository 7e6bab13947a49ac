// `npm run perf -- contender <lang>/<dev_id> [--counts 100,200] [--object-mb 5 (MiB, mean)] [--repeat 2] [--node-args=--trace-gc]
//                                             [--profile contender|baseline] [--naive]
//                                             [--variants '[{}, {"partSize":16777216}]']`
//
// Measures a Node contender against a raw-copy baseline, side by side in ONE run on the same moto
// and the same dataset: throughput (MB/s), CPU seconds per GB and peak RSS of each, then the same
// again with the dataset grown (flatness). Each run is its own child process (an esbuild bundle,
// as Lambda runs it) so the CPU and RSS it reports are its own: process.cpuUsage() around the
// handler call, VmHWM from /proc/self/status. `--profile <mode>` adds a --cpu-prof run of the contender or the baseline
// and prints the top self-time functions and packages.
import { spawn } from "node:child_process";
import { mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import {
  CompleteMultipartUploadCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  S3Client,
  UploadPartCommand,
} from "@aws-sdk/client-s3";
import { PassThrough, type Readable } from "node:stream";
import { Upload } from "@aws-sdk/lib-storage";
import ZipStream from "zip-stream";
import { startEmbeddedS3 } from "../local/s3";
import { fillBucket } from "../functions/fill-bucket/fill";
import { listSourceObjects } from "../contenders/typescript/reference/src/list";
import { OrderedPrefetcher } from "../contenders/typescript/reference/src/prefetch";
import { downloadChunks } from "../contenders/typescript/reference/src/download";
import { DEFAULT_TUNABLES, type Tunables } from "../contenders/typescript/reference/src/tunables";
import { createS3Client } from "../contenders/typescript/reference/src/s3-client";
import { archivePrefix } from "../contenders/typescript/reference/src/archive";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const MB = 1e6;
const BUCKET = "perf-contender";
const PREFIX = "files";

interface Measurement {
  label: string;
  wallS: number;
  cpuS: number;
  peakRssMb: number;
  bytes: number;
}

// ---------------------------------------------------------------------------------------------
// Child side: runs inside the bundle, measures only the work itself.
export async function runChild(handler: (event: unknown) => Promise<unknown>): Promise<void> {
  const [mode, json] = process.argv.slice(2);
  const config = JSON.parse(json!) as {
    event: { bucket_name: string; files_prefix: string; archive_key: string };
    tunables: Tunables;
    /** Sweeps of the reference contender's tunables call its pipeline directly, not its handler. */
    referenceWithTunables: boolean;
  };
  const contender = config.referenceWithTunables
    ? (event: unknown) => archivePrefix(createS3Client(), event as typeof config.event, config.tunables)
    : handler;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const result =
    mode === "baseline" ? await rawCopy(config.event, config.tunables) : mode === "naive" ? await naiveZip(config.event) : await contender(config.event);
  const wallS = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const status = await readFile("/proc/self/status", "utf8");
  const hwmKb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
  process.stdout.write(`RESULT ${JSON.stringify({ wallS, cpuS: (cpu.user + cpu.system) / 1e6, systemS: cpu.system / 1e6, peakRssMb: hwmKb / 1024, result })}\n`);
}

/** The baseline: GET every object (same ordered prefetch, concurrency and byte budget) and
 *  multipart-PUT the same bytes with the same part size and parts in flight. No ZIP, no lib-storage. */
async function rawCopy(event: { bucket_name: string; files_prefix: string; archive_key: string }, t: Tunables) {
  // The same client (checksum and signing choices) as the reference contender: the ratio then
  // measures the ZIP pipeline, not transport settings.
  const client = createS3Client();
  const Bucket = event.bucket_name;
  const Key = event.archive_key;
  const objects = await listSourceObjects(client, Bucket, event.files_prefix);
  const signal = new AbortController().signal;
  const prefetcher = new OrderedPrefetcher(objects, (o) => downloadChunks(client, Bucket, o, signal), (o) => o.size, () => false, {
    concurrency: t.downloadConcurrency,
    budgetBytes: t.prefetchBytes,
  });
  const { UploadId } = await client.send(new CreateMultipartUploadCommand({ Bucket, Key }));
  const parts: { PartNumber: number; ETag?: string; ChecksumCRC32?: string }[] = [];
  const inFlight = new Set<Promise<void>>();
  const sendPart = async (data: Buffer) => {
    while (inFlight.size >= t.queueSize) await Promise.race(inFlight);
    const PartNumber = parts.length + 1;
    const slot = { PartNumber } as (typeof parts)[number];
    parts.push(slot);
    const p = client.send(new UploadPartCommand({ Bucket, Key, UploadId, PartNumber, Body: data })).then((out) => {
      slot.ETag = out.ETag;
      slot.ChecksumCRC32 = out.ChecksumCRC32;
      inFlight.delete(p);
    });
    inFlight.add(p);
  };
  let part = Buffer.allocUnsafe(t.partSize);
  let filled = 0;
  let total = 0;
  for (let i = 0; i < objects.length; i++) {
    const { result, cost } = await prefetcher.takeNext();
    for (const data of result.chunks) {
      for (let offset = 0; offset < data.length; ) {
        const n = data.copy(part, filled, offset);
        offset += n;
        filled += n;
        if (filled === t.partSize) {
          await sendPart(part);
          part = Buffer.allocUnsafe(t.partSize);
          filled = 0;
        }
      }
    }
    total += result.size;
    prefetcher.release(cost);
  }
  if (filled > 0 || parts.length === 0) await sendPart(part.subarray(0, filled));
  await Promise.all(inFlight);
  await client.send(new CompleteMultipartUploadCommand({ Bucket, Key, UploadId, MultipartUpload: { Parts: parts } }));
  return { bytes: total, parts: parts.length };
}

/** An anchor for the CPU numbers on this (shared, noisy) machine: the naive pipeline the issue
 *  quotes (~8.9 CPU-s/GB): SDK defaults, each GetObject body streamed into zip-stream in turn,
 *  zip-stream piped into lib-storage with its default part and queue sizes. */
async function naiveZip(event: { bucket_name: string; files_prefix: string; archive_key: string }) {
  const client = new S3Client({});
  const objects = await listSourceObjects(client, event.bucket_name, event.files_prefix);
  const zip = new ZipStream({ store: true });
  const body = new PassThrough();
  zip.pipe(body);
  const done = new Upload({ client, params: { Bucket: event.bucket_name, Key: event.archive_key, Body: body } }).done();
  for (const o of objects) {
    const got = await client.send(new GetObjectCommand({ Bucket: event.bucket_name, Key: o.key }));
    await new Promise<void>((res, rej) => zip.entry(got.Body as Readable, { name: o.name, store: true }, (e) => (e ? rej(e) : res())));
  }
  zip.finalize();
  await done;
  return { entries: objects.length };
}

// ---------------------------------------------------------------------------------------------
// Parent side.
async function bundleChild(contenderDir: string, entry: string, exportName: string, external: boolean): Promise<string> {
  // Imported here, not at the top: this module is also bundled into the child, which never builds.
  const { build } = await import("esbuild");
  const outfile = join(ROOT, ".build", "perf", `contender-child${external ? "-profile" : ""}-${process.pid}.mjs`);
  await build({
    stdin: {
      contents: [
        `import { ${exportName} as handler } from ${JSON.stringify(join(contenderDir, entry))};`,
        `import { runChild } from ${JSON.stringify(fileURLToPath(import.meta.url))};`,
        `await runChild(handler);`,
      ].join("\n"),
      resolveDir: ROOT,
      loader: "ts",
    },
    bundle: true,
    platform: "node",
    target: "node20",
    format: "esm",
    outfile,
    // Profile builds keep packages external so the profile can attribute time to each package.
    packages: external ? "external" : undefined,
    external: ["esbuild"],
    banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
    logLevel: "error",
  });
  return outfile;
}

async function runChildProcess(bundle: string, mode: string, config: object, env: Record<string, string>, nodeArgs: string[] = []) {
  const child = spawn(process.execPath, [...nodeArgs, bundle, mode, JSON.stringify(config)], {
    env: { ...process.env, ...env, NODE_NO_WARNINGS: "1" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  child.stdout.on("data", (c: Buffer) => (out += c.toString()));
  child.stderr.on("data", (c: Buffer) => (err = (err + c.toString()).slice(-4000)));
  const code = await new Promise<number | null>((r) => child.once("exit", r));
  const line = out.split("\n").find((l) => l.startsWith("RESULT "));
  if (code !== 0 || !line) throw new Error(`${mode} child failed (exit ${code}): ${err.trim() || out.trim()}`);
  return { ...(JSON.parse(line.slice(7)) as { wallS: number; cpuS: number; systemS: number; peakRssMb: number; result: unknown }), output: out };
}

async function summariseProfile(dir: string): Promise<void> {
  const file = (await readdir(dir)).find((f) => f.endsWith(".cpuprofile"));
  if (!file) throw new Error(`no .cpuprofile in ${dir}`);
  const profile = JSON.parse(await readFile(join(dir, file), "utf8")) as {
    nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[];
    samples: number[];
    timeDeltas: number[];
  };
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<number, number>();
  profile.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const byFunction = new Map<string, number>();
  const byPackage = new Map<string, number>();
  let total = 0;
  for (const [id, us] of selfUs) {
    const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
    if (functionName === "(idle)") continue;
    total += us;
    const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)?.[1] ?? (url.startsWith("node:") ? "node:" + url.slice(5).split("/")[0] : url ? url.replace(ROOT + "/", "").replace("file://", "") : functionName);
    const fn = `${functionName || "(anonymous)"} ${url.split("/").slice(-1)[0] ?? ""}:${lineNumber + 1}`;
    byFunction.set(fn, (byFunction.get(fn) ?? 0) + us);
    byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + us);
  }
  const top = (m: Map<string, number>, n: number) =>
    [...m.entries()].sort((a, b) => b[1] - a[1]).slice(0, n).map(([k, us]) => `  ${(us / 1e6).toFixed(2).padStart(6)} s ${((100 * us) / total).toFixed(1).padStart(5)}%  ${k}`);
  console.log(`\nprofile (${(total / 1e6).toFixed(2)} s of samples, idle excluded) - top self time by function:`);
  console.log(top(byFunction, 18).join("\n"));
  console.log("by package / module:");
  console.log(top(byPackage, 12).join("\n"));
}

export async function main(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      counts: { type: "string", default: "100,200" },
      "object-mb": { type: "string", default: "5" },
      repeat: { type: "string", default: "1" },
      profile: { type: "string" }, // contender | baseline
      // JSON array of tunable overrides, each measured (contender and baseline) on the same data.
      variants: { type: "string", default: "[{}]" },
      naive: { type: "boolean", default: false }, // also measure the naive pipeline (CPU anchor)
      // Extra node flags for the measured children (e.g. --trace-gc); their output goes to
      // .build/perf/<mode>-<count>.log.
      "node-args": { type: "string", default: "" },
    },
  });
  const id = positionals[0] ?? "typescript/reference";
  const contenderDir = join(ROOT, "contenders", id);
  const manifest = JSON.parse(await readFile(join(contenderDir, "contender.json"), "utf8")) as { runtime: string; handler: string; entry: string };
  if (!manifest.runtime.startsWith("nodejs")) throw new Error(`perf contender runs Node contenders only (${id} is ${manifest.runtime})`);
  const exportName = manifest.handler.split(".").pop()!;
  const counts = values.counts.split(",").map(Number);
  const objectMb = Number(values["object-mb"]);
  const variants = (JSON.parse(values.variants) as Partial<Tunables>[]).map((v) => ({ label: JSON.stringify(v), override: v, tunables: { ...DEFAULT_TUNABLES, ...v } }));
  if (Object.keys(variants[0]?.override ?? {}).length && id !== "typescript/reference") throw new Error("--variants applies to typescript/reference only");

  const bundle = await bundleChild(contenderDir, manifest.entry, exportName, false);
  const s3 = await startEmbeddedS3();
  const client = new S3Client(s3.clientConfig);
  const rows: Row[] = [];
  try {
    await client.send(new CreateBucketCommand({ Bucket: BUCKET }));
    for (const count of counts) {
      // The contest's own dataset (sizes N(mean, 1 MiB), key = sha256): fillBucket leaves exactly
      // this count's objects under the prefix.
      const filled = await fillBucket(client, { bucket: BUCKET, prefix: PREFIX, objectCount: count, objectSizeMb: objectMb, seed: "perf-contender" });
      const filledBytes = filled.totalBytes;
      console.log(`dataset: ${count} objects, ${(filledBytes / MB).toFixed(0)} MB (moto pid ${s3.pid})`);
      for (let r = 0; r < Number(values.repeat); r++) {
        for (const variant of variants) {
          const measured: Record<string, Measurement> = {};
          if (variants.length > 1) console.log(` variant ${variant.label}`);
          for (const mode of ["contender", "baseline", ...(values.naive ? (["naive"] as const) : [])]) {
            const archiveKey = `perf/${mode}-${count}-${r}.zip`;
            const event = { bucket_name: BUCKET, files_prefix: PREFIX, archive_key: archiveKey };
            const config = { event, tunables: variant.tunables, referenceWithTunables: Object.keys(variant.override).length > 0 };
            const nodeArgs = values["node-args"].split(" ").filter(Boolean);
            const m = await runChildProcess(bundle, mode, config, s3.lambdaEnv, nodeArgs);
            if (nodeArgs.length) await writeFile(join(ROOT, ".build", "perf", `${mode}-${count}.log`), m.output);
            // Free moto's memory at once: it keeps every object (and multipart leftovers) in RAM.
            await client.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: archiveKey }));
            measured[mode] = { label: mode, wallS: m.wallS, cpuS: m.cpuS, peakRssMb: m.peakRssMb, bytes: filledBytes };
            console.log(`  ${mode.padEnd(9)} ${(filledBytes / MB / m.wallS).toFixed(1).padStart(7)} MB/s  cpu ${m.cpuS.toFixed(2)} s (system ${m.systemS.toFixed(2)})  rss ${m.peakRssMb.toFixed(0)} MB  ${JSON.stringify(m.result)}`);
          }
          rows.push({ count, gb: filledBytes / 1e9, variant: variant.label, contender: measured.contender!, baseline: measured.baseline!, naive: measured.naive });
        }
      }
    }
    printTable(id, rows);
    if (values.profile) {
      const dir = join(ROOT, ".build", "perf", `profile-${process.pid}`);
      await rm(dir, { recursive: true, force: true });
      await mkdir(dir, { recursive: true });
      const profBundle = await bundleChild(contenderDir, manifest.entry, exportName, true);
      const event = { bucket_name: BUCKET, files_prefix: PREFIX, archive_key: "perf/profile.zip" };
      const config = { event, tunables: variants[0]!.tunables, referenceWithTunables: Object.keys(variants[0]!.override).length > 0 };
      await runChildProcess(profBundle, values.profile, config, s3.lambdaEnv, ["--cpu-prof", `--cpu-prof-dir=${dir}`]);
      await client.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: event.archive_key }));
      await summariseProfile(dir);
    }
  } finally {
    client.destroy();
    await s3.stop();
  }
}

interface Row {
  count: number;
  variant: string;
  gb: number;
  contender: Measurement;
  baseline: Measurement;
  naive?: Measurement;
}

function printTable(id: string, rows: Row[]) {
  const f = (n: number, d = 2) => n.toFixed(d);
  const t = DEFAULT_TUNABLES;
  console.log(`\n${id} (defaults: partSize ${t.partSize / 2 ** 20} MiB, queueSize ${t.queueSize}, downloads ${t.downloadConcurrency}, prefetch ${t.prefetchBytes / 2 ** 20} MiB)`);
  console.log("| dataset | variant | contender MB/s | baseline MB/s | ratio | contender CPU s/GB | baseline CPU s/GB | CPU ratio | contender peak RSS MB | baseline peak RSS MB |");
  console.log("|---|---|---|---|---|---|---|---|---|---|");
  for (const { count, gb, variant, contender: c, baseline: b } of rows) {
    const cMbs = c.bytes / MB / c.wallS;
    const bMbs = b.bytes / MB / b.wallS;
    console.log(
      `| ${count} x ~5 MB = ${f(gb)} GB | ${variant === "{}" ? "defaults" : variant} | ${f(cMbs, 1)} | ${f(bMbs, 1)} | ${f(cMbs / bMbs)} | ${f(c.cpuS / gb)} | ${f(b.cpuS / gb)} | ${f(c.cpuS / b.cpuS)} | ${f(c.peakRssMb, 0)} | ${f(b.peakRssMb, 0)} |`,
    );
  }
  for (const { count, gb, naive } of rows) {
    if (naive) console.log(`naive zip-stream -> lib-storage (SDK defaults) at ${count} objects: ${f(naive.bytes / MB / naive.wallS, 1)} MB/s, ${f(naive.cpuS / gb)} CPU-s/GB, peak RSS ${f(naive.peakRssMb, 0)} MB`);
  }
  console.log("targets: ratio >= 0.85, CPU ratio <= 1.3, contender CPU <= 4.5 s/GB (issue 13), peak RSS <= 300 MB and flat as the dataset doubles");
}
