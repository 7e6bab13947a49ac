// `bench local` end to end: real moto, real sandboxed processes under cgroup limits, the real ASL
// definitions in aws-local-stepfunctions, the real validator and scorer. The good contender (the
// reference) runs beside nine test contenders that each fail in one way (tests/fixtures/
// e2e-contenders): five honest failures, two that game the contest (work only for the run they
// guess is validated) and two that would sink a shared execution (a 300 KB result, 40 KB error
// messages); every one must land where it belongs with a reason a human can act on, the reference
// must be ranked beside them, and the bucket must be clean afterwards. Then the interpreter's edge cases: every contender fails, and
// every contender succeeds. One run per scenario, shared by its assertions (each run costs ~1 min).
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { ResultDocument, type FailureRow, type SuccessRow } from "../harness/contracts";
import { objectContent, planObjects, sha256Hex } from "../functions/fill-bucket/index";
import { runLocalBench, type LocalBenchOptions, type LocalBenchReport } from "../local/bench";
import { repoRoot } from "../harness/repo-root";
import { CRASH_MESSAGE } from "./fixtures/e2e-contenders/typescript/crash/src/index";
import { SLOW_DELAY_MS } from "./fixtures/e2e-contenders/typescript/slow/src/index";
import { MESSAGE_START } from "./fixtures/e2e-contenders/typescript/chatty-error/src/index";

const ROOTS = [path.join(repoRoot(), "contenders"), path.join(repoRoot(), "tests", "fixtures", "e2e-contenders")];
const DATASET = { objectCount: 6, objectSizeMb: 1, seed: "e2e-local" } as const;
const RUNS = 2;
// The reference archives 6 MB in ~1 s alone and ~3 s beside five other contenders on this shared
// 2-core machine (0.29 vCPU at 512 MB): 25 s leaves it a wide margin, while the slow fixture
// sleeps SLOW_DELAY_MS (> 25 s) before it even starts, so it is too slow on any machine.
const MAX_RUN_TIME_MS = 25_000;
const BENCH_TIMEOUT_MS = 300_000;

const REFERENCE = "typescript-reference-arm64";
const FIXTURE = {
  crash: "typescript-crash-arm64",
  timeout: "typescript-timeout-arm64",
  oom: "typescript-oom-arm64",
  invalid: "typescript-invalid-arm64",
  slow: "typescript-slow-arm64",
  runPattern: "typescript-run-pattern-arm64",
  lock: "typescript-lock-arm64",
  hugeResult: "typescript-huge-result-arm64",
  chattyError: "typescript-chatty-error-arm64",
} as const;
/** The fixtures whose failure does not depend on the run count or the interpreter's edge cases. */
const HONEST_FAILURES = ["crash", "timeout", "oom", "invalid"] as const;

function bench(contenders: string[]): Promise<LocalBenchReport> {
  const options: LocalBenchOptions = {
    ...DATASET,
    runsPerContender: RUNS,
    maxRunTimeMs: MAX_RUN_TIME_MS,
    maxConcurrency: 10,
    filesPrefix: "files",
    contenders,
    contendersRoots: ROOTS,
  };
  return runLocalBench(options);
}

/** The entry name the invalid fixture leaves out: the last key of the listing, i.e. the greatest hash. */
function lastObjectName(): string {
  const plan = planObjects(DATASET);
  return plan.sizes.map((_, i) => sha256Hex(objectContent(plan, i))).sort().at(-1)!;
}

function failureOf(report: LocalBenchReport, contender: string): string {
  const rows = report.result.failure.filter((row: FailureRow) => row.contender === contender);
  expect(rows, `${contender} in failure: ${JSON.stringify(report.result)}`).toHaveLength(1);
  return rows[0]!.reason;
}

function expectCleanBucket(report: LocalBenchReport): void {
  expect(report.leftovers).toEqual({ archives: [], multipartUploads: [] });
}

/** A missing archive as the validator reports it, for one run of the two. */
const MISSING = (run: string) => new RegExp(`^invalid: run ${run} of 2: archive s3://bench-[0-9a-f]+/archives/typescript-[a-z-]+-arm64/local-\\S+/[0-9a-f-]{36}\\.zip does not exist \\(NoSuchKey\\)`);

/** What every failing fixture must report, whichever run it is in. */
const EXPECTED_FAILURES: Record<Exclude<keyof typeof FIXTURE, "slow">, (reason: string) => void> = {
  crash: (reason) => {
    expect(reason).toMatch(/^crash: /);
    // The thrown message, with the proof that it reached the bucket and read the right prefix.
    expect(reason).toContain(`${CRASH_MESSAGE} after listing ${DATASET.objectCount} object(s) under files/`);
  },
  timeout: (reason) => {
    expect(reason).toMatch(/^timeout: /);
    expect(reason).toContain("Task timed out after 2.00 seconds");
  },
  oom: (reason) => {
    expect(reason).toMatch(/^oom: /);
    expect(reason).toMatch(/OutOfMemory|out of memory/i);
    expect(reason).not.toMatch(/timed out/i);
  },
  invalid: (reason) => {
    // The validator's own words, naming exactly the object the fixture left out, in every run.
    expect(reason).toBe(`invalid: run 1 of 2: archive missing 1 expected object(s) (sample: ['${lastObjectName()}']) (2 of 2 archives invalid)`);
  },
  // No key looks like "run 0" any more: it never works, and every run's archive is missing.
  runPattern: (reason) => {
    expect(reason).toMatch(MISSING("1"));
    expect(reason).toMatch(/\(2 of 2 archives invalid\)$/);
  },
  // One run took the lock and archived honestly; the other's archive is missing.
  lock: (reason) => {
    expect(reason).toMatch(MISSING("[12]"));
    expect(reason).not.toMatch(/archives invalid\)$/);
  },
  hugeResult: (reason) => {
    expect(reason).toMatch(
      /^crash: the contender's results exceeded Step Functions' 256 KiB payload limit \(huge return values or error messages\?\): States\.DataLimitExceeded: The state\/task 'InvokeContender' returned a result of \d+ bytes/,
    );
  },
  chattyError: (reason) => {
    // A bounded excerpt of the 40 KB message, and how much was left out.
    expect(reason).toMatch(new RegExp(`^crash: run 1 of 2: Error: ${MESSAGE_START} e+\\.\\.\\. \\(\\d+ more chars\\) \\(2 of 2 runs failed\\)$`));
    expect(reason.length).toBeLessThan(500);
  },
};

