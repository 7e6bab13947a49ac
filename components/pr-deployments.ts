// Pulumi Deployments for pull requests, as code: the deployment settings of the `pr` template
// stack, so that every pull request gets its own review stack (deployed from the PR's branch,
// destroyed and deleted when it closes), a `pulumi preview` on the PR, the test suite as a gate
// before every operation, and AWS credentials through OIDC (no stored keys).
//
// Manage these settings from a long-lived stack (e.g. `dev`), never from `pr` itself: review stacks
// are copies of `pr`, config included, and each would otherwise try to own pr's settings.
// Deploying this needs a Pulumi Cloud token (PULUMI_ACCESS_TOKEN) for the pulumiservice provider.
import * as pulumi from "@pulumi/pulumi";
import * as pulumiservice from "@pulumi/pulumiservice";
import { z } from "zod";

/**
 * Before every preview/update of a review stack: install exactly the lockfile, then run the tests
 * (they need moto_server, which the default executor image does not have). Pulumi's own
 * dependency install is skipped (`skipInstallDependencies`) since `npm ci` already did it.
 */
export const DEFAULT_PRE_RUN_COMMANDS: readonly string[] = [
  'python3 -m pip install --quiet "moto[server]==5.2.1"',
  "npm ci",
  "npm test",
];

const GITHUB_REPOSITORY = /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/;
const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@\/-]+$/;

/**
 * The `prDeployments` stack config (off by default). Proposed for components/stack-config.ts:
 * `prDeployments: PrDeploymentsConfig`.
 */
export const PrDeploymentsConfig = z
  .discriminatedUnion("enabled", [
    // Off: other keys may stay in the config (switching it off should be a one-word change).
    z.looseObject({ enabled: z.literal(false) }),
    z.strictObject({
      enabled: z.literal(true),
      /** Pulumi Cloud organization that owns the project. */
      organization: z.string().min(1),
      /** Defaults to the current project. */
      project: z.string().min(1).optional(),
      /** The template stack whose settings review stacks copy. */
      stack: z.string().min(1).default("pr"),
      /** GitHub `owner/repo` (the Pulumi GitHub app must be installed on it). */
      repository: z.string().regex(GITHUB_REPOSITORY, "must be owner/repo"),
      /** Branch the template stack itself deploys from. */
      branch: z.string().min(1).default("main"),
      /** Folder of Pulumi.yaml inside the repository, when not at its root. */
      repoDir: z.string().min(1).optional(),
      /** IAM role trusted for Pulumi's OIDC issuer (api.pulumi.com/oidc). */
      oidcRoleArn: z.string().regex(ROLE_ARN, "must be an IAM role ARN"),
      oidcSessionName: z.string().min(2).max(64).default("pulumi-deployments-s3-archive-bench"),
      /** Assume-role session length, e.g. "1h0m0s". */
      oidcDuration: z.string().regex(/^(\d+h)?(\d+m)?(\d+s)?$/).optional(),
      /** Also `pulumi up` the template stack on every push to `branch`. Off: deploys are deliberate. */
      deployCommits: z.boolean().default(false),
      previewPullRequests: z.boolean().default(true),
      /** Only react to changes under these paths (all when absent). */
      paths: z.array(z.string().min(1)).min(1).optional(),
    }),
  ])
  .default({ enabled: false });
export type PrDeploymentsConfig = z.infer<typeof PrDeploymentsConfig>;
export type EnabledPrDeploymentsConfig = Extract<PrDeploymentsConfig, { enabled: true }>;

