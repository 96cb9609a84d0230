import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../../config/config.js';
import type { RecordedEvent } from '../../event-store/event-store.js';
import type { Projection } from '../../projections/projection.js';
import { claims, claimSide, foldInRounds } from '../../projections/two-sided-upsert.js';
import { ReferenceData } from '../../reference/reference-data.js';
import type { DeliveryReceivedData } from '../../deliveries/domain/delivery.events.js';
import type { SituationReportCorrectedData, SituationReportedData } from '../../reporting/domain/situation-report.events.js';
import type { DeliveryDispatchedData } from '../../warehouse/domain/warehouse.events.js';
import { projectStock, type StockStatus, type StockThresholds, worstStatus } from '../domain/projected-stock.js';

export const MUNICIPALITY_STOCK = 'municipality-stock';

/**
 * The history each municipality's stock is computed from, kept so that "as of" a business time and
 * "as known at" a log position are queries, not replays:
 *  - every version of every report's figures: the report, then each correction of it, each keyed by
 *    the event that stated it. A correction recorded late replaces the figures for the time the
 *    report describes, and the version before it stays for "as known at";
 *  - every delivery line: dispatched (quantity, when, at which position) and received (accepted,
 *    when, at which position).
 *
 * Idempotent per event: report versions are inserted once per event id; each side of a delivery
 * line is claimed once (`… IS NULL`).
 */
export class MunicipalityStockProjection implements Projection {
  readonly name = MUNICIPALITY_STOCK;
  readonly version = 1;
  readonly eventTypes = ['SituationReported', 'SituationReportCorrected', 'DeliveryDispatched', 'DeliveryReceived'];
  readonly tables = ['stock_report_versions', 'stock_report_lines', 'stock_deliveries'];

  /**
   * A page in three statements: every report version, their lines, and every delivery line with
   * what left and what arrived. Each row has one writer per side, guarded as above, so the rows do
   * not depend on how the log is cut into pages.
   */
  async apply(events: readonly RecordedEvent[], tx: EntityManager): Promise<void> {
    const versions: ReportVersion[] = [];
    const dispatched: RecordedEvent<string, DeliveryDispatchedData>[] = [];
    const received: RecordedEvent<string, DeliveryReceivedData>[] = [];
    for (const event of events) {
      switch (event.type) {
        case 'SituationReported': {
          const d = event.data as SituationReportedData;
          versions.push({ event, reportId: d.reportId, figures: d });
          break;
        }
        case 'SituationReportCorrected': {
          const d = event.data as SituationReportCorrectedData;
          versions.push({ event, reportId: d.corrects, figures: d });
          break;
        }
        case 'DeliveryDispatched':
          dispatched.push(event as RecordedEvent<string, DeliveryDispatchedData>);
          break;
        case 'DeliveryReceived':
          received.push(event as RecordedEvent<string, DeliveryReceivedData>);
          break;
      }
    }
    if (versions.length > 0) await this.figures(tx, versions);
    if (dispatched.length > 0 || received.length > 0) await this.deliveries(tx, dispatched, received);
  }

  private async figures(tx: EntityManager, versions: readonly ReportVersion[]): Promise<void> {
    const column = <T>(value: (v: ReportVersion) => T) => versions.map(value);
    await tx.query(
      `INSERT INTO stock_report_versions (report_id, event_id, event_type, position, revision, municipality, reported_at, infections, recorded_at)
       SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::bigint[], $5::bigint[], $6::text[], $7::timestamptz[], $8::int[], $9::timestamptz[])
       ON CONFLICT (report_id, event_id) DO NOTHING`,
      [
        column((v) => v.reportId),
        column((v) => v.event.metadata.eventId),
        column((v) => v.event.type),
        column((v) => v.event.position.toString()),
        column((v) => v.event.revision.toString()),
        column((v) => v.figures.municipality),
        column((v) => v.figures.reportedAt),
        column((v) => v.figures.infections),
        column((v) => v.event.recordedAt.toISOString()),
      ],
    );
    const lines = versions.flatMap((v) => v.figures.lines.map((line) => ({ reportId: v.reportId, eventId: v.event.metadata.eventId, ...line })));
    if (lines.length === 0) return;
    await tx.query(
      `INSERT INTO stock_report_lines (report_id, event_id, item, on_hand, used_since_last, requested)
       SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::int[], $5::int[], $6::int[])
       ON CONFLICT (report_id, event_id, item) DO NOTHING`,
      [
        lines.map((l) => l.reportId),
        lines.map((l) => l.eventId),
        lines.map((l) => l.item),
        lines.map((l) => l.onHand),
        lines.map((l) => l.usedSinceLastReport),
        lines.map((l) => l.requested),
      ],
    );
  }

