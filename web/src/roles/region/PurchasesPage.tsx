import { Link, useSearchParams } from 'react-router';
import { LIVE_REFRESH_MS, useItemName } from '../../api/reference.js';
import { formatDate, formatNumber } from '../../i18n/format.js';
import { useLanguage, useTexts } from '../../i18n/language.js';
import { Chart, CHART_COLORS } from '../../ui/Chart.js';
import { Page } from '../../ui/Page.js';
import { EmptyState, QueryState } from '../../ui/states.js';
import { common } from '../../ui/texts.js';
import { isOpen, orderPath, type PurchaseSummary, REGION_BASE, usePurchases } from './api.js';
import { PurchaseLinesTable } from '../purchases/PurchaseLinesTable.js';
import { PurchaseStatusBadge } from './PurchaseStatusBadge.js';
import { regionTexts } from './texts.js';
import { ButtonLink } from '../../ui/ButtonLink.js';

interface ItemTotal {
  readonly item: string;
  ordered: number;
  received: number;
  outstanding: number;
  orders: number;
}

/**
 * What the open orders still bring, per item: the sums of the service's own per-line figures
 * (its `outstanding` is already 0 on a cancelled or fully received order).
 */
const totalsPerItem = (purchases: readonly PurchaseSummary[]): ItemTotal[] => {
  const totals = new Map<string, ItemTotal>();
  for (const purchase of purchases) {
    for (const line of purchase.lines) {
      const total = totals.get(line.item) ?? { item: line.item, ordered: 0, received: 0, outstanding: 0, orders: 0 };
      total.ordered += line.ordered;
      total.received += line.received;
      total.outstanding += line.outstanding;
      if (line.outstanding > 0) total.orders += 1;
      totals.set(line.item, total);
    }
  }
  return [...totals.values()];
};

const ShowFilter = ({ all, onChange }: { all: boolean; onChange: (all: boolean) => void }) => {
  const t = useTexts(regionTexts);
  return (
    <fieldset>
      <legend>{t('show')}</legend>
      <div className="filter-choice">
        <label>
          <input type="radio" name="show" value="open" checked={!all} onChange={() => onChange(false)} />
          {t('showOpen')}
        </label>
        <label>
          <input type="radio" name="show" value="all" checked={all} onChange={() => onChange(true)} />
          {t('showAll')}
        </label>
      </div>
    </fieldset>
  );
};

