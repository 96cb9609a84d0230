import type { ReactNode } from 'react';
import type { Schemas } from '../../api/client.js';
import { formatDate } from '../../i18n/format.js';
import { defineTexts, useLanguage, useTexts } from '../../i18n/language.js';
import { Page } from '../../ui/Page.js';
import { EmptyState, QueryState } from '../../ui/states.js';
import { ButtonLink } from '../../ui/ButtonLink.js';
import { PurchaseLinesTable } from '../purchases/PurchaseLinesTable.js';
import { WarehouseGate } from './components.js';
import { useOpenPurchases } from './queries.js';
import { shared } from './texts.js';

const texts = defineTexts(
  {
    title: 'Inleverans',
    intro: 'Ta emot varor mot en inköpsorder från regionen, eller från en annan källa. Ange parti och bäst före-datum när varorna har det.',
    purchases: 'Mot inköpsorder',
    noPurchases: 'Inga öppna inköpsorder',
    noPurchasesText: 'När regionen beställer till lagret visas ordern här, med det som återstår att ta emot.',
    outstanding: 'Kvar att ta emot',
    orderedOn: 'Beställd {date} av {name}',
    expected: 'Väntas {date}',
    noExpected: 'Inget leveransdatum angivet',
    receive: 'Ta emot från {supplier}',
    other: 'Från annan källa',
    otherIntro: 'Gåvor från företag, tilldelning från Socialstyrelsen, uttag ur beredskapslager och returer från kommuner.',
  },
  {
    title: 'Receipts',
    intro: 'Receive goods against a purchase order from the region, or from another source. Give the lot and best-before date where the goods carry them.',
    purchases: 'Against a purchase order',
    noPurchases: 'No open purchase orders',
    noPurchasesText: 'When the region orders for the warehouse, the order appears here with what remains to receive.',
    outstanding: 'Still to receive',
    orderedOn: 'Ordered {date} by {name}',
    expected: 'Expected {date}',
    noExpected: 'No delivery date given',
    receive: 'Receive from {supplier}',
    other: 'From another source',
    otherIntro:
      'Donations from companies, allocations from the National Board of Health and Welfare, stock from emergency stockpiles and returns from municipalities.',
  },
);

const SOURCES = ['donation', 'national-allocation', 'emergency-stockpile', 'return'] as const;

/** What can be received: the county's open purchase orders, and the other sources. */
export default function ReceiptsPage() {
  const t = useTexts(texts);
  const s = useTexts(shared);
  const { language } = useLanguage();
  return (
    <Page title={t('title')} intro={<p>{t('intro')}</p>}>
      <WarehouseGate>
        {({ county }) => (
          <>
            <section aria-labelledby="purchases">
              <h2 id="purchases">{t('purchases')}</h2>
              <OpenPurchases county={county}>
                {(purchases) =>
                  purchases.length === 0 ? (
                    <EmptyState title={t('noPurchases')}>
                      <p>{t('noPurchasesText')}</p>
                    </EmptyState>
                  ) : (
                    purchases.map((p) => (
                      <article key={p.purchaseId} className="card" aria-labelledby={`purchase-${p.purchaseId}`}>
                        <div className="section-head">
                          <h3 id={`purchase-${p.purchaseId}`}>{p.supplier}</h3>
                          <span className="badge badge-unknown">{s(`purchase.${p.status}`)}</span>
                        </div>
                        <p className="muted">
                          {t('orderedOn', { date: formatDate(p.orderedAt, language), name: p.orderedBy.name })} ·{' '}
                          {p.expectedAt ? t('expected', { date: formatDate(p.expectedAt, language) }) : t('noExpected')}
                        </p>
                        <PurchaseLinesTable lines={p.lines} labelledBy={`purchase-${p.purchaseId}`} outstandingLabel={t('outstanding')} emphasiseOutstanding />
                        <ButtonLink primary to={`/lager/inleverans/inkop/${p.purchaseId}`}>
                          {t('receive', { supplier: p.supplier })}
                        </ButtonLink>
                      </article>
                    ))
                  )
                }
              </OpenPurchases>
            </section>
            <section aria-labelledby="other-sources">
              <h2 id="other-sources">{t('other')}</h2>
              <p className="muted">{t('otherIntro')}</p>
              <ul className="button-row plain-list">
                {SOURCES.map((source) => (
                  <li key={source}>
                    <ButtonLink to={`/lager/inleverans/annan?kalla=${source}`}>{s(`source.${source}`)}</ButtonLink>
                  </li>
                ))}
              </ul>
            </section>
          </>
        )}
      </WarehouseGate>
    </Page>
  );
}

const OpenPurchases = ({ county, children }: { county: string; children: (purchases: Schemas['PurchaseSummaryDto'][]) => ReactNode }) => {
  const purchases = useOpenPurchases(county, true);
  return <QueryState query={purchases}>{(d) => children(d.purchases)}</QueryState>;
};