  /**
   * Dispatched and received lines, folded per delivery and item first: most deliveries are
   * confirmed within the page that dispatched them, and one row written once costs half of one
   * written twice. Each side keeps its own guard (`… IS NULL`); a side named twice in the page for
   * the same line waits for a second round, as it would event by event.
   */
  private async deliveries(
    tx: EntityManager,
    dispatched: readonly RecordedEvent<string, DeliveryDispatchedData>[],
    received: readonly RecordedEvent<string, DeliveryReceivedData>[],
  ): Promise<void> {
    const sides = [
      ...dispatched.flatMap((event) => {
        const d = event.data;
        const perItem = new Map<string, number>();
        for (const line of d.lines) perItem.set(line.item, (perItem.get(line.item) ?? 0) + line.quantity);
        return [...perItem].map(([item, quantity]): DeliveryLine => ({
          key: `${d.deliveryId}|${item}`, deliveryId: d.deliveryId, item, municipality: d.municipality,
          dispatch: { quantity, at: d.dispatchedAt, position: event.position },
        }));
      }),
      ...received.flatMap((event) =>
        event.data.lines.map((line): DeliveryLine => ({
          key: `${event.data.deliveryId}|${line.item}`, deliveryId: event.data.deliveryId, item: line.item, municipality: event.data.municipality,
          receipt: { accepted: line.accepted, at: event.data.receivedAt, position: event.position },
        })),
      ),
    ];
    const rounds = foldInRounds(sides, (line) => line.key, (seen: DeliveryLine | undefined, line) => {
      if (!seen) return line;
      if ((line.dispatch && seen.dispatch) || (line.receipt && seen.receipt)) return undefined;
      return { ...seen, dispatch: seen.dispatch ?? line.dispatch, receipt: seen.receipt ?? line.receipt };
    });
    for (const round of rounds) await this.writeDeliveries(round, tx);
  }

  private async writeDeliveries(lines: readonly DeliveryLine[], tx: EntityManager): Promise<void> {
    await tx.query(
      `INSERT INTO stock_deliveries AS s (delivery_id, item, municipality, quantity, dispatched_at, dispatch_position, accepted, received_at, receipt_position)
       SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::int[], $5::timestamptz[], $6::bigint[], $7::int[], $8::timestamptz[], $9::bigint[])
       ON CONFLICT (delivery_id, item) DO UPDATE SET
         ${claimSide('s', 'dispatch_position', ['quantity', 'dispatched_at', 'dispatch_position'])},
         ${claimSide('s', 'receipt_position', ['accepted', 'received_at', 'receipt_position'])}
       WHERE ${claims('s', 'dispatch_position')} OR ${claims('s', 'receipt_position')}`,
      [
        lines.map((l) => l.deliveryId),
        lines.map((l) => l.item),
        lines.map((l) => l.municipality),
        lines.map((l) => l.dispatch?.quantity ?? null),
        lines.map((l) => l.dispatch?.at ?? null),
        lines.map((l) => l.dispatch?.position.toString() ?? null),
        lines.map((l) => l.receipt?.accepted ?? null),
        lines.map((l) => l.receipt?.at ?? null),
        lines.map((l) => l.receipt?.position.toString() ?? null),
      ],
    );
  }
}

