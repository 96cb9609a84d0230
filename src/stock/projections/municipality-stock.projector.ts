import type { EntityManager } from 'typeorm';
import type { RecordedEvent } from '../../event-store/event-store.js';
import type { Projection } from '../../projections/projection.js';
import { claims, claimSide, foldInRounds } from '../../projections/two-sided-upsert.js';
import type { DeliveryReceivedData } from '../../deliveries/domain/delivery.events.js';
import type { SituationReportCorrectedData, SituationReportedData } from '../../reporting/domain/situation-report.events.js';
import type { DeliveryDispatchedData } from '../../warehouse/domain/warehouse.events.js';

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
          key: `${d.deliveryId}|${item}`,
          deliveryId: d.deliveryId,
          item,
          municipality: d.municipality,
          dispatch: { quantity, at: d.dispatchedAt, position: event.position },
        }));
      }),
      ...received.flatMap((event) =>
        event.data.lines.map((line): DeliveryLine => ({
          key: `${event.data.deliveryId}|${line.item}`,
          deliveryId: event.data.deliveryId,
          item: line.item,
          municipality: event.data.municipality,
          receipt: { accepted: line.accepted, at: event.data.receivedAt, position: event.position },
        })),
      ),
    ];
    const rounds = foldInRounds(
      sides,
      (line) => line.key,
      (seen: DeliveryLine | undefined, line) => {
        if (!seen) return line;
        if ((line.dispatch && seen.dispatch) || (line.receipt && seen.receipt)) return undefined;
        return { ...seen, dispatch: seen.dispatch ?? line.dispatch, receipt: seen.receipt ?? line.receipt };
      },
    );
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
