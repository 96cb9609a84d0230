import { type MouseEvent, useEffect, useRef } from 'react';
import { Link, useLocation } from 'react-router';
import type { ApiError, Schemas } from '../../api/client.js';
import { useItems } from '../../api/reference.js';
import { useOutbox } from '../../commands/commands.js';
import { formatNumber } from '../../i18n/format.js';
import { useLanguage, useTexts } from '../../i18n/language.js';
import {
  fieldId,
  LINE_FIELDS,
  type LineField,
  lineKey,
  type LineValues,
  EMPTY_LINE,
  type LocalProblem,
  type ServerProblem,
  wordServerMessage,
} from './form.js';
import { type TextKey, texts } from './texts.js';

/** The building blocks the municipality's screens share. */

export const BASE = '/kommun';
export const paths = {
  stock: BASE,
  report: `${BASE}/lagesrapport`,
  reports: `${BASE}/rapporter`,
  deliveries: `${BASE}/leveranser`,
} as const;

export const reportAnchor = (reportId: string): string => `rapport-${reportId}`;
export const deliveryAnchor = (deliveryId: string): string => `leverans-${deliveryId}`;

/** `2026-W10` → `10`: the week as people here say it ("vecka 10"). */
export const weekNumber = (period: string): string => String(Number(period.slice(period.indexOf('W') + 1)));

export type StockStatus = Schemas['StockStatus'];

/** An item's name and counting unit in the page's language. */
export const useItemInfo = () => {
  const items = useItems();
  const { language } = useLanguage();
  const t = useTexts(texts);
  const byCode = new Map((items.data?.items ?? []).map((item) => [item.code, item]));
  return {
    items: items.data?.items ?? [],
    loading: items.isPending,
    name: (code: string) => {
      const item = byCode.get(code);
      return item ? (language === 'sv' ? item.nameSv : item.nameEn) : code;
    },
    unit: (code: string) => {
      const unit = byCode.get(code)?.unit;
      if (!unit) return '';
      const key = `unit.${unit}` as TextKey;
      return key in texts.sv ? t(key) : unit;
    },
  };
};

/** One problem as the form shows it: beside its field, and in the summary at the top. */
export interface ShownProblem {
  readonly key: string;
  readonly beside: string;
  readonly summary: string;
}

/**
 * Words a form's problems. `label` names a field (for a line: its column); `item` is the item of a
 * line field, which the summary needs and the field beside its row does not.
 */
export const useWordProblems = () => {
  const t = useTexts(texts);
  return (
    problems: { local: readonly LocalProblem[] } | { server: readonly ServerProblem[] },
    label: (key: string) => string,
    item: (key: string) => string | undefined,
  ): ShownProblem[] => {
    if ('local' in problems) {
      return problems.local.map((p) => {
        const beside =
          p.code === 'noLines'
            ? t('errorNoLines')
            : p.code === 'wholeNumber'
              ? t('errorWholeNumber')
              : /(^|\.)reason$/.test(p.key)
                ? t('errorReasonRequired')
                : t('errorRequired');
        const where = item(p.key) ? `${item(p.key)}, ${label(p.key)}` : label(p.key);
        return { key: p.key, beside, summary: p.code === 'noLines' ? beside : `${where}: ${beside}` };
      });
    }
    return problems.server.map((p) => {
      const beside = wordServerMessage(p, label(p.key));
      // A message with the field's path now carries its label; one without (a rule about the field) gets it in front.
      const where = p.path ? item(p.key) : item(p.key) ? `${item(p.key)}, ${label(p.key)}` : label(p.key);
      return { key: p.key, beside, summary: where ? `${where}: ${beside}` : beside };
    });
  };
};

/** The refusal's own words above the list: its title, and its detail too when no field carries it. */
export const refusalDetail = (error: ApiError, fieldsShown: number): string =>
  fieldsShown > 0 || !error.problem.detail ? error.problem.title : `${error.problem.title}: ${error.problem.detail}`;

/**
 * The list of what to correct, at the top of a form, each entry a link to its field. It takes focus
 * each time a submission fails (`attempt` changes), so a keyboard or screen reader user lands on it.
 */
