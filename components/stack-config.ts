// The stack configuration, read once and validated with zod so that a typo in Pulumi.<stack>.yaml
// fails `pulumi up` with the offending key named, before any resource is registered.
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { MAX_CONTENDERS, MAX_RUNS_PER_CONTENDER } from "../harness/definition";
import { MatrixConfig, ResultsTtlDays } from "./matrix/matrix-config";
import { CENTRAL_DIRECTORY_BYTES_PER_ENTRY, MAX_CENTRAL_DIRECTORY_BYTES, MAX_OBJECT_COUNT, MAX_OBJECT_SIZE_MIB, MIB } from "../harness/dataset-limits";
import { LAMBDA_RATES, isPricedRegion } from "../harness/pricing";
import { PrDeploymentsConfig } from "./pr-deployments";

const keyPrefix = z
  .string()
  .min(1)
  // No `*`: the prefix goes into IAM resource ARNs and conditions, where `*` is a wildcard (a
  // prefix of `*` would let contenders read archives/ too).
  .regex(/^[A-Za-z0-9!_.'()-]+(\/[A-Za-z0-9!_.'()-]+)*$/, "must be an S3 key prefix of letters, digits and !_.'()- without leading or trailing '/'")
  .refine((p) => !["archives", "scratch"].some((r) => p === r || p.startsWith(`${r}/`)), {
    message: "must not be under archives/ or scratch/ (those prefixes expire and belong to contenders)",
  });

const positiveInt = z.number().int().positive();

export const StackConfig = z.strictObject({
  // Bounds are the harness's real limits (harness/dataset-limits.ts), not round numbers: past them
  // `pulumi up` would fail halfway (filler) or every contender would be `invalid:` (validator).
  objectCount: positiveInt.max(
    MAX_OBJECT_COUNT,
    `must be at most ${MAX_OBJECT_COUNT}: the validator reads an archive's central directory into at most ` +
      `${MAX_CENTRAL_DIRECTORY_BYTES / MIB} MiB, ${CENTRAL_DIRECTORY_BYTES_PER_ENTRY} bytes per entry`,
  ),
  /** Mean object size in MiB (1 MiB = 1,048,576 bytes), despite the key's name. */
  objectSizeMb: z
    .number()
    .positive("must be a positive number of MiB")
    .max(MAX_OBJECT_SIZE_MIB, `must be at most ${MAX_OBJECT_SIZE_MIB} MiB: the filler generates each object (up to mean + 3 MiB) in one buffer`)
    .refine((mib) => Math.round(mib * MIB) >= 1, { message: "rounds to 0 bytes (the value is in MiB)" }),
  seed: z.union([z.string().min(1), z.number().int()]),
  // The definition's own bound: one contender's runs must fit in a 256 KiB Step Functions payload.
  runsPerContender: positiveInt.max(MAX_RUNS_PER_CONTENDER),
  /** Parallel runs of one contender (0 = all runs at once). */
  maxConcurrency: z.number().int().min(0).max(1_000).default(0),
  /**
   * Contenders running at once: 0 = all (on AWS at most 40, the inline Map's limit), 1 = one at a
   * time, for timings no other contender disturbs (concurrent contenders share S3 request rates).
   */
  contenderConcurrency: z.number().int().min(0).max(MAX_CONTENDERS).default(0),
  // A Lambda invocation cannot outlive 900 s, so neither can the budget of one run.
  maxRunTimeMs: positiveInt.max(900_000),
  filesPrefix: keyPrefix.default("files"),
  /** Only these contenders (`<lang>-<dev_id>` or `<lang>-<dev_id>-<arch>`); all when absent. */
  contenders: z.array(z.string().min(1)).min(1).optional(),
  /** Where contenders live, relative to the project root; tests point this at a fixture. */
  contendersDir: z.string().min(1).default("contenders"),
  logRetentionDays: z
    .number()
    .int()
    .refine((d) => LOG_RETENTION_DAYS.includes(d), { message: "must be a CloudWatch Logs retention value" })
    .default(14),
  /** Pulumi Deployments for pull requests, managed from a long-lived stack; off by default. */
  prDeployments: PrDeploymentsConfig,
  /** The runtime matrix (components/matrix): off unless `matrix.enabled`. */
  matrix: MatrixConfig,
  resultsTtlDays: ResultsTtlDays,
});
export type StackConfig = z.infer<typeof StackConfig>;

// The values CloudWatch Logs accepts for a log group's retention.
const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653];

export class StackConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "StackConfigError";
  }
}

/**
 * Reads every key of the project namespace. Pulumi hands config values over as strings (YAML
 * numbers and lists arrive as their JSON text), so each value is JSON-parsed when it parses and
 * kept as a string otherwise; zod then checks the types.
 */
export function readStackConfig(config: pulumi.Config = new pulumi.Config()): StackConfig {
  const raw: Record<string, unknown> = {};
  for (const key of Object.keys(StackConfig.shape)) {
    const value = config.get(key);
    if (value !== undefined) raw[key] = parseMaybeJson(value);
  }
  const known = Object.keys(StackConfig.shape);
  // A misspelt key would otherwise be ignored silently and its default used instead.
  const unknown = Object.keys(pulumi.runtime.allConfig())
    .filter((k) => k.startsWith(`${config.name}:`) && !known.includes(k.slice(config.name.length + 1)))
    .map((k) => `${k}: unknown key (known: ${known.join(", ")})`);
  const result = StackConfig.safeParse(raw);
  const problems = result.success
    ? []
    : result.error.issues.map((issue) => {
        const key = issue.path.length ? issue.path.join(".") : "(root)";
        return `${config.name}:${key}: ${issue.message}`;
      });
  if (result.success && unknown.length === 0) return result.data;
  throw new StackConfigError(`invalid stack configuration: ${[...unknown, ...problems].join("; ")}`);
}

/**
 * `aws:region` from the provider configuration: the region everything is deployed to. It must be
 * one the scorer has prices for: otherwise every execution would fail in its last state, after the
 * fill and every run were paid for.
 */
export function readAwsRegion(): string {
  const region = new pulumi.Config("aws").get("region");
  if (!region) throw new StackConfigError("invalid stack configuration: aws:region: required (pulumi config set aws:region <region>)");
  if (!isPricedRegion(region)) {
    throw new StackConfigError(
      `invalid stack configuration: aws:region: '${region}' has no Lambda prices, so no contender could be ranked there ` +
        `(priced: the commercial regions where Lambda runs: ${Object.keys(LAMBDA_RATES).join(", ")})`,
    );
  }
  return region;
}

function parseMaybeJson(value: string): unknown {
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}
