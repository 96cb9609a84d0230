import { useState } from 'react';
import { Link } from 'react-router';
import type { Schemas } from '../../api/client.js';
import { LIVE_REFRESH_MS, useMunicipalityName } from '../../api/reference.js';
import { formatDate, formatDateTime, formatNumber, isoWeek, toStockholmInput } from '../../i18n/format.js';
import { useLanguage, useTexts } from '../../i18n/language.js';
import { Chart, CHART_COLORS } from '../../ui/Chart.js';
import { SelectField } from '../../ui/Field.js';
import { Page } from '../../ui/Page.js';
import { EmptyState, QueryState, StatusBadge } from '../../ui/states.js';
import { common } from '../../ui/texts.js';
import { paths, reportAnchor, useItemInfo, weekNumber } from './parts.js';
import { useMunicipalityCode, useOwnReports, useOwnStock } from './queries.js';
import { type TextKey, texts } from './texts.js';
import { ButtonLink } from '../../ui/ButtonLink.js';

const DAY = 86_400_000;
/** The chart covers this week and the eight before it. */
const CHART_WEEKS = 8;

/** Monday (a Stockholm date, `2026-01-05`) of the ISO week `weeks` weeks before `now`. */
const mondayWeeksBefore = (now: Date, weeks: number): string => {
  const day = new Date(`${toStockholmInput(new Date(now.getTime() - weeks * 7 * DAY)).slice(0, 10)}T12:00:00Z`);
  day.setUTCDate(day.getUTCDate() - ((day.getUTCDay() || 7) - 1));
  return day.toISOString().slice(0, 10);
};

const stockholmDate = (iso: string): string => toStockholmInput(new Date(iso)).slice(0, 10);

/** The service's notes on a figure are English sentences; the known ones are said here in the page's language. */
const useNote = () => {
  const t = useTexts(texts);
  const { language } = useLanguage();
  return (note: string) => {
    const key = `note.${note}` as TextKey;
    return key in texts.sv ? <>{t(key)}</> : <span lang={language === 'sv' ? 'en' : undefined}>{note}</span>;
  };
};

