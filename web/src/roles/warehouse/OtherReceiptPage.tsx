import { type FormEvent, useEffect, useRef, useState } from 'react';
import { useSearchParams } from 'react-router';
import type { Schemas } from '../../api/client.js';
import { type CommandBody, useCommand } from '../../commands/commands.js';
import { toStockholmInput } from '../../i18n/format.js';
import { defineTexts, useTexts } from '../../i18n/language.js';
import { CommandFeedback } from '../../ui/CommandFeedback.js';
import { SelectField, TextField } from '../../ui/Field.js';
import { Page } from '../../ui/Page.js';
import { ButtonLink } from '../../ui/ButtonLink.js';
import { WarehouseGate } from './components.js';
import { useQueuedFate } from './queued.js';
import { ReceivedLinesEditor, receivedLinesBody, useReceivedLines } from './ReceivedLines.js';
import { shared } from './texts.js';

type Source = CommandBody<'/api/warehouses/{id}/receipts'>['source'];
const SOURCES: readonly Source[] = ['donation', 'national-allocation', 'emergency-stockpile', 'return'];

const texts = defineTexts(
  {
    title: 'Inleverans från annan källa',
    intro: 'Varor som inte kommer mot en inköpsorder: gåvor, nationell tilldelning, beredskapslager och returer.',
    source: 'Källa',
    from: 'Från',
    'fromHint.donation': 'Givarens namn, till exempel företaget som skänker.',
    'fromHint.national-allocation': 'Till exempel Socialstyrelsen.',
    'fromHint.emergency-stockpile': 'Vilket beredskapslager varorna kommer från.',
    'fromHint.return': 'Kommunen som lämnar tillbaka varorna.',
    nationalRequest: 'Nationell begäran (id)',
    nationalRequestHint: 'Id för länets begäran till Socialstyrelsen som tilldelningen svarar på, om den svarar på en. Länsstyrelsen har id:t. Frivilligt.',
    lines: 'Det som kom',
    submit: 'Registrera inleverans',
    recordedHeading: 'Inleveransen är registrerad',
    recorded: 'Inleveransen ({source}) från {from} är registrerad och finns i lagret.',
    queuedHeading: 'Inleveransen väntar på att skickas',
    queuedSent: 'Inleveransen har nu skickats och registrerats.',
    queuedRefused: 'Inleveransen avvisades när den skickades. Se Väntar på att skickas i sidhuvudet.',
    another: 'Registrera en till inleverans',
    seeStock: 'Se lagret',
    outboxLabel: 'Inleverans ({source}) från {from}, {time}',
  },
  {
    title: 'Receipt from another source',
    intro: 'Goods that do not come against a purchase order: donations, national allocations, emergency stockpiles and returns.',
    source: 'Source',
    from: 'From',
    'fromHint.donation': 'The donor’s name, for example the company giving the goods.',
    'fromHint.national-allocation': 'For example the National Board of Health and Welfare.',
    'fromHint.emergency-stockpile': 'Which emergency stockpile the goods come from.',
    'fromHint.return': 'The municipality returning the goods.',
    nationalRequest: 'National request (id)',
    nationalRequestHint:
      'The id of the county’s request to the National Board of Health and Welfare that this allocation answers, if it answers one. The county board has the id. Optional.',
    lines: 'What arrived',
    submit: 'Record the receipt',
    recordedHeading: 'The receipt is recorded',
    recorded: 'The receipt ({source}) from {from} is recorded and in stock.',
    queuedHeading: 'The receipt is waiting to be sent',
    queuedSent: 'The receipt has now been sent and recorded.',
    queuedRefused: 'The receipt was refused when it was sent. See Waiting to be sent in the header.',
    another: 'Record another receipt',
    seeStock: 'See the stock',
    outboxLabel: 'Receipt ({source}) from {from}, {time}',
  },
);

