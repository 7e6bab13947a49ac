// contender.json schema, discovery and derived names. Each malformed case must name the file and
// the field, because that message is all a contributor sees at `pulumi up` or `bench local`.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  contenderFunctionName,
  contenderKey,
  discoverContenders,
  ManifestError,
  MAX_CONTENDER_KEY_LENGTH,
  type ContenderSpec,
} from "../harness/manifest";
import { repoRoot } from "../harness/repo-root";
import { selectContenders, UnknownContenderError } from "../harness/selection";

const VALID = {
  runtime: "nodejs22.x",
  handler: "index.handler",
  entry: "src/index.ts",
  architectures: ["arm64"],
  memoryMb: 512,
  timeoutS: 600,
  ephemeralStorageMb: 512,
  description: "streams every object into a deflate zip",
};

let root: string;
beforeEach(() => {
  root = mkdtempSync(path.join(tmpdir(), "bench-manifest-"));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

/** Writes contenders/<lang>/<dev>/contender.json (+ the entry file) under the temp root. */
function contender(lang: string, dev: string, manifest: unknown, files: Record<string, string> = { "src/index.ts": "" }) {
  const dir = path.join(root, lang, dev);
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, "contender.json"), typeof manifest === "string" ? manifest : JSON.stringify(manifest, null, 2));
  for (const [rel, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    writeFileSync(path.join(dir, rel), content);
  }
  return path.join(dir, "contender.json");
}

function discoveryError(): ManifestError {
  try {
    discoverContenders(root);
  } catch (error) {
    expect(error).toBeInstanceOf(ManifestError);
    return error as ManifestError;
  }
  throw new Error("discoverContenders accepted a malformed contender");
}

describe("contender.json schema", () => {
  it("accepts the DESIGN.md example and returns a complete spec", () => {
    const file = contender("typescript", "bob", VALID);
    const [spec, ...rest] = discoverContenders(root);
    expect(rest).toEqual([]);
    expect(spec).toEqual({
      id: "typescript-bob",
      lang: "typescript",
      devId: "bob",
      dir: path.join(root, "typescript", "bob"),
      manifestPath: file,
      manifest: VALID,
    });
  });

  const malformed: [string, Record<string, unknown>, string, RegExp][] = [
    ["memory too large", { memoryMb: 10241 }, "memoryMb", /must be <= 10240/],
    ["memory too small", { memoryMb: 64 }, "memoryMb", /must be >= 128/],
    ["fractional memory", { memoryMb: 512.5 }, "memoryMb", /integer/],
    ["timeout too long", { timeoutS: 901 }, "timeoutS", /must be <= 900/],
    ["timeout zero", { timeoutS: 0 }, "timeoutS", /must be >= 1/],
    ["ephemeral storage too small", { ephemeralStorageMb: 256 }, "ephemeralStorageMb", /must be >= 512/],
    ["memory as a string", { memoryMb: "512" }, "memoryMb", /must be a number/],
    ["unknown runtime", { runtime: "java21" }, "runtime", /must be one of .*nodejs22\.x/],
    ["unknown architecture", { architectures: ["arm"] }, "architectures.0", /arm64/],
    ["no architecture", { architectures: [] }, "architectures", /at least one/],
    ["repeated architecture", { architectures: ["arm64", "arm64"] }, "architectures", /repeat/],
    ["empty description", { description: "" }, "description", /must not be empty/],
    ["node without entry", { entry: undefined }, "entry", /required for runtime nodejs22\.x/],
    ["node without handler", { handler: undefined }, "handler", /required for runtime nodejs22\.x/],
    ["node handler without export", { handler: "index" }, "handler", /file\.export/],
    ["build on a node runtime", { build: "make" }, "build", /only supported for runtime provided\.al2023/],
    ["python without handler", { runtime: "python3.12", handler: undefined, entry: undefined }, "handler", /module\.function/],
  ];
  it.each(malformed)("rejects %s, naming file and field", (_name, change, field, problem) => {
    const file = contender("typescript", "bob", { ...VALID, ...change });
    const error = discoveryError();
    expect(error.file).toBe(file);
    expect(error.field).toBe(field);
    expect(error.message).toMatch(problem);
    expect(error.message.startsWith(`${path.join(root, "typescript/bob/contender.json")}: ${field}: `)).toBe(true);
  });

  it("names the file relative to the repository when it is inside it", () => {
    const error = new ManifestError(path.join(repoRoot(), "contenders/typescript/bob/contender.json"), "memoryMb", "must be <= 10240");
    expect(error.message).toBe("contenders/typescript/bob/contender.json: memoryMb: must be <= 10240");
  });

  it("rejects unknown fields (a typo must not be silently ignored)", () => {
    contender("typescript", "bob", { ...VALID, memorySize: 1024 });
    const error = discoveryError();
    expect(error.field).toBe("memorySize");
    expect(error.message).toMatch(/contender\.json: memorySize: unknown field/);
  });

  it("reports invalid JSON with its position", () => {
    contender("typescript", "bob", '{\n  "runtime": "nodejs22.x",\n}\n');
    const error = discoveryError();
    expect(error.message).toMatch(/contender\.json: invalid JSON: .*position 29.*line 3, column 1/);
  });

  it("requires the entry file to exist and stay inside the folder", () => {
    contender("typescript", "bob", { ...VALID, entry: "src/main.ts" });
    expect(discoveryError().message).toMatch(/entry: file not found: src\/main\.ts/);
    rmSync(path.join(root, "typescript"), { recursive: true });
    contender("typescript", "bob", { ...VALID, entry: "../../escape.ts" }, {});
    expect(discoveryError().message).toMatch(/entry: must stay inside the contender folder/);
  });

  it("provided.al2023 needs a build command or a prebuilt bootstrap", () => {
    const provided = { ...VALID, runtime: "provided.al2023", handler: undefined, entry: undefined };
    contender("rust", "carol", provided, {});
    expect(discoveryError().message).toMatch(/build: is required for provided\.al2023/);
    writeFileSync(path.join(root, "rust/carol/bootstrap"), "#!/bin/sh\n");
    expect(discoverContenders(root).map((s) => s.id)).toEqual(["rust-carol"]);
    contender("rust", "dave", { ...provided, build: "cargo lambda build" }, {});
    expect(discoverContenders(root).map((s) => s.id)).toEqual(["rust-carol", "rust-dave"]);
  });

  it("image contenders need a Dockerfile but no handler or entry", () => {
    const image = { ...VALID, runtime: "image", handler: undefined, entry: undefined };
    contender("go", "erin", image, {});
    expect(discoveryError().message).toMatch(/runtime: "image" needs a Dockerfile/);
    writeFileSync(path.join(root, "go/erin/Dockerfile"), "FROM scratch\n");
    expect(discoverContenders(root)[0]?.manifest.runtime).toBe("image");
  });
});

describe("discovery", () => {
  it("returns contenders sorted by id and skips folders without contender.json", () => {
    contender("typescript", "zed", VALID);
    contender("python", "amy", { ...VALID, runtime: "python3.13", handler: "main.handler", entry: undefined }, { "main.py": "" });
    contender("typescript", "bob", VALID);
    mkdirSync(path.join(root, "typescript", "notes"), { recursive: true });
    mkdirSync(path.join(root, ".hidden", "x"), { recursive: true });
    expect(discoverContenders(root).map((s) => s.id)).toEqual(["python-amy", "typescript-bob", "typescript-zed"]);
  });

  it("returns nothing when the contenders folder does not exist", () => {
    expect(discoverContenders(path.join(root, "absent"))).toEqual([]);
  });

  it.each([
    ["TypeScript", "bob", "lang"],
    ["typescript", "Bob", "dev_id"],
    ["typescript", "bob_smith", "dev_id"],
    ["typescript", "-bob", "dev_id"],
  ])("rejects folder %s/%s (names become Lambda names and S3 keys)", (lang, dev, what) => {
    contender(lang, dev, VALID);
    expect(discoveryError().message).toMatch(new RegExp(`folder name ${what} "${dev === "bob" ? lang : dev}" must match`));
  });

  it("rejects a contender whose key would not leave room for <project>-<stack>- in 64 characters", () => {
    const longDev = "d".repeat(MAX_CONTENDER_KEY_LENGTH - "typescript--x86_64".length + 1);
    contender("typescript", longDev, { ...VALID, architectures: ["x86_64"] });
    expect(discoveryError().message).toMatch(/contender key "typescript-d+-x86_64" is 41 characters/);
    rmSync(path.join(root, "typescript"), { recursive: true });
    contender("typescript", longDev.slice(1), { ...VALID, architectures: ["x86_64"] });
    expect(discoverContenders(root)).toHaveLength(1);
  });
});

describe("derived names", () => {
  const spec: Pick<ContenderSpec, "id" | "manifestPath"> = { id: "typescript-bob", manifestPath: "/x/contender.json" };

  it("builds the contender key and the Lambda function name per DESIGN.md", () => {
    expect(contenderKey(spec, "arm64")).toBe("typescript-bob-arm64");
    expect(contenderFunctionName("s3-archive-bench", "dev", spec, "x86_64")).toBe("s3-archive-bench-dev-typescript-bob-x86_64");
  });

  it("refuses a function name longer than 64 characters, naming the manifest", () => {
    const longest = MAX_CONTENDER_KEY_LENGTH - "-x86_64".length;
    const edge = { ...spec, id: "t".repeat(longest) };
    expect(contenderFunctionName("s3-archive-bench", "dev", edge, "x86_64")).toHaveLength(61);
    expect(() => contenderFunctionName("s3-archive-bench", "production-eu", edge, "x86_64")).toThrow(
      /\/x\/contender\.json: Lambda function name ".*" is 71 characters \(max 64\)/,
    );
  });
});

describe("selectContenders (shared by bench local and the stack's contenders config)", () => {
  const spec = (lang: string, devId: string, architectures: ("arm64" | "x86_64")[]) =>
    ({ id: `${lang}-${devId}`, lang, devId, dir: `/c/${lang}/${devId}`, manifestPath: `/c/${lang}/${devId}/contender.json`, manifest: { architectures } }) as unknown as ContenderSpec;
  const specs = [spec("typescript", "alice", ["arm64", "x86_64"]), spec("python", "bob", ["arm64"])];

  it("takes every architecture of every contender without a filter", () => {
    expect(selectContenders(specs).map((t) => t.key)).toEqual(["typescript-alice-arm64", "typescript-alice-x86_64", "python-bob-arm64"]);
  });

  it("selects all architectures by id, or one by key", () => {
    expect(selectContenders(specs, ["typescript-alice"]).map((t) => t.key)).toEqual(["typescript-alice-arm64", "typescript-alice-x86_64"]);
    expect(selectContenders(specs, ["typescript-alice-x86_64", "python-bob"]).map((t) => t.key)).toEqual(["typescript-alice-x86_64", "python-bob-arm64"]);
  });

  it("names unknown contenders and lists the known ones", () => {
    expect(() => selectContenders(specs, ["go-nobody", "python-bob"])).toThrow(UnknownContenderError);
    expect(() => selectContenders(specs, ["go-nobody"])).toThrow(/unknown contender\(s\) 'go-nobody' \(known: python-bob, python-bob-arm64, typescript-alice/);
  });
});
