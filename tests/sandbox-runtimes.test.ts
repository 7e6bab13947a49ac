// Each runtime on its own version (DESIGN decision 5): nodejs22.x on Node 22 and nodejs24.x on
// Node 24 from the node-linux-<cpu> npm packages, python3.X on that Python; a runtime the machine
// lacks is reported unavailable with one line, never silently run on another version.
import { spawnSync } from "node:child_process";
import { afterAll, describe, expect, it } from "vitest";
import { LambdaSandboxes } from "../local/lambda/index";
import { findNode, findPython, localRuntimeAvailability } from "../local/lambda/runtime-versions";
import { fixtureFunction } from "./support/sandbox-functions";

const sandboxes = new LambdaSandboxes();
afterAll(() => sandboxes.close());

async function invokeJson(name: string): Promise<Record<string, string>> {
  const result = await sandboxes.invoke(name, {});
  expect(result.FunctionError, result.Payload).toBeUndefined();
  return JSON.parse(result.Payload) as Record<string, string>;
}

describe("local runtime versions", () => {
  it.each([
    ["nodejs22.x", "v22."],
    ["nodejs24.x", "v24."],
  ])("runs %s functions on that Node major, first on PATH too", async (runtime, prefix) => {
    const name = `version-${runtime.replace(".", "-")}`;
    sandboxes.register(fixtureFunction(name, "node-version", { runtime: runtime as "nodejs22.x" }));
    const body = await invokeJson(name);
    expect(String(body.version).startsWith(prefix), JSON.stringify(body)).toBe(true);
    expect(body.pathNode).toBe(body.version);
    expect(body.execPath).not.toBe(process.execPath);
  });

  it.each(["python3.11", "python3.12", "python3.13"])("runs %s functions on that Python", async (runtime) => {
    const name = `version-${runtime.replace(".", "-")}`;
    sandboxes.register(fixtureFunction(name, "py-version", { runtime: runtime as "python3.12", handler: "lambda_function.handler" }));
    expect((await invokeJson(name)).version).toBe(runtime.replace("python", ""));
  });

  it("says which runtimes this machine has, with one line for each it lacks", () => {
    for (const runtime of ["nodejs22.x", "nodejs24.x", "python3.11", "python3.12", "python3.13", "provided.al2023"]) {
      expect(localRuntimeAvailability(runtime), runtime).toEqual({ available: true });
    }
    const nodejs18 = localRuntimeAvailability("nodejs18.x");
    expect(nodejs18).toMatchObject({ available: false, reason: expect.stringMatching(/^Node 18 is not installed here \(no .*node-linux-[a-z0-9]+-18\/bin\/node/) });
    expect(findNode("nodejs18.x")).toMatchObject({ path: process.execPath, exact: false });
    expect(localRuntimeAvailability("ruby3.3")).toEqual({ available: false, reason: "ruby3.3 is not a runtime the local sandboxes know" });
    expect(() => findNode("python3.12")).toThrow("python3.12 is not a Node.js runtime");
  });

  it("reports a missing Python version instead of measuring another one", () => {
    // A version no machine has, so the test means the same everywhere (python3.14 is missing here
    // today, but may not be tomorrow).
    expect(spawnSync("python3.99", ["--version"]).status).not.toBe(0);
    const availability = localRuntimeAvailability("python3.99");
    expect(availability).toMatchObject({ available: false, reason: expect.stringMatching(/^Python 3\.99 is not installed here \(neither on PATH nor under .*\/versions\)$/) });
    expect(findPython("python3.99")).toMatchObject({ exact: false });
    expect(() => findPython("nodejs22.x")).toThrow("nodejs22.x is not a Python runtime");
    expect(availability.available ? "" : availability.reason).not.toContain("\n");
  });
});
