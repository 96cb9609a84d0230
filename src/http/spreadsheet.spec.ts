import { describe, expect, it } from '@jest/globals';
import ExcelJS from 'exceljs';
import { spreadsheet } from './spreadsheet.js';

describe('a spreadsheet export', () => {
  it('has a bold heading row, real numbers and dates, and never turns text into a formula', async () => {
    const rows = [
      { item: 'FFP2', units: 1200, at: new Date('2026-03-04T07:30:00Z'), note: '=HYPERLINK("x")' },
      { item: 'Förkläde; plast', units: 0, at: null, note: null },
    ];
    const buffer = await spreadsheet(
      'Leveranser',
      [
        { header: 'Artikel', value: (r: (typeof rows)[number]) => r.item },
        { header: 'Antal', value: (r) => r.units, format: '# ##0' },
        { header: 'Skickad', value: (r) => r.at, format: 'yyyy-mm-dd hh:mm' },
        { header: 'Anteckning', value: (r) => r.note },
      ],
      rows,
    );
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(buffer as unknown as ArrayBuffer);
    const sheet = workbook.getWorksheet('Leveranser')!;
    expect(sheet.getRow(1).values).toEqual([undefined, 'Artikel', 'Antal', 'Skickad', 'Anteckning']);
    expect(sheet.getRow(1).font?.bold).toBe(true);
    expect(sheet.getCell('B2').value).toBe(1200);
    expect(sheet.getCell('C2').value).toEqual(new Date('2026-03-04T07:30:00Z'));
    expect(sheet.getCell('D2').value).toBe('=HYPERLINK("x")');
    expect(sheet.getCell('D2').formula).toBeUndefined();
    expect(sheet.getCell('A3').value).toBe('Förkläde; plast');
    expect(sheet.rowCount).toBe(3);
  });
});
