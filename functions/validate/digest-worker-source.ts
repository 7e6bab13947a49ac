// The digest worker's code, as plain JavaScript source run with `new Worker(src, { eval: true })`.
// WHY a string: the validator is bundled into one .mjs for Lambda (esbuild) and also runs under
// tsx and vitest; a string worker needs no separate file, loader or build step in any of them.
// It uses only node builtins. Protocol (batches are processed strictly in order):
//   main -> worker  {b: ArrayBuffer (transferred), n: bytes used, ops: number[]} where ops is a
//                   flat list: [0, id, method, limit, crc (1 = sum the CRC-32)] begin entry | [1, length] entry data (the
//                   next `length` bytes of b) | [2] end entry
//   worker -> main  {t:"ack", n, b} after a batch, returning its ArrayBuffer for reuse, {t:"done", id, sha256, crc32, size, consumed, error}
//                   per entry, {t:"fatal", error} if the worker itself broke
export const DIGEST_WORKER_SOURCE = String.raw`
const { parentPort } = require("node:worker_threads");
const { createHash } = require("node:crypto");
const zlib = require("node:zlib");

let job = null;
let queue = Promise.resolve();
parentPort.on("message", (m) => {
  queue = queue.then(() => batch(m)).catch((e) => parentPort.postMessage({ t: "fatal", error: String((e && e.stack) || e) }));
});

function fail(j, message) {
  if (!j.error) j.error = message;
  // Stop inflating a failed entry: no point burning CPU on the rest of a bomb or garbage.
  if (j.inflate && !j.inflate.destroyed) j.inflate.destroy();
}

// Decompressed bytes: counted, hashed and CRC'd; never more than the central directory declared
// (so a deflate bomb costs at most the declared size of work).
function take(j, chunk) {
  if (j.error) return;
  if (j.size + chunk.length > j.limit) {
    fail(j, "decompresses to more than the " + j.limit + " bytes the central directory declares");
    return;
  }
  j.size += chunk.length;
  j.hash.update(chunk);
  if (j.wantCrc) j.crc = zlib.crc32(chunk, j.crc);
}

function begin(id, method, limit, wantCrc) {
  const j = { id, method, limit, wantCrc, hash: createHash("sha256"), crc: 0, size: 0, given: 0, error: null };
  if (method === 8) {
    const inflate = zlib.createInflateRaw();
    j.inflate = inflate;
    inflate.on("data", (c) => take(j, c));
    j.finished = new Promise((resolve) => {
      inflate.once("end", resolve);
      inflate.once("close", resolve);
      inflate.once("error", (e) => { fail(j, "has corrupt deflate data (" + e.message + ")"); resolve(); });
    });
  }
  return j;
}

async function data(j, chunk) {
  j.given += chunk.length;
  if (j.method === 0) return take(j, chunk);
  if (j.error) return;
  // A write whose stream already failed never calls back: race it with the failure.
  await Promise.race([new Promise((resolve) => j.inflate.write(chunk, resolve)), j.finished]);
}

async function end(j) {
  let consumed = j.given;
  if (j.method === 8) {
    if (!j.inflate.destroyed) j.inflate.end();
    await j.finished;
    // Input the inflater actually used: less than given means data after the end of the stream.
    if (!j.error) consumed = j.inflate.bytesWritten;
  }
  parentPort.postMessage({ t: "done", id: j.id, sha256: j.hash.digest("hex"), crc32: j.wantCrc ? j.crc >>> 0 : null, size: j.size, consumed, error: j.error });
}

async function batch(m) {
  const bytes = Buffer.from(m.b, 0, m.n);
  const ops = m.ops;
  let at = 0;
  for (let i = 0; i < ops.length; ) {
    const op = ops[i];
    if (op === 0) { job = begin(ops[i + 1], ops[i + 2], ops[i + 3], ops[i + 4] === 1); i += 5; }
    else if (op === 1) { const n = ops[i + 1]; await data(job, bytes.subarray(at, at + n)); at += n; i += 2; }
    else { await end(job); job = null; i += 1; }
  }
  // Every write has called back, so zlib holds no reference into the batch: hand it back for reuse.
  parentPort.postMessage({ t: "ack", n: m.n, b: m.b }, [m.b]);
}
`;
