/**
 * Local times as a form sends them (`2026-03-04T07:30`, no offset) read as Swedish time, with the
 * offset the Europe/Stockholm zone had at that moment (+01:00 in winter, +02:00 in summer), from the
 * time zone data of the runtime's Intl: no offsets written down here.
 */

export const SWEDISH_TIME_ZONE = 'Europe/Stockholm';

const LOCAL = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?$/;

const parts = new Intl.DateTimeFormat('en-GB', {
  timeZone: SWEDISH_TIME_ZONE,
  hourCycle: 'h23',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});

/** Minutes Stockholm is ahead of UTC at a moment. */
const offsetAt = (epochMs: number): number => {
  const p = Object.fromEntries(parts.formatToParts(new Date(epochMs)).map((x) => [x.type, x.value]));
  const wall = Date.UTC(Number(p.year), Number(p.month) - 1, Number(p.day), Number(p.hour), Number(p.minute), Number(p.second));
  return Math.round((wall - Math.floor(epochMs / 1000) * 1000) / 60_000);
};

const formatOffset = (minutes: number): string => {
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  return `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
};

/**
 * The offset Stockholm's clocks had when they showed this wall time. A time the clocks skipped
 * (02:30 on the last Sunday of March) takes the offset before the change, so it lands on 03:30 summer
 * time; a time they showed twice (02:30 on the last Sunday of October) reads as the first, summer
 * time — as the TC39 Temporal proposal's `compatible` rule does.
 */
const offsetForWallTime = (wallAsUtcMs: number): number => {
  const before = offsetAt(wallAsUtcMs - 86_400_000);
  const after = offsetAt(wallAsUtcMs + 86_400_000);
  const fits = [...new Set([before, after])].filter((offset) => offsetAt(wallAsUtcMs - offset * 60_000) === offset);
  // Several fit only in the repeated hour: the larger offset is the earlier moment.
  return fits.length > 0 ? Math.max(...fits) : before;
};

/**
 * `2026-03-04T07:30` → `2026-03-04T07:30+01:00`; anything else (a time with an offset or `Z`, a
 * date that does not exist, not a time at all) is returned as it came, for validation to judge.
 */
export const withSwedishOffset = (value: string): string => {
  const match = LOCAL.exec(value);
  if (!match) return value;
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map((n) => Number(n ?? 0)) as [number, number, number, number, number, number];
  const wall = Date.UTC(year, month - 1, day, hour, minute, second);
  const check = new Date(wall);
  const exists = check.getUTCFullYear() === year && check.getUTCMonth() === month - 1 && check.getUTCDate() === day;
  if (!exists || hour > 23 || minute > 59 || second > 59) return value;
  return `${value}${formatOffset(offsetForWallTime(wall))}`;
};
