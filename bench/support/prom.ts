/** Reads figures off a Prometheus text exposition (the worker's `/metrics`). */

/** The sum of every sample of `name` (all label sets) whose labels contain `labelMatch`; 0 when absent. */
export function metricSum(text: string, name: string, labelMatch = ''): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})?\s+(\S+)/.exec(line);
    if (!m || m[1] !== name || !(m[2] ?? '').includes(labelMatch)) continue;
    const value = Number(m[3]);
    if (Number.isFinite(value)) sum += value;
  }
  return sum;
}

/** Mean of a histogram (`_sum` / `_count`), NaN when it has no samples. */
export function histogramMean(text: string, name: string, labelMatch = ''): number {
  const count = metricSum(text, `${name}_count`, labelMatch);
  return count === 0 ? Number.NaN : metricSum(text, `${name}_sum`, labelMatch) / count;
}