const OutstandingSummary = ({ open }: { open: readonly PurchaseSummary[] }) => {
  const t = useTexts(regionTexts);
  const { language } = useLanguage();
  const itemName = useItemName();
  const totals = totalsPerItem(open);
  const outstanding = totals.filter((total) => total.outstanding > 0);
  return (
    <section aria-labelledby="outstanding-title">
      <h2 id="outstanding-title">{t('outstandingTitle')}</h2>
      {outstanding.length === 0 ? (
        <p>{t('outstandingNone')}</p>
      ) : (
        <div className="table-wrap">
          <table>
            <caption>{t('outstandingCaption')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('item')}</th>
                <th scope="col" className="num">
                  {t('ordered')}
                </th>
                <th scope="col" className="num">
                  {t('received')}
                </th>
                <th scope="col" className="num">
                  {t('outstanding')}
                </th>
                <th scope="col" className="num">
                  {t('openOrders')}
                </th>
              </tr>
            </thead>
            <tbody>
              {outstanding.map((total) => (
                <tr key={total.item}>
                  <th scope="row">{itemName(total.item)}</th>
                  <td className="num">{formatNumber(total.ordered, language)}</td>
                  <td className="num">{formatNumber(total.received, language)}</td>
                  <td className="num">
                    <strong>{formatNumber(total.outstanding, language)}</strong>
                  </td>
                  <td className="num">{formatNumber(total.orders, language)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {totals.length > 0 ? (
        <Chart
          kind="bar"
          caption={t('chartOpen')}
          x={t('item')}
          series={[
            { key: 'ordered', label: t('ordered'), color: CHART_COLORS[0] },
            { key: 'received', label: t('received'), color: CHART_COLORS[2] },
          ]}
          data={totals.map((total) => ({ [t('item')]: itemName(total.item), ordered: total.ordered, received: total.received }))}
        />
      ) : null}
    </section>
  );
};

const OrderCard = ({ purchase }: { purchase: PurchaseSummary }) => {
  const t = useTexts(regionTexts);
  const { language } = useLanguage();
  const date = formatDate(purchase.orderedAt, language);
  const headingId = `order-${purchase.purchaseId}`;
  return (
    <article className="card order-card" aria-labelledby={headingId}>
      <div className="order-card-head">
        <h3 id={headingId}>
          <Link to={orderPath(purchase.purchaseId)}>{t('orderLink', { supplier: purchase.supplier, date })}</Link>
        </h3>
        <PurchaseStatusBadge status={purchase.status} />
      </div>
      <dl className="facts">
        <dt>{t('expectedAt')}</dt>
        <dd>{purchase.expectedAt ? formatDate(purchase.expectedAt, language) : t('notPromised')}</dd>
        <dt>{t('lastReceivedAt')}</dt>
        <dd>{purchase.lastReceivedAt ? formatDate(purchase.lastReceivedAt, language) : t('nothingYet')}</dd>
        <dt>{t('orderedBy')}</dt>
        <dd>{purchase.orderedBy.name}</dd>
        {purchase.cancelReason !== null ? (
          <>
            <dt>{t('cancelReason')}</dt>
            <dd>{purchase.cancelReason}</dd>
          </>
        ) : null}
      </dl>
      <PurchaseLinesTable
        lines={purchase.lines}
        caption={t('orderLinesCaption', { supplier: purchase.supplier, date })}
        captionHidden
        outstandingLabel={t('outstanding')}
      />
    </article>
  );
};

/** The region's start page: the county's purchase orders, what is still to come, and how ordered compares with received. */
export const PurchasesPage = () => {
  const t = useTexts(regionTexts);
  const c = useTexts(common);
  const purchases = usePurchases();
  const [search, setSearch] = useSearchParams();
  const all = search.get('visa') === 'alla';
  const setAll = (next: boolean) => setSearch(next ? { visa: 'alla' } : {}, { replace: true });
  return (
    <Page
      title={t('purchasesTitle')}
      intro={
        <p>
          {t('purchasesIntro')} {c('liveNote', { seconds: LIVE_REFRESH_MS / 1000 })}
        </p>
      }
      actions={<ButtonLink to={`${REGION_BASE}/ny`}>{t('newOrderLink')}</ButtonLink>}
    >
      <QueryState query={purchases}>
        {({ purchases: list }) => {
          if (list.length === 0) {
            return (
              <EmptyState title={t('emptyTitle')}>
                <p>{t('emptyText')}</p>
                <p>
                  <Link to={`${REGION_BASE}/ny`}>{t('emptyAction')}</Link>
                </p>
              </EmptyState>
            );
          }
          const open = list.filter((p) => isOpen(p.status));
          // Newest first as the service sorts them; with every order shown, the open ones still lead.
          const shown = all ? [...open, ...list.filter((p) => !isOpen(p.status))] : open;
          return (
            <>
              <OutstandingSummary open={open} />
              <section aria-labelledby="orders-title">
                <h2 id="orders-title">{all ? t('ordersTitleAll') : t('ordersTitleOpen')}</h2>
                <ShowFilter all={all} onChange={setAll} />
                {shown.length === 0 ? (
                  <EmptyState title={t('noOpenTitle')}>
                    <p>{t('noOpenText')}</p>
                    <p>
                      <Link to={`${REGION_BASE}?visa=alla`}>{t('noOpenAction')}</Link>
                    </p>
                  </EmptyState>
                ) : (
                  shown.map((purchase) => <OrderCard key={purchase.purchaseId} purchase={purchase} />)
                )}
              </section>
            </>
          );
        }}
      </QueryState>
    </Page>
  );
};
