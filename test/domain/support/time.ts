/** Test helpers: instants from readable local times. */
import { DateTime } from 'luxon';

/** The instant of a local wall-clock time `YYYY-MM-DDTHH:mm` in `zone` (default UTC). */
export function at(local: string, zone = 'UTC'): number {
  const dt = DateTime.fromISO(local, { zone });
  if (!dt.isValid) throw new Error(`bad test time ${local} in ${zone}`);
  return dt.toMillis();
}

/** An instant as `YYYY-MM-DDTHH:mm` local time in `zone`, for readable failures. */
export function show(instant: number | null, zone = 'UTC'): string | null {
  if (instant === null) return null;
  if (!Number.isFinite(instant)) return String(instant);
  return DateTime.fromMillis(instant, { zone }).toFormat("yyyy-MM-dd'T'HH:mm");
}

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;
