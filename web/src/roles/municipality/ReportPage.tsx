import { type FormEvent, useMemo, useState } from 'react';
import { Link } from 'react-router';
import { useMunicipalityName } from '../../api/reference.js';
import { useCommand } from '../../commands/commands.js';
import { isoWeek, toStockholmInput } from '../../i18n/format.js';
import { useTexts } from '../../i18n/language.js';
import { CommandFeedback } from '../../ui/CommandFeedback.js';
import { TextField } from '../../ui/Field.js';
import { Page } from '../../ui/Page.js';
import { Loading } from '../../ui/states.js';
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
  useWordProblems,
  weekNumber,
} from './parts.js';
import { useMunicipalityCode, useOwnReports } from './queries.js';
import { texts } from './texts.js';

const FORM = 'report';
const ROUTE = '/api/municipalities/{code}/reports';

/** A refusal that names no field but is about one: a report must describe a moment after the last. */
const FIELD_OF_CODE = { 'REPORTING.OUT_OF_ORDER': 'reportedAt', 'REPORTING.FUTURE_REPORT': 'reportedAt' };

/** The ISO week of a `datetime-local` value: its date is already the Stockholm date. */
const weekOfLocal = (local: string): string => (/^\d{4}-\d{2}-\d{2}/.test(local) ? isoWeek(new Date(`${local.slice(0, 10)}T12:00:00Z`)) : isoWeek());

/**
 * The weekly situation report as one form: when it was counted, infections, and a row per item of
 * the catalogue with last report's figures under each field. Only filled rows are sent. Sent with
 * `queue: true`: without a network it waits in the outbox and goes once the connection is back.
 */
export const ReportPage = () => {
  const t = useTexts(texts);
  const code = useMunicipalityCode();
  const municipalityName = useMunicipalityName()(code);
  const info = useItemInfo();
  const reports = useOwnReports();
  const column = useLineColumnLabel();
  const word = useWordProblems();
  const command = useCommand<typeof ROUTE>({ queue: true });

  const [reportedAt, setReportedAt] = useState(() => toStockholmInput());
  const [infections, setInfections] = useState('');
  const [values, setValues] = useState<Record<string, LineValues>>({});
  const [local, setLocal] = useState<readonly LocalProblem[]>([]);
  const [sentItems, setSentItems] = useState<readonly string[]>([]);
  const [attempt, setAttempt] = useState(0);

  const latest = reports.data?.reports[0];
  const earlier = useMemo(() => new Map((latest?.lines ?? []).map((line) => [line.item, line])), [latest]);

  const setLine = (item: string, field: LineField, value: string) =>
    setValues((all) => ({ ...all, [item]: { ...(all[item] ?? { onHand: '', usedSinceLastReport: '', requested: '' }), [field]: value } }));

  const label = (key: string) => {
    const line = splitLineKey(key);
    if (line) return column(line[1]);
    return key === 'reportedAt' ? t('reportedAt') : key === 'infections' ? t('infections') : key === 'lines' ? t('linesCaption') : key;
  };
  const itemOf = (key: string) => {
    const line = splitLineKey(key);
    return line ? info.name(line[0]) : undefined;
  };

  const refused = command.state.status === 'refused' ? command.state.error : undefined;
  const shown = local.length
    ? word({ local }, label, itemOf)
    : refused
      ? word({ server: serverProblems(refused, sentItems, FIELD_OF_CODE) }, label, itemOf)
      : [];
  const beside = new Map(shown.map((p) => [p.key, p.beside]));

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const problems: LocalProblem[] = [];
    if (isBlank(reportedAt)) problems.push({ key: 'reportedAt', code: 'required' });
    const infectionCount = readUnits('infections', infections, problems);
    const built = reportLines(
      info.items.map((item) => item.code),
      values,
    );
    problems.push(...built.problems);
    setLocal(problems);
    setAttempt((n) => n + 1);
    if (problems.length > 0) return;
    setSentItems(built.sentItems);
    const outcome = await command.submit({
      route: ROUTE,
      params: { code },
      body: { reportedAt, infections: infectionCount, lines: built.lines },
      label: t('reportLabel', { week: weekNumber(weekOfLocal(reportedAt)), municipality: municipalityName }),
    });
    if (outcome.status === 'refused') setAttempt((n) => n + 1);
    else {
      // Recorded or waiting in the outbox: the form is done; a new report starts empty.
      setValues({});
      setInfections('');
      setReportedAt(toStockholmInput());
    }
  };

  const recorded = command.state.status === 'recorded' ? command.state.result : undefined;
  return (
    <Page title={t('reportTitle')} intro={<p>{t('reportIntro')}</p>}>
      {shown.length || refused ? (
        <ErrorSummary
          form={FORM}
          title={t('errorTitle')}
          detail={!local.length && refused ? refusalDetail(refused, shown.length) : undefined}
          problems={shown}
          attempt={attempt}
        />
      ) : null}
      <CommandFeedback
        state={command.state.status === 'refused' ? { status: 'idle' } : command.state}
        recordedText={recorded ? t('reportRecorded', { week: weekNumber(recorded.period) }) : undefined}
      />
      {recorded ? (
        <p>
          <Link to={`${paths.reports}#${reportAnchor(recorded.reportId)}`}>{t('seeReport')}</Link>
        </p>
      ) : null}
      {command.state.status === 'queued' ? <OutboxFollowUp sentLink={paths.reports} sentText={t('outboxSentLink')} /> : null}
      {info.loading ? (
        <Loading />
      ) : (
        <form onSubmit={(event) => void submit(event)} noValidate aria-label={t('reportTitle')}>
          {/* noValidate: the browser's own bubbles speak the browser's language and vanish; the form's messages stay beside the field. */}
          <fieldset>
            <legend>{t('aboutReport')}</legend>
            <TextField
              id={fieldId(FORM, 'reportedAt')}
              type="datetime-local"
              label={t('reportedAt')}
              hint={t('reportedAtHint')}
              error={beside.get('reportedAt')}
              value={reportedAt}
              onChange={(event) => setReportedAt(event.target.value)}
            />
            <TextField
              id={fieldId(FORM, 'infections')}
              inputMode="numeric"
              autoComplete="off"
              label={t('infections')}
              hint={t('infectionsHint')}
              error={beside.get('infections')}
              value={infections}
              onChange={(event) => setInfections(event.target.value)}
            />
          </fieldset>
          <p className="hint">{t('linesHint')}</p>
          <LinesEditor
            form={FORM}
            caption={t('linesCaption')}
            values={values}
            onChange={setLine}
            earlier={earlier}
            earlierLabel="previousValue"
            problems={beside}
          />
          <div className="button-row">
            <button type="submit" className="primary" disabled={command.state.status === 'sending'}>
              {t('sendReport')}
            </button>
          </div>
        </form>
      )}
    </Page>
  );
};

export default ReportPage;
