import { useItemName, useMunicipalityName, LIVE_REFRESH_MS } from '../../api/reference.js';
import { formatDate, formatDateTime, formatNumber } from '../../i18n/format.js';
import { defineTexts, useLanguage, useTexts } from '../../i18n/language.js';
import { Page } from '../../ui/Page.js';
import { EmptyState, QueryState } from '../../ui/states.js';
import { common } from '../../ui/texts.js';
import { ButtonLink } from '../../ui/ButtonLink.js';
import { DeliveryStatusBadge, WarehouseGate } from './components.js';
import { EXPIRY_WARNING_DAYS, expiryOf, stockholmToday } from './expiry.js';
import { type Round, useApprovedRounds, useDeliveries, useOpenPurchases, useWarehouseScope, useWarehouseStock } from './queries.js';
import { shared } from './texts.js';

const texts = defineTexts(
  {
    title: 'Dagens arbete',
    intro: 'Det som väntar i {warehouse}: beslutade fördelningar att leverera, leveranser som gått i dag, inköp att ta emot och partier som går ut.',
    toDeliver: 'Att leverera enligt beslutade fördelningar',
    toDeliverIntro: 'Per kommun det som logistikmötet har beslutat och som ännu inte har levererats.',
    nothingToDeliver: 'Inget att leverera just nu',
    nothingToDeliverText:
      'När logistikmötet har beslutat en fördelning visas den här per kommun, med det som återstår att leverera. En leverans utanför fördelning registrerar du under Leverera.',
    unplannedLink: 'Leverera utan fördelning',
    roundCaption: 'Fördelning beslutad {date}',
    planned: 'Beslutat',
    dispatched: 'Levererat',
    remaining: 'Kvar att leverera',
    deliverTo: 'Leverera till {municipality}',
    deliverToRound: 'Leverera till {municipality} (beslut {date})',
    sentToday: 'Skickat i dag',
    noneSentToday: 'Inga leveranser har skickats i dag.',
    sentAt: 'Avgick',
    contents: 'Innehåll',
    status: 'Status',
    allHistory: 'Hela leveranshistoriken',
    toReceive: 'Inköp att ta emot',
    noneToReceive: 'Inga inköpsorder väntar på leverans.',
    supplier: 'Leverantör',
    expected: 'Väntas',
    outstanding: 'Kvar att ta emot',
    receive: 'Ta emot från {supplier}',
    action: 'Åtgärd',
    thisWarehouse: 'lagret',
    expiring: 'Bäst före-datum',
    expiringNone: 'Inga partier har gått ut eller går ut inom {days} dagar.',
    expiringSome: '{expired} partier har gått ut och {soon} går ut inom {days} dagar.',
    seeStock: 'Se lagret per parti',
  },
  {
    title: 'Today’s work',
    intro: 'What is waiting at {warehouse}: approved allocations to deliver, deliveries sent today, purchases to receive and lots about to expire.',
    toDeliver: 'To deliver under approved allocations',
    toDeliverIntro: 'Per municipality, what the logistics meeting approved and has not been delivered yet.',
    nothingToDeliver: 'Nothing to deliver right now',
    nothingToDeliverText:
      'Once the logistics meeting approves an allocation it appears here per municipality, with what remains to deliver. Record a delivery outside an allocation under Dispatch.',
    unplannedLink: 'Dispatch without an allocation',
    roundCaption: 'Allocation approved {date}',
    planned: 'Approved',
    dispatched: 'Delivered',
    remaining: 'Left to deliver',
    deliverTo: 'Deliver to {municipality}',
    deliverToRound: 'Deliver to {municipality} (decision {date})',
    sentToday: 'Sent today',
    noneSentToday: 'No deliveries have been sent today.',
    sentAt: 'Left',
    contents: 'Contents',
    status: 'Status',
    allHistory: 'The whole delivery history',
    toReceive: 'Purchases to receive',
    noneToReceive: 'No purchase orders are waiting for goods.',
    supplier: 'Supplier',
    expected: 'Expected',
    outstanding: 'Still to receive',
    receive: 'Receive from {supplier}',
    action: 'Action',
    thisWarehouse: 'the warehouse',
    expiring: 'Best-before dates',
    expiringNone: 'No lots have expired or expire within {days} days.',
    expiringSome: '{expired} lots have expired and {soon} expire within {days} days.',
    seeStock: 'See the stock by lot',
  },
);

