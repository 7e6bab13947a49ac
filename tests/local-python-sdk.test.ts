// The SDK local Python sandboxes get (local/lambda/python-sdk.ts): Debian's boto3 and only what it
// needs, importable by every local interpreter version, with default clients following
// AWS_ENDPOINT_URL_<SERVICE> / AWS_ENDPOINT_URL as Lambda's newer botocore does.
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { pythonFor } from "../local/lambda/environment";
import { pythonSdkPath } from "../local/lambda/python-sdk";

const SCRIPT = `
import importlib, json, os
import boto3
def endpoint(service, **kwargs):
    return boto3.client(service, region_name="eu-west-1", aws_access_key_id="a", aws_secret_access_key="b", **kwargs).meta.endpoint_url
def importable(name):
    try:
        importlib.import_module(name)
        return True
    except ImportError:
        return False
print(json.dumps({
    "s3": endpoint("s3"),
    "explicit": endpoint("s3", endpoint_url="http://127.0.0.1:2"),
    "dynamodb": endpoint("dynamodb"),
    "sfn": endpoint("stepfunctions"),
    "host_only": [name for name in ("yaml", "cryptography", "apt") if importable(name)],
}))
`;

function run(version: string, env: Record<string, string>) {
  const sdk = pythonSdkPath();
  expect(sdk.problem).toBeUndefined();
  const result = spawnSync(pythonFor(`python${version}`), ["-c", SCRIPT], {
    encoding: "utf8",
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", PYTHONPATH: sdk.path!, ...env },
  });
  expect(result.stderr).toBe("");
  return JSON.parse(result.stdout) as Record<string, unknown>;
}

describe.each(["3.12", "3.13"])("python%s with the sandbox SDK", (version) => {
  it("imports boto3, sends default clients to the configured endpoints (explicit endpoint_url first)", () => {
    const out = run(version, { AWS_ENDPOINT_URL_S3: "http://127.0.0.1:1", AWS_ENDPOINT_URL: "http://127.0.0.1:3" });
    expect(out).toEqual({ s3: "http://127.0.0.1:1", explicit: "http://127.0.0.1:2", dynamodb: "http://127.0.0.1:3", sfn: "http://127.0.0.1:3", host_only: [] });
  });

  it("leaves AWS's endpoints alone without the variables, or when told to ignore them", () => {
    expect(run(version, {}).s3).toBe("https://s3.eu-west-1.amazonaws.com");
    expect(run(version, { AWS_ENDPOINT_URL_S3: "http://127.0.0.1:1", AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: "true" }).s3).toBe("https://s3.eu-west-1.amazonaws.com");
  });
});
