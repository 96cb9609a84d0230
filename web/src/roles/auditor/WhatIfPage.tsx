import { useMutation } from '@tanstack/react-query';
import { type FormEvent, type ReactNode, type Ref, useEffect, useRef, useState } from 'react';
import { Link, useParams } from 'react-router';
import { api, ApiError, data, type Schemas } from '../../api/client.js';
import { useItemName, useMunicipalityName } from '../../api/reference.js';
import { formatDateTime, formatNumber } from '../../i18n/format.js';
import { useLanguage, useTexts } from '../../i18n/language.js';
import { SelectField, TextField } from '../../ui/Field.js';
import { Page } from '../../ui/Page.js';
import { ProblemMessage, QueryState } from '../../ui/states.js';
import { useRound } from './DecisionPage.js';
import { decisionPath, hasText, orderedParameters, useFieldName, useValueText } from './shared.js';
import { auditorTexts, fieldTexts } from './texts.js';

type Round = Schemas['AllocationRoundWithDriftDto'];
type Report = Schemas['WhatIfReport'];
type Line = Schemas['LineComparisonDto'];
type Parameters = Record<string, number | boolean>;

/**
 * The policy versions the service runs (its what-if refuses any other, naming the field). The
 * service has no route that lists them; its OpenAPI document names them in the what-if's
 * description, and this list follows it. The recorded policy is always offered, listed or not.
 */
const KNOWN_POLICIES = ['need-weighted/2', 'need-weighted/1'] as const;

const policyIdOf = (round: Round) => `${round.proposal.policy.name}/${round.proposal.policy.version}`;

/** A parameter's field: a number, or a flag as a checkbox, with what the decision used beside it. */
const ParameterField = ({
  name,
  recorded,
  value,
  error,
  onChange,
}: {
  name: string;
  recorded: number | boolean;
  value: string | boolean;
  error: string | undefined;
  onChange: (value: string | boolean) => void;
}) => {
  const t = useTexts(auditorTexts);
  const fieldName = useFieldName();
  const f = useTexts(fieldTexts);
  const { language } = useLanguage();
  const asDecided = typeof recorded === 'boolean' ? f(recorded ? 'value.true' : 'value.false') : formatNumber(recorded, language, 2);
  const hintKey = `param.${name}.hint`;
  const label = fieldName(name);
  const hint = (
    <>
      {hasText(auditorTexts, hintKey) ? `${t(hintKey)} ` : null}
      {t('asDecided', { value: asDecided })}
    </>
  );
  if (typeof recorded === 'boolean') {
    return (
      <div className={`field field-check${error ? ' field-invalid' : ''}`}>
        <input
          type="checkbox"
          id={`param-${name}`}
          name={name}
          checked={value === true}
          aria-describedby={`param-${name}-hint${error ? ` param-${name}-error` : ''}`}
          aria-invalid={error ? true : undefined}
          onChange={(e) => onChange(e.target.checked)}
        />
        <label htmlFor={`param-${name}`}>{label}</label>
        <p className="hint" id={`param-${name}-hint`}>
          {hint}
        </p>
        {error ? (
          <p className="field-error" id={`param-${name}-error`}>
            {error}
          </p>
        ) : null}
      </div>
    );
  }
  return (
    <TextField
      id={`param-${name}`}
      name={name}
      type="number"
      step="any"
      inputMode="decimal"
      label={label}
      hint={hint}
      error={error}
      value={String(value)}
      onChange={(e) => onChange(e.target.value)}
    />
  );
};

/** A change in units, in words and sign: "+120 fler", never by colour alone. */
const Change = ({ change }: { change: number }) => {
  const t = useTexts(auditorTexts);
  const { language } = useLanguage();
  if (change === 0) return <span className="muted">{t('changeNone')}</span>;
  const n = formatNumber(Math.abs(change), language);
  return <strong>{change > 0 ? `+${t('changeMore', { n })}` : `−${t('changeLess', { n })}`}</strong>;
};

const differs = (l: Line) => l.change !== 0 || l.recorded.need !== l.whatIf.need || l.recorded.unmet !== l.whatIf.unmet;

/** A header cell of one side of the comparison: the side is in its name for screen readers, above it for the eye. */
const SideHeader = ({ side, children }: { side: string; children: ReactNode }) => (
  <th scope="col" className="num">
    <span className="visually-hidden">{side}: </span>
    {children}
  </th>
);

