// Reconfiguring the function under test: set its memory, force a new execution environment, and
// wait until Lambda has applied the change. UpdateFunctionConfiguration is asynchronous: it returns
// with LastUpdateStatus "InProgress", and calls made meanwhile fail with ResourceConflictException
// (Lambda developer guide, "Lambda function states"; API reference, UpdateFunctionConfiguration).
import {
  GetFunctionConfigurationCommand,
  UpdateFunctionConfigurationCommand,
  type FunctionConfiguration,
  type LambdaClient,
} from "@aws-sdk/client-lambda";
import { randomUUID } from "node:crypto";

/** The variable whose fresh value forces a new execution environment (Power Tuning does the same). */
export const ENV_TOKEN = "BENCH_ENVIRONMENT_TOKEN";

export interface ControlTiming {
  /** First backoff after a ResourceConflictException; doubles per attempt (full jitter). */
  conflictBaseMs: number;
  conflictAttempts: number;
  /** Polling of LastUpdateStatus: first interval, doubling up to `pollMaxMs`, for at most `waitLimitMs`. */
  pollFirstMs: number;
  pollMaxMs: number;
  waitLimitMs: number;
}

export const DEFAULT_TIMING: ControlTiming = { conflictBaseMs: 250, conflictAttempts: 8, pollFirstMs: 50, pollMaxMs: 1_000, waitLimitMs: 120_000 };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class FunctionControl {
  constructor(
    private readonly lambda: LambdaClient,
    private readonly functionName: string,
    private readonly timing: ControlTiming = DEFAULT_TIMING,
  ) {}

  async configuration(): Promise<FunctionConfiguration> {
    return this.lambda.send(new GetFunctionConfigurationCommand({ FunctionName: this.functionName }));
  }

  /** Sets the memory size if it differs; resolves with the configuration once the update is applied. */
  async ensureMemory(memoryMb: number): Promise<FunctionConfiguration> {
    const current = await this.waitUntilUpdated();
    if (current.MemorySize === memoryMb) return current;
    return this.update({ MemorySize: memoryMb });
  }

  /**
   * Forces the next invocation onto a new execution environment: a new value of ENV_TOKEN, every
   * other variable of the function kept as it is.
   */
  async forceColdStart(): Promise<void> {
    const current = await this.waitUntilUpdated();
    const variables = { ...(current.Environment?.Variables ?? {}), [ENV_TOKEN]: randomUUID() };
    await this.update({ Environment: { Variables: variables } });
  }

  private async update(change: { MemorySize?: number; Environment?: { Variables: Record<string, string> } }): Promise<FunctionConfiguration> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: this.functionName, ...change }));
        break;
      } catch (error) {
        if ((error as Error).name !== "ResourceConflictException" || attempt >= this.timing.conflictAttempts) throw error;
        await sleep(Math.random() * this.timing.conflictBaseMs * 2 ** (attempt - 1));
      }
    }
    return this.waitUntilUpdated();
  }

  /** Polls until LastUpdateStatus is Successful (absent counts as Successful); Failed throws. */
  async waitUntilUpdated(): Promise<FunctionConfiguration> {
    const deadline = Date.now() + this.timing.waitLimitMs;
    let interval = this.timing.pollFirstMs;
    for (;;) {
      const config = await this.configuration();
      const status = config.LastUpdateStatus ?? "Successful";
      if (status === "Successful") return config;
      if (status === "Failed") {
        throw new Error(`update of ${this.functionName} failed: ${config.LastUpdateStatusReasonCode ?? ""} ${config.LastUpdateStatusReason ?? ""}`.trim());
      }
      if (Date.now() > deadline) throw new Error(`update of ${this.functionName} still ${status} after ${this.timing.waitLimitMs} ms`);
      await sleep(interval);
      interval = Math.min(interval * 2, this.timing.pollMaxMs);
    }
  }
}
