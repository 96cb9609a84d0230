import { type FormEvent, useEffect, useRef, useState } from 'react';
import { useNavigate, useSearchParams } from 'react-router';
import { useItemName, useMunicipalities, useMunicipalityName } from '../../api/reference.js';
import { type CommandBody, useCommand } from '../../commands/commands.js';
import { formatDate, formatNumber, toStockholmInput } from '../../i18n/format.js';
import { defineTexts, useLanguage, useTexts } from '../../i18n/language.js';
import { CommandFeedback } from '../../ui/CommandFeedback.js';
import { SelectField, TextField } from '../../ui/Field.js';
import { Page } from '../../ui/Page.js';
import { ProblemMessage, QueryState } from '../../ui/states.js';
import type { Schemas } from '../../api/client.js';
import { ButtonLink } from '../../ui/ButtonLink.js';
import { ItemOptions, useLines, WarehouseGate } from './components.js';
import { expiryOf, stockholmToday } from './expiry.js';
import { PickingTable } from './PickingTable.js';
import { type PickedLine, pickingList } from './picking.js';
import { type Round, useRound, useWarehouseStock } from './queries.js';
import { useQueuedFate } from './queued.js';
import { shared } from './texts.js';

const texts = defineTexts(
  {
    title: 'Leverera',
    intro: 'Registrera en leverans som lämnar lagret. Tjänsten plockar det parti som går ut först.',
    introPlanned: 'Leveransen utgår från det som återstår av den beslutade fördelningen. Ändra antal om allt inte går med i dag.',
    plan: 'Fördelning',
    planDecided: 'Beslutad {date} av {members}',
    unplanned: 'Utan fördelning: bara lager som ingen beslutad fördelning håller får levereras.',
    nothingLeft: 'Fördelningen har inget kvar att leverera till {municipality}.',
    notApproved: 'Fördelningen är inte beslutad och kan inte levereras.',
    backToToday: 'Tillbaka till dagens arbete',
    lines: 'Det som skickas',
    remainingHint: 'Kvar enligt fördelningen: {remaining}. I lager: {onHand}.',
    freeHint: 'Fritt att leverera utan fördelning: {available} (i lager {onHand}).',
    notInStock: 'Finns inte i lagret.',
    dispatchedAt: 'Avgång',
    dispatchedAtHint: 'Datum och tid då leveransen lämnar lagret, svensk tid.',
    vehicle: 'Fordon',
    vehicleHint: 'Till exempel Bil 3 (ABC 123). Frivilligt.',
    submit: 'Registrera leverans',
    picking: 'Plocklista',
    pickingIntro: 'Så plockar tjänsten: det parti som går ut först tas först. Den slutliga plocklistan visas när leveransen är registrerad.',
    pickingPreview: 'Plocklista – förslag, först utgående först',
    pickingExpired:
      'Plocklistan tar från ett parti som har gått ut, eftersom det som går ut först plockas först. Kassera partiet under Inventering och kassation innan leveransen registreras, om det inte ska skickas.',
    pickingRecorded: 'Plocklista för leveransen, som tjänsten registrerade den',
    recordedHeading: 'Leveransen är registrerad',
    recorded: 'Leveransen till {municipality} är registrerad. Kommunen bekräftar när den kommer fram.',
    queuedHeading: 'Leveransen väntar på att skickas',
    queuedSent: 'Leveransen har nu skickats och registrerats. Partierna som plockades står i leveranshistoriken.',
    seeInHistory: 'Se leveransen i leveranshistoriken',
    queuedRefused: 'Leveransen avvisades när den skickades. Se Väntar på att skickas i sidhuvudet.',
    another: 'Registrera en ny leverans',
    outboxLabel: 'Leverans till {municipality}, {time}',
  },
  {
    title: 'Dispatch',
    intro: 'Record a delivery leaving the warehouse. The service picks the lot that expires first.',
    introPlanned: 'The delivery starts from what is left of the approved allocation. Change the quantities if not everything goes today.',
    plan: 'Allocation',
    planDecided: 'Approved {date} by {members}',
    unplanned: 'Without an allocation: only stock that no approved allocation holds may be delivered.',
    nothingLeft: 'The allocation has nothing left to deliver to {municipality}.',
    notApproved: 'The allocation is not approved and cannot be delivered.',
    backToToday: 'Back to today’s work',
    lines: 'What is sent',
    remainingHint: 'Left under the allocation: {remaining}. On hand: {onHand}.',
    freeHint: 'Free to deliver without an allocation: {available} (on hand {onHand}).',
    notInStock: 'Not in stock.',
    dispatchedAt: 'Departure',
    dispatchedAtHint: 'Date and time the delivery leaves the warehouse, Swedish time.',
    vehicle: 'Vehicle',
    vehicleHint: 'For example Van 3 (ABC 123). Optional.',
    submit: 'Record the delivery',
    picking: 'Picking list',
    pickingIntro: 'How the service picks: the lot that expires first is taken first. The final picking list is shown once the delivery is recorded.',
    pickingPreview: 'Picking list – proposal, first expiring first',
    pickingExpired:
      'The picking list takes from a lot that has expired, because the first to expire is picked first. Write the lot off under Counts and write-offs before recording the delivery, unless it is to be sent.',
    pickingRecorded: 'Picking list of the delivery, as the service recorded it',
    recordedHeading: 'The delivery is recorded',
    recorded: 'The delivery to {municipality} is recorded. The municipality confirms it when it arrives.',
    queuedHeading: 'The delivery is waiting to be sent',
    queuedSent: 'The delivery has now been sent and recorded. The lots picked are in the delivery history.',
    seeInHistory: 'See the delivery in the history',
    queuedRefused: 'The delivery was refused when it was sent. See Waiting to be sent in the header.',
    another: 'Record another delivery',
    outboxLabel: 'Delivery to {municipality}, {time}',
  },
);

