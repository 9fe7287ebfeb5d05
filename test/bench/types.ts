/** One printed figure; `target` is an upper bound in the same unit (PASS when below it). */
export interface Figure {
  label: string;
  value: number;
  unit: string;
  target?: number;
  decimals?: number;
  note?: string;
}

export interface Bench {
  name: string;
  description: string;
  /** Run only when named (`npm run bench -- NAME`): for benches that take minutes. */
  onlyWhenNamed?: boolean;
  run(report: (figure: Figure) => void, log: (line: string) => void): Promise<void>;
}

export function median(values: number[]): number {
  return percentile(values, 50);
}

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length) - 1;
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank))]!;
}
