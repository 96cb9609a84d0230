import { Controller, Get, Injectable, Param, Query, Req, Res, StreamableFile } from '@nestjs/common';
import { UUID } from '../../shared/ids.js';
import {
  ApiBearerAuth,
  ApiExtraModels,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiProperty,
  ApiPropertyOptional,
  ApiTags,
  getSchemaPath,
} from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsISO8601, IsOptional, Matches, Max, Min } from 'class-validator';
import type { Request, Response } from 'express';
import { DataSource, type EntityManager } from 'typeorm';
import type { Actor } from '../../shared/actor.js';
import { assertInScope } from '../../auth/auth.guard.js';
import { CurrentActor } from '../../auth/current-actor.js';
import { ExportLimits } from '../../http/export-limits.js';
import { type SheetColumn, spreadsheet, XLSX } from '../../http/spreadsheet.js';
import { DELIVERY_ID, DeliveryDispatchDto, DeliveryDto, DeliveryReceiptDto, DeliveryRecordDto } from '../delivery.dto.js';
import { ReadQueryDto } from '../../http/read-query.dto.js';
import { ReadsFrom } from '../../projections/wait-for.js';
import { ReferenceData } from '../../reference/reference-data.js';
import { DomainError } from '../../shared/domain-error.js';
import { DELIVERY_HISTORY, DELIVERY_STATUSES, type DeliveryStatus, type DispatchedLot } from '../projections/delivery-history.projector.js';

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DATE_OR_DATE_TIME = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2}))?$/;
const PERIOD_MESSAGE = 'must be an ISO date (2026-03-02) or a date-time with an offset (2026-03-02T06:00:00Z)';
const DEFAULT_LIMIT = 100;
const MAX_LIMIT = 1000;
const TIME_ZONE = 'Europe/Stockholm';

/**
 * A bare date is a Swedish calendar day, as the people filtering mean it (and as reporting periods
 * are counted): its midnight in Stockholm, not in UTC.
 */
export const stockholmMidnight = (date: string): Date => {
  const utcMidnight = new Date(`${date}T00:00:00Z`);
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-GB', {
      timeZone: TIME_ZONE,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
    })
      .formatToParts(utcMidnight)
      .map((p) => [p.type, Number(p.value)]),
  );
  const offset = Date.UTC(parts.year!, parts.month! - 1, parts.day!, parts.hour!, parts.minute!) - utcMidnight.getTime();
  // Sweden never changes its clocks at midnight, so the offset at UTC midnight holds at local midnight.
  return new Date(utcMidnight.getTime() - offset);
};

const instantOf = (value: string): Date => (DATE.test(value) ? stockholmMidnight(value) : new Date(value));

export class DeliveriesQueryDto extends ReadQueryDto {
  @ApiPropertyOptional({ pattern: '^\\d{4}$', description: 'Only deliveries to this municipality (code, e.g. 0115)' })
  @IsOptional()
  @Matches(/^\d{4}$/, { message: 'municipality must be a municipality code' })
  municipality?: string;

  @ApiPropertyOptional({ pattern: '^\\d{2}$', description: 'Only deliveries within this county (code, e.g. 01)' })
  @IsOptional()
  @Matches(/^\d{2}$/, { message: 'county must be a county code' })
  county?: string;

  @ApiPropertyOptional({
    pattern: DATE_OR_DATE_TIME.source,
    description: 'Dispatched at or after: a date (its midnight in Stockholm, e.g. 2026-03-02) or a date-time with an offset',
  })
  @IsOptional()
  @Matches(DATE_OR_DATE_TIME, { message: `from ${PERIOD_MESSAGE}` })
  @IsISO8601({ strict: true }, { message: `from ${PERIOD_MESSAGE}` })
  from?: string;

  @ApiPropertyOptional({ pattern: DATE_OR_DATE_TIME.source, description: 'Dispatched before (exclusive); a date or a date-time, as `from`' })
  @IsOptional()
  @Matches(DATE_OR_DATE_TIME, { message: `to ${PERIOD_MESSAGE}` })
  @IsISO8601({ strict: true }, { message: `to ${PERIOD_MESSAGE}` })
  to?: string;