/** One delivery line as a page states it: what left, what arrived, or both. */
interface DeliveryLine {
  readonly key: string;
  readonly deliveryId: string;
  readonly item: string;
  readonly municipality: string;
  readonly dispatch?: { readonly quantity: number; readonly at: string; readonly position: bigint };
  readonly receipt?: { readonly accepted: number; readonly at: string; readonly position: bigint };
}

/** A report's figures as one event states them: the report itself, or a correction of it. */
interface ReportVersion {
  readonly event: RecordedEvent;
  readonly reportId: string;
  readonly figures: Pick<SituationReportedData, 'municipality' | 'reportedAt' | 'infections' | 'lines'>;
}

/** The moment a stock is asked for: a business time, and optionally a log position it is known at. */
export interface StockMoment {
  readonly asOf: Date;
  /** Only what the log held at this position; everything recorded when omitted. */
  readonly knownAt?: bigint;
}

export interface ItemStock {
  readonly item: string;
  readonly lastCounted: { readonly onHand: number; readonly countedAt: string; readonly reportId: string } | null;
  readonly requested: number | null;
  readonly dailyUse: number | null;
  readonly deliveredSince: number;
  readonly inTransit: number;
  readonly estimatedUseSince: number;
  readonly projected: number;
  readonly daysOfSupply: number | null;
  readonly status: StockStatus;
  readonly notes?: readonly string[];
}

export interface LastReport {
  readonly reportId: string;
  readonly reportedAt: string;
  readonly infections: number;
  /** Its figures are a correction's, not the original report's. */
  readonly corrected: boolean;
}

export interface MunicipalityStock {
  readonly municipality: string;
  /** Worst item status; `unknown` when nothing is known. */
  readonly status: StockStatus;
  readonly lastReport: LastReport | null;
  readonly items: readonly ItemStock[];
}

const MAX_POSITION = '9223372036854775807';

/** Each report's figures as known at $3: its latest version recorded by then. */
const CURRENT_REPORTS = `
  versions AS (
    SELECT DISTINCT ON (report_id) report_id, event_id, municipality, reported_at, infections
      FROM stock_report_versions
     WHERE municipality = ANY ($1::text[]) AND position <= $3
     ORDER BY report_id, position DESC, revision DESC
  ), reports AS (
    SELECT v.*,
           lag(v.reported_at) OVER (PARTITION BY v.municipality ORDER BY v.reported_at, v.report_id) AS previous_at,
           (SELECT count(*) FROM stock_report_versions c WHERE c.report_id = v.report_id AND c.position <= $3) > 1 AS corrected
      FROM versions v
     WHERE v.reported_at <= $2
  )`;

interface FactsRow {
  municipality: string;
  item: string;
  report_id: string | null;
  reported_at: Date | null;
  previous_at: Date | null;
  on_hand: number | null;
  used_since_last: number | null;
  requested: number | null;
  delivered_since: string;
  in_transit: string;
}

interface LastReportRow {
  municipality: string;
  report_id: string;
  reported_at: Date;
  infections: number;
  corrected: boolean;
}

/**
 * Each municipality's projected stock per item at a moment, from the read model's history. Used by
 * the stock reads, and open to any context that needs the figures an allocation would see.
 */
