import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { loadConfig } from '../../src/config/config.js';
import { StockReadPaths1733100000000 } from '../../src/database/migrations/1733100000000-stock-read-paths.js';
import type { LogPosition, RecordedEvent } from '../../src/event-store/event-store.js';
import { rebuildProjection } from '../../src/projections/projection-rebuilder.js';
import { ReferenceData } from '../../src/reference/reference-data.js';
import type { ReportLine, SituationReportedData } from '../../src/reporting/domain/situation-report.events.js';
import { MunicipalityStockProjection } from '../../src/stock/projections/municipality-stock.projector.js';
import { type FactsRow, type LastReportRow, MunicipalityStockQuery, type StockMoment } from '../../src/stock/queries/municipality-stock.js';
import type { DeliveryDispatchedData } from '../../src/warehouse/domain/warehouse.events.js';
import { openTestLog, type TestLog } from '../support/database.js';
import {
  appendFacts,
  correctionData,
  dispatchData,
  receiptData,
  registry,
  reportData,
  vallentunaCoordinator,
  WAREHOUSE_STREAM,
  warehouseStaff,
} from '../deliveries/fixtures.js';

/**
 * The stock query reads only the few rows that can count (the newest count, lines since it, lines
 * within the longest transit). This holds it to the plain definition it replaced, which reads a
 * municipality's whole history: the same answers for a randomised log of reports, corrections,
 * late and never-confirmed deliveries, at many business times and log positions.
 */
class WholeHistoryStockQuery extends MunicipalityStockQuery {
  protected override async rows(params: readonly [readonly string[], string, string]): Promise<[FactsRow[], LastReportRow[]]> {
    const currentReports = `
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
    const facts: FactsRow[] = await this.db.query(
      `WITH ${currentReports}, counts AS (
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
      [...params],
    );
    const lastReports: LastReportRow[] = await this.db.query(
      `WITH ${currentReports}
       SELECT DISTINCT ON (municipality) municipality, report_id, reported_at, infections, corrected
         FROM reports ORDER BY municipality, reported_at DESC, report_id DESC`,
      [...params],
    );
    return [facts, lastReports];
  }
}

/** A small deterministic generator (mulberry32), so a failure can be replayed. */
const randomFrom = (seed: number) => () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};

const DAY = 86_400_000;
const START = Date.UTC(2026, 0, 5, 8);
const MUNICIPALITIES = ['0115', '0117', '0120'];
const ITEMS = ['FFP2', 'MASK-IIR', 'GLOVE-NITRILE-M', 'GOWN-LS'];
const WEEKS = 8;

interface Fact {
  readonly streamId: string;
  readonly type: string;
  readonly data: unknown;
  readonly actor: typeof warehouseStaff;
  readonly occurredAt: Date;
  /** When it reaches the log: the log is appended in this order. */
  readonly recordedAt: number;
}

/**
 * Weekly reports of a random subset of items, some corrected later (once or twice, with other
 * items), and deliveries that take hours, or ten days, or are never confirmed, and whose receipts
 * are recorded up to a week after the goods arrived. GOWN-LS is delivered but never counted.
 */
