import type { ChangeEvent, ReactNode } from 'react';
import { useSearchParams } from 'react-router';
import { useMunicipalities } from '../../api/reference.js';
import { useUser } from '../../auth/session.js';
import { formatDateTime, formatNumber } from '../../i18n/format.js';
import { type Texts, useLanguage, useTexts } from '../../i18n/language.js';
import { SelectField } from '../../ui/Field.js';
import { common } from '../../ui/texts.js';
import './auditor.css';
import { auditorTexts, fieldTexts } from './texts.js';

export const BASE = '/revision';

/** Where no county is in the token or the address: the first county of the reference data. */
const DEFAULT_COUNTY = '01';

/** Whether `key` is one of `texts`' keys: for keys built from data (event types, roles, parameter names). */
export const hasText = <K extends string>(texts: Texts<K>, key: string): key is K => Object.hasOwn(texts.sv, key);

/**
 * The county the auditor looks at. A token scoped to a county decides it (the service would refuse
 * any other); an unscoped auditor chooses, and the choice lives in the address (`?lan=`) so that a
 * link or a bookmark opens the same county.
 */
export const useAuditCounty = () => {
  const user = useUser();
  const [params, setParams] = useSearchParams();
  const scoped = user.county !== undefined;
  const county = user.county ?? (/^\d{2}$/.test(params.get('lan') ?? '') ? params.get('lan')! : DEFAULT_COUNTY);
  const choose = (code: string) =>
    setParams(
      (previous) => {
        const next = new URLSearchParams(previous);
        next.set('lan', code);
        return next;
      },
      { replace: true },
    );
  return { county, scoped, choose };
};

/** A county's name by code, from the reference data; the code while it loads. */
export const useCountyName = (): ((code: string) => string) => {
  const reference = useMunicipalities();
  return (code: string) => reference.data?.counties.find((c) => c.code === code)?.name ?? code;
};

/** The county chooser of an unscoped auditor, or a sentence naming the county of a scoped one. */
export const CountyChooser = () => {
  const t = useTexts(auditorTexts);
  const reference = useMunicipalities();
  const countyName = useCountyName();
  const { county, scoped, choose } = useAuditCounty();
  if (scoped) return <p>{t('countyFixed', { county: countyName(county) })}</p>;
  return (
    <SelectField
      label={t('county')}
      hint={t('countyHint')}
      name="county"
      value={county}
      onChange={(e: ChangeEvent<HTMLSelectElement>) => choose(e.target.value)}
    >
      {(reference.data?.counties ?? [{ code: county, name: county }]).map((c) => (
        <option key={c.code} value={c.code}>
          {c.name}
        </option>
      ))}
    </SelectField>
  );
};

/**
 * Parameters in the order the policy's rules use them (docs/allocation.md), whatever order the
 * service's JSON has them in; a parameter not listed here follows, by name.
 */
const PARAMETER_ORDER = ['horizonDays', 'acuteDays', 'infectionWeight', 'wholePacks'];
export const orderedParameters = <V,>(parameters: Record<string, V>): [string, V][] => {
  const rank = (name: string) => (PARAMETER_ORDER.includes(name) ? PARAMETER_ORDER.indexOf(name) : PARAMETER_ORDER.length);
  return Object.entries(parameters).sort(([a], [b]) => rank(a) - rank(b) || a.localeCompare(b));
};

/** A moment in Stockholm time, machine-readable too. */
export const Moment = ({ iso }: { iso: string | null | undefined }) => {
  const { language } = useLanguage();
  return iso ? <time dateTime={iso}>{formatDateTime(iso, language)}</time> : <>–</>;
};

/** A role in words: the common texts know the app's roles; any other (a system actor's) keeps its name. */
export const useRoleName = (): ((role: string) => string) => {
  const c = useTexts(common);
  return (role: string) => {
    const key = `role.${role}`;
    return hasText(common, key) ? c(key) : role;
  };
};

/** Who did something: name, role and the token's subject, which is what the log keys them by. */
export const Who = ({ name, role, sub }: { name: string | null | undefined; role: string; sub: string }) => {
  const t = useTexts(auditorTexts);
  const roleName = useRoleName();
  return <>{name ? t('who', { name, role: roleName(role), sub }) : t('whoNoName', { sub, role: roleName(role) })}</>;
};

/** The address of a stream's timeline, optionally pointing at one of its events. */
export const streamPath = (streamId: string, eventId?: string): string =>
  `${BASE}/strom/${encodeURIComponent(streamId)}${eventId ? `?handelse=${encodeURIComponent(eventId)}` : ''}`;

export const decisionPath = (allocationId: string): string => `${BASE}/beslut/${encodeURIComponent(allocationId)}`;

/** An event type in words, or its stable name when the screens do not know it. */
export const useEventTypeName = (): ((type: string) => string) => {
  const t = useTexts(auditorTexts);
  return (type: string) => {
    const key = `event.${type}`;
    return hasText(auditorTexts, key) ? t(key) : type;
  };
};

/** A field name of recorded data (`projectedStock`) in words; unknown ones as they are. */
export const useFieldName = (): ((field: string) => string) => {
  const f = useTexts(fieldTexts);
  return (field: string) => (field === 'reported' ? f('field.reported') : hasText(fieldTexts, field) ? f(field) : field);
};

/** A recorded value as a person reads it: numbers in Swedish format, flags as yes/no, nothing as a dash. */
export const useValueText = (): ((value: unknown) => ReactNode) => {
  const f = useTexts(fieldTexts);
  const { language } = useLanguage();
  return (value: unknown): ReactNode => {
    if (value === null || value === undefined) return '–';
    if (typeof value === 'number') return formatNumber(value, language, 2);
    if (typeof value === 'boolean') return f(value ? 'value.true' : 'value.false');
    if (typeof value === 'string') return value;
    return <code className="json-inline">{JSON.stringify(value)}</code>;
  };
};