function expectSaneReferenceRow(row: SuccessRow | undefined): void {
  expect(row).toBeDefined();
  const r = row!;
  // From contenders/typescript/reference/contender.json (memoryMb: the memory sweep's cheapest size that fits the budget).
  expect(r).toMatchObject({ rank: 1, contender: REFERENCE, runtime: "nodejs22.x", architecture: "arm64", memory_mb: 1769, ephemeral_storage_mb: 512, runs_count: RUNS });
  expect(r.arn).toMatch(/:function:s3-archive-bench-local-typescript-reference-arm64$/);
  const d = r.duration_ms;
  expect(d.min).toBeGreaterThan(0);
  expect(d.min).toBeLessThanOrEqual(d.mean);
  expect(d.mean).toBeLessThanOrEqual(d.max);
  expect(d.mean + d.stddev).toBeLessThan(MAX_RUN_TIME_MS);
  expect(r.billed_duration_ms.min).toBeGreaterThanOrEqual(Math.ceil(d.min));
  expect(r.max_memory_used_mb).toBeGreaterThan(0);
  expect(r.max_memory_used_mb).toBeLessThanOrEqual(1769);
  // Both runs start at once on fresh instances: cold starts, so an Init Duration was reported.
  expect(r.init_duration_ms).toBeGreaterThan(0);
  expect(r.compute_price_usd).toBeGreaterThan(0);
  expect(r.run_price_usd).toBeGreaterThanOrEqual(r.compute_price_usd);
}

describe("bench local: the reference beside nine failing test contenders", () => {
  let report: LocalBenchReport;
  beforeAll(async () => {
    report = await bench([REFERENCE, ...Object.values(FIXTURE)]);
  }, BENCH_TIMEOUT_MS);

  it("returns a valid result document that accounts for every contender once", () => {
    expect(ResultDocument.parse(report.result)).toEqual(report.result);
    const named = [...report.result.success, ...report.result.failure].map((row) => row.contender).sort();
    expect(named).toEqual([REFERENCE, ...Object.values(FIXTURE)].sort());
  });

  it("ranks the reference in success with sane numbers", () => {
    expect(report.result.success).toHaveLength(1);
    expectSaneReferenceRow(report.result.success[0]);
  });

  it.each(Object.keys(EXPECTED_FAILURES) as (keyof typeof EXPECTED_FAILURES)[])("reports the %s fixture with its reason", (kind) => {
    EXPECTED_FAILURES[kind](failureOf(report, FIXTURE[kind]));
  });

  it("reports the slow fixture as too slow only after its archive validated", () => {
    const reason = failureOf(report, FIXTURE.slow);
    const match = /^too slow: mean ([\d.]+) ms \+ stddev [\d.]+ ms = [\d.]+ ms is not below max_run_time_ms 25000 ms$/.exec(reason);
    expect(match, reason).not.toBeNull();
    expect(Number(match![1])).toBeGreaterThanOrEqual(SLOW_DELAY_MS);
  });

  it("leaves no archive and no multipart upload in the bucket", () => {
    expectCleanBucket(report);
  });
});

// Two independent benches at once (they also must not collide: own moto, bucket and sandboxes).
describe("bench local: the interpreter's edge cases", () => {
  let allFail: LocalBenchReport;
  let allSucceed: LocalBenchReport;
  beforeAll(async () => {
    [allFail, allSucceed] = await Promise.all([
      bench(HONEST_FAILURES.map((kind) => FIXTURE[kind])),
      bench([REFERENCE]),
    ]);
  }, BENCH_TIMEOUT_MS);

  it("every contender fails: empty success, every failure reported, bucket clean", () => {
    expect(ResultDocument.parse(allFail.result)).toEqual(allFail.result);
    expect(allFail.result.success).toEqual([]);
    expect(allFail.result.failure.map((row) => row.contender).sort()).toEqual(HONEST_FAILURES.map((kind) => FIXTURE[kind]).sort());
    for (const kind of HONEST_FAILURES) EXPECTED_FAILURES[kind](failureOf(allFail, FIXTURE[kind]));
    expectCleanBucket(allFail);
  });

  it("every contender succeeds: empty failure, the reference ranked, bucket clean", () => {
    expect(ResultDocument.parse(allSucceed.result)).toEqual(allSucceed.result);
    expect(allSucceed.result.failure).toEqual([]);
    expect(allSucceed.result.success).toHaveLength(1);
    expectSaneReferenceRow(allSucceed.result.success[0]);
    expectCleanBucket(allSucceed);
  });
});