const OtherReceiptForm = ({ warehouse, initialSource, onAnother }: { warehouse: Schemas['WarehouseDto']; initialSource: Source; onAnother: () => void }) => {
  const t = useTexts(texts);
  const s = useTexts(shared);
  const [source, setSource] = useState<Source>(initialSource);
  const [from, setFrom] = useState('');
  const [nationalRequestId, setNationalRequestId] = useState('');
  const [receivedAt, setReceivedAt] = useState(() => toStockholmInput());
  const editor = useReceivedLines([]);
  const [label, setLabel] = useState<string>();
  const command = useCommand<'/api/warehouses/{id}/receipts'>({ queue: true });
  const fate = useQueuedFate(label, command.state.status === 'queued');
  const resultHeading = useRef<HTMLHeadingElement>(null);
  const status = command.state.status;
  useEffect(() => {
    if (status === 'recorded' || status === 'queued') resultHeading.current?.focus();
  }, [status]);
  const error = command.state.status === 'refused' ? command.state.error : undefined;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const outboxLabel = t('outboxLabel', { source: s(`source.${source}`), from: from.trim(), time: receivedAt.replace('T', ' ') });
    setLabel(outboxLabel);
    await command.submit({
      route: '/api/warehouses/{id}/receipts',
      params: { id: warehouse.id },
      body: {
        source,
        from: from.trim(),
        ...(source === 'national-allocation' && nationalRequestId.trim() ? { nationalRequestId: nationalRequestId.trim() } : {}),
        lines: receivedLinesBody(editor.lines),
        ...(receivedAt ? { receivedAt } : {}),
      },
      label: outboxLabel,
    });
  };

  if (status === 'recorded' || status === 'queued') {
    return (
      <section aria-labelledby="receipt-result">
        <h2 id="receipt-result" ref={resultHeading} tabIndex={-1}>
          {status === 'recorded' || fate === 'sent' ? t('recordedHeading') : t('queuedHeading')}
        </h2>
        {status === 'recorded' || fate === 'waiting' ? (
          <CommandFeedback state={command.state} recordedText={t('recorded', { source: s(`source.${source}`), from: from.trim() })} />
        ) : null}
        <div aria-live="polite">
          {fate === 'sent' ? (
            <p role="status" className="alert alert-success">
              {t('queuedSent')}
            </p>
          ) : null}
          {fate === 'refused' ? <p className="alert alert-error">{t('queuedRefused')}</p> : null}
        </div>
        <div className="button-row">
          <ButtonLink primary to="/lager/saldo">
            {t('seeStock')}
          </ButtonLink>
          <button type="button" onClick={onAnother}>
            {t('another')}
          </button>
        </div>
      </section>
    );
  }

  return (
    <form onSubmit={(e) => void submit(e)} noValidate>
      <SelectField label={t('source')} value={source} onChange={(e) => setSource(e.target.value as Source)} error={error?.fieldMessage('source')}>
        {SOURCES.map((option) => (
          <option key={option} value={option}>
            {s(`source.${option}`)}
          </option>
        ))}
      </SelectField>
      <TextField
        label={t('from')}
        value={from}
        maxLength={200}
        onChange={(e) => setFrom(e.target.value)}
        hint={t(`fromHint.${source}`)}
        error={error?.fieldMessage('from')}
      />
      {source === 'national-allocation' ? (
        <TextField
          label={t('nationalRequest')}
          value={nationalRequestId}
          onChange={(e) => setNationalRequestId(e.target.value)}
          hint={t('nationalRequestHint')}
          error={error?.fieldMessage('nationalRequestId')}
          spellCheck={false}
          autoComplete="off"
        />
      ) : null}
      <h2>{t('lines')}</h2>
      <ReceivedLinesEditor editor={editor} error={error} />
      <TextField
        label={s('receivedAt')}
        type="datetime-local"
        value={receivedAt}
        onChange={(e) => setReceivedAt(e.target.value)}
        hint={s('receivedAtHint')}
        error={error?.fieldMessage('receivedAt')}
      />
      <CommandFeedback state={command.state} />
      <div className="button-row">
        <button type="submit" className="primary" disabled={status === 'sending'}>
          {t('submit')}
        </button>
      </div>
    </form>
  );
};

/** Stock from a donation, a national allocation (with the national request it answers), an emergency stockpile or a return. */
export default function OtherReceiptPage() {
  const t = useTexts(texts);
  const [params] = useSearchParams();
  const asked = params.get('kalla');
  const initialSource = SOURCES.find((source) => source === asked) ?? 'donation';
  const [version, setVersion] = useState(0);
  return (
    <Page title={t('title')} intro={<p>{t('intro')}</p>}>
      <WarehouseGate>
        {({ warehouse }) => (
          <OtherReceiptForm
            key={`${initialSource}-${version}`}
            warehouse={warehouse}
            initialSource={initialSource}
            onAnother={() => setVersion((v) => v + 1)}
          />
        )}
      </WarehouseGate>
    </Page>
  );
}