interface MunicipalityWork {
  readonly municipality: string;
  readonly rounds: { round: Round; lines: Round['plan'] }[];
}

/** The approved plans' open lines, per municipality: what the service still counts as remaining. */
const workByMunicipality = (rounds: readonly Round[], nameOf: (code: string) => string): MunicipalityWork[] => {
  const work = new Map<string, MunicipalityWork['rounds']>();
  for (const round of rounds.filter((r) => r.status === 'approved' && !r.closed)) {
    for (const municipality of new Set(round.plan.map((l) => l.municipality))) {
      const lines = round.plan.filter((l) => l.municipality === municipality && l.remaining > 0);
      if (lines.length > 0) work.set(municipality, [...(work.get(municipality) ?? []), { round, lines }]);
    }
  }
  return [...work.entries()]
    .map(([municipality, list]) => ({ municipality, rounds: list }))
    .sort((a, b) => nameOf(a.municipality).localeCompare(nameOf(b.municipality), 'sv'));
};

const ToDeliver = ({ county }: { county: string }) => {
  const t = useTexts(texts);
  const s = useTexts(shared);
  const { language } = useLanguage();
  const itemName = useItemName();
  const municipalityName = useMunicipalityName();
  const rounds = useApprovedRounds(county, true);
  return (
    <QueryState query={rounds}>
      {({ rounds: list }) => {
        const work = workByMunicipality(list, municipalityName);
        if (work.length === 0) {
          return (
            <EmptyState title={t('nothingToDeliver')}>
              <p>{t('nothingToDeliverText')}</p>
              <ButtonLink to="/lager/leverera">{t('unplannedLink')}</ButtonLink>
            </EmptyState>
          );
        }
        return work.map(({ municipality, rounds: plans }) => {
          const name = municipalityName(municipality);
          const headingId = `plan-${municipality}`;
          return (
            <article key={municipality} className="card municipality-plan" aria-labelledby={headingId}>
              <h3 id={headingId}>{name}</h3>
              {plans.map(({ round, lines }) => {
                const date = formatDate(round.decision?.decidedAt, language);
                return (
                  <div key={round.allocationId}>
                    <div className="table-wrap">
                      <table>
                        <caption>{t('roundCaption', { date })}</caption>
                        <thead>
                          <tr>
                            <th scope="col">{s('item')}</th>
                            <th scope="col" className="num">
                              {t('planned')}
                            </th>
                            <th scope="col" className="num">
                              {t('dispatched')}
                            </th>
                            <th scope="col" className="num">
                              {t('remaining')}
                            </th>
                          </tr>
                        </thead>
                        <tbody>
                          {lines.map((line) => (
                            <tr key={line.item}>
                              <th scope="row">{itemName(line.item)}</th>
                              <td className="num">{formatNumber(line.planned, language)}</td>
                              <td className="num">{formatNumber(line.dispatched, language)}</td>
                              <td className="num">
                                <strong>{formatNumber(line.remaining, language)}</strong>
                              </td>
                            </tr>
                          ))}
                        </tbody>
                      </table>
                    </div>
                    <ButtonLink primary to={`/lager/leverera?fordelning=${round.allocationId}&kommun=${municipality}`}>
                      {plans.length > 1 ? t('deliverToRound', { municipality: name, date }) : t('deliverTo', { municipality: name })}
                    </ButtonLink>
                  </div>
                );
              })}
            </article>
          );
        });
      }}
    </QueryState>
  );
};

