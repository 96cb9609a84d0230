import { useQuery } from '@tanstack/react-query';
import { useEffect } from 'react';
import { Link, useLocation, useParams } from 'react-router';
import { api, data, type Schemas } from '../../api/client.js';
import { useItemName, useMunicipalityName } from '../../api/reference.js';
import { useWrittenPosition } from '../../commands/written-position.js';
import { useTexts } from '../../i18n/language.js';
import { Page } from '../../ui/Page.js';
import { EmptyState, QueryState, StatusBadge } from '../../ui/states.js';
import { useFormat } from '../../ui/useFormat.js';
import { waitingFor } from '../rounds/queries.js';
import { COUNTY_BASE, roundPath } from './paths.js';
import { statusCell } from './StockBadge.js';
import { countyTexts } from './texts.js';
import { TableWrap } from '../../ui/TableWrap.js';

type MunicipalityStock = Schemas['MunicipalityStockDto'];
type Report = Schemas['SituationReportDto'];
type DeliveryPage = Schemas['DeliveryPageDto'];

const reportAnchor = (reportId: string) => `rapport-${reportId}`;
const deliveryAnchor = (deliveryId: string) => `leverans-${deliveryId}`;

/**
 * One municipality as the county board sees it: its projected stock per item, and the events each
 * figure comes from — the report that counted it, the deliveries since — each a link to its row
 * in the lists below (the reports and deliveries themselves, as recorded).
 */
export const MunicipalityPage = () => {
  const { code = '' } = useParams();
  const t = useTexts(countyTexts);
  const name = useMunicipalityName()(code);
  const waitFor = useWrittenPosition();
  const stock = useQuery({
    queryKey: ['municipality-stock', code, waitFor],
    queryFn: () => data(api.GET('/api/municipalities/{code}/stock', { params: { path: { code }, query: waitingFor(waitFor) } })),
  });
  const reports = useQuery({
    queryKey: ['municipality-reports', code, waitFor],
    queryFn: () => data(api.GET('/api/municipalities/{code}/reports', { params: { path: { code }, query: waitingFor(waitFor) } })),
  });
  const deliveries = useQuery({
    queryKey: ['deliveries', code, waitFor],
    // The route also answers CSV and Excel by `Accept`; the client asks for nothing in particular, which is JSON.
    queryFn: async () => (await data(api.GET('/api/deliveries', { params: { query: { municipality: code, ...waitingFor(waitFor) } } }))) as DeliveryPage,
  });
  useScrollToHash(stock.isSuccess && reports.isSuccess && deliveries.isSuccess);
  return (
    <Page title={name} actions={<Link to={COUNTY_BASE}>{t('backToOverview')}</Link>}>
      <QueryState query={stock}>{(s) => <StockView stock={s} />}</QueryState>
      <section aria-labelledby="rapporter">
        <h2 id="rapporter">{t('reportsHeading')}</h2>
        <QueryState query={reports}>{(r) => <ReportsView name={name} reports={r.reports} />}</QueryState>
      </section>
      <section aria-labelledby="leveranser">
        <h2 id="leveranser">{t('deliveriesHeading')}</h2>
        <QueryState query={deliveries}>{(d) => <DeliveriesView name={name} page={d} />}</QueryState>
      </section>
    </Page>
  );
};

/** A link to `#rapport-…` from another page lands on the row once the lists have loaded. */
const useScrollToHash = (loaded: boolean) => {
  const { hash } = useLocation();
  useEffect(() => {
    if (loaded && hash) document.getElementById(decodeURIComponent(hash.slice(1)))?.scrollIntoView();
  }, [loaded, hash]);
};

