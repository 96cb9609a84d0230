import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { api, data, type Schemas } from '../../api/client.js';
import { LIVE_REFRESH_MS, useItems } from '../../api/reference.js';
import { useUser } from '../../auth/session.js';
import { useWrittenPosition } from '../../commands/written-position.js';
import { useTexts } from '../../i18n/language.js';
import { Page } from '../../ui/Page.js';
import { EmptyState, QueryState, StatusBadge } from '../../ui/states.js';
import { common } from '../../ui/texts.js';
import { useFormat } from '../../ui/useFormat.js';
import { waitingFor } from '../rounds/queries.js';
import { STATUS_ORDER, worstFirst } from './StockBadge.js';
import { countyTexts } from './texts.js';
import { municipalityPath } from './paths.js';
import { MunicipalityItemTable } from './MunicipalityItemTable.js';

type CountyStock = Schemas['CountyStockDto'];
type Completeness = Schemas['CompletenessDto'];

/**
 * "Länet i dag": every municipality's projected stock per item with its status in words, worst
 * first, and who has not reported this week. Both follow new events by asking again every
 * LIVE_REFRESH_MS (the page says so); each figure leads to the municipality's own page.
 */
export const OverviewPage = () => {
  const t = useTexts(countyTexts);
  const c = useTexts(common);
  const user = useUser();
  const waitFor = useWrittenPosition();
  const stock = useQuery({
    queryKey: ['county-stock', waitFor],
    queryFn: () => data(api.GET('/api/stock', { params: { query: waitingFor(waitFor) } })),
    refetchInterval: LIVE_REFRESH_MS,
  });
  const completeness = useQuery({
    queryKey: ['reporting-completeness', user.county, waitFor],
    queryFn: () => data(api.GET('/api/reporting/completeness', { params: { query: { county: user.county ?? '', ...waitingFor(waitFor) } } })),
    refetchInterval: LIVE_REFRESH_MS,
  });
  return (
    <Page title={t('overviewTitle')} intro={<p>{c('liveNote', { seconds: LIVE_REFRESH_MS / 1000 })}</p>}>
      <QueryState query={stock}>{(s) => <CountyStockView stock={s} />}</QueryState>
      <QueryState query={completeness}>{(r) => <ReportingView completeness={r} />}</QueryState>
    </Page>
  );
};

const CountyStockView = ({ stock }: { stock: CountyStock }) => {
  const t = useTexts(countyTexts);
  const f = useFormat();
  const catalogue = useItems();
  const reported = worstFirst(stock.municipalities.filter((m) => m.lastReportedAt !== null || m.items.length > 0));
  const neverReported = stock.municipalities.filter((m) => m.lastReportedAt === null && m.items.length === 0);
  // Columns: the items any municipality has figures of, in the catalogue's order (codes the catalogue lacks last).
  const present = new Set(reported.flatMap((m) => m.items.map((i) => i.item)));
  const order = catalogue.data?.items.map((i) => i.code) ?? [];
  const items = [...order.filter((code) => present.has(code)), ...[...present].filter((code) => !order.includes(code))];
  return (
    <>
      <p>{t('overviewIntro', { county: stock.county.name, asOf: f.dateTime(stock.asOf) })}</p>
      <h2 id="status-summary">{t('statusSummary')}</h2>
      <ul className="summary-badges" aria-labelledby="status-summary">
        {STATUS_ORDER.map((status) => (
          <li key={status}>
            <StatusBadge status={status} /> {f.number(stock.summary[status], 0)}
          </li>
        ))}
      </ul>
      {reported.length === 0 ? (
        <EmptyState title={t('emptyTitle')}>
          <p>{t('emptyText')}</p>
        </EmptyState>
      ) : (
        <MunicipalityItemTable
          caption={t('stockCaption')}
          rows={reported}
          items={items}
          figures={(m, figures) => (
            <>
              <Link to={`${municipalityPath(m.code)}#artikel-${figures.item}`}>{t('units', { quantity: f.number(figures.projected, 0) })}</Link>
              <span>{figures.daysOfSupply === null ? t('daysUnknown') : t('days', { days: f.number(figures.daysOfSupply) })}</span>
            </>
          )}
        />
      )}
      {neverReported.length > 0 && reported.length > 0 ? (
        <section aria-labelledby="never-reported">
          <h2 id="never-reported">{t('neverReportedHeading', { count: neverReported.length })}</h2>
          <p>
            {t('neverReportedText')}{' '}
            <span>
              {neverReported.map((m, i) => (
                <span key={m.code}>
                  {i > 0 ? ', ' : null}
                  <Link to={municipalityPath(m.code)}>{m.name}</Link>
                </span>
              ))}
            </span>
          </p>
        </section>
      ) : null}
    </>
  );
};

const ReportingView = ({ completeness }: { completeness: Completeness }) => {
  const t = useTexts(countyTexts);
  const f = useFormat();
  const notReported = completeness.municipalities.filter((m) => m.status === 'missing' || m.status === 'pending');
  const late = completeness.municipalities.filter((m) => m.status === 'late');
  const corrected = completeness.municipalities.filter((m) => m.corrected);
  const week = String(Number(completeness.period.slice(completeness.period.indexOf('W') + 1)));
  return (
    <section aria-labelledby="reporting">
      <h2 id="reporting">{t('reportingHeading', { week })}</h2>
      <p>
        {t('reportingDue', { due: f.dateTime(completeness.dueAt) })}{' '}
        {t('reportingSummary', {
          reported: completeness.summary.reported,
          late: completeness.summary.late,
          missing: completeness.summary.missing,
          pending: completeness.summary.pending,
          corrected: completeness.summary.corrected,
        })}
      </p>
      {notReported.length === 0 ? (
        <p className="alert alert-success">{t('allReported')}</p>
      ) : (
        <>
          <h3 id="not-reported">{t('notReportedHeading', { count: notReported.length })}</h3>
          <ul aria-labelledby="not-reported" className="columns">
            {notReported.map((m) => (
              <li key={m.code}>
                <Link to={municipalityPath(m.code)}>{m.name}</Link> ({t(`completeness.${m.status as 'missing' | 'pending'}`)})
              </li>
            ))}
          </ul>
        </>
      )}
      {late.length > 0 ? (
        <>
          <h3 id="reported-late">{t('lateHeading', { count: late.length })}</h3>
          <ul aria-labelledby="reported-late" className="columns">
            {late.map((m) => (
              <li key={m.code}>
                <Link to={municipalityPath(m.code)}>{m.name}</Link> ({f.dateTime(m.reports[0]?.recordedAt)})
              </li>
            ))}
          </ul>
        </>
      ) : null}
      {corrected.length > 0 ? (
        <>
          <h3 id="corrected-reports">{t('correctedHeading', { count: corrected.length })}</h3>
          <ul aria-labelledby="corrected-reports">
            {corrected.map((m) => {
              const reason = m.reports.find((r) => r.lastCorrectionReason)?.lastCorrectionReason;
              return (
                <li key={m.code}>
                  <Link to={`${municipalityPath(m.code)}#rapporter`}>{m.name}</Link>
                  {reason ? `: ${reason}` : null}
                </li>
              );
            })}
          </ul>
        </>
      ) : null}
    </section>
  );
};
