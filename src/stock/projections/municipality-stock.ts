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
 *    Each version and its lines know the position of the version that replaced it (`superseded_at`);
 *  - every delivery line: dispatched (quantity, when, at which position) and received (accepted,
 *    when, at which position);
 *  - `stock_items`: each (municipality, item) either kind of fact named, with the longest transit
 *    of its deliveries — what lets a read touch only the rows that can count (docs/stock.md).
 *
 * Idempotent per event: report versions are inserted once per event id; each side of a delivery
 * line is claimed once (`… IS NULL`); `superseded_at` is recomputed from the versions present, and
 * the longest transit only grows.
 */
export class MunicipalityStockProjection implements Projection {
  readonly name = MUNICIPALITY_STOCK;
  readonly version = 1;
  readonly eventTypes = ['SituationReported', 'SituationReportCorrected', 'DeliveryDispatched', 'DeliveryReceived'];
  readonly tables = ['stock_report_versions', 'stock_report_lines', 'stock_deliveries', 'stock_items'];

  /**
   * A page in three statements (four when it holds corrections): every report version, their lines
   * (with the items they name), and every delivery line with what left and what arrived (with the
   * items and transits). Each row has one writer per side, guarded as above, so the rows do not
   * depend on how the log is cut into pages.
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
    const lines = versions.flatMap((v) => v.figures.lines.map((line) => ({ version: v, ...line })));
    if (lines.length > 0) {
      await tx.query(
        `WITH written AS (
           INSERT INTO stock_report_lines (report_id, event_id, item, on_hand, used_since_last, requested, municipality, reported_at, position)
           SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::int[], $5::int[], $6::int[], $7::text[], $8::timestamptz[], $9::bigint[])
           ON CONFLICT (report_id, event_id, item) DO NOTHING
           RETURNING municipality, item
         )
         INSERT INTO stock_items (municipality, item) SELECT DISTINCT municipality, item FROM written
         ON CONFLICT (municipality, item) DO NOTHING`,
        [
          lines.map((l) => l.version.reportId),
          lines.map((l) => l.version.event.metadata.eventId),
          lines.map((l) => l.item),
          lines.map((l) => l.onHand),
          lines.map((l) => l.usedSinceLastReport),
          lines.map((l) => l.requested),
          lines.map((l) => l.version.figures.municipality),
          lines.map((l) => l.version.figures.reportedAt),
          lines.map((l) => l.version.event.position.toString()),
        ],
      );
    }
    // A correction replaces the version before it. It always follows its report in the log (both
    // are in the municipality's stream), so only corrections can change which version is newest.
    const corrected = [...new Set(versions.filter((v) => v.event.type === 'SituationReportCorrected').map((v) => v.reportId))];
    if (corrected.length > 0) {
      await tx.query(
        `WITH next AS (
           SELECT report_id, event_id, lead(position) OVER (PARTITION BY report_id ORDER BY position, revision) AS superseded_at
             FROM stock_report_versions WHERE report_id = ANY ($1::uuid[])
         ), versions AS (
           UPDATE stock_report_versions v SET superseded_at = n.superseded_at
             FROM next n
            WHERE v.report_id = n.report_id AND v.event_id = n.event_id AND v.superseded_at IS DISTINCT FROM n.superseded_at
           RETURNING v.report_id, v.event_id, v.superseded_at
         )
         UPDATE stock_report_lines l SET superseded_at = u.superseded_at
           FROM versions u
          WHERE l.report_id = u.report_id AND l.event_id = u.event_id`,
        [corrected],
      );
    }
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

  /** One round of delivery lines, and what they tell `stock_items`: the pair, and how long the way took. */
  private async writeDeliveries(lines: readonly DeliveryLine[], tx: EntityManager): Promise<void> {
    await tx.query(
      `WITH written AS (
         INSERT INTO stock_deliveries AS s (delivery_id, item, municipality, quantity, dispatched_at, dispatch_position, accepted, received_at, receipt_position)
         SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::int[], $5::timestamptz[], $6::bigint[], $7::int[], $8::timestamptz[], $9::bigint[])
         ON CONFLICT (delivery_id, item) DO UPDATE SET
           ${claimSide('s', 'dispatch_position', ['quantity', 'dispatched_at', 'dispatch_position'])},
           ${claimSide('s', 'receipt_position', ['accepted', 'received_at', 'receipt_position'])}
         WHERE ${claims('s', 'dispatch_position')} OR ${claims('s', 'receipt_position')}
         RETURNING s.municipality, s.item, s.received_at - s.dispatched_at AS transit
       )
       INSERT INTO stock_items AS i (municipality, item, longest_transit)
       SELECT municipality, item, max(transit) FROM written GROUP BY municipality, item
       ON CONFLICT (municipality, item) DO UPDATE SET longest_transit = excluded.longest_transit
       WHERE excluded.longest_transit > i.longest_transit OR (i.longest_transit IS NULL AND excluded.longest_transit IS NOT NULL)`,
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

/** A report version, or a line of one, is the newest of its report as known at $3. */
const NEWEST_AT = (alias: string) => `${alias}.position <= $3 AND (${alias}.superseded_at IS NULL OR ${alias}.superseded_at > $3)`;

/**
 * Per (municipality, item) with any data: the latest count at $2 as known at $3, the report before
 * it, what was accepted since it, and what was on its way. Each part reads only what can count: one
 * descent for the count and for the report before, the lines that arrived since the count, and for
 * what was in transit the lines never received and those that left within the longest transit
 * before $2 (with $3 given — an audit — every line that left by $2, since a receipt recorded after
 * $3 may be of any age).
 */
const FACTS = `
  SELECT i.municipality, i.item, c.report_id, c.reported_at, p.reported_at AS previous_at, c.on_hand, c.used_since_last, c.requested,
         coalesce(arrived.total, 0)::text AS delivered_since,
         (coalesce(unreceived.total, 0) + coalesce(later.total, 0))::text AS in_transit
    FROM stock_items i
    LEFT JOIN LATERAL (
      SELECT l.report_id, l.reported_at, l.on_hand, l.used_since_last, l.requested
        FROM stock_report_lines l
       WHERE l.municipality = i.municipality AND l.item = i.item AND l.reported_at <= $2 AND ${NEWEST_AT('l')}
       ORDER BY l.reported_at DESC, l.report_id DESC
       LIMIT 1
    ) c ON true
    LEFT JOIN LATERAL (
      SELECT v.reported_at
        FROM stock_report_versions v
       WHERE v.municipality = i.municipality AND (v.reported_at, v.report_id) < (c.reported_at, c.report_id) AND ${NEWEST_AT('v')}
       ORDER BY v.reported_at DESC, v.report_id DESC
       LIMIT 1
    ) p ON true
    LEFT JOIN LATERAL (
      SELECT sum(d.accepted) AS total
        FROM stock_deliveries d
       WHERE d.municipality = i.municipality AND d.item = i.item
         AND d.received_at <= $2 AND d.received_at > coalesce(c.reported_at, '-infinity') AND d.receipt_position <= $3
    ) arrived ON true
    LEFT JOIN LATERAL (
      SELECT sum(d.quantity) AS total
        FROM stock_deliveries d
       WHERE d.municipality = i.municipality AND d.item = i.item AND d.received_at IS NULL
         AND d.dispatched_at <= $2 AND d.dispatch_position <= $3
    ) unreceived ON true
    LEFT JOIN LATERAL (
      SELECT sum(d.quantity) AS total
        FROM stock_deliveries d
       WHERE d.municipality = i.municipality AND d.item = i.item AND d.received_at IS NOT NULL
         AND d.dispatched_at <= $2 AND d.dispatch_position <= $3
         AND d.dispatched_at >= CASE WHEN $3::bigint < ${MAX_POSITION} THEN '-infinity' ELSE $2::timestamptz - coalesce(i.longest_transit, interval '0') END
         AND NOT (d.received_at <= $2 AND d.receipt_position <= $3)
    ) later ON true
   WHERE i.municipality = ANY ($1::text[])
     AND (c.report_id IS NOT NULL
          OR EXISTS (SELECT 1 FROM stock_deliveries d
                      WHERE d.municipality = i.municipality AND d.item = i.item AND d.dispatched_at <= $2 AND d.dispatch_position <= $3)
          OR EXISTS (SELECT 1 FROM stock_deliveries d
                      WHERE d.municipality = i.municipality AND d.item = i.item AND d.received_at <= $2 AND d.receipt_position <= $3))`;

/** Per municipality: its latest report at $2 as known at $3, and whether a correction stated it. */
const LAST_REPORTS = `
  SELECT m.code AS municipality, v.report_id, v.reported_at, v.infections,
         EXISTS (SELECT 1 FROM stock_report_versions o WHERE o.report_id = v.report_id AND o.event_id <> v.event_id AND o.position <= $3) AS corrected
    FROM unnest($1::text[]) AS m(code)
   CROSS JOIN LATERAL (
     SELECT v.report_id, v.event_id, v.reported_at, v.infections
       FROM stock_report_versions v
      WHERE v.municipality = m.code AND v.reported_at <= $2 AND ${NEWEST_AT('v')}
      ORDER BY v.reported_at DESC, v.report_id DESC
      LIMIT 1
   ) v`;

/** One (municipality, item) of the stock query: its latest count and what arrived and left since. */
export interface FactsRow {
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

export interface LastReportRow {
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
    protected readonly db: DataSource,
    private readonly reference: ReferenceData,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  get thresholds(): StockThresholds {
    return { criticalDays: this.config.STOCK_CRITICAL_DAYS, lowDays: this.config.STOCK_LOW_DAYS };
  }

  /** One entry per municipality asked for, in the order asked, those with no data included. */
  async forMunicipalities(codes: readonly string[], moment: StockMoment): Promise<MunicipalityStock[]> {
    const params = [codes, moment.asOf.toISOString(), moment.knownAt?.toString() ?? MAX_POSITION] as const;
    const [facts, lastReports] = await this.rows(params);
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

  /** The rows the stock is computed from; params are the codes, `asOf` and the `knownAt` position. */
  protected rows(params: readonly [readonly string[], string, string]): Promise<[FactsRow[], LastReportRow[]]> {
    return Promise.all([this.db.query<FactsRow[]>(FACTS, [...params]), this.db.query<LastReportRow[]>(LAST_REPORTS, [...params])]);
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
