import { ValidateBy, type ValidationOptions } from 'class-validator';
import { ReferenceData } from './reference-data.js';

let reference: ReferenceData | undefined;
/** The catalogue as the service loaded it: the same files, read once. */
const catalogue = (): ReferenceData => (reference ??= ReferenceData.load());

/**
 * An item code from the catalogue (GET /api/items). Any code that is not one — `ffp2`, `FFP-2`,
 * `BANANA` — is one mistake with one answer: the field error `REFERENCE.UNKNOWN_ITEM` naming the
 * field, with the closest code as `suggestion`. (A pattern check first would answer `ffp2` with a
 * format error and `FFP-2` with an unknown item.) With `each`, every entry of a list is checked and
 * the error names the first unknown one (`items[2]`).
 */
export const IsItemCode = (options: Pick<ValidationOptions, 'each'> = {}) =>
  ValidateBy(
    {
      name: 'isItemCode',
      validator: {
        validate: (value: unknown) => typeof value === 'string' && catalogue().item(value) !== undefined,
        defaultMessage: () => '$property must be an item code from the catalogue (GET /api/items)',
      },
    },
    {
      ...options,
      // The field code and its parameters, read by the validation pipe's error mapping (FieldCheckContext).
      context: {
        fieldCode: 'REFERENCE.UNKNOWN_ITEM',
        parameters: (value: unknown) => {
          const index = Array.isArray(value) ? value.findIndex((v) => typeof v !== 'string' || !catalogue().item(v)) : undefined;
          const code: unknown = index === undefined ? value : (value as unknown[])[index];
          const suggestion = typeof code === 'string' ? catalogue().suggestItem(code) : undefined;
          return {
            item: typeof code === 'string' ? code : JSON.stringify(code),
            ...(suggestion ? { suggestion } : {}),
            ...(index === undefined ? {} : { index }),
          };
        },
      },
    },
  );
