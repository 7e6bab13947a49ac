// The PR-deployments component under Pulumi mocks: every DeploymentSettings input is asserted,
// since a wrong field here only shows up as a silently misconfigured Pulumi Cloud stack.
import { beforeAll, describe, expect, it } from "vitest";
import * as pulumi from "@pulumi/pulumi";

type Component = typeof import("../components/pr-deployments");
interface Registered {
  type: string;
  name: string;
  inputs: Record<string, unknown>;
}
const registered: Registered[] = [];
let mod: Component;

beforeAll(async () => {
  // Mocks first, then the module under test (it imports @pulumi/pulumiservice).
  await pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        registered.push({ type: args.type, name: args.name, inputs: args.inputs });
        return { id: `${args.name}-id`, state: args.inputs };
      },
      call: (args) => args.inputs,
    },
    "s3-archive-bench",
    "dev",
    false,
  );
  mod = await import("../components/pr-deployments");
});

function resolve<T>(output: pulumi.Output<T>): Promise<T> {
  return new Promise((r) => output.apply((v) => r(v)));
}

function settingsOf(name: string) {
  return registered.find((r) => r.type === "pulumiservice:index:DeploymentSettings" && r.name === `${name}-settings`);
}

const FULL_CONFIG = {
  enabled: true,
  organization: "bench-org",
  repository: "bench-org/s3-archive-bench",
  oidcRoleArn: "arn:aws:iam::123456789012:role/pulumi-deployments",
};

describe("PrDeployments", () => {
  it("configures the pr template stack: review stacks, PR previews, tests first, OIDC, no deploy on push", async () => {
    const config = mod.PrDeploymentsConfig.parse(FULL_CONFIG);
    const args = mod.prDeploymentsArgs(config, { project: "s3-archive-bench" })!;
    const component = new mod.PrDeployments("pr", args);
    expect(await resolve(component.templateStack)).toBe("bench-org/s3-archive-bench/pr");
    await resolve(component.settings.urn);
    const settings = settingsOf("pr");
    expect(settings?.inputs).toEqual({
      organization: "bench-org",
      project: "s3-archive-bench",
      stack: "pr",
      sourceContext: { git: { branch: "refs/heads/main" } },
      vcs: {
        provider: "github",
        repository: "bench-org/s3-archive-bench",
        pullRequestTemplate: true,
        previewPullRequests: true,
        deployCommits: false,
      },
      operationContext: {
        preRunCommands: ['python3 -m pip install --quiet "moto[server]==5.2.1"', "npm ci", "npm test"],
        oidc: {
          aws: {
            roleARN: "arn:aws:iam::123456789012:role/pulumi-deployments",
            sessionName: "pulumi-deployments-s3-archive-bench",
          },
        },
        options: { skipInstallDependencies: true, skipIntermediateDeployments: true, deleteAfterDestroy: true },
      },
    });
    // The component is the parent of the settings (one node in `pulumi stack`).
    expect(registered.find((r) => r.name === "pr")?.type).toBe("s3-archive-bench:deploy:PrDeployments");
  });

  it("passes every optional setting through when configured", async () => {
    const config = mod.PrDeploymentsConfig.parse({
      ...FULL_CONFIG,
      project: "other-project",
      stack: "review",
      branch: "trunk",
      repoDir: "bench",
      oidcSessionName: "bench-pr",
      oidcDuration: "1h0m0s",
      deployCommits: true,
      previewPullRequests: false,
      paths: ["contenders/**", "harness/**"],
    });
    const args = { ...mod.prDeploymentsArgs(config, { project: "ignored" })!, environmentVariables: { AWS_REGION: "eu-west-1" } };
    const component = new mod.PrDeployments("custom", args);
    await resolve(component.settings.urn);
    const inputs = settingsOf("custom")!.inputs as Record<string, any>;
    expect(inputs.project).toBe("other-project");
    expect(inputs.stack).toBe("review");
    expect(inputs.sourceContext).toEqual({ git: { branch: "refs/heads/trunk", repoDir: "bench" } });
    expect(inputs.vcs).toEqual({
      provider: "github",
      repository: "bench-org/s3-archive-bench",
      pullRequestTemplate: true,
      previewPullRequests: false,
      deployCommits: true,
      paths: ["contenders/**", "harness/**"],
    });
    expect(inputs.operationContext.oidc.aws).toEqual({
      roleARN: "arn:aws:iam::123456789012:role/pulumi-deployments",
      sessionName: "bench-pr",
      duration: "1h0m0s",
    });
    expect(inputs.operationContext.environmentVariables).toEqual({ AWS_REGION: "eu-west-1" });
  });

  it("refuses to be managed by the template stack itself (review stacks would copy it)", () => {
    const args = mod.prDeploymentsArgs(mod.PrDeploymentsConfig.parse(FULL_CONFIG), { project: "p" })!;
    expect(() => new mod.PrDeployments("self", { ...args, currentStack: "pr" })).toThrow(
      /stack "pr" cannot manage its own deployment settings/,
    );
    expect(() => new mod.PrDeployments("bad-repo", { ...args, repository: "not a repo" })).toThrow(/owner\/repo/);
  });
});

describe("PrDeploymentsConfig", () => {
  it("is off by default, and off means no component args", () => {
    expect(mod.PrDeploymentsConfig.parse(undefined)).toEqual({ enabled: false });
    // Switching off keeps the rest of the block (a one-word change).
    const off = mod.PrDeploymentsConfig.parse({ ...FULL_CONFIG, enabled: false });
    expect(mod.prDeploymentsArgs(off, { project: "p" })).toBeUndefined();
  });

  it.each([
    [{ ...FULL_CONFIG, repository: "https://github.com/a/b" }, "repository"],
    [{ ...FULL_CONFIG, oidcRoleArn: "arn:aws:iam::123:user/x" }, "oidcRoleArn"],
    [{ ...FULL_CONFIG, organization: undefined }, "organization"],
    [{ ...FULL_CONFIG, deployCommits: "yes" }, "deployCommits"],
    [{ ...FULL_CONFIG, surprise: 1 }, ""],
  ])("rejects %j naming the field", (value, field) => {
    const result = mod.PrDeploymentsConfig.safeParse(value);
    expect(result.success).toBe(false);
    const issue = result.error!.issues[0]!;
    expect(issue.path.join(".")).toBe(field);
  });
});
