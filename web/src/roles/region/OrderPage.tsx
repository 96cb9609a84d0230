import { type FormEvent, useEffect, useRef, useState } from 'react';
import { Link, useLocation, useParams } from 'react-router';
import { LIVE_REFRESH_MS, useItemName, useWarehouses } from '../../api/reference.js';
import { useCommand } from '../../commands/commands.js';
import { formatDate, formatDateTime, formatNumber } from '../../i18n/format.js';
import { useLanguage, useTexts } from '../../i18n/language.js';
import { CommandFeedback } from '../../ui/CommandFeedback.js';
import { TextAreaField } from '../../ui/Field.js';
import { Page } from '../../ui/Page.js';
import { QueryState } from '../../ui/states.js';
import { common } from '../../ui/texts.js';
import { fieldError, isOpen, type Purchase, readableRefusal, REGION_BASE, usePurchase } from './api.js';
import type { JustOrdered } from './NewOrderPage.js';
import { PurchaseLinesTable } from '../purchases/PurchaseLinesTable.js';
import { PurchaseStatusBadge } from './PurchaseStatusBadge.js';
import { regionTexts } from './texts.js';

type Actor = Purchase['orderedBy'];

const useActorName = () => {
  const t = useTexts(regionTexts);
  const c = useTexts(common);
  return (actor: Actor) => {
    const role = `role.${actor.role}`;
    // A role the frame has no word for (`national`, `unit`) is shown as the service names it.
    const roleName = role in common.sv ? c(role as Parameters<typeof c>[0]) : actor.role;
    return t('byRole', { name: actor.name, role: roleName });
  };
};

const Lines = ({ purchase }: { purchase: Purchase }) => {
  const t = useTexts(regionTexts);
  return (
    <section aria-labelledby="lines-title">
      <h2 id="lines-title">{t('linesTitle')}</h2>
      <PurchaseLinesTable lines={purchase.lines} caption={t('linesCaption')} outstandingLabel={t('outstanding')} />
    </section>
  );
};

