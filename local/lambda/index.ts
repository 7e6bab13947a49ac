// Local Lambda sandboxes: see sandboxes.ts (the service), instance.ts (one process under Lambda's
// limits), runtime-api.ts (the Runtime API it speaks) and report.ts (REPORT line and errors).
export { LambdaSandboxes } from "./sandboxes";
export { cpuQuotaUs, cgroupV1Writable } from "./cgroups";
export { billedDurationMs, reportLine } from "./report";
export { localRuntimeAvailability, type RuntimeAvailability } from "./runtime-versions";
export {
  InvalidRequestContentException,
  LocalFunction,
  ResourceConflictException,
  ResourceNotFoundException,
  SANDBOX_RUNTIMES,
  type FunctionConfiguration,
  type InstanceInfo,
  type InvokeOptions,
  type InvokeResult,
  type Isolation,
  type SandboxesOptions,
  type SandboxRuntime,
  type UpdateFunctionConfigurationInput,
} from "./types";