  @ApiPropertyOptional({ enum: DELIVERY_STATUSES, enumName: 'DeliveryStatus' })
  @IsOptional()
  @IsIn(DELIVERY_STATUSES)
  status?: DeliveryStatus;

  @ApiPropertyOptional({
    type: 'integer',
    minimum: 1,
    maximum: MAX_LIMIT,
    description: `Deliveries per page (default ${DEFAULT_LIMIT}; a CSV or Excel export has every row unless set)`,
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_LIMIT)
  limit?: number;

  @ApiPropertyOptional({ type: 'integer', minimum: 0, maximum: 100_000_000, description: 'Deliveries to skip (the `nextOffset` of the previous page)' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(100_000_000)
  offset?: number;
}

export class DeliveryPageInfoDto {
  @ApiProperty({ type: 'integer', minimum: 1, example: 100 })
  limit: number;

  @ApiProperty({ type: 'integer', minimum: 0, example: 0 })
  offset: number;

  @ApiProperty({ type: 'integer', minimum: 0, example: 1, description: 'Deliveries on this page' })
  returned: number;

  @ApiProperty({ type: 'integer', minimum: 0, example: 1, description: 'Deliveries matching the filter' })
  total: number;

  @ApiProperty({ type: 'integer', nullable: true, minimum: 0, example: null, description: 'The `offset` of the next page; null on the last' })
  nextOffset: number | null;
}

export class DeliveryPageDto {
  @ApiProperty({ type: () => [DeliveryDto], description: 'In the order the goods left, then by id' })
  deliveries: DeliveryDto[];

  @ApiProperty({ type: () => DeliveryPageInfoDto })
  page: DeliveryPageInfoDto;
}

interface HistoryRow {
  delivery_id: string;
  warehouse_id: string | null;
  municipality: string;
  county: string;
  allocation_id: string | null;
  vehicle: string | null;
  dispatched_at: Date | null;
  dispatch_recorded_at: Date | null;
  dispatched_by: string | null;
  dispatched_by_name: string | null;
  dispatched_by_role: string | null;
  dispatch_event_id: string | null;
  dispatch_position: string | null;
  received_at: Date | null;
  receipt_recorded_at: Date | null;
  received_by: string | null;
  received_by_name: string | null;
  received_by_role: string | null;
  receipt_event_id: string | null;
  receipt_position: string | null;
  discrepancy: boolean | null;
  status: DeliveryStatus;
  anomalies: string[];
}

interface LineRow {
  delivery_id: string;
  item: string;
  quantity: number | null;
  lots: DispatchedLot[];
  accepted: number | null;
  rejected: number | null;
  reason: string | null;
}

/** The response shape is the source of truth: the read's rows are mapped onto it. */
type DeliveryRecord = DeliveryRecordDto;

const toRecord = (row: HistoryRow, lines: readonly LineRow[]): DeliveryRecord => ({
  deliveryId: row.delivery_id,
  status: row.status,
  warehouseId: row.warehouse_id,
  municipality: row.municipality,
  county: row.county,
  allocationId: row.allocation_id,
  vehicle: row.vehicle,
  dispatchedAt: row.dispatched_at?.toISOString() ?? null,
  dispatch: row.dispatch_event_id
    ? {
        recordedAt: row.dispatch_recorded_at!.toISOString(),
        recordedBy: { sub: row.dispatched_by!, name: row.dispatched_by_name, role: row.dispatched_by_role! },
        eventId: row.dispatch_event_id,
        position: row.dispatch_position!,
      }
    : null,
  lines: lines.map((l) => ({ item: l.item, quantity: l.quantity, lots: l.lots, accepted: l.accepted, rejected: l.rejected, reason: l.reason })),
  receipt: row.receipt_event_id
    ? {
        receivedAt: row.received_at!.toISOString(),
        recordedAt: row.receipt_recorded_at!.toISOString(),
        confirmedBy: { sub: row.received_by!, name: row.received_by_name, role: row.received_by_role! },
        discrepancy: row.discrepancy!,
        eventId: row.receipt_event_id,
        position: row.receipt_position!,
      }
    : null,
  ...(row.anomalies.length > 0 ? { anomalies: row.anomalies } : {}),
});

export interface DeliveryFilter {
  readonly municipality?: string;
  readonly county?: string;
  /** Dispatched at or after (inclusive). */
  readonly from?: Date;
  /** Dispatched before (exclusive). */
  readonly to?: Date;
  readonly status?: DeliveryStatus;
}

export type ExportPages = AsyncGenerator<DeliveryRecord[]> & { close(): Promise<void> };

const EXPORT_PAGE = 500;

export interface DeliveryPage {
  readonly deliveries: DeliveryRecord[];
  readonly total: number;
}

const WHERE = `($1::text IS NULL OR municipality = $1) AND ($2::text IS NULL OR county = $2)
  AND ($3::timestamptz IS NULL OR dispatched_at >= $3) AND ($4::timestamptz IS NULL OR dispatched_at < $4)
  AND ($5::text IS NULL OR status = $5)`;

const whereParams = (f: DeliveryFilter) => [
  f.municipality ?? null,
  f.county ?? null,
  f.from?.toISOString() ?? null,
  f.to?.toISOString() ?? null,
  f.status ?? null,
];

/** Reads of the delivery history, in the order the goods left (then by id, for a stable order). */
@Injectable()
export class DeliveryHistoryQuery {
  constructor(private readonly db: DataSource) {}

  async byId(deliveryId: string): Promise<DeliveryRecord | undefined> {
    const rows = await this.db.query<HistoryRow[]>('SELECT * FROM delivery_history WHERE delivery_id = $1', [deliveryId]);
    return rows[0] && (await this.withLines(this.db.manager, rows))[0];
  }

  async page(filter: DeliveryFilter, limit: number, offset: number, db: EntityManager = this.db.manager): Promise<DeliveryPage> {
    const [{ total }] = await db.query<{ total: number }[]>(`SELECT count(*)::int AS total FROM delivery_history WHERE ${WHERE}`, whereParams(filter));
    return { deliveries: await this.rows(filter, limit, offset, db), total };
  }

  async rows(filter: DeliveryFilter, limit: number, offset: number, db: EntityManager = this.db.manager): Promise<DeliveryRecord[]> {
    const rows: HistoryRow[] = await db.query(
      `SELECT * FROM delivery_history WHERE ${WHERE}
        ORDER BY dispatched_at NULLS LAST, delivery_id LIMIT $6 OFFSET $7`,
      [...whereParams(filter), limit, offset],
    );
    return this.withLines(db, rows);
  }

  /**
   * Every matching delivery (or `limit` of them), page by page, from one repeatable-read snapshot:
   * rows recorded while a long export runs neither shift nor repeat its pages. The first page is
   * read before this resolves, so a failing database fails the request rather than the file.
   * `close` gives the connection back; it is safe to call more than once.
   */
  async exportPages(filter: DeliveryFilter, limit: number | undefined, offset: number): Promise<ExportPages> {
    const runner = this.db.createQueryRunner();
    let open = true;
    const close = async () => {
      if (!open) return;
      open = false;
      if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
      await runner.release();
    };
    const pageSize = (read: number) => Math.min(EXPORT_PAGE, (limit ?? Infinity) - read);
    let first: DeliveryRecord[];
    try {
      await runner.connect();
      await runner.startTransaction('REPEATABLE READ');
      first = await this.rows(filter, pageSize(0), offset, runner.manager);
    } catch (error) {
      await close();
      throw error;
    }
    const rows = this.rows.bind(this);
    async function* pages(): AsyncGenerator<DeliveryRecord[]> {
      try {
        let page = first;
        let read = 0;
        for (;;) {
          yield page;
          read += page.length;
          const size = pageSize(read);
          if (page.length < EXPORT_PAGE || size <= 0) break;
          page = await rows(filter, size, offset + read, runner.manager);
        }
      } finally {
        await close();
      }
    }
    return Object.assign(pages(), { close });
  }

  private async withLines(db: EntityManager, rows: HistoryRow[]): Promise<DeliveryRecord[]> {
    if (rows.length === 0) return [];
    const lines: LineRow[] = await db.query(
      `SELECT delivery_id, item, quantity, lots, accepted, rejected, reason FROM delivery_history_lines
        WHERE delivery_id = ANY ($1::uuid[]) ORDER BY delivery_id, line_no NULLS LAST, item`,
      [rows.map((r) => r.delivery_id)],
    );
    const byDelivery = new Map<string, LineRow[]>();
    for (const line of lines) byDelivery.set(line.delivery_id, [...(byDelivery.get(line.delivery_id) ?? []), line]);
    return rows.map((row) => toRecord(row, byDelivery.get(row.delivery_id) ?? []));
  }
}

const CSV_COLUMNS = [
  'delivery_id',
  'status',
  'warehouse_id',
  'county',
  'municipality',
  'municipality_name',
  'allocation_id',
  'vehicle',
  'dispatched_at',
  'dispatch_recorded_at',
  'dispatched_by',
  'dispatched_by_name',
  'dispatched_by_role',
  'dispatch_event_id',
  'dispatch_position',
  'item',
  'dispatched',
  'lots',
  'received_at',
  'receipt_recorded_at',
  'received_by',
  'received_by_name',
  'received_by_role',
  'accepted',
  'rejected',
  'reason',
  'discrepancy',
  'receipt_event_id',
  'receipt_position',
] as const;

/**
 * RFC 4180: a field with a comma, quote or line break is quoted, quotes doubled. Text that a
 * spreadsheet would run as a formula (= + - @ …) is prefixed with an apostrophe: the export is
 * opened in spreadsheets, and reasons and names are typed by users.
 */
export const csvField = (value: string | number | boolean | null | undefined): string => {
  if (value === null || value === undefined) return '';
  let text = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",;\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
};

const lotsText = (lots: DeliveryRecord['lines'][number]['lots']): string =>
  lots.map((l) => `${l.lot ?? 'no lot'}${l.expiresOn ? ` exp ${l.expiresOn}` : ''}: ${l.quantity}`).join('; ');

/** One CSV row per delivery line (a delivery without lines still gets its row). */
const csvRows = (d: DeliveryRecord, municipalityName: string | undefined): string[] => {
  const lines = d.lines.length > 0 ? d.lines : [undefined];
  return lines.map((line) =>
    [
      d.deliveryId,
      d.status,
      d.warehouseId,
      d.county,
      d.municipality,
      municipalityName,
      d.allocationId,
      d.vehicle,
      d.dispatchedAt,
      d.dispatch?.recordedAt,
      d.dispatch?.recordedBy.sub,
      d.dispatch?.recordedBy.name,
      d.dispatch?.recordedBy.role,
      d.dispatch?.eventId,
      d.dispatch?.position,
      line?.item,
      line?.quantity,
      line ? lotsText(line.lots) : undefined,
      d.receipt?.receivedAt,
      d.receipt?.recordedAt,
      d.receipt?.confirmedBy.sub,
      d.receipt?.confirmedBy.name,
      d.receipt?.confirmedBy.role,
      line?.accepted,
      line?.rejected,
      line?.reason,
      d.receipt?.discrepancy,
      d.receipt?.eventId,
      d.receipt?.position,
    ]
      .map(csvField)
      .join(','),
  );
};

const STATUS_SV: Record<DeliveryStatus, string> = {
  'in-transit': 'På väg',
  received: 'Mottagen',
  'received-with-discrepancy': 'Mottagen med avvikelse',
};

/**
 * A moment as a Stockholm wall-clock time: Excel's dates have no zone, and the people reading the
 * sheet mean Swedish time (the CSV keeps the UTC instants, for machines).
 */
const stockholmTime = (iso: string | null | undefined): Date | undefined => {
  if (!iso) return undefined;
  const instant = new Date(iso);
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-GB', {
      timeZone: TIME_ZONE,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    })
      .formatToParts(instant)
      .map((p) => [p.type, Number(p.value)]),
  );
  return new Date(Date.UTC(parts.year!, parts.month! - 1, parts.day!, parts.hour!, parts.minute!, parts.second!, instant.getUTCMilliseconds()));
};

