// The matrix's modes (DESIGN.md): how many samples per configuration and which memory sizes.
// balanced sweeps 128 to 2048 MB with 1769 MB (one full vCPU, where single-threaded work stops
// getting faster) in between; production adds 4096, 8192 and 10240 MB for the memory workload only.
export const MATRIX_MODES = {
  test: { cold: 2, warm: 3, memory: [1024, 1769], memoryWorkloadExtra: [] },
  balanced: { cold: 10, warm: 50, memory: [128, 256, 512, 1024, 1769, 2048], memoryWorkloadExtra: [] },
  production: { cold: 30, warm: 300, memory: [128, 256, 512, 1024, 1769, 2048], memoryWorkloadExtra: [4096, 8192, 10240] },
} as const satisfies Record<string, { cold: number; warm: number; memory: readonly number[]; memoryWorkloadExtra: readonly number[] }>;
export type MatrixMode = keyof typeof MATRIX_MODES;
export const MATRIX_MODE_NAMES = Object.keys(MATRIX_MODES) as MatrixMode[];

/** The memory sizes of one workload in a mode (or the override), ascending, without duplicates. */
export function memorySizesFor(mode: MatrixMode, workload: string, override?: readonly number[]): number[] {
  const m = MATRIX_MODES[mode];
  const sizes = override ?? (workload === "memory" ? [...m.memory, ...m.memoryWorkloadExtra] : m.memory);
  return [...new Set(sizes)].sort((a, b) => a - b);
}