/** Every receipt with who recorded it, when, and its place in the log: what an auditor follows in the purchase's stream. */
const Receipts = ({ purchase }: { purchase: Purchase }) => {
  const t = useTexts(regionTexts);
  const { language } = useLanguage();
  const itemName = useItemName();
  const actorName = useActorName();
  return (
    <section aria-labelledby="receipts-title">
      <h2 id="receipts-title">{t('receiptsTitle')}</h2>
      {purchase.receipts.length === 0 ? (
        <p>{t('receiptsNone')}</p>
      ) : (
        purchase.receipts.map((receipt) => {
          const time = formatDateTime(receipt.receivedAt, language);
          return (
            <section key={receipt.receiptId} className="card receipt" aria-labelledby={`receipt-${receipt.receiptId}`}>
              <h3 id={`receipt-${receipt.receiptId}`}>{t('receiptHeading', { time })}</h3>
              {receipt.overDelivery ? <p className="alert alert-warning">{t('overDelivery')}</p> : null}
              <dl className="facts">
                <dt>{t('recordedBy')}</dt>
                <dd>{actorName(receipt.recordedBy)}</dd>
                <dt>{t('recordedAt')}</dt>
                <dd>{formatDateTime(receipt.recordedAt, language)}</dd>
                <dt>{t('position')}</dt>
                <dd>{receipt.position}</dd>
              </dl>
              <div className="table-wrap">
                <table>
                  <caption className="visually-hidden">{t('receiptCaption', { time })}</caption>
                  <thead>
                    <tr>
                      <th scope="col">{t('item')}</th>
                      <th scope="col" className="num">
                        {t('quantityReceived')}
                      </th>
                      <th scope="col">{t('lot')}</th>
                      <th scope="col">{t('expiresOn')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {receipt.lines.map((line, i) => (
                      <tr key={`${line.item}-${line.lot ?? ''}-${i}`}>
                        <th scope="row">{itemName(line.item)}</th>
                        <td className="num">{formatNumber(line.quantity, language)}</td>
                        <td>{line.lot ?? t('noLot')}</td>
                        <td>{formatDate(line.expiresOn, language)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            </section>
          );
        })
      )}
    </section>
  );
};

/** The cancellation as recorded, or the form that cancels what is still to come. */
const Cancellation = ({ purchase }: { purchase: Purchase }) => {
  const t = useTexts(regionTexts);
  const c = useTexts(common);
  const { language } = useLanguage();
  const itemName = useItemName();
  const actorName = useActorName();
  const command = useCommand<'/api/purchases/{id}/cancellation'>();
  const [reason, setReason] = useState('');
  const cancelledHeading = useRef<HTMLHeadingElement>(null);
  const state = command.state;

  useEffect(() => {
    // The form is gone once the cancellation is on the page: focus goes to what replaced it.
    if (state.status === 'recorded') cancelledHeading.current?.focus();
    if (state.status === 'refused' && state.error.fieldMessage('reason') !== undefined) document.getElementById('cancel-reason')?.focus();
  }, [state]);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    await command.submit({
      route: '/api/purchases/{id}/cancellation',
      params: { id: purchase.purchaseId },
      body: { reason },
      label: t('cancelLabel', { supplier: purchase.supplier }),
    });
  };

  const outstanding = purchase.lines.filter((line) => line.outstanding > 0);
  let content;
  if (purchase.cancellation) {
    content = (
      <>
        <h2 id="cancellation-title" ref={cancelledHeading} tabIndex={-1}>
          {t('cancelledTitle')}
        </h2>
        <div className="alert">
          <p>
            {t('cancelledText', {
              time: formatDateTime(purchase.cancellation.cancelledAt, language),
              name: actorName(purchase.cancellation.cancelledBy),
            })}
          </p>
          <p>
            <strong>{t('cancelReason')}:</strong> {purchase.cancellation.reason}
          </p>
        </div>
      </>
    );
  } else if (!isOpen(purchase.status)) {
    content = <p>{t('receivedInFull')}</p>;
  } else {
    content = (
      <>
        <h2 id="cancellation-title">{t('cancelTitle')}</h2>
        <p>{t('cancelIntro')}</p>
        <p>{t('cancelOutstanding')}</p>
        <ul>
          {outstanding.map((line) => (
            <li key={line.item}>
              {formatNumber(line.outstanding, language)} {itemName(line.item)}
            </li>
          ))}
        </ul>
        <form onSubmit={(event) => void submit(event)} noValidate>
          <TextAreaField
            id="cancel-reason"
            label={t('reasonLabel')}
            hint={t('reasonHint')}
            error={fieldError(state, 'reason', t('reasonLabel'))}
            value={reason}
            onChange={(event) => setReason(event.target.value)}
            required
            maxLength={1000}
          />
          <div className="button-row">
            <button type="submit" className="danger" disabled={state.status === 'sending'}>
              {t('cancelSubmit')}
            </button>
          </div>
        </form>
      </>
    );
  }
  return (
    <section aria-labelledby={purchase.cancellation || isOpen(purchase.status) ? 'cancellation-title' : undefined}>
      {content}
      <CommandFeedback
        state={readableRefusal(state, (field) => (field === 'reason' ? t('reasonLabel') : undefined), c('errorSummary'))}
        recordedText={t('cancelRecorded')}
      />
    </section>
  );
};

/** One purchase order: its lines with what is still to come, every receipt, and its cancellation. */
export const OrderPage = () => {
  const t = useTexts(regionTexts);
  const c = useTexts(common);
  const { language } = useLanguage();
  const { purchaseId = '' } = useParams();
  const location = useLocation();
  const justOrdered = (location.state as JustOrdered | null)?.justOrdered === true;
  const purchase = usePurchase(purchaseId);
  const warehouses = useWarehouses();
  const actorName = useActorName();
  const supplier = purchase.data?.supplier;
  return (
    <Page
      title={supplier ? t('orderTitleOf', { supplier }) : t('orderTitle')}
      intro={<p>{c('liveNote', { seconds: LIVE_REFRESH_MS / 1000 })}</p>}
      actions={<Link to={REGION_BASE}>{t('backToList')}</Link>}
    >
      {justOrdered ? (
        <p role="status" className="alert alert-success">
          {t('orderRecorded')}
        </p>
      ) : null}
      <QueryState query={purchase}>
        {(order) => (
          <>
            <dl className="facts">
              <dt>{t('status')}</dt>
              <dd>
                <PurchaseStatusBadge status={order.status} />
              </dd>
              <dt>{t('supplier')}</dt>
              <dd>{order.supplier}</dd>
              <dt>{t('warehouse')}</dt>
              <dd>{warehouses.data?.warehouses.find((w) => w.id === order.warehouseId)?.name ?? order.warehouseId}</dd>
              <dt>{t('orderedAt')}</dt>
              <dd>{formatDateTime(order.orderedAt, language)}</dd>
              <dt>{t('orderedBy')}</dt>
              <dd>{actorName(order.orderedBy)}</dd>
              <dt>{t('expectedAt')}</dt>
              <dd>{order.expectedAt ? formatDateTime(order.expectedAt, language) : t('notPromised')}</dd>
              <dt>{t('purchaseId')}</dt>
              <dd>{order.purchaseId}</dd>
              <dt>{t('position')}</dt>
              <dd>
                {order.position} <span className="muted">({t('positionHint', { stream: `purchase-${order.purchaseId}` })})</span>
              </dd>
            </dl>
            <Lines purchase={order} />
            <Receipts purchase={order} />
            <Cancellation purchase={order} />
          </>
        )}
      </QueryState>
    </Page>
  );
};
