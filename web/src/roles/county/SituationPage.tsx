import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { api, data, type Schemas } from '../../api/client.js';
import { useFileDownload } from '../../api/download.js';
import { LIVE_REFRESH_MS, useItemName, useItems } from '../../api/reference.js';
import { useUser } from '../../auth/session.js';
import { useWrittenPosition } from '../../commands/written-position.js';
import { useTexts } from '../../i18n/language.js';
import { Page } from '../../ui/Page.js';
import { EmptyState, ProblemMessage, QueryState, StatusBadge } from '../../ui/states.js';
import { common } from '../../ui/texts.js';
import { useFormat } from '../../ui/useFormat.js';
import { waitingFor } from '../rounds/queries.js';
import { municipalityPath, nationalRequestsPath, roundPath } from './paths.js';
import { STATUS_ORDER, worstFirst } from './StockBadge.js';
import { countyTexts } from './texts.js';
import { MunicipalityItemTable } from './MunicipalityItemTable.js';

type Situation = Schemas['SituationPictureDto'];
type ExportFormat = 'xlsx' | 'csv';

/**
 * The situation picture (lägesbild) as the service computes it for the government: per
 * municipality infections, stock status and unmet need, county totals, open national requests and
 * drifted decisions; and the same figures as an Excel or CSV file to send on.
 */
export const SituationPage = () => {
  const t = useTexts(countyTexts);
  const c = useTexts(common);
  const user = useUser();
  const waitFor = useWrittenPosition();
  const situation = useQuery({
    queryKey: ['situation', user.county, waitFor],
    // The route also answers CSV and Excel (by `Accept` or `format`); without either it answers JSON.
    queryFn: async () => (await data(api.GET('/api/situation', { params: { query: { county: user.county ?? '', ...waitingFor(waitFor) } } }))) as Situation,
    refetchInterval: LIVE_REFRESH_MS,
  });
  return (
    <Page title={t('situationTitle')} intro={<p>{c('liveNote', { seconds: LIVE_REFRESH_MS / 1000 })}</p>}>
      <QueryState query={situation}>{(s) => <SituationView situation={s} />}</QueryState>
    </Page>
  );
};

/** The situation picture as Excel or CSV, saved with the user's token (see useFileDownload). */
const Export = ({ county }: { county: string }) => {
  const t = useTexts(countyTexts);
  const { state, download: save } = useFileDownload();
  const download = (format: ExportFormat) =>
    save(() => api.GET('/api/situation', { params: { query: { county, format } }, parseAs: 'blob' }), `lagesbild-${county}.${format}`);
  return (
    <section className="card" aria-labelledby="export-heading">
      <h2 id="export-heading">{t('exportHeading')}</h2>
      <p>{t('exportIntro')}</p>
      <div className="button-row">
        <button type="button" className="primary" disabled={state.status === 'working'} onClick={() => void download('xlsx')}>
          {t('exportXlsx')}
        </button>
        <button type="button" disabled={state.status === 'working'} onClick={() => void download('csv')}>
          {t('exportCsv')}
        </button>
      </div>
      <div aria-live="polite">
        {state.status === 'working' ? <p role="status">{t('exporting')}</p> : null}
        {state.status === 'ready' ? (
          <p role="status" className="alert alert-success">
            {t('exported', { file: state.file })}{' '}
            <a href={state.url} download={state.file}>
              {t('saveAgain', { file: state.file })}
            </a>
          </p>
        ) : null}
        {state.status === 'failed' ? <ProblemMessage error={state.error} /> : null}
      </div>
    </section>
  );
};

