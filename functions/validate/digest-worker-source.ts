// The digest worker's code, as plain JavaScript source run with `new Worker(src, { eval: true })`.
// WHY a string: the validator is bundled into one .mjs for Lambda (esbuild) and also runs under
// tsx and vitest; a string worker needs no separate file, loader or build step in any of them.
// It uses only node builtins. Protocol (messages are processed strictly in order):
//   main -> worker  {t:"begin", id, method, limit} | {t:"data", b:ArrayBuffer, n} | {t:"end"}
//   worker -> main  {t:"ack", n} after consuming a data message,
//                   {t:"done", id, sha256, crc32, size, consumed, error}
export const DIGEST_WORKER_SOURCE = String.raw`
const { parentPort } = require("node:worker_threads");
const { createHash } = require("node:crypto");
const zlib = require("node:zlib");

let job = null;
let queue = Promise.resolve();
parentPort.on("message", (m) => {
  queue = queue.then(() => handle(m)).catch((e) => parentPort.postMessage({ t: "fatal", error: String(e && e.stack || e) }));
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
  j.crc = zlib.crc32(chunk, j.crc);
}

function begin(m) {
  const j = { id: m.id, method: m.method, limit: m.limit, hash: createHash("sha256"), crc: 0, size: 0, consumed: 0, error: null };
  if (m.method === 8) {
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

async function handle(m) {
  if (m.t === "begin") { job = begin(m); return; }
  const j = job;
  if (m.t === "data") {
    const chunk = Buffer.from(m.b, 0, m.n);
    if (j.method === 0) {
      take(j, chunk);
    } else if (!j.error) {
      // A write whose stream already failed never calls back: race it with the failure.
      await Promise.race([new Promise((resolve) => j.inflate.write(chunk, resolve)), j.finished]);
    }
    parentPort.postMessage({ t: "ack", n: m.n });
    return;
  }
  if (m.t === "end") {
    let consumed = j.size;
    if (j.method === 8) {
      j.inflate.end();
      await j.finished;
      consumed = j.inflate.bytesWritten;
    }
    parentPort.postMessage({ t: "done", id: j.id, sha256: j.hash.digest("hex"), crc32: j.crc >>> 0, size: j.size, consumed, error: j.error });
    job = null;
  }
}
`;