interface SheetRow {
  readonly delivery: DeliveryRecord;
  readonly municipalityName: string | undefined;
  readonly line: DeliveryRecord['lines'][number] | undefined;
  readonly itemName: string | undefined;
}

const TIME = 'yyyy-mm-dd hh:mm';
const UNITS = '#,##0';

/** The Excel export's columns: the CSV's, with Swedish headings and Stockholm times. */
const SHEET_COLUMNS: readonly SheetColumn<SheetRow>[] = [
  { header: 'Leverans', value: (r) => r.delivery.deliveryId, width: 38 },
  { header: 'Status', value: (r) => STATUS_SV[r.delivery.status], width: 24 },
  { header: 'Lager', value: (r) => r.delivery.warehouseId, width: 14 },
  { header: 'Län', value: (r) => r.delivery.county, width: 6 },
  { header: 'Kommunkod', value: (r) => r.delivery.municipality, width: 11 },
  { header: 'Kommun', value: (r) => r.municipalityName, width: 20 },
  { header: 'Allokering', value: (r) => r.delivery.allocationId, width: 38 },
  { header: 'Fordon', value: (r) => r.delivery.vehicle, width: 14 },
  { header: 'Avsänd', value: (r) => stockholmTime(r.delivery.dispatchedAt), format: TIME },
  { header: 'Avsändning registrerad', value: (r) => stockholmTime(r.delivery.dispatch?.recordedAt), format: TIME },
  { header: 'Avsänd av', value: (r) => r.delivery.dispatch && (r.delivery.dispatch.recordedBy.name ?? r.delivery.dispatch.recordedBy.sub), width: 20 },
  { header: 'Artikel', value: (r) => r.line?.item, width: 18 },
  { header: 'Benämning', value: (r) => r.itemName, width: 28 },
  { header: 'Antal', value: (r) => r.line?.quantity, width: 10, format: UNITS },
  { header: 'Partier', value: (r) => r.line && lotsText(r.line.lots), width: 40 },
  { header: 'Mottagen', value: (r) => stockholmTime(r.delivery.receipt?.receivedAt), format: TIME },
  { header: 'Mottagning registrerad', value: (r) => stockholmTime(r.delivery.receipt?.recordedAt), format: TIME },
  { header: 'Mottagen av', value: (r) => r.delivery.receipt && (r.delivery.receipt.confirmedBy.name ?? r.delivery.receipt.confirmedBy.sub), width: 20 },
  { header: 'Godkänt', value: (r) => r.line?.accepted, width: 10, format: UNITS },
  { header: 'Avvisat', value: (r) => r.line?.rejected, width: 10, format: UNITS },
  { header: 'Orsak', value: (r) => r.line?.reason, width: 30 },
  { header: 'Avvikelse', value: (r) => r.delivery.receipt?.discrepancy, width: 10 },
  { header: 'Händelse (avsändning)', value: (r) => r.delivery.dispatch?.eventId, width: 38 },
  { header: 'Händelse (mottagning)', value: (r) => r.delivery.receipt?.eventId, width: 38 },
];

