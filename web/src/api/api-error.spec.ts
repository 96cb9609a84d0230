import { describe, expect, it } from '@jest/globals';
import { ApiError } from './api-error.js';

const refusal = (errors: { field: string; message: string }[]) =>
  new ApiError(400, {
    type: 'about:blank',
    title: 'Ogiltig begäran',
    status: 400,
    code: 'REQUEST.INVALID',
    errors: errors.map((e) => ({ ...e, code: 'FIELD.X' })),
  });

describe('a field’s message beside the field', () => {
  it('puts the field’s label where the service named its path, or drops the path under the label', () => {
    const error = refusal([{ field: 'lines[0].quantity', message: 'lines[0].quantity måste vara minst 1' }]);
    expect(error.fieldMessage('lines[0].quantity', 'Antal')).toBe('Antal måste vara minst 1');
    expect(error.fieldMessage('lines[0].quantity')).toBe('Måste vara minst 1');
    expect(error.fieldMessage('lines[1].quantity')).toBeUndefined();
  });

  it('leaves a message that does not start with the path as the service wrote it', () => {
    const error = refusal([{ field: 'item', message: 'ffp2 finns inte i artikelkatalogen' }]);
    expect(error.fieldMessage('item', 'Artikel')).toBe('ffp2 finns inte i artikelkatalogen');
  });
});
