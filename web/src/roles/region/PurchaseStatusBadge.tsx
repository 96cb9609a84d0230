import { useTexts } from '../../i18n/language.js';
import type { PurchaseStatus } from './api.js';
import { regionTexts } from './texts.js';

/** The styles' status colours, one per purchase status; the word always goes with it. */
const BADGE_CLASS: Record<PurchaseStatus, string> = {
  ordered: 'badge-ordered',
  'partially-received': 'badge-low',
  received: 'badge-ok',
  cancelled: 'badge-unknown',
};

export const PurchaseStatusBadge = ({ status }: { status: PurchaseStatus }) => {
  const t = useTexts(regionTexts);
  return <span className={`badge ${BADGE_CLASS[status]}`}>{t(`status.${status}`)}</span>;
};