/**
 * At most this many sheet rows (delivery lines) in one Excel export: the workbook is built in
 * memory, and a sheet holds about a million rows. Past it, the CSV streams any number, or a
 * narrower period or `limit` fits.
 */
export const MAX_SHEET_ROWS = 100_000;

const EXPORT_DESCRIPTION =
  'Within the caller’s scope: a municipality sees its own deliveries, county-scoped users their county’s, unscoped ' +
  'auditors all. Ordered by dispatch time.\n\n' +
  'Three representations, chosen by `Accept`:\n' +
  '- `application/json` (the default): a page of deliveries (`limit`, `offset`).\n' +
  '- `text/csv`: every matching delivery (or `limit` of them) as an attachment `deliveries.csv`, UTF-8 with a byte ' +
  'order mark, one row per delivery line (a delivery without lines still has its row). Columns: ' +
  `${CSV_COLUMNS.map((c) => `\`${c}\``).join(', ')}. Times are UTC instants (ISO 8601); \`lots\` lists ` +
  '`lot exp expiry: quantity` separated by `; `; text a spreadsheet would run as a formula starts with an apostrophe.\n' +
  `- \`${XLSX}\`: the same rows as an Excel workbook \`leveranser-<date>.xlsx\` with Swedish headings ` +
  `(${SHEET_COLUMNS.map((c) => c.header).join(', ')}); times are Stockholm time, quantities numbers. At most ` +
  `${MAX_SHEET_ROWS.toLocaleString('en')} rows: more is refused with 400 \`DELIVERY.EXPORT_TOO_LARGE\` (narrow the ` +
  'period, set `limit`, or take the CSV).\n\n' +
  'Exports share a few slots: when all are busy, 503 with `Retry-After`.';

