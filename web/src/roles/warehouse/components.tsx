import { type InputHTMLAttributes, type ReactNode, useCallback, useId, useRef, useState } from 'react';
import type { Schemas } from '../../api/client.js';
import { useItems } from '../../api/reference.js';
import { useLanguage, useTexts } from '../../i18n/language.js';
import { Loading, ProblemMessage } from '../../ui/states.js';
import { type Expiry, expiryOf } from './expiry.js';
import { useWarehouseScope } from './queries.js';
import { shared } from './texts.js';
import './warehouse.css';

/** The warehouse's screens need the user's county and its warehouse: this says so when either is missing. */
export const WarehouseGate = ({ children }: { children: (scope: { county: string; warehouse: Schemas['WarehouseDto'] }) => ReactNode }) => {
  const t = useTexts(shared);
  const { county, warehouse, warehouses } = useWarehouseScope();
  if (!county) return <p className="alert alert-error">{t('noCounty')}</p>;
  if (warehouses.isPending) return <Loading />;
  if (warehouses.isError) return <ProblemMessage error={warehouses.error} onRetry={() => void warehouses.refetch()} />;
  if (!warehouse) return <p className="alert alert-error">{t('noWarehouse')}</p>;
  return <>{children({ county, warehouse })}</>;
};

const EXPIRY_BADGE: Record<Expiry, string> = { expired: 'badge-critical', soon: 'badge-low', ok: 'badge-ok', none: 'badge-unknown' };

/** A lot's expiry in words and colour (never colour alone). */
export const ExpiryBadge = ({ expiresOn, today }: { expiresOn: string | null; today: string }) => {
  const t = useTexts(shared);
  const expiry = expiryOf(expiresOn, today);
  return <span className={`badge ${EXPIRY_BADGE[expiry]}`}>{t(`expiry.${expiry}`)}</span>;
};

const DELIVERY_BADGE: Record<Schemas['DeliveryDto']['status'], string> = {
  'in-transit': 'badge-unknown',
  received: 'badge-ok',
  'received-with-discrepancy': 'badge-low',
};

export const DeliveryStatusBadge = ({ status }: { status: Schemas['DeliveryDto']['status'] }) => {
  const t = useTexts(shared);
  return <span className={`badge ${DELIVERY_BADGE[status]}`}>{t(`delivery.${status}`)}</span>;
};

/** A lot's name, or "no lot" for stock received without one. */
export const LotName = ({ lot }: { lot: string | null }) => {
  const t = useTexts(shared);
  return lot ?? <span className="muted">{t('noLot')}</span>;
};

/** `<option>`s of the catalogue's items (or of the codes given), named in the page's language. */
export const ItemOptions = ({ only }: { only?: readonly string[] }) => {
  const t = useTexts(shared);
  const items = useItems();
  const { language } = useLanguage();
  const list = (items.data?.items ?? []).filter((i) => !only || only.includes(i.code));
  return (
    <>
      <option value="">{t('chooseItem')}</option>
      {list.map((i) => (
        <option key={i.code} value={i.code}>
          {language === 'sv' ? i.nameSv : i.nameEn} ({i.code})
        </option>
      ))}
    </>
  );
};

/** A checkbox with its label after it and its hint and error tied to it, as Field.tsx does for the other inputs. */
export const CheckboxField = ({
  label,
  hint,
  error,
  ...input
}: { label: ReactNode; hint?: ReactNode; error?: string } & InputHTMLAttributes<HTMLInputElement>) => {
  const id = useId();
  const described = [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;
  return (
    <div className={`field checkbox-field${error ? ' field-invalid' : ''}`}>
      {error ? (
        <p className="field-error" id={`${id}-error`}>
          {error}
        </p>
      ) : null}
      <input type="checkbox" id={id} aria-invalid={error ? true : undefined} aria-describedby={described} {...input} />
      <label htmlFor={id}>{label}</label>
      {hint ? (
        <p className="hint" id={`${id}-hint`}>
          {hint}
        </p>
      ) : null}
    </div>
  );
};

/**
 * The editable lines of a form, each with a key of its own, so that removing a line keeps what was
 * typed in the others (and React's inputs) where it was.
 */
export const useLines = <L extends object>(initial: readonly L[], blank: () => L) => {
  const next = useRef(0);
  const keyed = (line: L) => ({ ...line, key: next.current++ });
  const [lines, setLines] = useState(() => (initial.length > 0 ? initial : [blank()]).map(keyed));
  const update = useCallback((key: number, change: Partial<L>) => setLines((all) => all.map((l) => (l.key === key ? { ...l, ...change } : l))), []);
  const remove = useCallback((key: number) => setLines((all) => all.filter((l) => l.key !== key)), []);
  // `blank` and `keyed` are read when a line is added; their identity does not matter.
  const add = useCallback(() => setLines((all) => [...all, keyed(blank())]), []);
  return { lines, update, remove, add };
};
