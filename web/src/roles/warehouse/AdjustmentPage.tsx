import { type FormEvent, useEffect, useRef, useState } from 'react';
import { useNavigate, useSearchParams } from 'react-router';
import type { Schemas } from '../../api/client.js';
import { useItemName } from '../../api/reference.js';
import { type CommandBody, useCommand } from '../../commands/commands.js';
import { formatDate, formatNumber, toStockholmInput } from '../../i18n/format.js';
import { defineTexts, useLanguage, useTexts } from '../../i18n/language.js';
import { CommandFeedback } from '../../ui/CommandFeedback.js';
import { SelectField, TextAreaField, TextField } from '../../ui/Field.js';
import { Page } from '../../ui/Page.js';
import { ButtonLink } from '../../ui/ButtonLink.js';
import { ItemOptions, LotName, useLines, WarehouseGate } from './components.js';
import { useWarehouseStock } from './queries.js';
import { shared } from './texts.js';

type Reason = CommandBody<'/api/warehouses/{id}/adjustments'>['reason'];
const REASONS: readonly Reason[] = ['damaged', 'expired', 'counted', 'other'];
/** The one field each reason's lines give (as the service's decider reads them). */
const FIELD = { damaged: 'quantity', expired: 'quantity', counted: 'counted', other: 'change' } as const satisfies Record<Reason, string>;

const texts = defineTexts(
  {
    title: 'Inventering och kassation',
    intro: 'Kassera skadade eller utgångna varor, registrera en inventering eller gör en annan justering. Orsaken krävs och sparas med justeringen.',
    reason: 'Orsak',
    'value.quantity': 'Antal att kassera',
    'value.counted': 'Räknat antal',
    'value.change': 'Ändring (+ ökar, − minskar)',
    allLots: 'Alla partier (det som går ut först tas först)',
    wholeItem: 'Hela artikeln',
    lotOption: '{lot} – bäst före {date}, {onHand} i lager',
    lotOptionNoDate: '{lot} – {onHand} i lager',
    onHandHint: 'I lager nu: {onHand}.',
    countHint: 'I lager enligt tjänsten: {onHand}. Skillnaden mot det du räknat registreras.',
    note: 'Anteckning',
    noteRequired: 'Krävs för annan justering: förklara vad som hänt.',
    noteOptional: 'Frivilligt, till exempel vad som hände eller var varorna stod.',
    adjustedAt: 'Tidpunkt',
    adjustedAtHint: 'När varorna räknades eller upptäcktes, svensk tid.',
    lines: 'Varor',
    'submit.damaged': 'Registrera kassation',
    'submit.expired': 'Registrera kassation',
    'submit.counted': 'Registrera inventering',
    'submit.other': 'Registrera justering',
    recordedHeading: 'Justeringen är registrerad',
    recorded: 'Justeringen är registrerad. Lagret är uppdaterat.',
    recordedCaption: 'Det som registrerades, per parti',
    change: 'Ändring',
    counted: 'Räknat',
    noChange: 'Ingen skillnad: lagret stämde.',
    another: 'Registrera en till justering',
    seeStock: 'Se lagret',
  },
  {
    title: 'Counts and write-offs',
    intro: 'Write off damaged or expired goods, record a count, or make another adjustment. The reason is required and kept with the adjustment.',
    reason: 'Reason',
    'value.quantity': 'Quantity to write off',
    'value.counted': 'Quantity counted',
    'value.change': 'Change (+ adds, − removes)',
    allLots: 'All lots (the first to expire is taken first)',
    wholeItem: 'The whole item',
    lotOption: '{lot} – best before {date}, {onHand} on hand',
    lotOptionNoDate: '{lot} – {onHand} on hand',
    onHandHint: 'On hand now: {onHand}.',
    countHint: 'On hand according to the service: {onHand}. The difference from your count is recorded.',
    note: 'Note',
    noteRequired: 'Required for another adjustment: explain what happened.',
    noteOptional: 'Optional, for example what happened or where the goods were.',
    adjustedAt: 'Time',
    adjustedAtHint: 'When the goods were counted or found, Swedish time.',
    lines: 'Goods',
    'submit.damaged': 'Record the write-off',
    'submit.expired': 'Record the write-off',
    'submit.counted': 'Record the count',
    'submit.other': 'Record the adjustment',
    recordedHeading: 'The adjustment is recorded',
    recorded: 'The adjustment is recorded. The stock is updated.',
    recordedCaption: 'What was recorded, per lot',
    change: 'Change',
    counted: 'Counted',
    noChange: 'No difference: the stock was right.',
    another: 'Record another adjustment',
    seeStock: 'See the stock',
  },
);