const scenario = (random: () => number): Fact[] => {
  const facts: Fact[] = [];
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(random() * xs.length)]!;
  const reportLines = (items: readonly string[]): ReportLine[] => {
    const chosen = items.filter(() => random() < 0.7);
    return (chosen.length > 0 ? chosen : [items[0]!]).map((item) => ({
      item,
      onHand: Math.floor(random() * 1000),
      usedSinceLastReport: Math.floor(random() * 500),
      requested: Math.floor(random() * 300),
    }));
  };
  for (const municipality of MUNICIPALITIES) {
    const actor = { ...vallentunaCoordinator, municipality };
    const streamId = `municipality-${municipality}`;
    for (let week = 0; week < WEEKS; week++) {
      const reportedAt = new Date(START + week * 7 * DAY + Math.floor(random() * 48) * 3_600_000);
      const report: SituationReportedData = reportData(municipality, reportedAt, reportLines(ITEMS.slice(0, 3)), { infections: Math.floor(random() * 20) });
      facts.push({ streamId, type: 'SituationReported', data: report, actor, occurredAt: reportedAt, recordedAt: reportedAt.getTime() + random() * 3_600_000 });
      let correctedAt = reportedAt.getTime();
      for (let c = 0; c < 2 && random() < 0.35; c++) {
        correctedAt += (1 + random() * 20) * DAY;
        const correction = { ...correctionData(report, reportLines(ITEMS.slice(0, 3))), infections: Math.floor(random() * 20) };
        facts.push({ streamId, type: 'SituationReportCorrected', data: correction, actor, occurredAt: new Date(correctedAt), recordedAt: correctedAt });
      }
    }
    for (let n = 0; n < 14; n++) {
      const dispatchedAt = START + random() * WEEKS * 7 * DAY;
      const items = ITEMS.filter(() => random() < 0.5);
      const lines = (items.length > 0 ? items : [pick(ITEMS)]).map((item) => ({
        item,
        quantity: 10 + Math.floor(random() * 500),
        lots: [{ lot: null, expiresOn: null, quantity: 0 }],
      }));
      for (const l of lines) l.lots[0]!.quantity = l.quantity;
      const dispatch: DeliveryDispatchedData = dispatchData({
        deliveryId: randomUUID(),
        municipality,
        dispatchedAt: new Date(dispatchedAt).toISOString(),
        lines,
      });
      facts.push({
        streamId: WAREHOUSE_STREAM,
        type: 'DeliveryDispatched',
        data: dispatch,
        actor: warehouseStaff,
        occurredAt: new Date(dispatchedAt),
        recordedAt: dispatchedAt,
      });
      const fate = random();
      if (fate < 0.2) continue; // never confirmed
      const transit = fate < 0.35 ? 10 * DAY * random() + 5 * DAY : random() * DAY;
      const receivedAt = dispatchedAt + transit;
      const accepted = Object.fromEntries(lines.map((l) => [l.item, [Math.floor(l.quantity * (0.5 + random() / 2)), 'damaged'] as [number, string]]));
      const receipt = receiptData(dispatch, new Date(receivedAt).toISOString(), accepted);
      const recordedAt = receivedAt + (random() < 0.3 ? random() * 7 * DAY : random() * 3_600_000);
      facts.push({
        streamId: `delivery-${dispatch.deliveryId}`,
        type: 'DeliveryReceived',
        data: receipt,
        actor: { ...vallentunaCoordinator, municipality },
        occurredAt: new Date(receivedAt),
        recordedAt,
      });
    }
  }
  return facts.sort((a, b) => a.recordedAt - b.recordedAt);
};

let log: TestLog;
const projection = new MunicipalityStockProjection();
let fast: MunicipalityStockQuery;
let plain: WholeHistoryStockQuery;
const positions: LogPosition[] = [];
let businessTimes: number[] = [];

beforeAll(async () => {
  log = await openTestLog();
  const reference = ReferenceData.load();
  fast = new MunicipalityStockQuery(log.dataSource, reference, loadConfig({}));
  plain = new WholeHistoryStockQuery(log.dataSource, reference, loadConfig({}));
  const random = randomFrom(20261123);
  const facts = scenario(random);
  for (const fact of facts) positions.push((await appendFacts(log.store, [fact])).position);
  businessTimes = facts.map((f) => f.occurredAt.getTime());

  // Applied in pages of random length, each twice, as a runner catching up after a crash would.
  const recorded = (await log.store.readAll({ filter: { eventTypes: projection.eventTypes } })).map((e) => registry.decode(e)) as RecordedEvent[];
  for (let i = 0; i < recorded.length;) {
    const page = recorded.slice(i, i + 1 + Math.floor(random() * 12));
    for (let twice = 0; twice < 2; twice++) await log.dataSource.transaction((tx) => projection.apply(page, tx));
    i += page.length;
  }
});
afterAll(async () => {
  await log?.close();
});