@ApiTags('deliveries')
@ApiBearerAuth()
@ApiExtraModels(DeliveryPageDto, DeliveryDispatchDto, DeliveryReceiptDto)
@Controller('deliveries')
export class DeliveryHistoryController {
  constructor(
    private readonly history: DeliveryHistoryQuery,
    private readonly reference: ReferenceData,
    private readonly exports: ExportLimits,
  ) {}

  @Get()
  @ReadsFrom(DELIVERY_HISTORY)
  @ApiOperation({
    operationId: 'listDeliveries',
    summary: 'The delivery history: every dispatch, its confirmation and discrepancies, and the events that recorded them',
    description: EXPORT_DESCRIPTION,
  })
  @ApiOkResponse({
    description: 'The deliveries: a page (JSON), or every matching one as a file (CSV, Excel)',
    content: {
      'application/json': { schema: { $ref: getSchemaPath(DeliveryPageDto) } },
      'text/csv': { schema: { type: 'string', description: 'RFC 4180, UTF-8 with a byte order mark; columns as described above' } },
      [XLSX]: { schema: { type: 'string', format: 'binary', description: 'An Excel workbook of one sheet, Swedish headings' } },
    },
  })
  async list(
    @Query() query: DeliveriesQueryDto,
    @CurrentActor() actor: Actor,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ): Promise<DeliveryPageDto | StreamableFile> {
    const filter = this.filterFor(actor, query);
    const offset = query.offset ?? 0;
    const wanted = request.accepts(['application/json', 'text/csv', XLSX]);
    if (wanted === 'text/csv') return this.csv(filter, query.limit, offset, response);
    if (wanted === XLSX) return this.xlsx(filter, query.limit, offset);
    const limit = query.limit ?? DEFAULT_LIMIT;
    const { deliveries, total } = await this.history.page(filter, limit, offset);
    const next = offset + deliveries.length;
    return {
      deliveries: deliveries.map((d) => this.named(d)),
      page: { limit, offset, returned: deliveries.length, total, nextOffset: deliveries.length > 0 && next < total ? next : null },
    };
  }

