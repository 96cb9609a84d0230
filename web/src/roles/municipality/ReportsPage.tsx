import { type FormEvent, useEffect, useMemo, useRef, useState } from 'react';
import { Link } from 'react-router';
import type { Schemas } from '../../api/client.js';
import { useMunicipalityName } from '../../api/reference.js';
import { useCommand } from '../../commands/commands.js';
import { formatDateTime, formatNumber } from '../../i18n/format.js';
import { useLanguage, useTexts } from '../../i18n/language.js';
import { CommandFeedback } from '../../ui/CommandFeedback.js';
import { TextAreaField, TextField } from '../../ui/Field.js';
import { Page } from '../../ui/Page.js';
import { EmptyState, QueryState } from '../../ui/states.js';
import { fieldId, isBlank, type LineField, type LineValues, type LocalProblem, readUnits, reportLines, serverProblems } from './form.js';
import {
  ErrorSummary,
  LinesEditor,
  OutboxFollowUp,
  paths,
  refusalDetail,
  reportAnchor,
  splitLineKey,
  useItemInfo,
  useLineColumnLabel,
  useStartAtHash,
  useWordProblems,
  weekNumber,
} from './parts.js';
import { useMunicipalityCode, useOwnReports } from './queries.js';
import { texts } from './texts.js';
import { ButtonLink } from '../../ui/ButtonLink.js';

type Report = Schemas['SituationReportDto'];
const ROUTE = '/api/municipalities/{code}/reports/{reportId}/corrections';
type CorrectionCommand = ReturnType<typeof useCommand<typeof ROUTE>>;
/** The newest reports shown at first; the rest one click away (or at once, when a link points at an older one). */
const FIRST = 12;

const valuesOf = (report: Report): Record<string, LineValues> =>
  Object.fromEntries(
    report.lines.map((line) => [
      line.item,
      { onHand: String(line.onHand), usedSinceLastReport: String(line.usedSinceLastReport), requested: String(line.requested) },
    ]),
  );

/**
 * A correction of one report: its figures as they stand now, to change, and the reason (required:
 * the county sees why a figure changed). Every catalogue item is a row; a row emptied leaves the
 * report's figures without that item, as the service records a correction's lines in place of the
 * report's.
 */
const CorrectionForm = ({ report, command, onClose }: { report: Report; command: CorrectionCommand; onClose: () => void }) => {
  const t = useTexts(texts);
  const code = useMunicipalityCode();
  const municipalityName = useMunicipalityName()(code);
  const info = useItemInfo();
  const column = useLineColumnLabel();
  const word = useWordProblems();
  const form = `correction-${report.reportId}`;
  const [infections, setInfections] = useState(String(report.infections));
  const [values, setValues] = useState<Record<string, LineValues>>(() => valuesOf(report));
  const [reason, setReason] = useState('');
  const [local, setLocal] = useState<readonly LocalProblem[]>([]);
  const [sentItems, setSentItems] = useState<readonly string[]>([]);
  const [attempt, setAttempt] = useState(0);
  const earlier = useMemo(() => new Map(report.lines.map((line) => [line.item, line])), [report]);
  useEffect(() => {
    // Opened with a button: start at the first field of the form, the figures are prefilled.
    document.getElementById(fieldId(form, 'infections'))?.focus();
  }, [form]);

  const setLine = (item: string, field: LineField, value: string) =>
    setValues((all) => ({ ...all, [item]: { ...(all[item] ?? { onHand: '', usedSinceLastReport: '', requested: '' }), [field]: value } }));
  const label = (key: string) => {
    const line = splitLineKey(key);
    if (line) return column(line[1]);
    return key === 'infections' ? t('infections') : key === 'reason' ? t('reason') : key === 'lines' ? t('linesCaption') : key;
  };
  const itemOf = (key: string) => {
    const line = splitLineKey(key);
    return line ? info.name(line[0]) : undefined;
  };
  const refused = command.state.status === 'refused' ? command.state.error : undefined;
  const shown = local.length ? word({ local }, label, itemOf) : refused ? word({ server: serverProblems(refused, sentItems) }, label, itemOf) : [];
  const beside = new Map(shown.map((p) => [p.key, p.beside]));

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const problems: LocalProblem[] = [];
    const infectionCount = readUnits('infections', infections, problems);
    const built = reportLines(
      info.items.map((item) => item.code),
      values,
    );
    problems.push(...built.problems);
    if (isBlank(reason)) problems.push({ key: 'reason', code: 'required' });
    setLocal(problems);
    setAttempt((n) => n + 1);
    if (problems.length > 0) return;
    setSentItems(built.sentItems);
    const outcome = await command.submit({
      route: ROUTE,
      params: { code, reportId: report.reportId },
      body: { infections: infectionCount, lines: built.lines, reason: reason.trim() },
      label: t('correctionLabel', { week: weekNumber(report.period), municipality: municipalityName }),
    });
    if (outcome.status === 'refused') setAttempt((n) => n + 1);
    else onClose();
  };

  return (
    <form onSubmit={(event) => void submit(event)} noValidate aria-labelledby={`${form}-title`} className="correction">
      <h3 id={`${form}-title`}>{t('correctionTitle', { week: weekNumber(report.period) })}</h3>
      <p className="hint">{t('correctionIntro')}</p>
      {shown.length || refused ? (
        <ErrorSummary
          form={form}
          title={t('errorTitleCorrection')}
          detail={!local.length && refused ? refusalDetail(refused, shown.length) : undefined}
          problems={shown}
          attempt={attempt}
        />
      ) : null}
      <TextField
        id={fieldId(form, 'infections')}
        inputMode="numeric"
        autoComplete="off"
        label={t('infections')}
        error={beside.get('infections')}
        value={infections}
        onChange={(event) => setInfections(event.target.value)}
      />
      <LinesEditor form={form} caption={t('linesCaption')} values={values} onChange={setLine} earlier={earlier} earlierLabel="currentValue" problems={beside} />
      <TextAreaField
        id={fieldId(form, 'reason')}
        label={t('reason')}
        hint={t('reasonHint')}
        error={beside.get('reason')}
        value={reason}
        maxLength={1000}
        onChange={(event) => setReason(event.target.value)}
      />
      <div className="button-row">
        <button type="submit" className="primary" disabled={command.state.status === 'sending'}>
          {t('sendCorrection')}
        </button>
        <button type="button" onClick={onClose}>
          {t('cancel')}
        </button>
      </div>
    </form>
  );
};

