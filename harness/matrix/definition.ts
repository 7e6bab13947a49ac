// The runtime matrix's workflow, in ASL (JSONPath): two state machines, run unchanged by Step
// Functions and by the local engine. Control flow only: every number is computed by the sampler
// and the aggregate functions.
//
// Root (one per run):
//   StartRun (aggregate "start-run": the run item)
//   Functions: Map over $.functions, at most `maxParallel` at once (inline: <= 40)
//     Memories: Map over the function's memory sizes, ONE at a time, in order
//       SampleConfiguration: child execution of the configuration machine (startExecution.sync:2);
//         a failed child is recorded (ConfigurationFailed) and the sweep goes on
//   FinishRun (aggregate "finish-run": comparisons, run complete); its small result = the output
// Configuration (one child execution per (function, memory)):
//   Prepare -> Sample (sampler) -> Done? -> Continue (continuation into the event) -> Sample ...
//           -> Aggregate (aggregate "aggregate": the two aggregate items) -> end
//   A sampler that fails for good goes to Aggregate too (what was sampled is kept), then fails.
//
// Why child executions: a configuration may need hundreds of sampler calls (each stops at its
// time budget); inline, their events would land in the root's history and a production run would
// pass Step Functions' 25,000-event quota. history.ts counts both machines' worst cases.
// Payloads stay small: the result document is read from the table, never carried here.
import { z } from "zod";
import { INVOKE_TIMEOUT_S, LAMBDA_SERVICE_RETRY, catchAll } from "../asl-common";

/**
 * How long the root waits for one configuration's child execution: 2 days, far above a
 * production configuration (330 samples of at most a few minutes each). It must be set: the local
 * interpreter cuts a Task without TimeoutSeconds at 60 s (asl-common.ts), which would start the
 * next memory size while the child still samples.
 */
export const CONFIGURATION_TIMEOUT_S = 2 * 24 * 3600;

/** Step Functions runs at most 40 iterations of an inline Map at once. */
export const MAX_INLINE_MAP_CONCURRENCY = 40;

export const MatrixDefinitionParams = z.strictObject({
  samplerArn: z.string().min(1),
  aggregatorArn: z.string().min(1),
  /** ARN of the state machine built by `configurationDefinition` (deployed beside the root). */
  configurationMachineArn: z.string().min(1),
  maxParallel: z
    .number()
    .int()
    .min(1)
    .max(MAX_INLINE_MAP_CONCURRENCY, `must be at most ${MAX_INLINE_MAP_CONCURRENCY}: the concurrency of an inline Map`),
});
export type MatrixDefinitionParams = z.infer<typeof MatrixDefinitionParams>;

const invoke = (functionArn: string, payload: Record<string, unknown>) => ({
  Type: "Task",
  Resource: "arn:aws:states:::lambda:invoke",
  Parameters: { FunctionName: functionArn, Payload: payload },
  TimeoutSeconds: INVOKE_TIMEOUT_S,
  Retry: LAMBDA_SERVICE_RETRY,
});

export const MATRIX_STATES = {
  startRun: "StartRun",
  sampleConfiguration: "SampleConfiguration",
  finishRun: "FinishRun",
  sample: "Sample",
  aggregate: "Aggregate",
} as const;