const SituationView = ({ situation }: { situation: Situation }) => {
  const t = useTexts(countyTexts);
  const f = useFormat();
  const itemName = useItemName();
  const catalogue = useItems();
  const withFigures = worstFirst(situation.municipalities.filter((m) => m.items.length > 0 || m.lastReportedAt !== null));
  const without = situation.municipalities.filter((m) => m.items.length === 0 && m.lastReportedAt === null);
  const present = new Set(withFigures.flatMap((m) => m.items.map((i) => i.item)));
  const order = catalogue.data?.items.map((i) => i.code) ?? [];
  const items = [...order.filter((code) => present.has(code)), ...[...present].filter((code) => !order.includes(code))];
  const unmet = situation.totals.unmetNeed.filter((u) => u.units > 0);
  return (
    <>
      <p className="intro">{t('situationIntro', { county: situation.county.name, asOf: f.dateTime(situation.asOf) })}</p>
      <Export county={situation.county.code} />
      <section aria-labelledby="totals-heading">
        <h2 id="totals-heading">{t('totalsHeading')}</h2>
        <dl className="facts">
          <dt>{t('totalInfections')}</dt>
          <dd>{f.number(situation.totals.infections, 0)}</dd>
          <dt>{t('totalStatuses')}</dt>
          <dd>
            <ul className="summary-badges">
              {STATUS_ORDER.map((status) => (
                <li key={status}>
                  <StatusBadge status={status} /> {f.number(situation.totals.municipalities[status], 0)}
                </li>
              ))}
            </ul>
          </dd>
          <dt>{t('totalUnmet')}</dt>
          <dd>
            {unmet.length === 0 ? (
              t('none')
            ) : (
              <ul className="plain">
                {unmet.map((u) => (
                  <li key={u.item}>{t('unmetItem', { item: itemName(u.item), quantity: f.number(u.units, 0) })}</li>
                ))}
              </ul>
            )}
          </dd>
          <dt>{t('openRequests')}</dt>
          <dd>
            <Link to={nationalRequestsPath}>{f.number(situation.totals.openNationalRequests, 0)}</Link>
          </dd>
          <dt>{t('latestRound')}</dt>
          <dd>
            {situation.round ? (
              <Link to={roundPath(situation.round.allocationId)}>{t('roundDecided', { date: f.dateTime(situation.round.decidedAt) })}</Link>
            ) : (
              t('noLatestRound')
            )}
          </dd>
        </dl>
      </section>
      {withFigures.length === 0 ? (
        <EmptyState title={t('situationEmpty')} />
      ) : (
        <MunicipalityItemTable
          caption={t('situationCaption')}
          rows={withFigures}
          items={items}
          underName={(m) =>
            m.driftedRounds.length > 0 ? (
              <div>
                {m.driftedRounds.map((id) => (
                  <Link key={id} to={roundPath(id)} className="badge badge-low">
                    {t('driftRound')}
                  </Link>
                ))}
              </div>
            ) : null
          }
          figures={(_m, figures) => (
            <>
              <span>{figures.projected === null ? '–' : t('units', { quantity: f.number(figures.projected, 0) })}</span>
              <span>{figures.daysOfSupply === null ? t('daysUnknown') : t('days', { days: f.number(figures.daysOfSupply) })}</span>
              {figures.unmetNeed > 0 ? <strong>{t('unmetCell', { quantity: f.number(figures.unmetNeed, 0) })}</strong> : null}
            </>
          )}
        />
      )}
      {without.length > 0 ? (
        <section aria-labelledby="situation-never">
          <h2 id="situation-never">{t('neverReportedHeading', { count: without.length })}</h2>
          <p>
            {t('neverReportedText')}{' '}
            {without.map((m, i) => (
              <span key={m.code}>
                {i > 0 ? ', ' : null}
                <Link to={municipalityPath(m.code)}>{m.name}</Link>
              </span>
            ))}
          </p>
        </section>
      ) : null}
      {situation.drift.length > 0 ? (
        <section aria-labelledby="situation-drift" className="alert alert-warning">
          <h2 id="situation-drift">{t('driftHeading')}</h2>
          <p>{t('driftText')}</p>
          <ul>
            {situation.drift.map((d) => (
              <li key={d.allocationId}>
                <Link to={roundPath(d.allocationId)}>{t('driftLine', { date: f.dateTime(d.detectedAt), count: d.differences.length })}</Link>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      <section aria-labelledby="situation-requests">
        <h2 id="situation-requests">{t('requestsHeading')}</h2>
        {situation.nationalRequests.length === 0 ? (
          <p>{t('noOpenRequests')}</p>
        ) : (
          <ul>
            {situation.nationalRequests.map((r) => (
              <li key={r.requestId}>
                <Link to={nationalRequestsPath}>
                  {t('requestRaised', {
                    date: f.dateTime(r.raisedAt),
                    lines: r.lines.map((l) => t('unmetItem', { item: itemName(l.item), quantity: f.number(l.quantity, 0) })).join(', '),
                  })}
                </Link>
              </li>
            ))}
          </ul>
        )}
      </section>
    </>
  );
};