/** One report: when, who, its figures as they stand, its corrections, and the way to correct it. */
const ReportCard = ({ report, highlighted }: { report: Report; highlighted: boolean }) => {
  const t = useTexts(texts);
  const { language } = useLanguage();
  const info = useItemInfo();
  const command = useCommand<typeof ROUTE>({ queue: true });
  const [open, setOpen] = useState(false);
  const opener = useRef<HTMLButtonElement>(null);
  const anchor = reportAnchor(report.reportId);
  const heading = t('reportHeading', { week: weekNumber(report.period), time: formatDateTime(report.reportedAt, language) });
  const close = () => {
    setOpen(false);
    // Back to where the form was opened, so the keyboard does not start over at the top of the page.
    window.setTimeout(() => opener.current?.focus(), 0);
  };
  return (
    <section id={anchor} tabIndex={-1} aria-labelledby={`${anchor}-title`} className={`card report${highlighted ? ' highlighted' : ''}`}>
      <h2 id={`${anchor}-title`}>{heading}</h2>
      <dl className="facts">
        <dt>{t('infections')}</dt>
        <dd>{formatNumber(report.infections, language)}</dd>
        <dt>{t('reportedBy')}</dt>
        <dd>{report.reportedBy.name ?? report.reportedBy.sub}</dd>
        <dt>{t('recordedAt')}</dt>
        <dd>{formatDateTime(report.recordedAt, language)}</dd>
        <dt>{t('corrections')}</dt>
        <dd>
          {report.corrections === 0
            ? t('noCorrections')
            : t('correctionsValue', {
                count: report.corrections,
                time: formatDateTime(report.lastCorrectedAt, language),
                reason: report.lastCorrectionReason ?? '',
              })}
        </dd>
      </dl>
      <div className="table-wrap">
        <table>
          <caption>{t('reportLinesCaption', { week: weekNumber(report.period) })}</caption>
          <thead>
            <tr>
              <th scope="col">{t('colItem')}</th>
              <th scope="col" className="num">
                {t('colOnHandShort')}
              </th>
              <th scope="col" className="num">
                {t('colUsedShort')}
              </th>
              <th scope="col" className="num">
                {t('colRequestedShort')}
              </th>
            </tr>
          </thead>
          <tbody>
            {report.lines.map((line) => (
              <tr key={line.item}>
                <th scope="row">
                  {info.name(line.item)} <span className="muted">({info.unit(line.item)})</span>
                </th>
                <td className="num">{formatNumber(line.onHand, language)}</td>
                <td className="num">{formatNumber(line.usedSinceLastReport, language)}</td>
                <td className="num">{formatNumber(line.requested, language)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <CommandFeedback state={command.state.status === 'refused' ? { status: 'idle' } : command.state} recordedText={t('correctionRecorded')} />
      {command.state.status === 'queued' ? <OutboxFollowUp sentLink={`${paths.reports}#${anchor}`} sentText={t('outboxSentLink')} /> : null}
      {open ? (
        <CorrectionForm report={report} command={command} onClose={close} />
      ) : (
        <button
          type="button"
          ref={opener}
          aria-describedby={`${anchor}-title`}
          onClick={() => {
            command.reset();
            setOpen(true);
          }}
        >
          {t('correct')}
        </button>
      )}
    </section>
  );
};

/** "Rapporter": the municipality's reports, newest first, each correctable with a reason. */
export const ReportsPage = () => {
  const t = useTexts(texts);
  const reports = useOwnReports();
  const [showAll, setShowAll] = useState(false);
  const target = useStartAtHash(reports.data !== undefined);

  return (
    <Page title={t('reportsTitle')} intro={<p>{t('reportsIntro')}</p>} actions={<ButtonLink to={paths.report}>{t('newReport')}</ButtonLink>}>
      <QueryState query={reports}>
        {(answer) => {
          if (answer.reports.length === 0) {
            return (
              <EmptyState title={t('reportsEmptyTitle')}>
                <p>{t('reportsEmptyText')}</p>
                <p>
                  <Link to={paths.report}>{t('newReport')}</Link>
                </p>
              </EmptyState>
            );
          }
          const targetIndex = answer.reports.findIndex((r) => reportAnchor(r.reportId) === target);
          const count = showAll || targetIndex >= FIRST ? answer.reports.length : Math.min(FIRST, answer.reports.length);
          return (
            <>
              {answer.reports.slice(0, count).map((report) => (
                <ReportCard key={report.reportId} report={report} highlighted={reportAnchor(report.reportId) === target} />
              ))}
              {count < answer.reports.length ? (
                <button type="button" onClick={() => setShowAll(true)}>
                  {t('showAllReports', { count: answer.reports.length })}
                </button>
              ) : null}
            </>
          );
        }}
      </QueryState>
    </Page>
  );
};

export default ReportsPage;
