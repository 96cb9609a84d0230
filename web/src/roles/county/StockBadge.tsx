import type { StockStatus } from '../../ui/states.js';

/** The tint of each status (`out`, none left, is as bad as critical); the words are the shared badge's. */
const CLASS: Record<StockStatus, string> = { out: 'critical', critical: 'critical', low: 'low', unknown: 'unknown', ok: 'ok' };

/** The class of a table cell showing this status (a background tint beside the badge's word). */
export const statusCell = (status: StockStatus): string | undefined => (status === 'unknown' ? undefined : `status-${CLASS[status]}`);

/** Worst first, in the order the service ranks a municipality's status by its worst item. */
export const STATUS_ORDER: readonly StockStatus[] = ['out', 'critical', 'low', 'unknown', 'ok'];

/** Sorts worst first; the service's order (by code) stays within a status. */
export const worstFirst = <T extends { status: StockStatus }>(rows: readonly T[]): T[] =>
  [...rows].sort((a, b) => STATUS_ORDER.indexOf(a.status) - STATUS_ORDER.indexOf(b.status));