export function rootDefinition(input: MatrixDefinitionParams): Record<string, unknown> {
  const p = MatrixDefinitionParams.parse(input);
  const run = (field: string) => ({ [`${field}.$`]: `$.run.${field}` });
  return {
    Comment: "s3-archive-bench runtime matrix: every function's memory sizes in order, functions in parallel, then the comparisons",
    StartAt: MATRIX_STATES.startRun,
    States: {
      [MATRIX_STATES.startRun]: {
        ...invoke(p.aggregatorArn, { action: "start-run", "run.$": "$.run", "functions.$": "$.functions" }),
        ResultPath: null,
        Next: "Functions",
      },
      Functions: {
        Type: "Map",
        ItemsPath: "$.functions",
        MaxConcurrency: p.maxParallel,
        ItemSelector: { "function.$": "$$.Map.Item.Value", "run.$": "$.run" },
        ItemProcessor: {
          ProcessorConfig: { Mode: "INLINE" },
          StartAt: "Memories",
          States: {
            Memories: {
              Type: "Map",
              ItemsPath: "$.function.memory_sizes",
              MaxConcurrency: 1,
              ItemSelector: {
                ...run("run_id"),
                ...run("table"),
                ...run("region"),
                configuration: {
                  "function_arn.$": "$.function.function_arn",
                  "runtime.$": "$.function.runtime",
                  "architecture.$": "$.function.architecture",
                  "workload.$": "$.function.workload",
                  "memory_mb.$": "$$.Map.Item.Value",
                },
                "payload.$": "$.function.payload",
                "expected_checksum.$": "$.function.expected_checksum",
                ...run("cold"),
                ...run("warm"),
                ...run("time_budget_ms"),
                ...run("sample_ttl_s"),
              },
              ItemProcessor: {
                ProcessorConfig: { Mode: "INLINE" },
                StartAt: MATRIX_STATES.sampleConfiguration,
                States: {
                  [MATRIX_STATES.sampleConfiguration]: {
                    Type: "Task",
                    Resource: "arn:aws:states:::states:startExecution.sync:2",
                    Parameters: {
                      StateMachineArn: p.configurationMachineArn,
                      Input: { "config.$": "$", "AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID.$": "$$.Execution.Id" },
                    },
                    ResultSelector: { "status.$": "$.Status" },
                    TimeoutSeconds: CONFIGURATION_TIMEOUT_S,
                    // One configuration's failure is recorded in its aggregates; the run goes on.
                    Catch: catchAll("$.error", "ConfigurationFailed"),
                    End: true,
                  },
                  ConfigurationFailed: { Type: "Pass", Parameters: { failed: true }, End: true },
                },
              },
              ResultPath: null,
              End: true,
            },
          },
        },
        ResultPath: null,
        Next: MATRIX_STATES.finishRun,
      },
      [MATRIX_STATES.finishRun]: {
        ...invoke(p.aggregatorArn, { action: "finish-run", "run_id.$": "$.run.run_id", "table.$": "$.run.table", "region.$": "$.run.region" }),
        OutputPath: "$.Payload",
        End: true,
      },
    },
  };
}

/** The child machine: input `{ config: <sampler event without continuation> + region }`. */
export function configurationDefinition(input: MatrixDefinitionParams): Record<string, unknown> {
  const p = MatrixDefinitionParams.parse(input);
  const fields = ["run_id", "table", "configuration", "payload", "expected_checksum", "cold", "warm", "time_budget_ms", "sample_ttl_s"];
  return {
    Comment: "s3-archive-bench runtime matrix: one (function, memory) configuration, sampled until done, then aggregated",
    StartAt: "Prepare",
    States: {
      Prepare: {
        Type: "Pass",
        Parameters: {
          event: { ...Object.fromEntries(fields.map((f) => [`${f}.$`, `$.config.${f}`])), continuation: null },
          "region.$": "$.config.region",
        },
        Next: MATRIX_STATES.sample,
      },
      [MATRIX_STATES.sample]: {
        ...invoke(p.samplerArn, {}),
        Parameters: { FunctionName: p.samplerArn, "Payload.$": "$.event" },
        ResultSelector: { "done.$": "$.Payload.done", "continuation.$": "$.Payload.continuation" },
        ResultPath: "$.result",
        Catch: catchAll("$.sampler_error", MATRIX_STATES.aggregate),
        Next: "Done",
      },
      Done: {
        Type: "Choice",
        Choices: [{ Variable: "$.result.done", BooleanEquals: true, Next: MATRIX_STATES.aggregate }],
        Default: "Continue",
      },
      // ResultPath applies to the raw input: the continuation replaces the event's, nothing else changes.
      Continue: { Type: "Pass", InputPath: "$.result.continuation", ResultPath: "$.event.continuation", Next: MATRIX_STATES.sample },
      [MATRIX_STATES.aggregate]: {
        ...invoke(p.aggregatorArn, {}),
        Parameters: {
          FunctionName: p.aggregatorArn,
          Payload: {
            action: "aggregate",
            "run_id.$": "$.event.run_id",
            "table.$": "$.event.table",
            "region.$": "$.region",
            "configuration.$": "$.event.configuration",
          },
        },
        ResultSelector: { "n.$": "$.Payload.n" },
        ResultPath: "$.aggregated",
        Next: "SamplerFailed",
      },
      SamplerFailed: {
        Type: "Choice",
        Choices: [{ Variable: "$.sampler_error", IsPresent: true, Next: "Failed" }],
        Default: "Succeeded",
      },
      Failed: { Type: "Fail", Error: "Matrix.SamplerFailed", Cause: "the sampler failed for good; the samples taken were aggregated" },
      Succeeded: { Type: "Pass", InputPath: "$.aggregated", End: true },
    },
  };
}
