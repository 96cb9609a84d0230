import { type FormEvent, useEffect, useRef, useState } from 'react';
import { useParams } from 'react-router';
import type { Schemas } from '../../api/client.js';
import { useCommand } from '../../commands/commands.js';
import { formatDate, formatNumber, toStockholmInput } from '../../i18n/format.js';
import { defineTexts, useLanguage, useTexts } from '../../i18n/language.js';
import { CommandFeedback } from '../../ui/CommandFeedback.js';
import { TextField } from '../../ui/Field.js';
import { Page } from '../../ui/Page.js';
import { QueryState } from '../../ui/states.js';
import { ButtonLink } from '../../ui/ButtonLink.js';
import { PurchaseLinesTable } from '../purchases/PurchaseLinesTable.js';
import { CheckboxField, WarehouseGate } from './components.js';
import { usePurchase } from './queries.js';
import { useQueuedFate } from './queued.js';
import { ReceivedLinesEditor, receivedLinesBody, useReceivedLines } from './ReceivedLines.js';
import { shared } from './texts.js';

const texts = defineTexts(
  {
    title: 'Inleverans mot inköpsorder',
    intro:
      'Raderna är ifyllda med det som återstår av ordern. Ändra antal till det som faktiskt kom, och ange parti och bäst före-datum. Kom samma artikel i flera partier, lägg till en rad per parti.',
    order: 'Ordern',
    supplier: 'Leverantör',
    orderedOn: 'Beställd',
    expected: 'Väntas',
    status: 'Status',
    outstanding: 'Kvar',
    lines: 'Det som kom',
    outstandingHint: 'Kvar att ta emot: {outstanding}.',
    overDelivery: 'Ta emot mer än beställt (överleverans)',
    overDeliveryHint: 'Kryssa bara i om leverantören skickat mer än ordern och lagret behåller det. Det registreras som överleverans.',
    submit: 'Registrera inleverans',
    recorded: 'Inleveransen från {supplier} är registrerad och finns i lagret.',
    recordedHeading: 'Inleveransen är registrerad',
    queuedHeading: 'Inleveransen väntar på att skickas',
    queuedSent: 'Inleveransen har nu skickats och registrerats.',
    queuedRefused: 'Inleveransen avvisades när den skickades. Se Väntar på att skickas i sidhuvudet.',
    cancelled: 'Ordern är avbruten: inget kan tas emot mot den.',
    seeStock: 'Se lagret',
    back: 'Tillbaka till inleveranser',
    outboxLabel: 'Inleverans från {supplier}, {time}',
  },
  {
    title: 'Receipt against a purchase order',
    intro:
      'The lines are filled in with what remains of the order. Change the quantities to what actually arrived, and give the lot and best-before date. If an item came in several lots, add a line per lot.',
    order: 'The order',
    supplier: 'Supplier',
    orderedOn: 'Ordered',
    expected: 'Expected',
    status: 'Status',
    outstanding: 'Left',
    lines: 'What arrived',
    outstandingHint: 'Still to receive: {outstanding}.',
    overDelivery: 'Receive more than ordered (over-delivery)',
    overDeliveryHint: 'Tick only if the supplier sent more than the order and the warehouse keeps it. It is recorded as an over-delivery.',
    submit: 'Record the receipt',
    recorded: 'The receipt from {supplier} is recorded and in stock.',
    recordedHeading: 'The receipt is recorded',
    queuedHeading: 'The receipt is waiting to be sent',
    queuedSent: 'The receipt has now been sent and recorded.',
    queuedRefused: 'The receipt was refused when it was sent. See Waiting to be sent in the header.',
    cancelled: 'The order is cancelled: nothing can be received against it.',
    seeStock: 'See the stock',
    back: 'Back to receipts',
    outboxLabel: 'Receipt from {supplier}, {time}',
  },
);