const StockView = ({ stock }: { stock: MunicipalityStock }) => {
  const t = useTexts(countyTexts);
  const f = useFormat();
  const itemName = useItemName();
  const report = stock.lastReport;
  return (
    <>
      <p className="intro">{t('municipalityIntro', { asOf: f.dateTime(stock.asOf) })}</p>
      <dl className="facts">
        <dt>{t('statusFact')}</dt>
        <dd>
          <StatusBadge status={stock.status} />
        </dd>
        <dt>{t('lastReportFact')}</dt>
        <dd>
          {report ? (
            <>
              <a href={`#${reportAnchor(report.reportId)}`}>{f.dateTime(report.reportedAt)}</a> {report.corrected ? t('corrected') : null}
            </>
          ) : (
            t('neverReported')
          )}
        </dd>
        <dt>{t('infectionsFact')}</dt>
        <dd>{f.number(report?.infections, 0)}</dd>
      </dl>
      {stock.items.length === 0 ? (
        <EmptyState title={t('itemsEmpty')} />
      ) : (
        <TableWrap label={t('itemsCaption')}>
          <table className="wrapping-heads">
            <caption>{t('itemsCaption')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('col.item')}</th>
                <th scope="col">{t('col.status')}</th>
                <th scope="col" className="num">
                  {t('col.projected')}
                </th>
                <th scope="col" className="num">
                  {t('col.daysOfSupply')}
                </th>
                <th scope="col" className="num">
                  {t('col.dailyUse')}
                </th>
                <th scope="col">{t('col.lastCounted')}</th>
                <th scope="col" className="num">
                  {t('col.deliveredSince')}
                </th>
                <th scope="col" className="num">
                  {t('col.inTransit')}
                </th>
                <th scope="col" className="num">
                  {t('col.estimatedUse')}
                </th>
                <th scope="col" className="num">
                  {t('col.requested')}
                </th>
              </tr>
            </thead>
            <tbody>
              {stock.items.map((i) => (
                <tr key={i.item} id={`artikel-${i.item}`}>
                  <th scope="row">
                    {itemName(i.item)}
                    {i.notes?.length ? <span className="cell-note">{i.notes.join(' ')}</span> : null}
                  </th>
                  <td className={statusCell(i.status)}>
                    <StatusBadge status={i.status} />
                  </td>
                  <td className="num">{f.number(i.projected, 0)}</td>
                  <td className="num">{i.daysOfSupply === null ? t('unknown') : t('days', { days: f.number(i.daysOfSupply) })}</td>
                  <td className="num">{i.dailyUse === null ? t('unknown') : f.number(i.dailyUse, 2)}</td>
                  <td className="nowrap">
                    {i.lastCounted ? (
                      <a href={`#${reportAnchor(i.lastCounted.reportId)}`}>
                        {t('countedOn', { onHand: f.number(i.lastCounted.onHand, 0), date: f.dateTime(i.lastCounted.countedAt) })}
                      </a>
                    ) : (
                      '–'
                    )}
                  </td>
                  <td className="num">{i.deliveredSince > 0 ? <a href="#leveranser">{f.number(i.deliveredSince, 0)}</a> : f.number(0, 0)}</td>
                  <td className="num">{i.inTransit > 0 ? <a href="#leveranser">{f.number(i.inTransit, 0)}</a> : f.number(0, 0)}</td>
                  <td className="num">{f.number(i.estimatedUseSince, 0)}</td>
                  <td className="num">{f.number(i.requested, 0)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      )}
    </>
  );
};

const ReportsView = ({ name, reports }: { name: string; reports: readonly Report[] }) => {
  const t = useTexts(countyTexts);
  const f = useFormat();
  const itemName = useItemName();
  if (reports.length === 0) return <EmptyState title={t('reportsEmpty', { name })} />;
  return (
    <TableWrap label={t('reportsCaption', { name })}>
      <table>
        <caption>{t('reportsCaption', { name })}</caption>
        <thead>
          <tr>
            <th scope="col">{t('col.reportedAt')}</th>
            <th scope="col">{t('col.period')}</th>
            <th scope="col">{t('col.recordedAt')}</th>
            <th scope="col">{t('col.reportedBy')}</th>
            <th scope="col" className="num">
              {t('col.infections')}
            </th>
            <th scope="col">{t('col.figures')}</th>
            <th scope="col">{t('col.corrections')}</th>
            <th scope="col">{t('col.position')}</th>
          </tr>
        </thead>
        <tbody>
          {reports.map((r) => (
            <tr key={r.reportId} id={reportAnchor(r.reportId)}>
              <th scope="row" className="nowrap">
                {f.dateTime(r.reportedAt)}
              </th>
              <td className="nowrap">{r.period}</td>
              <td className="nowrap">{f.dateTime(r.recordedAt)}</td>
              <td>{r.reportedBy.name ?? r.reportedBy.sub}</td>
              <td className="num">{f.number(r.infections, 0)}</td>
              <td>
                <ul className="plain">
                  {r.lines.map((l) => (
                    <li key={l.item}>
                      {t('reportLine', {
                        item: itemName(l.item),
                        onHand: f.number(l.onHand, 0),
                        used: f.number(l.usedSinceLastReport, 0),
                        requested: f.number(l.requested, 0),
                      })}
                    </li>
                  ))}
                </ul>
              </td>
              <td>
                {r.corrections === 0
                  ? t('none')
                  : t('corrections', { count: r.corrections, date: f.dateTime(r.lastCorrectedAt), reason: r.lastCorrectionReason ?? '–' })}
              </td>
              <td>{r.position}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableWrap>
  );
};

const DeliveriesView = ({ name, page }: { name: string; page: DeliveryPage }) => {
  const t = useTexts(countyTexts);
  const f = useFormat();
  const itemName = useItemName();
  if (page.deliveries.length === 0) return <EmptyState title={t('deliveriesEmpty', { name })} />;
  return (
    <>
      {page.page.total > page.page.returned ? <p>{t('deliveriesMore', { shown: page.page.returned, total: page.page.total })}</p> : null}
      <TableWrap label={t('deliveriesCaption', { name })}>
        <table>
          <caption>{t('deliveriesCaption', { name })}</caption>
          <thead>
            <tr>
              <th scope="col">{t('col.dispatchedAt')}</th>
              <th scope="col">{t('col.deliveryStatus')}</th>
              <th scope="col">{t('col.lines')}</th>
              <th scope="col">{t('col.receipt')}</th>
              <th scope="col">{t('col.allocation')}</th>
              <th scope="col">{t('col.vehicle')}</th>
              <th scope="col">{t('col.position')}</th>
            </tr>
          </thead>
          <tbody>
            {page.deliveries.map((d) => (
              <tr key={d.deliveryId} id={deliveryAnchor(d.deliveryId)}>
                <th scope="row" className="nowrap">
                  {f.dateTime(d.dispatchedAt)}
                </th>
                <td>{t(`delivery.${d.status}`)}</td>
                <td>
                  <ul className="plain">
                    {d.lines.map((l) => (
                      <li key={l.item}>{t('deliveryLine', { item: itemName(l.item), quantity: f.number(l.quantity, 0) })}</li>
                    ))}
                  </ul>
                </td>
                <td>
                  {d.receipt ? (
                    <>
                      <p className="compact">
                        {t('receivedOn', { date: f.dateTime(d.receipt.receivedAt), name: d.receipt.confirmedBy.name ?? d.receipt.confirmedBy.sub })}
                      </p>
                      <ul className="plain">
                        {d.lines.map((l) => (
                          <li key={l.item}>
                            {t('receiptLine', { item: itemName(l.item), accepted: f.number(l.accepted, 0), rejected: f.number(l.rejected, 0) })}
                            {l.reason ? ` (${l.reason})` : null}
                          </li>
                        ))}
                      </ul>
                    </>
                  ) : (
                    t('notYet')
                  )}
                </td>
                <td>{d.allocationId ? <Link to={roundPath(d.allocationId)}>{t('toRound')}</Link> : t('noRound')}</td>
                <td>{d.vehicle ?? '–'}</td>
                <td>{[d.dispatch?.position, d.receipt?.position].filter(Boolean).join(', ') || '–'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableWrap>
    </>
  );
};
