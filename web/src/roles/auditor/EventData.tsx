import { Fragment, type ReactNode } from 'react';
import { Link } from 'react-router';
import { useItemName, useMunicipalityName } from '../../api/reference.js';
import { formatDateTime, formatNumber } from '../../i18n/format.js';
import { useLanguage, useTexts } from '../../i18n/language.js';
import { decisionPath, hasText, streamPath, useFieldName } from './shared.js';
import { fieldTexts } from './texts.js';

/**
 * An event's data as a person reads it: field names in words, codes as names, times in Stockholm
 * time, lists as tables. It shows the data exactly as recorded (nothing computed), so it works for
 * any event type, also one these screens do not know; the JSON stays one click away beside it.
 */

const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;
/** Ids that name another stream (or a decision): shown as links, so the trail can be followed. */
const LINKED_IDS: Readonly<Record<string, (id: string) => string>> = {
  allocationId: (id) => decisionPath(id),
  deliveryId: (id) => streamPath(`delivery-${id}`),
  purchaseId: (id) => streamPath(`purchase-${id}`),
  nationalRequestId: (id) => streamPath(`national-request-${id}`),
  requestId: (id) => streamPath(`national-request-${id}`),
};
/** Fields whose values are codes of a closed list, named in fieldTexts as `field.value`. */
const ENUM_FIELDS = new Set(['source', 'reason', 'outcome']);
/** Deeper than this, a value is shown as JSON: an allocation's inputs nest four levels. */
const MAX_DEPTH = 3;

const KEY_COLUMNS = ['municipality', 'item', 'streamId'];
const columnRank = (column: string, rows: readonly Record<string, unknown>[]): number =>
  KEY_COLUMNS.includes(column) ? KEY_COLUMNS.indexOf(column) : rows.some((row) => typeof row[column] === 'object' && row[column] !== null) ? 20 : 10;

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

const useScalar = () => {
  const f = useTexts(fieldTexts);
  const { language } = useLanguage();
  const itemName = useItemName();
  const municipalityName = useMunicipalityName();
  return (key: string, value: unknown): ReactNode => {
    if (value === null || value === undefined) return '–';
    if (typeof value === 'boolean') return f(value ? 'value.true' : 'value.false');
    if (typeof value === 'number') return formatNumber(value, language, 2);
    if (typeof value !== 'string') return JSON.stringify(value);
    const link = LINKED_IDS[key];
    if (link) return <Link to={link(value)}>{value}</Link>;
    if (key === 'item') return itemName(value) === value ? value : `${itemName(value)} (${value})`;
    if (key === 'municipality') return municipalityName(value) === value ? value : `${municipalityName(value)} (${value})`;
    const enumKey = `${key}.${value}`;
    if (ENUM_FIELDS.has(key) && hasText(fieldTexts, enumKey)) return f(enumKey);
    if (INSTANT.test(value)) return <time dateTime={value}>{formatDateTime(value, language)}</time>;
    return value;
  };
};

const Value = ({ name, value, depth }: { name: string; value: unknown; depth: number }) => {
  const scalar = useScalar();
  const fieldName = useFieldName();
  if (Array.isArray(value)) {
    if (value.length === 0) return <>–</>;
    if (!value.every(isRecord)) return <>{value.map((v) => scalar(name, v)).reduce<ReactNode[]>((all, v, i) => (i ? [...all, ', ', v] : [v]), [])}</>;
    if (depth >= MAX_DEPTH) return <code className="json-inline">{JSON.stringify(value)}</code>;
    // What a row is about first (its municipality, item, stream), then its figures; nested lists last.
    const columns = [...new Set(value.flatMap((row) => Object.keys(row)))].sort((a, b) => columnRank(a, value) - columnRank(b, value));
    return (
      <div className="table-wrap">
        <table className="data-table" aria-label={fieldName(name)}>
          <thead>
            <tr>
              {columns.map((c) => (
                <th scope="col" key={c} className={value.every((row) => typeof row[c] === 'number') ? 'num' : undefined}>
                  {fieldName(c)}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {value.map((row, i) => (
              <tr key={i}>
                {columns.map((c) => (
                  <td key={c} className={typeof row[c] === 'number' ? 'num' : undefined}>
                    <Value name={c} value={row[c]} depth={depth + 1} />
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    );
  }
  if (isRecord(value)) {
    if (depth >= MAX_DEPTH) return <code className="json-inline">{JSON.stringify(value)}</code>;
    return <Fields data={value} depth={depth + 1} />;
  }
  return <>{scalar(name, value)}</>;
};

const Fields = ({ data, depth }: { data: Record<string, unknown>; depth: number }) => {
  const fieldName = useFieldName();
  return (
    <dl className="facts data-fields">
      {Object.entries(data).map(([key, value]) => (
        <Fragment key={key}>
          <dt>{fieldName(key)}</dt>
          <dd>
            <Value name={key} value={value} depth={depth} />
          </dd>
        </Fragment>
      ))}
    </dl>
  );
};

export const EventData = ({ data }: { data: Record<string, unknown> }) => <Fields data={data} depth={0} />;

/**
 * Why it happened, where the data says: a reason or note, the reason of a line (a delivery's
 * difference) or of an amendment. A stock adjustment's reason is a code and is put in words.
 */
export const useReasons = (): ((data: Record<string, unknown>) => string[]) => {
  const f = useTexts(fieldTexts);
  const itemName = useItemName();
  const municipalityName = useMunicipalityName();
  return (data) => {
    const reasons: string[] = [];
    const text = (v: unknown): v is string => typeof v === 'string' && v.trim() !== '';
    if (text(data.reason)) reasons.push(hasText(fieldTexts, `reason.${data.reason}`) ? f(`reason.${data.reason}` as 'reason.other') : data.reason);
    if (text(data.note)) reasons.push(data.note);
    for (const list of ['lines', 'amendments'] as const) {
      const rows = data[list];
      if (!Array.isArray(rows)) continue;
      for (const row of rows.filter(isRecord)) {
        if (!text(row.reason)) continue;
        const where = [typeof row.municipality === 'string' ? municipalityName(row.municipality) : '', typeof row.item === 'string' ? itemName(row.item) : '']
          .filter(Boolean)
          .join(', ');
        reasons.push(where ? `${where}: ${row.reason}` : row.reason);
      }
    }
    return reasons;
  };
};