interface Line {
  readonly item: string;
  readonly quantity: string;
}

const DispatchForm = ({
  county,
  warehouse,
  round,
  planned,
  onAnother,
}: {
  county: string;
  warehouse: Schemas['WarehouseDto'];
  round?: Round;
  planned?: string;
  onAnother: () => void;
}) => {
  const t = useTexts(texts);
  const s = useTexts(shared);
  const { language } = useLanguage();
  const municipalities = useMunicipalities();
  const municipalityName = useMunicipalityName();
  const itemName = useItemName();
  const planLines = round?.plan.filter((l) => l.municipality === planned && l.remaining > 0) ?? [];
  const { lines, update, remove, add } = useLines<Line>(
    planLines.map((l) => ({ item: l.item, quantity: String(l.remaining) })),
    () => ({ item: '', quantity: '' }),
  );
  const [municipality, setMunicipality] = useState(planned ?? '');
  const [vehicle, setVehicle] = useState('');
  const [dispatchedAt, setDispatchedAt] = useState(() => toStockholmInput());
  const [label, setLabel] = useState<string>();
  // The picking list as it stood when the form was sent: a queued dispatch shows it while it waits,
  // not one worked out again from stock that has moved (by this very dispatch, once it is sent).
  const [sentPreview, setSentPreview] = useState<PickedLine[]>([]);
  const command = useCommand<'/api/warehouses/{id}/dispatches'>({ queue: true });
  const stock = useWarehouseStock(warehouse.id);
  const fate = useQueuedFate(label, command.state.status === 'queued');
  const resultHeading = useRef<HTMLHeadingElement>(null);
  const status = command.state.status;

  useEffect(() => {
    // The form gives way to its outcome: take the keyboard and the screen reader there.
    if (status === 'recorded' || status === 'queued') resultHeading.current?.focus();
  }, [status]);

  const error = command.state.status === 'refused' ? command.state.error : undefined;
  const stockOf = (item: string) => stock.data?.items.find((i) => i.item === item);
  const preview = pickingList(
    stock.data?.items ?? [],
    lines.filter((l) => l.item !== '').map((l) => ({ item: l.item, quantity: Number(l.quantity) })),
  );
  const name = municipalityName(municipality);
  const today = stockholmToday();
  // The service takes the earliest expiry first, expired lots included: say so before it happens.
  const pickedExpired = preview.some((line) => line.picks.some((p) => expiryOf(p.expiresOn, today) === 'expired'));

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const body: CommandBody<'/api/warehouses/{id}/dispatches'> = {
      municipality,
      lines: lines.map((l) => ({ item: l.item, quantity: Number(l.quantity) })),
      ...(round ? { allocationId: round.allocationId } : {}),
      ...(vehicle.trim() ? { vehicle: vehicle.trim() } : {}),
      ...(dispatchedAt ? { dispatchedAt } : {}),
    };
    const outboxLabel = t('outboxLabel', { municipality: name || municipality, time: dispatchedAt.replace('T', ' ') });
    setLabel(outboxLabel);
    setSentPreview(preview);
    await command.submit({ route: '/api/warehouses/{id}/dispatches', params: { id: warehouse.id }, body, label: outboxLabel });
  };

  if (round && round.status !== 'approved') return <p className="alert alert-error">{t('notApproved')}</p>;
  if (round && planLines.length === 0 && status === 'idle') {
    return (
      <div className="alert">
        <p>{t('nothingLeft', { municipality: municipalityName(planned ?? '') })}</p>
        <ButtonLink to="/lager">{t('backToToday')}</ButtonLink>
      </div>
    );
  }

  if (command.state.status === 'recorded') {
    const recorded = command.state.result;
    return (
      <section aria-labelledby="dispatch-result">
        <h2 id="dispatch-result" ref={resultHeading} tabIndex={-1}>
          {t('recordedHeading')}
        </h2>
        <CommandFeedback state={command.state} recordedText={t('recorded', { municipality: name })} />
        <PickingTable caption={t('pickingRecorded')} lines={recorded.lines.map((l) => ({ item: l.item, quantity: l.quantity, picks: l.lots, missing: 0 }))} />
        <div className="button-row">
          <ButtonLink primary to="/lager">
            {t('backToToday')}
          </ButtonLink>
          <button type="button" onClick={onAnother}>
            {t('another')}
          </button>
        </div>
      </section>
    );
  }

  if (command.state.status === 'queued') {
    return (
      <section aria-labelledby="dispatch-result">
        <h2 id="dispatch-result" ref={resultHeading} tabIndex={-1}>
          {fate === 'sent' ? t('recordedHeading') : t('queuedHeading')}
        </h2>
        {fate === 'waiting' ? <CommandFeedback state={command.state} /> : null}
        <div aria-live="polite">
          {fate === 'sent' ? (
            <div role="status" className="alert alert-success">
              <p>{t('queuedSent')}</p>
              <ButtonLink to={`/lager/leveranser?kommun=${municipality}`}>{t('seeInHistory')}</ButtonLink>
            </div>
          ) : null}
          {fate === 'refused' ? <p className="alert alert-error">{t('queuedRefused')}</p> : null}
        </div>
        {fate === 'sent' ? null : <PickingTable caption={t('pickingPreview')} lines={sentPreview} />}
        <div className="button-row">
          <ButtonLink primary to="/lager">
            {t('backToToday')}
          </ButtonLink>
          <button type="button" onClick={onAnother}>
            {t('another')}
          </button>
        </div>
      </section>
    );
  }

  const countyMunicipalities = (municipalities.data?.municipalities ?? [])
    .filter((m) => m.countyCode === county)
    .sort((a, b) => a.name.localeCompare(b.name, 'sv'));

  return (
    <form onSubmit={(e) => void submit(e)} noValidate>
      {round ? (
        <div className="card">
          <dl className="facts">
            <dt>{s('municipality')}</dt>
            <dd>{name}</dd>
            <dt>{t('plan')}</dt>
            <dd>{t('planDecided', { date: formatDate(round.decision?.decidedAt, language), members: round.decision?.decidedBy.join(', ') ?? '' })}</dd>
          </dl>
          {error?.fieldMessage('allocationId') || error?.fieldMessage('municipality') ? (
            <p className="field-error">{error.fieldMessage('allocationId') ?? error.fieldMessage('municipality')}</p>
          ) : null}
        </div>
      ) : (
        <>
          <p className="muted">{t('unplanned')}</p>
          <SelectField
            label={s('municipality')}
            value={municipality}
            onChange={(e) => setMunicipality(e.target.value)}
            error={error?.fieldMessage('municipality')}
          >
            <option value="">{s('chooseMunicipality')}</option>
            {countyMunicipalities.map((m) => (
              <option key={m.code} value={m.code}>
                {m.name}
              </option>
            ))}
          </SelectField>
        </>
      )}

      <h2>{t('lines')}</h2>
      {lines.map((line, i) => {
        const inStock = line.item ? stockOf(line.item) : undefined;
        const plan = planLines.find((p) => p.item === line.item);
        const hint = !line.item
          ? undefined
          : round
            ? t('remainingHint', { remaining: formatNumber(plan?.remaining ?? 0, language), onHand: formatNumber(inStock?.onHand ?? 0, language) })
            : inStock
              ? t('freeHint', { available: formatNumber(inStock.available, language), onHand: formatNumber(inStock.onHand, language) })
              : t('notInStock');
        return (
          <fieldset key={line.key}>
            <legend>{line.item ? s('lineLegendItem', { n: i + 1, item: itemName(line.item) }) : s('lineLegend', { n: i + 1 })}</legend>
            <div className="line-fields">
              <SelectField
                label={s('item')}
                value={line.item}
                onChange={(e) => update(line.key, { item: e.target.value })}
                error={error?.fieldMessage(`lines[${i}].item`)}
              >
                <ItemOptions />
              </SelectField>
              <TextField
                label={s('quantity')}
                type="number"
                inputMode="numeric"
                min={1}
                step={1}
                value={line.quantity}
                onChange={(e) => update(line.key, { quantity: e.target.value })}
                hint={hint}
                error={error?.fieldMessage(`lines[${i}].quantity`)}
              />
              {lines.length > 1 ? (
                <button type="button" className="line-remove" onClick={() => remove(line.key)}>
                  {s('removeLine', { n: i + 1 })}
                </button>
              ) : null}
            </div>
          </fieldset>
        );
      })}
      <button type="button" className="add-line" onClick={add}>
        {s('addLine')}
      </button>

      <section aria-labelledby="picking-heading">
        <h2 id="picking-heading">{t('picking')}</h2>
        <p className="muted">{t('pickingIntro')}</p>
        {pickedExpired ? (
          <p className="alert alert-warning">
            <strong>{s('expiry.expired')}:</strong> {t('pickingExpired')}
          </p>
        ) : null}
        {stock.isError ? <ProblemMessage error={stock.error} /> : <PickingTable caption={t('pickingPreview')} lines={preview} />}
      </section>

      <TextField
        label={t('dispatchedAt')}
        type="datetime-local"
        value={dispatchedAt}
        onChange={(e) => setDispatchedAt(e.target.value)}
        hint={t('dispatchedAtHint')}
        error={error?.fieldMessage('dispatchedAt')}
      />
      <TextField
        label={t('vehicle')}
        value={vehicle}
        maxLength={100}
        onChange={(e) => setVehicle(e.target.value)}
        hint={t('vehicleHint')}
        error={error?.fieldMessage('vehicle')}
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

/** A delivery leaving the warehouse: from an approved plan's lines for a municipality, or unplanned. */
export default function DispatchPage() {
  const t = useTexts(texts);
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const allocationId = params.get('fordelning') ?? undefined;
  const planned = params.get('kommun') ?? undefined;
  const round = useRound(allocationId);
  const [version, setVersion] = useState(0);
  const another = () => {
    setVersion((v) => v + 1);
    void navigate('/lager/leverera');
  };
  return (
    <Page title={t('title')} intro={<p>{allocationId ? t('introPlanned') : t('intro')}</p>}>
      <WarehouseGate>
        {({ county, warehouse }) =>
          !allocationId ? (
            <DispatchForm key={`unplanned-${version}`} county={county} warehouse={warehouse} onAnother={another} />
          ) : round.data ? (
            // Once the round is here the form keeps it: a later failed refresh must not take away what is typed.
            <DispatchForm
              key={`${allocationId}-${planned}-${version}`}
              county={county}
              warehouse={warehouse}
              round={round.data}
              planned={planned}
              onAnother={another}
            />
          ) : (
            <QueryState query={round}>{() => null}</QueryState>
          )
        }
      </WarehouseGate>
    </Page>
  );
}