const SentToday = ({ county }: { county: string }) => {
  const t = useTexts(texts);
  const s = useTexts(shared);
  const { language } = useLanguage();
  const itemName = useItemName();
  const municipalityName = useMunicipalityName();
  const deliveries = useDeliveries({ county, from: stockholmToday() }, true);
  return (
    <QueryState query={deliveries}>
      {({ deliveries: list }) =>
        list.length === 0 ? (
          <p className="muted">{t('noneSentToday')}</p>
        ) : (
          <div className="table-wrap">
            <table aria-labelledby="sent-today">
              <thead>
                <tr>
                  <th scope="col">{t('sentAt')}</th>
                  <th scope="col">{s('municipality')}</th>
                  <th scope="col">{t('contents')}</th>
                  <th scope="col">{t('status')}</th>
                </tr>
              </thead>
              <tbody>
                {list.map((d) => (
                  <tr key={d.deliveryId}>
                    <td className="nowrap">{formatDateTime(d.dispatchedAt, language)}</td>
                    <th scope="row">{d.municipalityName ?? municipalityName(d.municipality)}</th>
                    <td>{d.lines.map((l) => `${formatNumber(l.quantity, language)} ${itemName(l.item)}`).join(', ')}</td>
                    <td>
                      <DeliveryStatusBadge status={d.status} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )
      }
    </QueryState>
  );
};

const ToReceive = ({ county }: { county: string }) => {
  const t = useTexts(texts);
  const { language } = useLanguage();
  const itemName = useItemName();
  const purchases = useOpenPurchases(county, true);
  return (
    <QueryState query={purchases}>
      {({ purchases: list }) =>
        list.length === 0 ? (
          <p className="muted">{t('noneToReceive')}</p>
        ) : (
          <div className="table-wrap">
            <table aria-labelledby="to-receive">
              <thead>
                <tr>
                  <th scope="col">{t('supplier')}</th>
                  <th scope="col">{t('expected')}</th>
                  <th scope="col">{t('outstanding')}</th>
                  <th scope="col">
                    <span className="visually-hidden">{t('action')}</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {list.map((p) => (
                  <tr key={p.purchaseId}>
                    <th scope="row">{p.supplier}</th>
                    <td>{formatDate(p.expectedAt, language)}</td>
                    <td>
                      {p.lines
                        .filter((l) => l.outstanding > 0)
                        .map((l) => `${formatNumber(l.outstanding, language)} ${itemName(l.item)}`)
                        .join(', ')}
                    </td>
                    <td>
                      <ButtonLink to={`/lager/inleverans/inkop/${p.purchaseId}`}>{t('receive', { supplier: p.supplier })}</ButtonLink>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )
      }
    </QueryState>
  );
};

const Expiring = ({ warehouseId }: { warehouseId: string }) => {
  const t = useTexts(texts);
  const stock = useWarehouseStock(warehouseId, true);
  const today = stockholmToday();
  return (
    <QueryState query={stock}>
      {({ items }) => {
        const lots = items.flatMap((i) => i.lots).map((l) => expiryOf(l.expiresOn, today));
        const expired = lots.filter((e) => e === 'expired').length;
        const soon = lots.filter((e) => e === 'soon').length;
        return expired + soon === 0 ? (
          <p className="muted">{t('expiringNone', { days: EXPIRY_WARNING_DAYS })}</p>
        ) : (
          <div className="alert alert-warning">
            <p>
              <strong>{t('expiringSome', { expired, soon, days: EXPIRY_WARNING_DAYS })}</strong>
            </p>
            <ButtonLink to="/lager/saldo">{t('seeStock')}</ButtonLink>
          </div>
        );
      }}
    </QueryState>
  );
};

/** The start page: today's work first — the approved plans still to deliver, per municipality. */
export default function TodayPage() {
  const t = useTexts(texts);
  const c = useTexts(common);
  const { warehouse } = useWarehouseScope();
  return (
    <Page
      title={t('title')}
      intro={
        <p>
          {t('intro', { warehouse: warehouse?.name ?? t('thisWarehouse') })} {c('liveNote', { seconds: LIVE_REFRESH_MS / 1000 })}
        </p>
      }
    >
      <WarehouseGate>
        {({ county, warehouse: { id } }) => (
          <>
            <section aria-labelledby="to-deliver">
              <h2 id="to-deliver">{t('toDeliver')}</h2>
              <p className="muted">{t('toDeliverIntro')}</p>
              <ToDeliver county={county} />
            </section>
            <section aria-labelledby="sent-today">
              <div className="section-head">
                <h2 id="sent-today">{t('sentToday')}</h2>
                <ButtonLink to="/lager/leveranser">{t('allHistory')}</ButtonLink>
              </div>
              <SentToday county={county} />
            </section>
            <section aria-labelledby="to-receive">
              <h2 id="to-receive">{t('toReceive')}</h2>
              <ToReceive county={county} />
            </section>
            <section aria-labelledby="expiring">
              <h2 id="expiring">{t('expiring')}</h2>
              <Expiring warehouseId={id} />
            </section>
          </>
        )}
      </WarehouseGate>
    </Page>
  );
}