const ReceiptForm = ({ purchase }: { purchase: Schemas['PurchaseDto'] }) => {
  const t = useTexts(texts);
  const s = useTexts(shared);
  const { language } = useLanguage();
  const editor = useReceivedLines(
    purchase.lines.filter((l) => l.outstanding > 0).map((l) => ({ item: l.item, quantity: String(l.outstanding), lot: '', expiresOn: '' })),
  );
  const [receivedAt, setReceivedAt] = useState(() => toStockholmInput());
  const [acceptOverDelivery, setAcceptOverDelivery] = useState(false);
  const [label, setLabel] = useState<string>();
  const command = useCommand<'/api/purchases/{id}/receipts'>({ queue: true });
  const fate = useQueuedFate(label, command.state.status === 'queued');
  const resultHeading = useRef<HTMLHeadingElement>(null);
  const status = command.state.status;
  useEffect(() => {
    if (status === 'recorded' || status === 'queued') resultHeading.current?.focus();
  }, [status]);
  const error = command.state.status === 'refused' ? command.state.error : undefined;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const outboxLabel = t('outboxLabel', { supplier: purchase.supplier, time: receivedAt.replace('T', ' ') });
    setLabel(outboxLabel);
    await command.submit({
      route: '/api/purchases/{id}/receipts',
      params: { id: purchase.purchaseId },
      body: { lines: receivedLinesBody(editor.lines), ...(receivedAt ? { receivedAt } : {}), ...(acceptOverDelivery ? { acceptOverDelivery } : {}) },
      label: outboxLabel,
    });
  };

  const facts = (
    <div className="card">
      <dl className="facts">
        <dt>{t('supplier')}</dt>
        <dd>{purchase.supplier}</dd>
        <dt>{t('orderedOn')}</dt>
        <dd>{formatDate(purchase.orderedAt, language)}</dd>
        <dt>{t('expected')}</dt>
        <dd>{formatDate(purchase.expectedAt, language)}</dd>
        <dt>{t('status')}</dt>
        <dd>{s(`purchase.${purchase.status}`)}</dd>
      </dl>
      <PurchaseLinesTable lines={purchase.lines} caption={t('order')} outstandingLabel={t('outstanding')} />
    </div>
  );

  if (status === 'recorded' || status === 'queued') {
    return (
      <section aria-labelledby="receipt-result">
        <h2 id="receipt-result" ref={resultHeading} tabIndex={-1}>
          {status === 'recorded' || fate === 'sent' ? t('recordedHeading') : t('queuedHeading')}
        </h2>
        {status === 'recorded' || fate === 'waiting' ? (
          <CommandFeedback state={command.state} recordedText={t('recorded', { supplier: purchase.supplier })} />
        ) : null}
        <div aria-live="polite">
          {fate === 'sent' ? (
            <p role="status" className="alert alert-success">
              {t('queuedSent')}
            </p>
          ) : null}
          {fate === 'refused' ? <p className="alert alert-error">{t('queuedRefused')}</p> : null}
        </div>
        {facts}
        <div className="button-row">
          <ButtonLink primary to="/lager/saldo">
            {t('seeStock')}
          </ButtonLink>
          <ButtonLink to="/lager/inleverans">{t('back')}</ButtonLink>
        </div>
      </section>
    );
  }

  if (purchase.status === 'cancelled') {
    return (
      <>
        {facts}
        <p className="alert alert-error">{t('cancelled')}</p>
      </>
    );
  }

  return (
    <>
      {facts}
      <form onSubmit={(e) => void submit(e)} noValidate>
        <h2>{t('lines')}</h2>
        <ReceivedLinesEditor
          editor={editor}
          error={error}
          items={purchase.lines.map((l) => l.item)}
          hintOf={(line) => {
            const ordered = purchase.lines.find((l) => l.item === line.item);
            return ordered ? t('outstandingHint', { outstanding: formatNumber(ordered.outstanding, language) }) : undefined;
          }}
        />
        <TextField
          label={s('receivedAt')}
          type="datetime-local"
          value={receivedAt}
          onChange={(e) => setReceivedAt(e.target.value)}
          hint={s('receivedAtHint')}
          error={error?.fieldMessage('receivedAt')}
        />
        <CheckboxField
          label={t('overDelivery')}
          hint={t('overDeliveryHint')}
          checked={acceptOverDelivery}
          onChange={(e) => setAcceptOverDelivery(e.target.checked)}
          error={error?.fieldMessage('acceptOverDelivery')}
        />
        <CommandFeedback state={command.state} />
        <div className="button-row">
          <button type="submit" className="primary" disabled={status === 'sending'}>
            {t('submit')}
          </button>
        </div>
      </form>
    </>
  );
};

/** Goods received against one of the region's purchase orders. */
export default function PurchaseReceiptPage() {
  const t = useTexts(texts);
  const { purchaseId } = useParams();
  const purchase = usePurchase(purchaseId);
  return (
    <Page title={t('title')} intro={<p>{t('intro')}</p>}>
      <WarehouseGate>
        {() =>
          purchase.data ? <ReceiptForm key={purchase.data.purchaseId} purchase={purchase.data} /> : <QueryState query={purchase}>{() => null}</QueryState>
        }
      </WarehouseGate>
    </Page>
  );
}
