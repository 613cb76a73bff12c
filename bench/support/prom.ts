/** Reads figures off a Prometheus text exposition (the worker's `/metrics`). */

/** Label name → value a sample must carry (exactly) to be counted; other labels are free. */
export type LabelFilter = Readonly<Record<string, string>>;

/** The labels of a sample's `{a="x",b="y"}` part, values unescaped. */
function labelsOf(braces: string): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const m of braces.matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) {
    labels[m[1]!] = m[2]!.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
  }
  return labels;
}

/**
 * The sum of every sample of `name` whose labels include `labels` (all label sets when empty); 0 when absent.
 * @example metricSum(text, 'temporal_sticky_cache_size', { task_queue: 'tierflow-requests' })
 */
export function metricSum(text: string, name: string, labels: LabelFilter = {}): number {
  const wanted = Object.entries(labels);
  let sum = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{.*\})?\s+(\S+)/.exec(line);
    if (!m || m[1] !== name) continue;
    if (wanted.length > 0) {
      const have = labelsOf(m[2] ?? '');
      if (!wanted.every(([k, v]) => have[k] === v)) continue;
    }
    const value = Number(m[3]);
    if (Number.isFinite(value)) sum += value;
  }
  return sum;
}

/** Mean of a histogram (`_sum` / `_count`), NaN when it has no samples. */
export function histogramMean(text: string, name: string, labels: LabelFilter = {}): number {
  return histogramBetween('', text, name, labels).mean;
}

/**
 * A histogram's observations between two scrapes of the same process (`before` may be empty: since
 * the start): their count, sum and mean (NaN when none).
 */
export function histogramBetween(before: string, after: string, name: string, labels: LabelFilter = {}): { count: number; sum: number; mean: number } {
  const count = metricSum(after, `${name}_count`, labels) - metricSum(before, `${name}_count`, labels);
  const sum = metricSum(after, `${name}_sum`, labels) - metricSum(before, `${name}_sum`, labels);
  return { count, sum, mean: count === 0 ? Number.NaN : sum / count };
}
