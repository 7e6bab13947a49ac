// The local S3 front: see front.ts (per-instance ports), port.ts (the proxy), operations.ts
// (request -> S3 operation + IAM checks), faults.ts, errors.ts and usage.ts.
export { S3Front, type S3FrontOptions, type S3FrontTotals } from "./front";
export { describeFaults, parseFaultSpec, NO_FAULTS, type FaultSpec } from "./faults";
export { billedRequests, type InvocationUsage } from "./usage";
export { classify } from "./operations";
