import { LIVE_REFRESH_MS, useItemName } from '../../api/reference.js';
import { formatDate, formatNumber } from '../../i18n/format.js';
import { defineTexts, useLanguage, useTexts } from '../../i18n/language.js';
import { Page } from '../../ui/Page.js';
import { EmptyState, QueryState } from '../../ui/states.js';
import { common } from '../../ui/texts.js';
import { ButtonLink } from '../../ui/ButtonLink.js';
import { ExpiryBadge, LotName, WarehouseGate } from './components.js';
import { EXPIRY_WARNING_DAYS, expiryOf, stockholmToday } from './expiry.js';
import { useWarehouseScope, useWarehouseStock } from './queries.js';
import { shared } from './texts.js';

const texts = defineTexts(
  {
    title: 'Lager',
    intro: 'Lagersaldot i {warehouse}, per artikel och per parti.',
    totals: 'Totalt per artikel',
    allocated: 'Reserverat för beslutade fördelningar',
    available: 'Tillgängligt',
    availableHint:
      'Tillgängligt är det som finns i lager minus det som beslutade fördelningar håller. Det kan fördelas på nytt eller levereras utan fördelning.',
    byLot: 'Per parti, det som går ut först överst',
    status: 'Status',
    action: 'Åtgärd',
    writeOff: 'Kassera {lot}',
    warnings: 'Partier att se över',
    warningExpired: '{count} parti har gått ut.',
    warningsExpired: '{count} partier har gått ut.',
    warningSoon: '{count} parti går ut inom {days} dagar.',
    warningsSoon: '{count} partier går ut inom {days} dagar.',
    empty: 'Lagret är tomt',
    emptyText: 'Inget har tagits emot ännu. Varor kommer in genom inleverans mot en inköpsorder eller från en annan källa.',
    toReceipts: 'Till inleverans',
  },
  {
    title: 'Stock',
    intro: 'The stock at {warehouse}, per item and per lot.',
    totals: 'Totals per item',
    allocated: 'Held for approved allocations',
    available: 'Available',
    availableHint: 'Available is what is on hand less what approved allocations hold. It can be allocated anew or delivered without an allocation.',
    byLot: 'Per lot, first to expire at the top',
    status: 'Status',
    action: 'Action',
    writeOff: 'Write off {lot}',
    warnings: 'Lots to look at',
    warningExpired: '{count} lot has expired.',
    warningsExpired: '{count} lots have expired.',
    warningSoon: '{count} lot expires within {days} days.',
    warningsSoon: '{count} lots expire within {days} days.',
    empty: 'The warehouse is empty',
    emptyText: 'Nothing has been received yet. Goods come in through receipts against a purchase order or from another source.',
    toReceipts: 'Go to receipts',
  },
);

const StockTables = ({ warehouseId }: { warehouseId: string }) => {
  const t = useTexts(texts);
  const s = useTexts(shared);
  const { language } = useLanguage();
  const itemName = useItemName();
  const stock = useWarehouseStock(warehouseId, true);
  const today = stockholmToday();
  return (
    <QueryState query={stock}>
      {({ items }) => {
        if (items.length === 0) {
          return (
            <EmptyState title={t('empty')}>
              <p>{t('emptyText')}</p>
              <ButtonLink to="/lager/inleverans">{t('toReceipts')}</ButtonLink>
            </EmptyState>
          );
        }
        const lots = items.flatMap((item) => item.lots.map((lot) => ({ item: item.item, ...lot, expiry: expiryOf(lot.expiresOn, today) })));
        const expired = lots.filter((l) => l.expiry === 'expired').length;
        const soon = lots.filter((l) => l.expiry === 'soon').length;
        return (
          <>
            {expired + soon > 0 ? (
              <div className="alert alert-warning" role="status">
                <p>
                  <strong>{t('warnings')}:</strong> {expired > 0 ? t(expired === 1 ? 'warningExpired' : 'warningsExpired', { count: expired }) : null}{' '}
                  {soon > 0 ? t(soon === 1 ? 'warningSoon' : 'warningsSoon', { count: soon, days: EXPIRY_WARNING_DAYS }) : null}
                </p>
              </div>
            ) : null}
            <div className="table-wrap">
              <table>
                <caption>{t('totals')}</caption>
                <thead>
                  <tr>
                    <th scope="col">{s('item')}</th>
                    <th scope="col" className="num">
                      {s('onHand')}
                    </th>
                    <th scope="col" className="num">
                      {t('allocated')}
                    </th>
                    <th scope="col" className="num">
                      {t('available')}
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {items.map((item) => (
                    <tr key={item.item}>
                      <th scope="row">{itemName(item.item)}</th>
                      <td className="num">{formatNumber(item.onHand, language)}</td>
                      <td className="num">{formatNumber(item.allocated, language)}</td>
                      <td className="num">
                        <strong>{formatNumber(item.available, language)}</strong>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            <p className="muted">{t('availableHint')}</p>
            <div className="table-wrap">
              <table>
                <caption>{t('byLot')}</caption>
                <thead>
                  <tr>
                    <th scope="col">{s('item')}</th>
                    <th scope="col">{s('lot')}</th>
                    <th scope="col">{s('expiresOn')}</th>
                    <th scope="col" className="num">
                      {s('onHand')}
                    </th>
                    <th scope="col">{t('status')}</th>
                    <th scope="col">{t('action')}</th>
                  </tr>
                </thead>
                <tbody>
                  {lots.map((lot) => (
                    <tr key={`${lot.item}-${lot.lot}-${lot.expiresOn}`}>
                      <th scope="row">{itemName(lot.item)}</th>
                      <td>
                        <LotName lot={lot.lot} />
                      </td>
                      <td>{lot.expiresOn ? formatDate(lot.expiresOn, language) : s('noExpiry')}</td>
                      <td className="num">{formatNumber(lot.onHand, language)}</td>
                      <td>
                        <ExpiryBadge expiresOn={lot.expiresOn} today={today} />
                      </td>
                      <td>
                        {lot.expiry === 'expired' && lot.lot ? (
                          <ButtonLink
                            to={`/lager/inventering?orsak=expired&artikel=${encodeURIComponent(lot.item)}&parti=${encodeURIComponent(lot.lot)}&antal=${lot.onHand}`}
                          >
                            {t('writeOff', { lot: lot.lot })}
                          </ButtonLink>
                        ) : null}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </>
        );
      }}
    </QueryState>
  );
};

/** The warehouse's stock by lot, with expiry warnings in words (the threshold said on the page). */
export default function StockPage() {
  const t = useTexts(texts);
  const s = useTexts(shared);
  const c = useTexts(common);
  const { warehouse } = useWarehouseScope();
  return (
    <Page
      title={t('title')}
      intro={
        <>
          <p>
            {t('intro', { warehouse: warehouse?.name ?? '' })} {c('liveNote', { seconds: LIVE_REFRESH_MS / 1000 })}
          </p>
          <p>{s('expiryThreshold', { days: EXPIRY_WARNING_DAYS })}</p>
        </>
      }
    >
      <WarehouseGate>{({ warehouse: { id } }) => <StockTables warehouseId={id} />}</WarehouseGate>
    </Page>
  );
}
