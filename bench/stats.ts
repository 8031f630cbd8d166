export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length - 1) * p))] ?? Number.NaN;
}

export function summary(values: readonly number[], unit = 'ms'): string {
  const f = (v: number) => v.toFixed(1);
  return `p50 ${f(percentile(values, 0.5))} ${unit}, p90 ${f(percentile(values, 0.9))} ${unit}, max ${f(Math.max(...values))} ${unit} (n=${values.length})`;
}
