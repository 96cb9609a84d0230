import type { Schemas } from '../../api/client.js';
import { useTexts } from '../../i18n/language.js';
import { countyTexts } from './texts.js';

export type StockStatus = Schemas['StockStatus'];

/**
 * A stock status in words and colour, never colour alone. The shared `StatusBadge` knows four
 * statuses; the service also says `out` (none left), which is worse than critical and says so.
 */
const CLASS: Record<StockStatus, string> = { out: 'critical', critical: 'critical', low: 'low', unknown: 'unknown', ok: 'ok' };

export const StockBadge = ({ status }: { status: StockStatus }) => {
  const t = useTexts(countyTexts);
  return <span className={`badge badge-${CLASS[status]}`}>{t(`status.${status}`)}</span>;
};

/** The class of a table cell showing this status (a background tint beside the badge's word). */
export const statusCell = (status: StockStatus): string | undefined => (status === 'unknown' ? undefined : `status-${CLASS[status]}`);

/** Worst first, in the order the service ranks a municipality's status by its worst item. */
export const STATUS_ORDER: readonly StockStatus[] = ['out', 'critical', 'low', 'unknown', 'ok'];

/** Sorts worst first; the service's order (by code) stays within a status. */
export const worstFirst = <T extends { status: StockStatus }>(rows: readonly T[]): T[] =>
  [...rows].sort((a, b) => STATUS_ORDER.indexOf(a.status) - STATUS_ORDER.indexOf(b.status));