interface Line {
  readonly item: string;
  readonly lot: string;
  readonly value: string;
}

const AdjustmentForm = ({
  warehouse,
  initial,
  onAnother,
}: {
  warehouse: Schemas['WarehouseDto'];
  initial: { reason: Reason; line?: Line };
  onAnother: () => void;
}) => {
  const t = useTexts(texts);
  const s = useTexts(shared);
  const { language } = useLanguage();
  const itemName = useItemName();
  const stock = useWarehouseStock(warehouse.id);
  const [reason, setReason] = useState<Reason>(initial.reason);
  const [note, setNote] = useState('');
  const [adjustedAt, setAdjustedAt] = useState(() => toStockholmInput());
  const { lines, update, remove, add } = useLines<Line>(initial.line ? [initial.line] : [], () => ({ item: '', lot: '', value: '' }));
  // Not queued: a count is weighed against the ledger as it stands when it is recorded, so it is sent
  // while the person who counted is there to see the answer, never later from the outbox.
  const command = useCommand<'/api/warehouses/{id}/adjustments'>({ queue: false });
  const resultHeading = useRef<HTMLHeadingElement>(null);
  const status = command.state.status;
  useEffect(() => {
    if (status === 'recorded') resultHeading.current?.focus();
  }, [status]);
  const error = command.state.status === 'refused' ? command.state.error : undefined;
  const field = FIELD[reason];
  const stockOf = (item: string) => stock.data?.items.find((i) => i.item === item);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const body: CommandBody<'/api/warehouses/{id}/adjustments'> = {
      reason,
      ...(note.trim() ? { note: note.trim() } : {}),
      lines: lines.map((l) => ({ item: l.item, ...(l.lot ? { lot: l.lot } : {}), [field]: Number(l.value) })),
      ...(adjustedAt ? { adjustedAt } : {}),
    };
    await command.submit({ route: '/api/warehouses/{id}/adjustments', params: { id: warehouse.id }, body, label: t(`submit.${reason}`) });
  };

  if (command.state.status === 'recorded') {
    const recorded = command.state.result;
    return (
      <section aria-labelledby="adjustment-result">
        <h2 id="adjustment-result" ref={resultHeading} tabIndex={-1}>
          {t('recordedHeading')}
        </h2>
        <CommandFeedback state={command.state} recordedText={`${s(`reason.${reason}`)}: ${t('recorded')}`} />
        <div className="table-wrap">
          <table>
            <caption>{t('recordedCaption')}</caption>
            <thead>
              <tr>
                <th scope="col">{s('item')}</th>
                <th scope="col">{s('lot')}</th>
                <th scope="col">{s('expiresOn')}</th>
                <th scope="col" className="num">
                  {t('change')}
                </th>
              </tr>
            </thead>
            <tbody>
              {recorded.lines.flatMap((line, i) =>
                line.lots.length === 0
                  ? [
                      <tr key={`${i}`}>
                        <th scope="row">{itemName(line.item)}</th>
                        <td colSpan={3}>{t('noChange')}</td>
                      </tr>,
                    ]
                  : line.lots.map((lot, j) => (
                      <tr key={`${i}-${j}`}>
                        <th scope="row">{itemName(line.item)}</th>
                        <td>
                          <LotName lot={lot.lot} />
                        </td>
                        <td>{lot.expiresOn ? formatDate(lot.expiresOn, language) : s('noExpiry')}</td>
                        <td className="num">{`${lot.change > 0 ? '+' : ''}${formatNumber(lot.change, language)}`}</td>
                      </tr>
                    )),
              )}
            </tbody>
          </table>
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
      <fieldset aria-describedby={error?.fieldMessage('reason') ? 'reason-error' : undefined}>
        <legend>{t('reason')}</legend>
        {error?.fieldMessage('reason') ? (
          <p className="field-error" id="reason-error">
            {error.fieldMessage('reason')}
          </p>
        ) : null}
        <div className="reason-options">
          {REASONS.map((option) => (
            <label key={option}>
              <input type="radio" name="reason" value={option} checked={reason === option} onChange={() => setReason(option)} />
              {s(`reason.${option}`)}
            </label>
          ))}
        </div>
      </fieldset>

      <h2>{t('lines')}</h2>
      {lines.map((line, i) => {
        const item = line.item ? stockOf(line.item) : undefined;
        const lots = (item?.lots ?? []).filter((l): l is typeof l & { lot: string } => l.lot !== null);
        const onHand = line.lot ? (lots.find((l) => l.lot === line.lot)?.onHand ?? 0) : (item?.onHand ?? 0);
        const hint = line.item
          ? reason === 'counted'
            ? t('countHint', { onHand: formatNumber(onHand, language) })
            : t('onHandHint', { onHand: formatNumber(onHand, language) })
          : undefined;
        return (
          <fieldset key={line.key}>
            <legend>{line.item ? s('lineLegendItem', { n: i + 1, item: itemName(line.item) }) : s('lineLegend', { n: i + 1 })}</legend>
            <div className="line-fields">
              <SelectField
                label={s('item')}
                value={line.item}
                onChange={(e) => update(line.key, { item: e.target.value, lot: '' })}
                error={error?.fieldMessage(`lines[${i}].item`)}
              >
                <ItemOptions />
              </SelectField>
              <SelectField
                label={s('lot')}
                value={line.lot}
                onChange={(e) => update(line.key, { lot: e.target.value })}
                error={error?.fieldMessage(`lines[${i}].lot`)}
              >
                <option value="">{reason === 'counted' ? t('wholeItem') : t('allLots')}</option>
                {lots.map((l) => (
                  <option key={`${l.lot}-${l.expiresOn}`} value={l.lot}>
                    {l.expiresOn
                      ? t('lotOption', { lot: l.lot, date: formatDate(l.expiresOn, language), onHand: formatNumber(l.onHand, language) })
                      : t('lotOptionNoDate', { lot: l.lot, onHand: formatNumber(l.onHand, language) })}
                  </option>
                ))}
                {line.lot && !lots.some((l) => l.lot === line.lot) ? <option value={line.lot}>{line.lot}</option> : null}
              </SelectField>
              <TextField
                label={t(`value.${field}`)}
                type="number"
                inputMode="numeric"
                step={1}
                min={field === 'change' ? undefined : field === 'counted' ? 0 : 1}
                value={line.value}
                onChange={(e) => update(line.key, { value: e.target.value })}
                hint={hint}
                error={error?.fieldMessage(`lines[${i}].${field}`)}
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

      <TextAreaField
        label={t('note')}
        value={note}
        maxLength={1000}
        onChange={(e) => setNote(e.target.value)}
        hint={reason === 'other' ? t('noteRequired') : t('noteOptional')}
        error={error?.fieldMessage('note')}
        required={reason === 'other'}
      />
      <TextField
        label={t('adjustedAt')}
        type="datetime-local"
        value={adjustedAt}
        onChange={(e) => setAdjustedAt(e.target.value)}
        hint={t('adjustedAtHint')}
        error={error?.fieldMessage('adjustedAt')}
      />
      <CommandFeedback state={command.state} />
      <div className="button-row">
        <button type="submit" className="primary" disabled={status === 'sending'}>
          {t(`submit.${reason}`)}
        </button>
      </div>
    </form>
  );
};

/** Counts and write-offs, each with its reason; a link from the stock page can fill in a lot to write off. */
export default function AdjustmentPage() {
  const t = useTexts(texts);
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const [version, setVersion] = useState(0);
  // Another adjustment starts from an empty form, not from the lot a link filled in.
  const another = () => {
    setVersion((v) => v + 1);
    void navigate('/lager/inventering');
  };
  const reason = REASONS.find((r) => r === params.get('orsak')) ?? 'damaged';
  const item = params.get('artikel');
  const initial = { reason, ...(item ? { line: { item, lot: params.get('parti') ?? '', value: params.get('antal') ?? '' } } : {}) };
  return (
    <Page title={t('title')} intro={<p>{t('intro')}</p>}>
      <WarehouseGate>
        {({ warehouse }) => <AdjustmentForm key={`${params.toString()}-${version}`} warehouse={warehouse} initial={initial} onAnother={another} />}
      </WarehouseGate>
    </Page>
  );
}