export interface PrDeploymentsArgs {
  organization: pulumi.Input<string>;
  project: pulumi.Input<string>;
  /** The template stack (e.g. "pr"). */
  stack: string;
  /** GitHub `owner/repo`. */
  repository: string;
  /** Branch of the template stack (default "main"). */
  branch?: string;
  repoDir?: string;
  oidc: {
    roleArn: pulumi.Input<string>;
    sessionName: string;
    /** e.g. "1h0m0s"; Pulumi's default when absent. */
    duration?: string;
  };
  /** `pulumi up` the template stack on every push (default false). */
  deployCommits?: boolean;
  /** `pulumi preview` on pull requests (default true). */
  previewPullRequests?: boolean;
  paths?: string[];
  /** Default DEFAULT_PRE_RUN_COMMANDS. */
  preRunCommands?: readonly string[];
  environmentVariables?: Record<string, pulumi.Input<string>>;
  /** The stack running this program (default pulumi.getStack()); must not be `stack`. */
  currentStack?: string;
}

/** Component args from the validated stack config; undefined when PR deployments are off. */
export function prDeploymentsArgs(
  config: PrDeploymentsConfig,
  defaults: { project: string } = { project: pulumi.getProject() },
): PrDeploymentsArgs | undefined {
  if (!config.enabled) return undefined;
  return {
    organization: config.organization,
    project: config.project ?? defaults.project,
    stack: config.stack,
    repository: config.repository,
    branch: config.branch,
    repoDir: config.repoDir,
    oidc: { roleArn: config.oidcRoleArn, sessionName: config.oidcSessionName, duration: config.oidcDuration },
    deployCommits: config.deployCommits,
    previewPullRequests: config.previewPullRequests,
    paths: config.paths,
  };
}

export class PrDeployments extends pulumi.ComponentResource {
  readonly settings: pulumiservice.DeploymentSettings;
  /** `<organization>/<project>/<stack>` of the template stack. */
  readonly templateStack: pulumi.Output<string>;

  constructor(name: string, args: PrDeploymentsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("s3-archive-bench:deploy:PrDeployments", name, {}, opts);
    const currentStack = args.currentStack ?? pulumi.getStack();
    if (currentStack === args.stack) {
      throw new Error(
        `prDeployments: stack "${currentStack}" cannot manage its own deployment settings (its review stacks ` +
          "copy its config and would all try to); enable prDeployments on a long-lived stack such as dev",
      );
    }
    if (!GITHUB_REPOSITORY.test(args.repository)) {
      throw new Error(`prDeployments: repository must be a GitHub owner/repo, got "${args.repository}"`);
    }
    const branch = args.branch ?? "main";

    this.settings = new pulumiservice.DeploymentSettings(
      `${name}-settings`,
      {
        organization: args.organization,
        project: args.project,
        stack: args.stack,
        sourceContext: {
          git: {
            // The Deployments API takes a full ref.
            branch: branch.startsWith("refs/") ? branch : `refs/heads/${branch}`,
            ...(args.repoDir ? { repoDir: args.repoDir } : {}),
          },
        },
        vcs: {
          provider: "github",
          repository: args.repository,
          // This stack is the template of one review stack per pull request.
          pullRequestTemplate: true,
          previewPullRequests: args.previewPullRequests ?? true,
          // The provider defaults this to true: a push would redeploy the template stack.
          deployCommits: args.deployCommits ?? false,
          ...(args.paths ? { paths: args.paths } : {}),
        },
        operationContext: {
          preRunCommands: [...(args.preRunCommands ?? DEFAULT_PRE_RUN_COMMANDS)],
          ...(args.environmentVariables ? { environmentVariables: args.environmentVariables } : {}),
          oidc: {
            aws: {
              roleARN: args.oidc.roleArn,
              sessionName: args.oidc.sessionName,
              ...(args.oidc.duration ? { duration: args.oidc.duration } : {}),
            },
          },
          options: {
            // `npm ci` in preRunCommands installs the lockfile; don't install twice.
            skipInstallDependencies: true,
            // Several pushes in a row: only the latest one's operation matters.
            skipIntermediateDeployments: true,
            // A closed pull request's review stack is destroyed, then deleted (no empty stacks left).
            deleteAfterDestroy: true,
          },
        },
      },
      { parent: this },
    );
    this.templateStack = pulumi.interpolate`${args.organization}/${args.project}/${args.stack}`;
    this.registerOutputs({ templateStack: this.templateStack });
  }
}