describe('municipality stock at any moment, from only the rows that can count', () => {
  it('answers as the whole history does, at every business time and log position', async () => {
    const first = Math.min(...businessTimes);
    const last = Math.max(...businessTimes);
    const asOfs = [first - DAY, ...Array.from({ length: 40 }, (_, i) => first + ((last - first + 2 * DAY) * i) / 39), last + 30 * DAY];
    const sorted = [...positions].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const knownAts: (LogPosition | undefined)[] = [undefined, ...[0.1, 0.3, 0.5, 0.7, 0.9].map((f) => sorted[Math.floor(f * (sorted.length - 1))]!)];
    const codes = [...MUNICIPALITIES, '0114'];
    let compared = 0;
    let withTransit = 0;
    for (const asOf of asOfs) {
      for (const knownAt of knownAts) {
        const moment: StockMoment = { asOf: new Date(asOf), ...(knownAt === undefined ? {} : { knownAt }) };
        const expected = await plain.forMunicipalities(codes, moment);
        expect({ moment, stock: await fast.forMunicipalities(codes, moment) }).toEqual({ moment, stock: expected });
        compared++;
        withTransit += expected.flatMap((s) => s.items).filter((i) => i.inTransit > 0).length;
      }
    }
    // The scenario reaches the cases the fast paths bound: goods in transit at many moments.
    expect(compared).toBe(42 * 6);
    expect(withTransit).toBeGreaterThan(100);
  });

  it('knows every item of every municipality and its longest transit', async () => {
    const items = await log.dataSource.query('SELECT municipality, item, longest_transit FROM stock_items ORDER BY municipality, item');
    const expected = await log.dataSource.query(
      `SELECT municipality, item, max(received_at - dispatched_at) AS longest_transit
         FROM (SELECT municipality, item, NULL::timestamptz AS dispatched_at, NULL::timestamptz AS received_at FROM stock_report_lines
               UNION ALL SELECT municipality, item, dispatched_at, received_at FROM stock_deliveries) f
        GROUP BY municipality, item ORDER BY municipality, item`,
    );
    expect(items).toEqual(expected);
    expect(items.map((i: { item: string }) => i.item)).toContain('GOWN-LS');
  });

  it('fills the new columns and stock_items from rows projected before the upgrade, on a database rebuilt since', async () => {
    // A rebuild swaps in fresh tables: their indexes keep the names the migrations gave, which the
    // migration below relies on no more than it must (it finds the old indexes by their columns).
    const indexNames = async () =>
      (await log.dataSource.query(`SELECT indexname FROM pg_indexes WHERE schemaname = 'public' AND tablename LIKE 'stock_%' ORDER BY indexname`)).map(
        (r: { indexname: string }) => r.indexname,
      );
    const named = await indexNames();
    expect(named).toEqual(
      expect.arrayContaining(['stock_deliveries_arrived', 'stock_deliveries_left', 'stock_report_lines_newest', 'stock_report_versions_newest']),
    );
    await rebuildProjection(log.dataSource, log.store, projection, { registry });
    expect(await indexNames()).toEqual(named);

    const snapshot = async () => ({
      versions: await log.dataSource.query('SELECT * FROM stock_report_versions ORDER BY report_id, event_id'),
      lines: await log.dataSource.query('SELECT * FROM stock_report_lines ORDER BY report_id, event_id, item'),
      deliveries: await log.dataSource.query('SELECT * FROM stock_deliveries ORDER BY delivery_id, item'),
      items: await log.dataSource.query('SELECT * FROM stock_items ORDER BY municipality, item'),
    });
    const projected = await snapshot();
    expect(projected.versions.filter((v: { superseded_at: string | null }) => v.superseded_at !== null).length).toBeGreaterThan(3);
    const migration = new StockReadPaths1733100000000();
    const runner = log.dataSource.createQueryRunner();
    try {
      await runner.startTransaction();
      await migration.down(runner);
      const columns = await runner.query(
        `SELECT column_name FROM information_schema.columns WHERE table_name = 'stock_report_lines' ORDER BY ordinal_position`,
      );
      expect(columns.map((c: { column_name: string }) => c.column_name)).not.toContain('superseded_at');
      // As a database rebuilt before rebuilds kept index names has them: named by PostgreSQL.
      await runner.query('ALTER INDEX stock_deliveries_municipality RENAME TO stock_deliveries_municipality_item_idx');
      await runner.query('ALTER INDEX stock_report_versions_municipality RENAME TO stock_report_versions_municipality_report_id_position_idx');
      await migration.up(runner);
      await runner.commitTransaction();
    } finally {
      await runner.release();
    }
    expect(await snapshot()).toEqual(projected);
    expect(await indexNames()).toEqual(named);
  });
});
