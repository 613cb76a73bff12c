/**
 * Human-readable durations, as written in the registry (`4h`, `30m`, `2d`, `1h 30m`) and as shown
 * to people (`1h 40m`). A day here is 24 hours of whatever is being measured: in an SLA policy
 * `2d` means 48 coverage hours, not two business days.
 */
import { DAY_MS, HOUR_MS, MINUTE_MS, SECOND_MS, WEEK_MS } from './types.js';

const UNIT_MS: Record<string, number> = { w: WEEK_MS, d: DAY_MS, h: HOUR_MS, m: MINUTE_MS, s: SECOND_MS };
const PART = /(\d+(?:\.\d+)?)\s*([wdhms])/y;

/**
 * Parses a duration such as `4h`, `30m`, `2d`, `1w`, `45s`, `1h 30m` or `1h30m` into milliseconds.
 * Units: w(eek) = 7d, d = 24h, h, m, s. Returns `undefined` when the text is not such a duration.
 * @example parseDuration('1h 30m') // 5_400_000
 */
export function parseDuration(text: string): number | undefined {
  const source = text.trim().toLowerCase();
  if (source === '') return undefined;
  let total = 0;
  let index = 0;
  while (index < source.length) {
    while (source[index] === ' ') index += 1;
    if (index >= source.length) break;
    PART.lastIndex = index;
    const match = PART.exec(source);
    if (!match) return undefined;
    const [, amount = '', unit = ''] = match;
    total += Number(amount) * (UNIT_MS[unit] ?? Number.NaN);
    index = PART.lastIndex;
  }
  return Number.isFinite(total) ? Math.round(total) : undefined;
}

/**
 * Formats a duration with its two most significant units, truncating the rest:
 * `1h 40m`, `2d 3h`, `45s`, `0s`; negative durations get a leading minus (`-1h 5m`, overdue).
 * @example formatDuration(6_000_000) // '1h 40m'
 */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return ms > 0 ? '∞' : '-∞';
  const sign = ms < 0 ? '-' : '';
  let rest = Math.floor(Math.abs(ms) / SECOND_MS) * SECOND_MS;
  const parts: string[] = [];
  for (const [unit, size] of [
    ['d', DAY_MS],
    ['h', HOUR_MS],
    ['m', MINUTE_MS],
    ['s', SECOND_MS],
  ] as const) {
    const count = Math.floor(rest / size);
    rest -= count * size;
    if (parts.length > 0 || count > 0) parts.push(`${count}${unit}`);
  }
  const shown = parts.slice(0, 2).filter((part, i) => i === 0 || !part.startsWith('0'));
  return shown.length === 0 ? '0s' : sign + shown.join(' ');
}
