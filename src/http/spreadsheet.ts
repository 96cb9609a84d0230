import ExcelJS from 'exceljs';

/** The media type of an Excel workbook (.xlsx). */
export const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

export interface SheetColumn<Row> {
  /** The column's heading, as people read it (Swedish in the service's exports). */
  readonly header: string;
  readonly value: (row: Row) => string | number | boolean | Date | null | undefined;
  /** Width in characters; a default that fits a date and time. */
  readonly width?: number;
  /** Excel number format, e.g. `yyyy-mm-dd hh:mm` for times, `# ##0` for counts. */
  readonly format?: string;
}

/**
 * A workbook of one sheet: a bold, frozen heading row, then a row per item, with real numbers and
 * dates (not text), so that Swedish Excel opens it without the import dialog that comma-separated
 * files need and sums what it shows. Built in memory: exports are bounded by the reads behind them.
 */
export const spreadsheet = async <Row>(sheetName: string, columns: readonly SheetColumn<Row>[], rows: Iterable<Row>): Promise<Buffer> => {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'ppe-ledger';
  const sheet = workbook.addWorksheet(sheetName.slice(0, 31), { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.columns = columns.map((c, i) => ({ key: String(i), header: c.header, width: c.width ?? 18, style: c.format ? { numFmt: c.format } : {} }));
  sheet.getRow(1).font = { bold: true };
  for (const row of rows) sheet.addRow(columns.map((c) => c.value(row) ?? null));
  return Buffer.from(await workbook.xlsx.writeBuffer());
};
