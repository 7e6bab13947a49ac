// The local S3 front (DESIGN decision 4): one port per Lambda instance between the sandbox and
// moto. `attach` is the sandboxes' per-instance hook (see local/lambda/types.ts InstanceAttachment):
// it opens the instance's port, hands it over as AWS_ENDPOINT_URL_S3, and learns from the
// sandboxes which invocation is running, so every request is counted against exactly one
// invocation and checked against exactly one function's policy.
import { Agent } from "node:http";
import { policyEvaluator, type AuthorizationRequest, type Decision } from "../../harness/policy-evaluator";
import type { InstanceAttachment, LocalFunction } from "../lambda/types";
import { FaultDice, NO_FAULTS, type FaultSpec } from "./faults";
import { FrontPort, IDLE_KEEP_ALIVE_MS } from "./port";
import { emptyUsage, type InvocationUsage } from "./usage";

export interface S3FrontOptions {
  /** moto's endpoint, `http://127.0.0.1:<port>`. */
  upstream: string;
  /** The IAM policy document the function's role has (any identity-based document). */
  policyFor: (fn: LocalFunction) => unknown;
  faults?: FaultSpec;
  /** The account in the principal ARN that AccessDenied messages name. */
  account: string;
  /** Idle keep-alive connections are closed after this long; default 20 s like S3 (tests shorten it). */
  idleKeepAliveMs?: number;
}

export interface S3FrontTotals {
  requests: number;
  denied: number;
  throttled: number;
  resets: number;
  /** Per function name: requests, and denied ones (a harness function denied anything is a bug). */
  byFunction: Record<string, { requests: number; denied: number; throttled: number; resets: number }>;
}

export class S3Front {
  private readonly agent = new Agent({ keepAlive: true });
  private readonly records: InvocationUsage[] = [];
  private readonly ports = new Set<FrontPort>();
  private readonly ordinals = new Map<string, number>();
  private readonly evaluators = new Map<string, (request: AuthorizationRequest) => Decision>();
  private readonly upstream: { hostname: string; port: number };
  private closed = false;

  constructor(private readonly options: S3FrontOptions) {
    const url = new URL(options.upstream);
    if (url.hostname !== "127.0.0.1") throw new Error(`the S3 front forwards to 127.0.0.1 only, got ${options.upstream}`);
    this.upstream = { hostname: url.hostname, port: Number(url.port) };
  }

  private evaluatorFor(fn: LocalFunction): (request: AuthorizationRequest) => Decision {
    let evaluator = this.evaluators.get(fn.name);
    if (!evaluator) {
      evaluator = policyEvaluator(this.options.policyFor(fn), `IAM policy of ${fn.name}`);
      this.evaluators.set(fn.name, evaluator);
    }
    return evaluator;
  }

  /** Opens a port for one new instance of `fn` (the sandboxes call this before spawning it). */
  readonly attach = async (fn: LocalFunction): Promise<InstanceAttachment> => {
    if (this.closed) throw new Error("the S3 front is closed");
    const authorize = this.evaluatorFor(fn);
    const ordinal = (this.ordinals.get(fn.name) ?? 0) + 1;
    this.ordinals.set(fn.name, ordinal);
    const faults = this.options.faults ?? NO_FAULTS;
    const active = faults.slowdown > 0 || faults.reset > 0;
    let current: InvocationUsage | undefined;
    let between: InvocationUsage | undefined;
    const port = await FrontPort.open({
      principal: `arn:aws:sts::${this.options.account}:assumed-role/${fn.name}-role/${fn.name}`,
      authorize,
      dice: active ? new FaultDice(faults, `${fn.name}/${ordinal}`) : undefined,
      latencyMs: faults.latencyMs,
      idleKeepAliveMs: this.options.idleKeepAliveMs ?? IDLE_KEEP_ALIVE_MS,
      upstream: { ...this.upstream, agent: this.agent },
      current: () => current ?? (between ??= this.record(emptyUsage(fn.name, null, null))),
    });
    this.ports.add(port);
    return {
      env: { AWS_ENDPOINT_URL_S3: port.endpoint },
      invocationStarted: (requestId, payload) => {
        let event: unknown = null;
        try {
          event = JSON.parse(payload);
        } catch {
          // the sandboxes only deliver JSON; keep null otherwise
        }
        current = this.record(emptyUsage(fn.name, requestId, event));
      },
      invocationEnded: (requestId, cpuSeconds) => {
        if (current?.requestId !== requestId) return;
        current.cpuSeconds = cpuSeconds;
        current = undefined;
      },
      close: async () => {
        this.ports.delete(port);
        await port.close();
      },
    };
  };

  private record(usage: InvocationUsage): InvocationUsage {
    this.records.push(usage);
    return usage;
  }

  /** Every invocation's usage so far (and requests made between invocations, requestId null). */
  usage(): readonly InvocationUsage[] {
    return this.records;
  }

  /** The usage of the invocations whose event satisfies `match` (e.g. a run's archive key). */
  usageWhere(match: (usage: InvocationUsage) => boolean): InvocationUsage[] {
    return this.records.filter(match);
  }

  /** Requests, denials and injected faults over every invocation, in all and per function. */
  totals(): S3FrontTotals {
    const totals: S3FrontTotals = { requests: 0, denied: 0, throttled: 0, resets: 0, byFunction: {} };
    for (const usage of this.records) {
      const requests = Object.values(usage.requests).reduce((a, b) => a + b, 0);
      const fn = (totals.byFunction[usage.functionName] ??= { requests: 0, denied: 0, throttled: 0, resets: 0 });
      for (const target of [totals, fn]) {
        target.requests += requests;
        target.denied += usage.denied;
        target.throttled += usage.throttled;
        target.resets += usage.resets;
      }
    }
    return totals;
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.ports].map((port) => port.close()));
    this.ports.clear();
    this.agent.destroy();
  }
}