const StockTable = ({ stock }: { stock: Schemas['MunicipalityStockDto'] }) => {
  const t = useTexts(texts);
  const { language } = useLanguage();
  const info = useItemInfo();
  const note = useNote();
  const n = (value: number | null | undefined) => formatNumber(value, language);
  return (
    <div className="table-wrap">
      <table className="stock-table">
        <caption>{t('stockCaption')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('colItem')}</th>
            <th scope="col" className="num">
              {t('colProjected')}
            </th>
            <th scope="col" className="num">
              {t('colDays')}
            </th>
            <th scope="col">{t('colStatus')}</th>
            <th scope="col" className="num">
              {t('colCounted')}
            </th>
            <th scope="col" className="num">
              {t('colUseSince')}
            </th>
            <th scope="col" className="num">
              {t('colDeliveredSince')}
            </th>
            <th scope="col" className="num">
              {t('colInTransit')}
            </th>
            <th scope="col">{t('colNotes')}</th>
          </tr>
        </thead>
        <tbody>
          {stock.items.map((row) => {
            const counted = row.lastCounted;
            const since = counted ? `&sedan=${encodeURIComponent(counted.countedAt)}` : '';
            return (
              <tr key={row.item} id={`lager-${row.item}`}>
                <th scope="row">
                  {info.name(row.item)} <span className="muted">({info.unit(row.item)})</span>
                </th>
                <td className="num">
                  <strong>{n(row.projected)}</strong>
                </td>
                <td className="num">{n(row.daysOfSupply)}</td>
                <td className={row.status === 'out' ? 'status-critical' : `status-${row.status}`}>
                  <StatusBadge status={row.status} />
                </td>
                <td className="num">
                  {counted ? (
                    <>
                      <Link
                        to={`${paths.reports}#${reportAnchor(counted.reportId)}`}
                        aria-label={t('countedLinkLabel', { count: n(counted.onHand), time: formatDateTime(counted.countedAt, language) })}
                      >
                        {n(counted.onHand)}
                      </Link>
                      <br />
                      <span className="muted">{formatDate(counted.countedAt, language)}</span>
                    </>
                  ) : (
                    t('neverCounted')
                  )}
                </td>
                <td className="num">
                  {n(row.estimatedUseSince)}
                  {row.dailyUse !== null ? (
                    <>
                      <br />
                      <span className="muted">{t('perDay', { use: n(row.dailyUse) })}</span>
                    </>
                  ) : null}
                </td>
                <td className="num">
                  {row.deliveredSince > 0 ? (
                    <Link
                      to={`${paths.deliveries}?artikel=${encodeURIComponent(row.item)}${since}#mottagna`}
                      aria-label={t('deliveredLinkLabel', { count: n(row.deliveredSince) })}
                    >
                      {n(row.deliveredSince)}
                    </Link>
                  ) : (
                    n(row.deliveredSince)
                  )}
                </td>
                <td className="num">
                  {row.inTransit > 0 ? (
                    <Link
                      to={`${paths.deliveries}?artikel=${encodeURIComponent(row.item)}#pa-vag`}
                      aria-label={t('inTransitLinkLabel', { count: n(row.inTransit) })}
                    >
                      {n(row.inTransit)}
                    </Link>
                  ) : (
                    n(row.inTransit)
                  )}
                </td>
                <td>
                  {(row.notes ?? []).map((text) => (
                    <p key={text} className="note">
                      {note(text)}
                    </p>
                  ))}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
};

/**
 * The last weeks of one item, from the municipality's own reports: what was counted on hand, used
 * since the report before, and requested — each bar a figure someone reported (as corrected). Not
 * the projected stock: between reports it is an estimate, and drawn over weeks it would look as if
 * it had been measured. Bars, not lines, for the same reason: a line between two counts draws
 * figures nobody counted.
 */
const RecentWeeks = ({ items }: { items: readonly string[] }) => {
  const t = useTexts(texts);
  const { language } = useLanguage();
  const info = useItemInfo();
  const reports = useOwnReports();
  const [chosen, setChosen] = useState<string | undefined>(undefined);
  const item = chosen && items.includes(chosen) ? chosen : items[0];
  if (!item) return null;
  const now = new Date();
  const from = mondayWeeksBefore(now, CHART_WEEKS);
  const x = t('chartDate');
  return (
    <section aria-labelledby="senaste-veckorna" className="recent-weeks">
      <h2 id="senaste-veckorna">{t('chartTitle')}</h2>
      <SelectField label={t('chartItem')} value={item} onChange={(event) => setChosen(event.target.value)}>
        {items.map((code) => (
          <option key={code} value={code}>
            {info.name(code)}
          </option>
        ))}
      </SelectField>
      <QueryState query={reports}>
        {(answer) => {
          const rows = answer.reports
            .filter((report) => stockholmDate(report.reportedAt) >= from)
            .map((report) => ({ report, line: report.lines.find((l) => l.item === item) }))
            .filter((r): r is { report: (typeof answer.reports)[number]; line: Schemas['ReportLineDto'] } => r.line !== undefined)
            .reverse()
            .map(({ report, line }) => ({
              [x]: `${formatDate(report.reportedAt, language)} (v. ${weekNumber(report.period)})`,
              onHand: line.onHand,
              used: line.usedSinceLastReport,
              requested: line.requested,
            }));
          if (rows.length === 0) return <EmptyState title={t('chartEmpty', { item: info.name(item) })} />;
          return (
            <>
              <Chart
                kind="bar"
                caption={t('chartCaption', { item: info.name(item), week: weekNumber(isoWeek(new Date(`${from}T12:00:00Z`))) })}
                x={x}
                data={rows}
                series={[
                  { key: 'onHand', label: t('seriesOnHand'), color: CHART_COLORS[0] },
                  { key: 'used', label: t('seriesUsed'), color: CHART_COLORS[1] },
                  { key: 'requested', label: t('seriesRequested'), color: CHART_COLORS[2] },
                ]}
              />
              <p className="muted">{t('chartExplain')}</p>
            </>
          );
        }}
      </QueryState>
    </section>
  );
};

/** "Vårt lager": the municipality's projected stock per item, following new events by polling. */
export const StockPage = () => {
  const t = useTexts(texts);
  const shared = useTexts(common);
  const { language } = useLanguage();
  const code = useMunicipalityCode();
  const municipality = useMunicipalityName()(code);
  const stock = useOwnStock();
  const thisWeek = isoWeek();
  return (
    <Page
      title={t('stockTitle')}
      intro={
        <p>
          {t('stockIntro', { municipality })} {shared('liveNote', { seconds: LIVE_REFRESH_MS / 1000 })}
        </p>
      }
      actions={<ButtonLink to={paths.report}>{t('submitReport')}</ButtonLink>}
    >
      <QueryState query={stock}>
        {(answer) => {
          const last = answer.lastReport;
          if (!last && answer.items.length === 0) {
            return (
              <EmptyState title={t('stockEmptyTitle')}>
                <p>{t('stockEmptyText')}</p>
                <p>
                  <Link to={paths.report}>{t('stockEmptyLink')}</Link>
                </p>
              </EmptyState>
            );
          }
          const reportedThisWeek = last !== null && isoWeek(new Date(last.reportedAt)) === thisWeek;
          return (
            <>
              {reportedThisWeek ? (
                <p className="alert alert-success">{t('weekReportDone', { week: weekNumber(thisWeek) })}</p>
              ) : (
                <p className="alert alert-warning">
                  {t('weekReportMissing', { week: weekNumber(thisWeek) })} <Link to={paths.report}>{t('weekReportMissingLink')}</Link>
                </p>
              )}
              <dl className="facts card">
                <dt>{t('lastReport')}</dt>
                <dd>
                  {last ? (
                    <>
                      <Link to={`${paths.reports}#${reportAnchor(last.reportId)}`}>
                        {t('lastReportValue', { week: weekNumber(isoWeek(new Date(last.reportedAt))), time: formatDateTime(last.reportedAt, language) })}
                      </Link>
                      {last.corrected ? ` (${t('corrected')})` : null}
                    </>
                  ) : (
                    '–'
                  )}
                </dd>
                <dt>{t('infections')}</dt>
                <dd>{formatNumber(last?.infections, language)}</dd>
                <dt>{t('overallStatus')}</dt>
                <dd>
                  <StatusBadge status={answer.status} />
                </dd>
              </dl>
              <StockTable stock={answer} />
              <RecentWeeks items={answer.items.filter((i) => i.lastCounted !== null).map((i) => i.item)} />
            </>
          );
        }}
      </QueryState>
    </Page>
  );
};

export default StockPage;
