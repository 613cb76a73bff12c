/** Percentiles, rates and the plain-text table the benchmark and the fault harness print. */

/** The `p`-th percentile (nearest rank) of `values`; NaN when empty. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1]!;
}

/** The median (nearest rank) of `values`; NaN when empty. */
export const median = (values: number[]): number => percentile(values, 50);

/**
 * The least-squares slope of y over x (NaN with fewer than two distinct x).
 * @example slope([{ x: 0, y: 1 }, { x: 2, y: 5 }]) // 2
 */
export function slope(points: ReadonlyArray<{ x: number; y: number }>): number {
  const n = points.length;
  const mx = points.reduce((a, p) => a + p.x, 0) / n;
  const my = points.reduce((a, p) => a + p.y, 0) / n;
  const sxx = points.reduce((a, p) => a + (p.x - mx) ** 2, 0);
  const sxy = points.reduce((a, p) => a + (p.x - mx) * (p.y - my), 0);
  return n < 2 || sxx === 0 ? Number.NaN : sxy / sxx;
}

/** A number for a table cell: `12.3`, `1,234`, `n/a`. */
export function fmt(value: number, digits = 1): string {
  if (!Number.isFinite(value)) return 'n/a';
  return value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: Math.abs(value) >= 1000 ? 0 : Math.min(digits, 1) });
}

export const MiB = 1024 * 1024;

/** One line of a figures table. */
export interface Row {
  figure: string;
  value: string;
  target?: string;
  /** PASS / MISS for a target, `info` otherwise. */
  verdict?: 'PASS' | 'MISS' | 'info';
  note?: string;
}

/** A row with a target: `ok` decides PASS or MISS. */
export function targetRow(figure: string, value: string, target: string, ok: boolean, note?: string): Row {
  return { figure, value, target, verdict: ok ? 'PASS' : 'MISS', ...(note ? { note } : {}) };
}

export function infoRow(figure: string, value: string, note?: string): Row {
  return { figure, value, verdict: 'info', ...(note ? { note } : {}) };
}

/** The rows as an aligned plain-text table. */
export function renderTable(title: string, rows: Row[]): string {
  const header = ['figure', 'measured', 'target', 'verdict', 'note'];
  const cells = rows.map((r) => [r.figure, r.value, r.target ?? '', r.verdict ?? '', r.note ?? '']);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]) =>
    c
      .map((text, i) => text.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return [title, line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.map(line)].join('\n');
}