const Comparison = ({ report, round, headingRef }: { report: Report; round: Round; headingRef: Ref<HTMLHeadingElement> }) => {
  const t = useTexts(auditorTexts);
  const { language } = useLanguage();
  const itemName = useItemName();
  const municipalityName = useMunicipalityName();
  const fieldName = useFieldName();
  const value = useValueText();
  const [onlyChanged, setOnlyChanged] = useState(false);
  const n = (x: number | null) => formatNumber(x, language);
  const changed = report.lines.filter(differs);
  const shown = onlyChanged ? changed : report.lines;
  const decision = t('decisionSide');
  const whatIf = t('whatIfSide');
  const parameterNames = orderedParameters({ ...report.recorded.parameters, ...report.whatIf.parameters }).map(([name]) => name);
  const cell = (recorded: number | null, other: number | null) => (
    <td className={`num${recorded !== other ? ' cell-changed' : ''}`}>{recorded !== other ? <strong>{n(other)}</strong> : n(other)}</td>
  );
  return (
    <section aria-labelledby="resultat-heading" className="what-if-result">
      <h2 id="resultat-heading" ref={headingRef} tabIndex={-1}>
        {t('whatIfResult')}
      </h2>
      <p className="alert">
        {changed.length === 0 ? t('whatIfUnchanged') : t('whatIfChanged', { count: changed.length, total: report.lines.length })} {t('whatIfNothingWritten')}
      </p>
      <p className="muted">
        {t('whatIfComparedWith')}
        {round.decision?.amendments.length ? ` ${t('whatIfAmended', { count: round.decision.amendments.length })}` : null}
      </p>
      <div className="table-wrap">
        <table className="compare">
          <caption>{t('parameters')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('parameter')}</th>
              <th scope="col">{decision}</th>
              <th scope="col">{whatIf}</th>
            </tr>
          </thead>
          <tbody>
            <tr className={report.recorded.policy !== report.whatIf.policy ? 'row-changed' : undefined}>
              <th scope="row">{t('policy')}</th>
              <td>{report.recorded.policy}</td>
              <td>{report.recorded.policy !== report.whatIf.policy ? <strong>≠ {report.whatIf.policy}</strong> : report.whatIf.policy}</td>
            </tr>
            {parameterNames.map((name) => {
              const was = report.recorded.parameters[name];
              const is = report.whatIf.parameters[name];
              return (
                <tr key={name} className={was !== is ? 'row-changed' : undefined}>
                  <th scope="row">{fieldName(name)}</th>
                  <td>{value(was)}</td>
                  <td>{was !== is ? <strong>≠ {value(is)}</strong> : value(is)}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      <div className="table-wrap">
        <table className="compare">
          <caption>{t('whatIfItemsCaption')}</caption>
          <thead>
            <tr>
              <td />
              <th scope="colgroup" colSpan={2} className="side">
                {t('allocated')}
              </th>
              <th scope="colgroup" colSpan={2} className="side">
                {t('unmet')}
              </th>
            </tr>
            <tr>
              <th scope="col">{t('item')}</th>
              <SideHeader side={t('allocated')}>{decision}</SideHeader>
              <SideHeader side={t('allocated')}>{whatIf}</SideHeader>
              <SideHeader side={t('unmet')}>{decision}</SideHeader>
              <SideHeader side={t('unmet')}>{whatIf}</SideHeader>
            </tr>
          </thead>
          <tbody>
            {report.items.map((i) => (
              <tr key={i.item} className={i.recordedAllocated !== i.whatIfAllocated || i.recordedUnmet !== i.whatIfUnmet ? 'row-changed' : undefined}>
                <th scope="row">{itemName(i.item)}</th>
                <td className="num">{n(i.recordedAllocated)}</td>
                {cell(i.recordedAllocated, i.whatIfAllocated)}
                <td className="num">{n(i.recordedUnmet)}</td>
                {cell(i.recordedUnmet, i.whatIfUnmet)}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div className="field field-check">
        <input type="checkbox" id="only-changed" checked={onlyChanged} onChange={(e) => setOnlyChanged(e.target.checked)} />
        <label htmlFor="only-changed">{t('onlyChanged')}</label>
      </div>
      <div className="table-wrap">
        <table className="compare">
          <caption>{t('whatIfLinesCaption')}</caption>
          <thead>
            <tr>
              <td colSpan={2} />
              <th scope="colgroup" colSpan={3} className="side">
                {decision}
              </th>
              <th scope="colgroup" colSpan={3} className="side side-what-if">
                {whatIf}
              </th>
              <td />
            </tr>
            <tr>
              <th scope="col">{t('municipality')}</th>
              <th scope="col">{t('item')}</th>
              <SideHeader side={decision}>{t('need')}</SideHeader>
              <SideHeader side={decision}>{t('quantity')}</SideHeader>
              <SideHeader side={decision}>{t('unmet')}</SideHeader>
              <SideHeader side={whatIf}>{t('need')}</SideHeader>
              <SideHeader side={whatIf}>{t('quantity')}</SideHeader>
              <SideHeader side={whatIf}>{t('unmet')}</SideHeader>
              <th scope="col">{t('change')}</th>
            </tr>
          </thead>
          <tbody>
            {shown.map((l) => {
              const isChanged = differs(l);
              return (
                <tr key={`${l.municipality}-${l.item}`} className={isChanged ? 'row-changed' : undefined}>
                  <th scope="row">
                    {isChanged ? (
                      <span className="tag-changed">
                        <span aria-hidden="true">≠ </span>
                        <span className="visually-hidden">{t('changedRow')}: </span>
                      </span>
                    ) : null}
                    {municipalityName(l.municipality)}
                  </th>
                  <td>{itemName(l.item)}</td>
                  <td className="num">{n(l.recorded.need)}</td>
                  <td className="num">{n(l.recorded.quantity)}</td>
                  <td className="num side-end">{n(l.recorded.unmet)}</td>
                  {cell(l.recorded.need, l.whatIf.need)}
                  {cell(l.recorded.quantity, l.whatIf.quantity)}
                  {cell(l.recorded.unmet, l.whatIf.unmet)}
                  <td>
                    <Change change={l.change} />
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      <p>
        <Link to={decisionPath(round.allocationId)}>← {t('backToRound')}</Link>
      </p>
    </section>
  );
};

const WhatIfForm = ({ round }: { round: Round }) => {
  const t = useTexts(auditorTexts);
  const recordedPolicy = policyIdOf(round);
  const [policy, setPolicy] = useState(recordedPolicy);
  const [values, setValues] = useState<Record<string, string | boolean>>(() =>
    Object.fromEntries(Object.entries(round.proposal.parameters).map(([k, v]) => [k, typeof v === 'boolean' ? v : String(v)])),
  );
  const run = useMutation({
    mutationFn: (body: Schemas['WhatIfDto']) =>
      data(api.POST('/api/audit/allocation-rounds/{id}/what-if', { params: { path: { id: round.allocationId } }, body })),
  });
  const result = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    if (run.isSuccess) result.current?.focus();
  }, [run.isSuccess, run.data]);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    // Every parameter as the form shows it: with another policy, what is on screen is what runs.
    // A blank number goes as null, and the service names the field it refuses.
    const parameters: Parameters = Object.fromEntries(
      Object.entries(values).map(([k, v]) => [k, typeof v === 'boolean' ? v : v.trim() === '' ? (null as unknown as number) : Number(v)]),
    );
    run.mutate({ policy, parameters });
  };
  const error = run.error instanceof ApiError ? run.error : undefined;
  const policies = [recordedPolicy, ...KNOWN_POLICIES.filter((p) => p !== recordedPolicy)];
  return (
    <>
      <form onSubmit={submit} noValidate className="what-if-form">
        <fieldset>
          <legend>{t('whatIfForm')}</legend>
          <SelectField
            label={t('whatIfPolicy')}
            hint={t('whatIfPolicyHint', { policy: recordedPolicy })}
            name="policy"
            value={policy}
            error={error?.fieldMessage('policy')}
            onChange={(e) => setPolicy(e.target.value)}
          >
            {policies.map((p) => {
              const key = `policy.${p}`;
              return (
                <option key={p} value={p}>
                  {hasText(auditorTexts, key) ? `${t(key)} – ${p}` : p}
                </option>
              );
            })}
          </SelectField>
          {orderedParameters(round.proposal.parameters).map(([name, recorded]) => (
            <ParameterField
              key={name}
              name={name}
              recorded={recorded}
              value={values[name] ?? ''}
              error={error?.fieldMessage(`parameters.${name}`)}
              onChange={(v) => setValues((previous) => ({ ...previous, [name]: v }))}
            />
          ))}
        </fieldset>
        <div className="button-row">
          <button type="submit" className="primary" disabled={run.isPending}>
            {t('whatIfRun')}
          </button>
        </div>
      </form>
      <div aria-live="polite">
        {run.isPending ? (
          <p role="status" className="loading">
            {t('whatIfRunning')}
          </p>
        ) : null}
        {run.isError ? <ProblemMessage error={run.error} /> : null}
      </div>
      {run.data && !run.isPending ? <Comparison report={run.data} round={round} headingRef={result} /> : null}
    </>
  );
};

/** "Tänk om": the round's recorded inputs under another policy or parameters, beside what was decided. Writes nothing. */
export const WhatIfPage = () => {
  const t = useTexts(auditorTexts);
  const { language } = useLanguage();
  const { allocationId = '' } = useParams();
  const round = useRound(allocationId);
  const title = round.data ? t('whatIfTitle', { time: formatDateTime(round.data.proposal.proposedAt, language) }) : t('whatIf');
  return (
    <Page title={title} intro={<p>{t('whatIfIntro')}</p>}>
      <p>
        <Link to={decisionPath(allocationId)}>← {t('backToRound')}</Link>
      </p>
      <QueryState query={round}>{(r) => <WhatIfForm round={r} />}</QueryState>
    </Page>
  );
};
