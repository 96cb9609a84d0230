import type { ApiError } from '../../api/client.js';
import { useItemName } from '../../api/reference.js';
import { useTexts } from '../../i18n/language.js';
import { SelectField, TextField } from '../../ui/Field.js';
import { ItemOptions, useLines } from './components.js';
import { shared } from './texts.js';

/** A line of goods received, as typed: item, quantity, and the lot with its best-before date where the goods carry one. */
export interface ReceivedLine {
  readonly item: string;
  readonly quantity: string;
  readonly lot: string;
  readonly expiresOn: string;
}

export const blankReceivedLine = (): ReceivedLine => ({ item: '', quantity: '', lot: '', expiresOn: '' });

/** The lines as the receipt routes take them (`ReceivedLineDto`): lot and date only when given. */
export const receivedLinesBody = (lines: readonly ReceivedLine[]) =>
  lines.map((l) => ({
    item: l.item,
    quantity: Number(l.quantity),
    ...(l.lot.trim() ? { lot: l.lot.trim() } : {}),
    ...(l.expiresOn ? { expiresOn: l.expiresOn } : {}),
  }));

export const useReceivedLines = (initial: readonly ReceivedLine[]) => useLines<ReceivedLine>(initial, blankReceivedLine);

/**
 * The editable lines of a receipt, each in its own fieldset, with the service's field errors
 * (`lines[0].quantity` …) next to the field they name. `items` narrows the choice (an order's items).
 */
export const ReceivedLinesEditor = ({
  editor,
  error,
  items,
  hintOf,
}: {
  editor: ReturnType<typeof useReceivedLines>;
  error: ApiError | undefined;
  items?: readonly string[];
  hintOf?: (line: ReceivedLine) => string | undefined;
}) => {
  const s = useTexts(shared);
  const itemName = useItemName();
  const { lines, update, remove, add } = editor;
  return (
    <>
      {lines.map((line, i) => (
        <fieldset key={line.key}>
          <legend>{line.item ? s('lineLegendItem', { n: i + 1, item: itemName(line.item) }) : s('lineLegend', { n: i + 1 })}</legend>
          <div className="line-fields">
            <SelectField
              label={s('item')}
              value={line.item}
              onChange={(e) => update(line.key, { item: e.target.value })}
              error={error?.fieldMessage(`lines[${i}].item`)}
            >
              <ItemOptions only={items} />
            </SelectField>
            <TextField
              label={s('quantity')}
              type="number"
              inputMode="numeric"
              min={1}
              step={1}
              value={line.quantity}
              onChange={(e) => update(line.key, { quantity: e.target.value })}
              hint={hintOf?.(line)}
              error={error?.fieldMessage(`lines[${i}].quantity`)}
            />
            <TextField
              label={s('lot')}
              value={line.lot}
              maxLength={60}
              onChange={(e) => update(line.key, { lot: e.target.value })}
              error={error?.fieldMessage(`lines[${i}].lot`)}
            />
            <TextField
              label={s('expiresOn')}
              type="date"
              value={line.expiresOn}
              onChange={(e) => update(line.key, { expiresOn: e.target.value })}
              error={error?.fieldMessage(`lines[${i}].expiresOn`)}
            />
            {lines.length > 1 ? (
              <button type="button" className="line-remove" onClick={() => remove(line.key)}>
                {s('removeLine', { n: i + 1 })}
              </button>
            ) : null}
          </div>
        </fieldset>
      ))}
      <button type="button" className="add-line" onClick={add}>
        {s('addLine')}
      </button>
    </>
  );
};