  @Get(':id')
  @ReadsFrom(DELIVERY_HISTORY)
  @ApiOperation({ operationId: 'getDelivery', summary: 'One delivery: what left, who recorded it and when, and its confirmation' })
  @ApiParam(DELIVERY_ID)
  @ApiOkResponse({ type: DeliveryDto })
  async one(@Param('id') id: string, @CurrentActor() actor: Actor): Promise<DeliveryDto> {
    const delivery = UUID.test(id) ? await this.history.byId(id) : undefined;
    if (!delivery) throw new DomainError('DELIVERY.NOT_FOUND', `no delivery ${id}`, 'not-found');
    assertInScope(actor, { county: delivery.county, municipality: delivery.municipality });
    return this.named(delivery);
  }

  /** The filter asked for, narrowed to what the caller may see (the guard has checked `municipality`). */
  private filterFor(actor: Actor, query: DeliveriesQueryDto): DeliveryFilter {
    if (query.county !== undefined) {
      if (!this.reference.county(query.county)) {
        throw new DomainError('REFERENCE.UNKNOWN_COUNTY', `no county with code ${query.county}`, 'invalid', { field: 'county' });
      }
      assertInScope(actor, { county: query.county });
    }
    const from = query.from === undefined ? undefined : instantOf(query.from);
    const to = query.to === undefined ? undefined : instantOf(query.to);
    if (from && to && from >= to) {
      throw new DomainError('DELIVERY.EMPTY_PERIOD', 'to must come after from (from is inclusive, to exclusive)', 'invalid', { field: 'to' });
    }
    return {
      municipality: actor.role === 'municipality' ? actor.municipality : query.municipality,
      county: actor.county ?? query.county,
      from,
      to,
      status: query.status,
    };
  }

