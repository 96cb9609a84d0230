import { toStockholmInput } from '../../i18n/format.js';

/**
 * How close a lot is to its best-before date, for the warnings on the stock and picking lists.
 * The service records the dates but does not judge them; the threshold is a display choice, said on
 * the page that uses it.
 */
export const EXPIRY_WARNING_DAYS = 30;

export type Expiry = 'expired' | 'soon' | 'ok' | 'none';

/** Today's date in Stockholm (`2026-03-04`): the day the staff in the warehouse are living. */
export const stockholmToday = (now: Date = new Date()): string => toStockholmInput(now).slice(0, 10);

/** A calendar date moved by whole days (`2026-03-04` + 30). */
export const addDays = (date: string, days: number): string => {
  const moment = new Date(`${date}T00:00:00Z`);
  moment.setUTCDate(moment.getUTCDate() + days);
  return moment.toISOString().slice(0, 10);
};

/** A lot is usable through its best-before date; expired from the day after. */
export const expiryOf = (expiresOn: string | null | undefined, today: string, warningDays = EXPIRY_WARNING_DAYS): Expiry => {
  if (!expiresOn) return 'none';
  if (expiresOn < today) return 'expired';
  return expiresOn <= addDays(today, warningDays) ? 'soon' : 'ok';
};
