import { type FormEvent, useEffect, useRef, useState } from 'react';
import { useNavigate } from 'react-router';
import { useItems, useWarehouses } from '../../api/reference.js';
import { useUser } from '../../auth/session.js';
import { type CommandBody, useCommand } from '../../commands/commands.js';
import { useLanguage, useTexts } from '../../i18n/language.js';
import { CommandFeedback } from '../../ui/CommandFeedback.js';
import { SelectField, TextField } from '../../ui/Field.js';
import { Page } from '../../ui/Page.js';
import { common } from '../../ui/texts.js';
import { fieldError, orderPath, readableRefusal } from './api.js';
import { regionTexts } from './texts.js';

interface LineInput {
  /** React's key for the row: stays with the row when an earlier one is removed. */
  readonly key: number;
  readonly item: string;
  readonly quantity: string;
}

type OrderBody = CommandBody<'/api/purchases'>;

/** Element ids by the field paths the service names in its problem details, so a refusal can put focus on the first named field. */
const idOf = (field: string): string => `order-${field.replace(/[[\].]+/g, '-').replace(/-$/, '')}`;

/** What the page tells the order page it opens: that the order was just recorded here. */
export interface JustOrdered {
  readonly justOrdered: true;
}

/** "Ny beställning": a purchase order of the region, for its county's central warehouse. */
export const NewOrderPage = () => {
  const t = useTexts(regionTexts);
  const c = useTexts(common);
  const { language } = useLanguage();
  const user = useUser();
  const navigate = useNavigate();
  const items = useItems();
  const warehouses = useWarehouses();
  const own = warehouses.data?.warehouses.filter((w) => w.countyCode === user.county) ?? [];
  const [supplier, setSupplier] = useState('');
  const [chosenWarehouse, setWarehouse] = useState('');
  const warehouseId = chosenWarehouse || own[0]?.id || '';
  const [lines, setLines] = useState<readonly LineInput[]>([{ key: 0, item: '', quantity: '' }]);
  const nextKey = useRef(1);
  const [expectedAt, setExpectedAt] = useState('');
  const command = useCommand<'/api/purchases'>();
  /** The element to focus once the next render is on screen (a row just added or removed). */
  const [focusNext, setFocusNext] = useState<string | null>(null);

  useEffect(() => {
    if (focusNext === null) return;
    document.getElementById(focusNext)?.focus();
    setFocusNext(null);
  }, [focusNext]);

  const state = command.state;
  // The form's fields in screen order, read when an answer comes (not an effect's trigger: rows changing afterwards move no focus).
  const fields = useRef<readonly string[]>([]);
  fields.current = ['supplier', 'warehouseId', ...lines.flatMap((_line, i) => [`lines[${i}].item`, `lines[${i}].quantity`]), 'expectedAt'];
  useEffect(() => {
    // A refusal that names fields: to the first of them, where its message now stands.
    if (state.status !== 'refused') return;
    const first = fields.current.find((field) => state.error.fieldMessage(field) !== undefined);
    if (first) document.getElementById(idOf(first))?.focus();
  }, [state]);

  const setLine = (index: number, change: Partial<Omit<LineInput, 'key'>>) =>
    setLines((current) => current.map((line, i) => (i === index ? { ...line, ...change } : line)));
  const addLine = () => {
    setLines((current) => [...current, { key: nextKey.current++, item: '', quantity: '' }]);
    setFocusNext(idOf(`lines[${lines.length}].item`));
  };
  const removeLine = (index: number) => {
    setLines((current) => current.filter((_line, i) => i !== index));
    // The service's messages name rows by their place, which has just changed for the rows below.
    command.reset();
    setFocusNext('order-add-line');
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const body = {
      supplier,
      warehouseId,
      // An empty choice is left out rather than sent as '', so the service answers "must be given" for that field.
      lines: lines.map((line) => ({
        ...(line.item ? { item: line.item } : {}),
        ...(line.quantity.trim() ? { quantity: Number(line.quantity) } : {}),
      })),
      ...(expectedAt ? { expectedAt } : {}),
    } as OrderBody;
    const answer = await command.submit({ route: '/api/purchases', body, label: t('orderLabel', { supplier }) });
    if (answer.status === 'recorded') {
      await navigate(orderPath(answer.result.purchaseId), { state: { justOrdered: true } satisfies JustOrdered });
    }
  };

  const error = (field: string, label: string) => fieldError(state, field, label);
  /** A field's label in the summary under the form, where the row must be said. */
  const summaryLabel = (field: string): string | undefined => {
    const row = /^lines\[(\d+)\]\.(item|quantity)$/.exec(field);
    if (row) return t('onLine', { label: row[2] === 'item' ? t('item') : t('quantity'), n: Number(row[1]) + 1 });
    return { supplier: t('supplier'), warehouseId: t('warehouse'), expectedAt: t('expectedAtLabel') }[field];
  };
  const itemList = items.data?.items ?? [];

  return (
    <Page title={t('newOrderTitle')} intro={<p>{t('newOrderIntro')}</p>}>
      <form className="order-form" onSubmit={(event) => void submit(event)} noValidate>
        <TextField
          id={idOf('supplier')}
          label={t('supplier')}
          hint={t('supplierHint')}
          error={error('supplier', t('supplier'))}
          value={supplier}
          onChange={(event) => setSupplier(event.target.value)}
          required
          maxLength={200}
          autoComplete="organization"
        />
        {warehouses.isSuccess && own.length === 0 ? (
          <p className="alert alert-error">{t('noWarehouse')}</p>
        ) : (
          <SelectField
            id={idOf('warehouseId')}
            label={t('warehouse')}
            hint={t('warehouseHint')}
            error={error('warehouseId', t('warehouse'))}
            value={warehouseId}
            onChange={(event) => setWarehouse(event.target.value)}
            required
          >
            {own.map((w) => (
              <option key={w.id} value={w.id}>
                {w.name}
              </option>
            ))}
          </SelectField>
        )}
        <fieldset aria-describedby="order-lines-hint">
          <legend>{t('linesLegend')}</legend>
          <p className="hint" id="order-lines-hint">
            {t('linesHint')}
          </p>
          {lines.map((line, i) => {
            const packSize = itemList.find((item) => item.code === line.item)?.packSize;
            return (
              <fieldset key={line.key} className="order-line">
                <legend>{t('line', { n: i + 1 })}</legend>
                <SelectField
                  id={idOf(`lines[${i}].item`)}
                  label={t('item')}
                  error={error(`lines[${i}].item`, t('item'))}
                  value={line.item}
                  onChange={(event) => setLine(i, { item: event.target.value })}
                  required
                >
                  <option value="">{t('chooseItem')}</option>
                  {itemList.map((item) => (
                    <option key={item.code} value={item.code}>
                      {language === 'sv' ? item.nameSv : item.nameEn} ({item.code})
                    </option>
                  ))}
                </SelectField>
                <TextField
                  id={idOf(`lines[${i}].quantity`)}
                  label={t('quantity')}
                  hint={packSize ? t('packHint', { n: packSize }) : undefined}
                  error={error(`lines[${i}].quantity`, t('quantity'))}
                  type="number"
                  inputMode="numeric"
                  min={1}
                  step={1}
                  value={line.quantity}
                  onChange={(event) => setLine(i, { quantity: event.target.value })}
                  required
                />
                {lines.length > 1 ? (
                  <button type="button" onClick={() => removeLine(i)}>
                    {t('removeLine', { n: i + 1 })}
                  </button>
                ) : null}
              </fieldset>
            );
          })}
          <button type="button" id="order-add-line" onClick={addLine}>
            {t('addLine')}
          </button>
        </fieldset>
        <TextField
          id={idOf('expectedAt')}
          label={t('expectedAtLabel')}
          hint={t('expectedAtHint')}
          error={error('expectedAt', t('expectedAtLabel'))}
          type="datetime-local"
          value={expectedAt}
          onChange={(event) => setExpectedAt(event.target.value)}
        />
        <div className="button-row">
          <button type="submit" className="primary" disabled={state.status === 'sending'}>
            {t('submitOrder')}
          </button>
        </div>
        <CommandFeedback state={readableRefusal(state, summaryLabel, c('errorSummary'))} recordedText={t('orderRecorded')} />
      </form>
    </Page>
  );
};