  private named(delivery: DeliveryRecord): DeliveryDto {
    return { ...delivery, municipalityName: this.reference.municipality(delivery.municipality)?.name ?? null };
  }

  /**
   * The Excel export: the CSV's rows, read the same way (a slot, one snapshot), then built in memory
   * and sent whole. The connection and the slot are given back before the file is sent, so a client
   * that reads slowly holds neither.
   */
  private async xlsx(filter: DeliveryFilter, limit: number | undefined, offset: number): Promise<StreamableFile> {
    const free = await this.exports.acquire();
    const rows: SheetRow[] = [];
    try {
      const pages = await this.history.exportPages(filter, limit, offset);
      try {
        for await (const page of pages) {
          for (const delivery of page) {
            const municipalityName = this.reference.municipality(delivery.municipality)?.name;
            for (const line of delivery.lines.length > 0 ? delivery.lines : [undefined]) {
              rows.push({ delivery, municipalityName, line, itemName: line && this.reference.item(line.item)?.nameSv });
            }
          }
          if (rows.length > MAX_SHEET_ROWS) {
            throw new DomainError(
              'DELIVERY.EXPORT_TOO_LARGE',
              `more than ${MAX_SHEET_ROWS} rows for one Excel file: narrow the period, set limit, or export CSV`,
              'invalid',
              { field: 'limit', maxRows: MAX_SHEET_ROWS },
            );
          }
        }
      } finally {
        await pages.close();
      }
    } finally {
      free();
    }
    const workbook = await spreadsheet('Leveranser', SHEET_COLUMNS, rows);
    const today = new Intl.DateTimeFormat('sv-SE', { timeZone: TIME_ZONE }).format(new Date());
    return new StreamableFile(workbook, { type: XLSX, disposition: `attachment; filename="leveranser-${today}.xlsx"` });
  }

  private async csv(filter: DeliveryFilter, limit: number | undefined, offset: number, response: Response): Promise<StreamableFile> {
    // An export holds a connection in a transaction while its file is sent: bounded in number and
    // time (see ExportLimits).
    const free = await this.exports.acquire();
    let pages: Awaited<ReturnType<DeliveryHistoryQuery['exportPages']>>;
    try {
      // Opened before answering, so that a database that is down gets its problem details, not a broken file.
      pages = await this.history.exportPages(filter, limit, offset);
    } catch (error) {
      free();
      throw error;
    }
    const reference = this.reference;
    const chunks = async function* () {
      yield `\uFEFF${CSV_COLUMNS.join(',')}\r\n`;
      for await (const page of pages) {
        const rows = page.flatMap((d) => csvRows(d, reference.municipality(d.municipality)?.name));
        if (rows.length > 0) yield `${rows.join('\r\n')}\r\n`;
      }
    };
    const stream = this.exports.stream(chunks(), response, async () => {
      try {
        await pages.close();
      } finally {
        free();
      }
    });
    return new StreamableFile(stream, { type: 'text/csv; charset=utf-8', disposition: 'attachment; filename="deliveries.csv"' });
  }
}
