/**
 * Reporting periods are ISO weeks in Swedish local time (Europe/Stockholm): a report made on
 * Monday 00:30 in Stockholm belongs to the new week even though it is Sunday in UTC.
 */
const TIME_ZONE = 'Europe/Stockholm';

// Made once: building an Intl formatter costs far more than using one.
const DATE_IN_STOCKHOLM = new Intl.DateTimeFormat('en-CA', { timeZone: TIME_ZONE, year: 'numeric', month: '2-digit', day: '2-digit' });
const TIME_IN_STOCKHOLM = new Intl.DateTimeFormat('en-GB', { timeZone: TIME_ZONE, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });

const localDate = (instant: Date): { year: number; month: number; day: number } => {
  const parts = DATE_IN_STOCKHOLM.formatToParts(instant).reduce<Record<string, string>>((acc, p) => ({ ...acc, [p.type]: p.value }), {});
  return { year: Number(parts.year), month: Number(parts.month), day: Number(parts.day) };
};

/** ISO week (`2026-W10`) of the local calendar date of `instant`. */
export const periodOf = (instant: Date): string => {
  const { year, month, day } = localDate(instant);
  const date = new Date(Date.UTC(year, month - 1, day));
  const weekday = date.getUTCDay() || 7; // Monday 1 … Sunday 7
  date.setUTCDate(date.getUTCDate() + 4 - weekday); // the week's Thursday decides its year
  const weekYear = date.getUTCFullYear();
  const week = Math.ceil(((date.getTime() - Date.UTC(weekYear, 0, 1)) / 86_400_000 + 1) / 7);
  return `${weekYear}-W${String(week).padStart(2, '0')}`;
};

/** Offset of Stockholm time from UTC at `instant`, in milliseconds (+1 h in winter, +2 h in summer). */
const offsetAt = (instant: Date): number => {
  const { year, month, day } = localDate(instant);
  const hm = TIME_IN_STOCKHOLM.format(instant).split(':').map(Number);
  const asLocal = Date.UTC(year, month - 1, day, hm[0], hm[1]);
  return asLocal - Math.floor(instant.getTime() / 60_000) * 60_000;
};

/** The instant a period starts: Monday 00:00 Stockholm time. */
export const periodStart = (period: string): Date => {
  const match = /^(\d{4})-W(\d{2})$/.exec(period);
  if (!match) throw new Error(`not an ISO week: ${period}`);
  const [year, week] = [Number(match[1]), Number(match[2])];
  const jan4 = new Date(Date.UTC(year, 0, 4));
  const monday = Date.UTC(year, 0, 4 - ((jan4.getUTCDay() || 7) - 1) + (week - 1) * 7);
  // Local midnight: subtract the offset that holds at that moment (approximated at UTC midnight;
  // DST never changes at midnight in Sweden).
  return new Date(monday - offsetAt(new Date(monday)));
};

/** When a period's report is due: `dueHours` after the period starts. */
export const periodDue = (period: string, dueHours: number): Date => new Date(periodStart(period).getTime() + dueHours * 3_600_000);