@Injectable()
export class MunicipalityStockQuery {
  constructor(
    private readonly db: DataSource,
    private readonly reference: ReferenceData,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  get thresholds(): StockThresholds {
    return { criticalDays: this.config.STOCK_CRITICAL_DAYS, lowDays: this.config.STOCK_LOW_DAYS };
  }

  /** One entry per municipality asked for, in the order asked, those with no data included. */
  async forMunicipalities(codes: readonly string[], moment: StockMoment): Promise<MunicipalityStock[]> {
    const params = [codes, moment.asOf.toISOString(), moment.knownAt?.toString() ?? MAX_POSITION];
    const facts: FactsRow[] = await this.db.query(
      `WITH ${CURRENT_REPORTS}, counts AS (
         SELECT DISTINCT ON (r.municipality, l.item)
                r.municipality, l.item, r.report_id, r.reported_at, r.previous_at, l.on_hand, l.used_since_last, l.requested
           FROM reports r JOIN stock_report_lines l ON l.report_id = r.report_id AND l.event_id = r.event_id
          ORDER BY r.municipality, l.item, r.reported_at DESC, r.report_id DESC
       ), deliveries AS (
         SELECT d.municipality, d.item,
                sum(d.accepted) FILTER (
                  WHERE d.received_at <= $2 AND d.receipt_position <= $3 AND (c.reported_at IS NULL OR d.received_at > c.reported_at)
                ) AS delivered_since,
                sum(d.quantity) FILTER (
                  WHERE d.dispatched_at <= $2 AND d.dispatch_position <= $3
                    AND NOT coalesce(d.received_at <= $2 AND d.receipt_position <= $3, false)
                ) AS in_transit
           FROM stock_deliveries d
           LEFT JOIN counts c ON c.municipality = d.municipality AND c.item = d.item
          WHERE d.municipality = ANY ($1::text[])
            AND ((d.dispatched_at <= $2 AND d.dispatch_position <= $3) OR (d.received_at <= $2 AND d.receipt_position <= $3))
          GROUP BY d.municipality, d.item
       )
       SELECT coalesce(c.municipality, d.municipality) AS municipality, coalesce(c.item, d.item) AS item,
              c.report_id, c.reported_at, c.previous_at, c.on_hand, c.used_since_last, c.requested,
              coalesce(d.delivered_since, 0)::text AS delivered_since, coalesce(d.in_transit, 0)::text AS in_transit
         FROM counts c FULL JOIN deliveries d ON d.municipality = c.municipality AND d.item = c.item`,
      params,
    );
    const lastReports: LastReportRow[] = await this.db.query(
      `WITH ${CURRENT_REPORTS}
       SELECT DISTINCT ON (municipality) municipality, report_id, reported_at, infections, corrected
         FROM reports ORDER BY municipality, reported_at DESC, report_id DESC`,
      params,
    );
    const catalogueOrder = new Map(this.reference.items.map((item, i) => [item.code, i]));
    const order = (item: string) => catalogueOrder.get(item) ?? Number.MAX_SAFE_INTEGER;
    return codes.map((code) => {
      const items = facts
        .filter((row) => row.municipality === code)
        .sort((a, b) => order(a.item) - order(b.item) || a.item.localeCompare(b.item))
        .map((row) => this.itemStock(row, moment.asOf));
      const last = lastReports.find((r) => r.municipality === code);
      return {
        municipality: code,
        status: worstStatus(items.map((i) => i.status)),
        lastReport: last
          ? { reportId: last.report_id, reportedAt: last.reported_at.toISOString(), infections: last.infections, corrected: last.corrected }
          : null,
        items,
      };
    });
  }

  private itemStock(row: FactsRow, asOf: Date): ItemStock {
    const lastCount =
      row.report_id === null
        ? undefined
        : {
            reportId: row.report_id,
            countedAt: row.reported_at!,
            onHand: row.on_hand!,
            usedSinceLastReport: row.used_since_last!,
            requested: row.requested!,
            ...(row.previous_at ? { previousReportAt: row.previous_at } : {}),
          };
    const deliveredSince = Number(row.delivered_since);
    const inTransit = Number(row.in_transit);
    const projection = projectStock({ lastCount, deliveredSince, inTransit }, asOf, this.thresholds);
    return {
      item: row.item,
      lastCounted: lastCount ? { onHand: lastCount.onHand, countedAt: lastCount.countedAt.toISOString(), reportId: lastCount.reportId } : null,
      requested: lastCount?.requested ?? null,
      dailyUse: projection.dailyUse,
      deliveredSince,
      inTransit,
      estimatedUseSince: projection.estimatedUseSince,
      projected: projection.projected,
      daysOfSupply: projection.daysOfSupply,
      status: projection.status,
      ...(projection.notes.length > 0 ? { notes: projection.notes } : {}),
    };
  }
}
