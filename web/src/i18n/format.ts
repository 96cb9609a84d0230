import type { Language } from './language.js';

/**
 * Numbers, dates and times as people here read them: Swedish format (`1 234,5`, `2026-03-04 08:00`)
 * and Stockholm time, whatever the computer's own time zone; English keeps Stockholm time too,
 * because the figures are about Swedish municipalities' days.
 */
export const TIME_ZONE = 'Europe/Stockholm';

const locale = (language: Language) => (language === 'sv' ? 'sv-SE' : 'en-GB');

export const formatNumber = (value: number | null | undefined, language: Language, maximumFractionDigits = 1): string =>
  value === null || value === undefined ? '–' : new Intl.NumberFormat(locale(language), { maximumFractionDigits }).format(value);

export const formatDate = (iso: string | null | undefined, language: Language): string =>
  iso ? new Intl.DateTimeFormat(locale(language), { timeZone: TIME_ZONE, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(iso)) : '–';

export const formatDateTime = (iso: string | null | undefined, language: Language): string =>
  iso
    ? new Intl.DateTimeFormat(locale(language), {
        timeZone: TIME_ZONE,
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
        hour: '2-digit',
        minute: '2-digit',
      }).format(new Date(iso))
    : '–';

/**
 * A moment as a `datetime-local` input's value in Stockholm time (`2026-03-04T08:00`). The service
 * reads a time without an offset as Stockholm time, so the form sends the field as it is.
 */
export const toStockholmInput = (moment: Date = new Date()): string => {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('sv-SE', {
      timeZone: TIME_ZONE,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    })
      .formatToParts(moment)
      .map((part) => [part.type, part.value]),
  );
  return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}`;
};

/** The ISO week of a moment's Stockholm date, `2026-W10`, as the service names report periods. */
export const isoWeek = (moment: Date = new Date()): string => {
  const [year, month, day] = toStockholmInput(moment).slice(0, 10).split('-').map(Number) as [number, number, number];
  const date = new Date(Date.UTC(year, month - 1, day));
  const weekday = date.getUTCDay() || 7;
  date.setUTCDate(date.getUTCDate() + 4 - weekday);
  const yearStart = new Date(Date.UTC(date.getUTCFullYear(), 0, 1));
  const week = Math.ceil(((date.getTime() - yearStart.getTime()) / 86_400_000 + 1) / 7);
  return `${date.getUTCFullYear()}-W${String(week).padStart(2, '0')}`;
};
