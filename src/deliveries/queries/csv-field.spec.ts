import { describe, expect, it } from '@jest/globals';
import { csvField } from './delivery-history.js';

/**
 * How a spreadsheet set up for Sweden reads an exported row: it splits on `;` as well as `,`, but
 * never inside a quoted field.
 */
const cellsAsSplitOnSemicolons = (row: string): string[] => {
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  for (const c of row) {
    if (c === '"') quoted = !quoted;
    if ((c === ';' || c === ',') && !quoted) {
      cells.push(cell);
      cell = '';
    } else cell += c;
  }
  return [...cells, cell];
};

describe('CSV cells', () => {
  it('quotes a cell holding a semicolon, so a Swedish spreadsheet keeps it one cell', () => {
    const row = ['L-1 exp 2027-01-31: 200; L-2: 300', 'torn; damp'].map(csvField).join(',');
    expect(cellsAsSplitOnSemicolons(row)).toEqual(['"L-1 exp 2027-01-31: 200; L-2: 300"', '"torn; damp"']);
  });

  it('guards a formula in a cell that also holds a semicolon, and one that does not', () => {
    expect(csvField('=HYPERLINK("x";"y")')).toBe(`"'=HYPERLINK(""x"";""y"")"`);
    expect(csvField('=1+1')).toBe(`'=1+1`);
    expect(csvField('-5; +3')).toBe(`"'-5; +3"`);
  });
});