export const ErrorSummary = ({
  form,
  title,
  detail,
  problems,
  attempt,
}: {
  form: string;
  title: string;
  detail?: string;
  problems: readonly ShownProblem[];
  attempt: number;
}) => {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    box.current?.focus();
  }, [attempt]);
  const focusField = (event: MouseEvent<HTMLAnchorElement>, key: string) => {
    // A problem of a whole table ("fill in at least one item") leads to its first field.
    const found = document.getElementById(fieldId(form, key));
    const target = found?.matches('input, select, textarea') ? found : (found?.querySelector<HTMLElement>('input, select, textarea') ?? found);
    if (!target) return;
    event.preventDefault();
    target.focus();
    target.scrollIntoView({ block: 'center' });
  };
  return (
    <div className="alert alert-error error-summary" role="alert" tabIndex={-1} ref={box} aria-labelledby={`${form}-error-title`}>
      <h2 id={`${form}-error-title`}>{title}</h2>
      {detail ? <p>{detail}</p> : null}
      {problems.length ? (
        <ul>
          {problems.map((p) => (
            <li key={p.key}>
              <a href={`#${fieldId(form, p.key)}`} onClick={(event) => focusField(event, p.key)}>
                {p.summary}
              </a>
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
};

/** Column labels of the lines table, by field. */
const COLUMN: Record<LineField, TextKey> = { onHand: 'colOnHand', usedSinceLastReport: 'colUsed', requested: 'colRequested' };
export const useLineColumnLabel = () => {
  const t = useTexts(texts);
  return (field: string) => (field in COLUMN ? t(COLUMN[field as LineField]) : field);
};

/** The line key's item and field: `lines.FFP2.onHand` → ['FFP2', 'onHand']. */
export const splitLineKey = (key: string): [string, string] | undefined => {
  const match = /^lines\.(.+)\.(\w+)$/.exec(key);
  return match ? [match[1]!, match[2]!] : undefined;
};

/**
 * Items as rows, with a whole-number field per figure and the earlier figures under each field
 * ("Förra: 300"), for a report or a correction. Each field is named by its column and its row, so a
 * screen reader says "I lager nu, Andningsskydd FFP2".
 */
export const LinesEditor = ({
  form,
  caption,
  values,
  onChange,
  earlier,
  earlierLabel,
  problems,
}: {
  form: string;
  caption: string;
  values: Readonly<Record<string, LineValues>>;
  onChange: (item: string, field: LineField, value: string) => void;
  earlier: ReadonlyMap<string, Schemas['ReportLineDto']>;
  earlierLabel: 'previousValue' | 'currentValue';
  problems: ReadonlyMap<string, string>;
}) => {
  const t = useTexts(texts);
  const { language } = useLanguage();
  const info = useItemInfo();
  const column = useLineColumnLabel();
  const linesProblem = problems.get('lines');
  return (
    <div className="table-wrap">
      {linesProblem ? (
        <p className="field-error" id={`${form}-lines-error`}>
          {linesProblem}
        </p>
      ) : null}
      <table className="lines-editor" id={fieldId(form, 'lines')} tabIndex={-1} aria-describedby={linesProblem ? `${form}-lines-error` : undefined}>
        <caption>{caption}</caption>
        <thead>
          <tr>
            <th scope="col">{t('colItem')}</th>
            {LINE_FIELDS.map((field) => (
              <th scope="col" key={field} id={`${form}-col-${field}`}>
                {column(field)}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {info.items.map((item) => {
            const rowId = fieldId(form, `row-${item.code}`);
            const row = values[item.code] ?? EMPTY_LINE;
            const before = earlier.get(item.code);
            return (
              <tr key={item.code}>
                <th scope="row" id={rowId}>
                  {info.name(item.code)} <span className="muted">({info.unit(item.code)})</span>
                </th>
                {LINE_FIELDS.map((field) => {
                  const id = fieldId(form, lineKey(item.code, field));
                  const problem = problems.get(lineKey(item.code, field));
                  const describedBy = [before ? `${id}-before` : '', problem ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;
                  return (
                    <td key={field} className={problem ? 'field-invalid' : undefined}>
                      {problem ? (
                        <span className="field-error" id={`${id}-error`}>
                          {problem}
                        </span>
                      ) : null}
                      <input
                        id={id}
                        type="text"
                        inputMode="numeric"
                        autoComplete="off"
                        size={9}
                        aria-labelledby={`${form}-col-${field} ${rowId}`}
                        aria-describedby={describedBy}
                        aria-invalid={problem ? true : undefined}
                        value={row[field]}
                        onChange={(event) => onChange(item.code, field, event.target.value)}
                      />
                      {before ? (
                        <span className="hint" id={`${id}-before`}>
                          {t(earlierLabel, { value: formatNumber(before[field], language) })}
                        </span>
                      ) : null}
                    </td>
                  );
                })}
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
};

/**
 * After a form put its command in the outbox: while it waits, a link to what waits; once the outbox
 * has sent it, say so (the form's "no connection" note would otherwise stay up after the fact).
 */
export const OutboxFollowUp = ({ sentLink, sentText }: { sentLink: string; sentText: string }) => {
  const t = useTexts(texts);
  const outbox = useOutbox();
  const waiting = outbox.entries.some((e) => e.state === 'waiting');
  const refused = outbox.entries.some((e) => e.state === 'refused');
  if (waiting) {
    return (
      <p>
        <Link to="/vantar">{t('outboxLink')}</Link>
      </p>
    );
  }
  if (refused) {
    return (
      <p role="status" className="alert alert-error">
        {t('outboxHasRefused')} <Link to="/vantar">{t('outboxLink')}</Link>
      </p>
    );
  }
  return (
    <p role="status" className="alert alert-success">
      {t('outboxSent')} <Link to={sentLink}>{sentText}</Link>
    </p>
  );
};

/** Whether the outbox still holds a command for this path: a form already sent but not yet delivered. */
export const useWaitingFor = (path: string): boolean => useOutbox().entries.some((e) => e.path === path && e.state === 'waiting');

/**
 * A link to a part of a page (`#rapport-…`, `#pa-vag`): once the content is there (`ready`), start
 * there — scrolled to and focused, after the page has put focus on its heading. Once per address.
 */
export const useStartAtHash = (ready: boolean): string | undefined => {
  const location = useLocation();
  const target = location.hash ? decodeURIComponent(location.hash.slice(1)) : undefined;
  const done = useRef<string | undefined>(undefined);
  useEffect(() => {
    const key = `${location.key}${target}`;
    if (!target || !ready || done.current === key) return;
    const element = document.getElementById(target);
    if (!element) return;
    done.current = key;
    const timer = window.setTimeout(() => {
      if (!element.hasAttribute('tabindex')) element.setAttribute('tabindex', '-1');
      element.focus();
      element.scrollIntoView({ block: 'start' });
    }, 0);
    return () => window.clearTimeout(timer);
  }, [target, ready, location.key]);
  return target;
};
