import { type FormEvent, useEffect, useRef, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { useWarehouses } from '../../api/reference.js';
import { useCommand } from '../../commands/commands.js';
import { formatDateTime, formatNumber, toStockholmInput } from '../../i18n/format.js';
import { useLanguage, useTexts } from '../../i18n/language.js';
import { CommandFeedback } from '../../ui/CommandFeedback.js';
import { SelectField, TextField } from '../../ui/Field.js';
import { Page } from '../../ui/Page.js';
import { EmptyState, QueryState } from '../../ui/states.js';
import { fieldId, isBlank, lineKey, type LocalProblem, parseUnits, readUnits, serverProblems } from './form.js';
import {
  deliveryAnchor,
  ErrorSummary,
  OutboxFollowUp,
  paths,
  refusalDetail,
  splitLineKey,
  useItemInfo,
  useStartAtHash,
  useWaitingFor,
  useWordProblems,
} from './parts.js';
import { type Delivery, useOwnDeliveries } from './queries.js';
import { texts } from './texts.js';

const ROUTE = '/api/deliveries/{id}/receipt';
const DAY = 86_400_000;
const PERIODS = [30, 90, 365] as const;
const HISTORY_LIMIT = 1000;

/** A Stockholm date some days back: the history's `from` (a day, so the query stays the same all day). */
const daysBack = (days: number, from = new Date()): string => toStockholmInput(new Date(from.getTime() - days * DAY)).slice(0, 10);

const useWarehouseName = () => {
  const warehouses = useWarehouses();
  return (id: string | null) => warehouses.data?.warehouses.find((w) => w.id === id)?.name ?? id ?? '–';
};

/**
 * The confirmation of one incoming delivery, line by line: what arrived (the sent quantity unless
 * changed) and, for any line that differs, why. Sent with `queue: true`: without a network it waits
 * in the outbox, and the form says so instead of offering a second confirmation.
 */
const ReceiptForm = ({ delivery, onRecorded }: { delivery: Delivery; onRecorded: (delivery: Delivery) => void }) => {
  const t = useTexts(texts);
  const { language } = useLanguage();
  const info = useItemInfo();
  const word = useWordProblems();
  const warehouseName = useWarehouseName();
  const command = useCommand<typeof ROUTE>({ queue: true });
  const form = `receipt-${delivery.deliveryId}`;
  const waiting = useWaitingFor(`/api/deliveries/${delivery.deliveryId}/receipt`);
  const lines = delivery.lines.filter((line): line is typeof line & { quantity: number } => line.quantity !== null);
  const [received, setReceived] = useState<Record<string, string>>(() => Object.fromEntries(lines.map((l) => [l.item, String(l.quantity)])));
  const [reasons, setReasons] = useState<Record<string, string>>({});
  const [receivedAt, setReceivedAt] = useState('');
  const [local, setLocal] = useState<readonly LocalProblem[]>([]);
  const [attempt, setAttempt] = useState(0);
  const sent = formatDateTime(delivery.dispatchedAt, language);

  const label = (key: string) => {
    const line = splitLineKey(key);
    if (line) return line[1] === 'reason' ? t('colReason') : t('colReceived');
    return key === 'receivedAt' ? t('receivedAt') : key;
  };
  const itemOf = (key: string) => {
    const line = splitLineKey(key);
    return line ? info.name(line[0]) : undefined;
  };
  const sentItems = lines.map((l) => l.item);
  const refused = command.state.status === 'refused' ? command.state.error : undefined;
  const shown = local.length ? word({ local }, label, itemOf) : refused ? word({ server: serverProblems(refused, sentItems) }, label, itemOf) : [];
  const beside = new Map(shown.map((p) => [p.key, p.beside]));

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const problems: LocalProblem[] = [];
    const body = lines.map((line) => {
      const count = readUnits(lineKey(line.item, 'received'), received[line.item] ?? '', problems);
      const reason = (reasons[line.item] ?? '').trim();
      // That a difference needs a reason is the form's to ask before sending; how much may arrive is the service's to say.
      if (parseUnits(received[line.item] ?? '') !== undefined && count !== line.quantity && !reason) {
        problems.push({ key: lineKey(line.item, 'reason'), code: 'required' });
      }
      return { item: line.item, received: count, ...(reason ? { reason } : {}) };
    });
    setLocal(problems);
    setAttempt((n) => n + 1);
    if (problems.length > 0) return;
    const outcome = await command.submit({
      route: ROUTE,
      params: { id: delivery.deliveryId },
      body: { lines: body, ...(isBlank(receivedAt) ? {} : { receivedAt }) },
      label: t('receiptLabel', { time: sent }),
    });
    if (outcome.status === 'refused') setAttempt((n) => n + 1);
    if (outcome.status === 'recorded') onRecorded(delivery);
  };

  const headingId = `${form}-title`;
  return (
    <section className="card delivery" aria-labelledby={headingId}>
      <h3 id={headingId}>{t('deliveryHeading', { time: sent, warehouse: warehouseName(delivery.warehouseId) })}</h3>
      {delivery.vehicle || delivery.allocationId ? (
        <dl className="facts">
          {delivery.vehicle ? (
            <>
              <dt>{t('vehicle')}</dt>
              <dd>{delivery.vehicle}</dd>
            </>
          ) : null}
          {delivery.allocationId ? (
            <>
              <dt>{t('allocation')}</dt>
              <dd>
                <code>{delivery.allocationId.slice(0, 8)}</code>
              </dd>
            </>
          ) : null}
        </dl>
      ) : null}
      {shown.length || refused ? (
        <ErrorSummary
          form={form}
          title={t('errorTitleReceipt')}
          detail={!local.length && refused ? refusalDetail(refused, shown.length) : undefined}
          problems={shown}
          attempt={attempt}
        />
      ) : null}
      <CommandFeedback state={command.state.status === 'refused' ? { status: 'idle' } : command.state} />
      {waiting || command.state.status === 'queued' ? (
        <>
          <p className="alert alert-warning">{t('receiptWaiting')}</p>
          <OutboxFollowUp sentLink={`${paths.deliveries}#mottagna`} sentText={t('historyTitle')} />
        </>
      ) : (
        <form onSubmit={(event) => void submit(event)} noValidate aria-labelledby={headingId}>
          <div className="table-wrap">
            <table className="lines-editor">
              <caption>{t('deliveryLinesCaption', { time: sent })}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('colItem')}</th>
                  <th scope="col" className="num">
                    {t('colSent')}
                  </th>
                  <th scope="col" id={`${form}-col-received`}>
                    {t('colReceived')}
                  </th>
                  <th scope="col" id={`${form}-col-reason`}>
                    {t('colReason')}
                  </th>
                </tr>
              </thead>
              <tbody>
                {lines.map((line) => {
                  const rowId = fieldId(form, `row-${line.item}`);
                  const receivedId = fieldId(form, lineKey(line.item, 'received'));
                  const reasonId = fieldId(form, lineKey(line.item, 'reason'));
                  const receivedProblem = beside.get(lineKey(line.item, 'received'));
                  const reasonProblem = beside.get(lineKey(line.item, 'reason'));
                  return (
                    <tr key={line.item}>
                      <th scope="row" id={rowId}>
                        {info.name(line.item)} <span className="muted">({info.unit(line.item)})</span>
                      </th>
                      <td className="num">{formatNumber(line.quantity, language)}</td>
                      <td className={receivedProblem ? 'field-invalid' : undefined}>
                        {receivedProblem ? (
                          <span className="field-error" id={`${receivedId}-error`}>
                            {receivedProblem}
                          </span>
                        ) : null}
                        <input
                          id={receivedId}
                          type="text"
                          inputMode="numeric"
                          autoComplete="off"
                          size={9}
                          aria-labelledby={`${form}-col-received ${rowId}`}
                          aria-describedby={receivedProblem ? `${receivedId}-error` : undefined}
                          aria-invalid={receivedProblem ? true : undefined}
                          value={received[line.item] ?? ''}
                          onChange={(event) => setReceived((all) => ({ ...all, [line.item]: event.target.value }))}
                        />
                      </td>
                      <td className={reasonProblem ? 'field-invalid' : undefined}>
                        {reasonProblem ? (
                          <span className="field-error" id={`${reasonId}-error`}>
                            {reasonProblem}
                          </span>
                        ) : null}
                        <input
                          id={reasonId}
                          type="text"
                          autoComplete="off"
                          maxLength={500}
                          className="reason"
                          aria-labelledby={`${form}-col-reason ${rowId}`}
                          aria-describedby={reasonProblem ? `${reasonId}-error` : undefined}
                          aria-invalid={reasonProblem ? true : undefined}
                          value={reasons[line.item] ?? ''}
                          onChange={(event) => setReasons((all) => ({ ...all, [line.item]: event.target.value }))}
                        />
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
          <TextField
            id={fieldId(form, 'receivedAt')}
            type="datetime-local"
            label={t('receivedAt')}
            hint={t('receivedAtHint')}
            error={beside.get('receivedAt')}
            value={receivedAt}
            onChange={(event) => setReceivedAt(event.target.value)}
          />
          <div className="button-row">
            <button type="submit" className="primary" disabled={command.state.status === 'sending'}>
              {t('confirm')}
            </button>
          </div>
        </form>
      )}
    </section>
  );
};

/** The deliveries on the way, each to confirm. */
const Incoming = ({ item }: { item: string | undefined }) => {
  const t = useTexts(texts);
  const { language } = useLanguage();
  const incoming = useOwnDeliveries({ status: 'in-transit' });
  const [confirmed, setConfirmed] = useState<Delivery | undefined>(undefined);
  const notice = useRef<HTMLParagraphElement>(null);
  useEffect(() => {
    // The confirmed delivery's form leaves the list: keep the keyboard's place on what became of it.
    if (confirmed) notice.current?.focus();
  }, [confirmed]);
  return (
    <section aria-labelledby="pa-vag">
      <h2 id="pa-vag" tabIndex={-1}>
        {t('incomingTitle')}
      </h2>
      {confirmed ? (
        <p className="alert alert-success" role="status" tabIndex={-1} ref={notice}>
          {t('receiptRecorded', { time: formatDateTime(confirmed.dispatchedAt, language) })}{' '}
          <a href={`#${deliveryAnchor(confirmed.deliveryId)}`}>{t('historyTitle')}</a>
        </p>
      ) : null}
      <QueryState query={incoming}>
        {(page) => {
          const deliveries = page.deliveries.filter((d) => !item || d.lines.some((l) => l.item === item));
          if (deliveries.length === 0) {
            return (
              <EmptyState title={t('incomingEmpty')}>
                <p>{t('incomingEmptyText')}</p>
              </EmptyState>
            );
          }
          return deliveries.map((delivery) => <ReceiptForm key={delivery.deliveryId} delivery={delivery} onRecorded={setConfirmed} />);
        }}
      </QueryState>
    </section>
  );
};

/** Received deliveries, one row per item, with what differed and why. */
const History = ({ item, since }: { item: string | undefined; since: string | undefined }) => {
  const t = useTexts(texts);
  const { language } = useLanguage();
  const info = useItemInfo();
  const [days, setDays] = useState<(typeof PERIODS)[number]>(90);
  // Deliveries received after `since` may have left a while before it; a month covers any transit.
  const sinceDay = since && !Number.isNaN(Date.parse(since)) ? daysBack(30, new Date(since)) : undefined;
  const windowDay = daysBack(days);
  const from = sinceDay && sinceDay < windowDay ? sinceDay : windowDay;
  const history = useOwnDeliveries({ from, limit: HISTORY_LIMIT });
  return (
    <section aria-labelledby="mottagna">
      <h2 id="mottagna" tabIndex={-1}>
        {t('historyTitle')}
      </h2>
      <SelectField label={t('historyPeriod')} value={days} onChange={(event) => setDays(Number(event.target.value) as (typeof PERIODS)[number])}>
        {PERIODS.map((p) => (
          <option key={p} value={p}>
            {t(`days${p}`)}
          </option>
        ))}
      </SelectField>
      <QueryState query={history}>
        {(page) => {
          const received = page.deliveries
            .filter((d) => d.receipt !== null)
            .filter((d) => !since || Date.parse(d.receipt!.receivedAt) > Date.parse(since))
            .sort((a, b) => Date.parse(b.receipt!.receivedAt) - Date.parse(a.receipt!.receivedAt));
          const rows = received.flatMap((delivery) =>
            delivery.lines.filter((line) => !item || line.item === item).map((line, i) => ({ delivery, line, first: i === 0 })),
          );
          if (rows.length === 0) return <EmptyState title={t('historyEmpty')} />;
          return (
            <>
              {page.page.nextOffset !== null ? <p className="muted">{t('historyTruncated', { count: page.page.returned })}</p> : null}
              <div className="table-wrap">
                <table>
                  <caption>{t('historyCaption')}</caption>
                  <thead>
                    <tr>
                      <th scope="col">{t('colReceivedAt')}</th>
                      <th scope="col">{t('colItem')}</th>
                      <th scope="col" className="num">
                        {t('colSent')}
                      </th>
                      <th scope="col" className="num">
                        {t('colReceived')}
                      </th>
                      <th scope="col" className="num">
                        {t('colDifference')}
                      </th>
                      <th scope="col">{t('colReason')}</th>
                      <th scope="col">{t('colConfirmedBy')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {rows.map(({ delivery, line, first }) => (
                      <tr
                        key={`${delivery.deliveryId}-${line.item}`}
                        id={first ? deliveryAnchor(delivery.deliveryId) : undefined}
                        tabIndex={first ? -1 : undefined}
                        className={line.rejected ? 'discrepancy' : undefined}
                      >
                        <th scope="row">{formatDateTime(delivery.receipt!.receivedAt, language)}</th>
                        <td>{info.name(line.item)}</td>
                        <td className="num">{formatNumber(line.quantity, language)}</td>
                        <td className="num">{formatNumber(line.accepted, language)}</td>
                        <td className="num">
                          {line.rejected ? (
                            <>
                              <span className="badge badge-low">{t('difference')}</span> −{formatNumber(line.rejected, language)}
                            </>
                          ) : (
                            t('noDifference')
                          )}
                        </td>
                        <td>{line.reason ?? ''}</td>
                        <td>{delivery.receipt!.confirmedBy.name ?? delivery.receipt!.confirmedBy.sub}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            </>
          );
        }}
      </QueryState>
    </section>
  );
};

/** "Leveranser": what is on its way (to confirm) and what has arrived, optionally for one item (from the stock page). */
export const DeliveriesPage = () => {
  const t = useTexts(texts);
  const { language } = useLanguage();
  const info = useItemInfo();
  const [search] = useSearchParams();
  const item = search.get('artikel') ?? undefined;
  const since = search.get('sedan') ?? undefined;
  const incoming = useOwnDeliveries({ status: 'in-transit' });
  useStartAtHash(incoming.data !== undefined);
  return (
    <Page title={t('deliveriesTitle')} intro={<p>{t('deliveriesIntro')}</p>}>
      {item ? (
        <p className="alert">
          {since ? t('filterSince', { item: info.name(item), time: formatDateTime(since, language) }) : t('filterItem', { item: info.name(item) })}{' '}
          <Link to={paths.deliveries}>{t('clearFilter')}</Link>
        </p>
      ) : null}
      <Incoming item={item} />
      <History item={item} since={since} />
    </Page>
  );
};

export default DeliveriesPage;
