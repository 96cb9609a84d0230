import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { loadConfig } from '../../src/config/config.js';
import type { LogPosition, RecordedEvent } from '../../src/event-store/event-store.js';
import { rebuildProjection } from '../../src/projections/projection-rebuilder.js';
import { ReferenceData } from '../../src/reference/reference-data.js';
import { MunicipalityStockProjection } from '../../src/stock/projections/municipality-stock.projector.js';
import { MunicipalityStockQuery } from '../../src/stock/queries/municipality-stock.js';
import { openTestLog, type TestLog } from '../support/database.js';
import {
  appendFacts,
  applyTwice,
  correctionData,
  dispatchData,
  line,
  receiptData,
  registry,
  reportData,
  vallentunaCoordinator,
  WAREHOUSE_STREAM,
  warehouseStaff,
} from '../deliveries/fixtures.js';

const day = (n: number, hours = 0) => new Date(Date.UTC(2026, 2, 2, 8) + n * 86_400_000 + hours * 3_600_000);

let log: TestLog;
let query: MunicipalityStockQuery;
const projection = new MunicipalityStockProjection();
/** Positions of the scenario's facts, by name. */
const at: Record<string, LogPosition> = {};

/**
 * Vallentuna (0115) reports on day 0 and day 7; a delivery leaves on day 8 and arrives on day 8 at
 * 12:00 with 50 FFP2 short; then the day-7 report is corrected (650 FFP2 were 600). Österåker (0117)
 * reports once and has a delivery on its way.
 */
beforeAll(async () => {
  log = await openTestLog();
  query = new MunicipalityStockQuery(log.dataSource, ReferenceData.load(), loadConfig({}));
  const r1 = reportData('0115', day(0), [line('FFP2', 1000, 0, 500), line('MASK-IIR', 200, 0)], { infections: 3 });
  const r2 = reportData('0115', day(7), [line('FFP2', 650, 700, 300), line('MASK-IIR', 150, 70)], { infections: 6 });
  const d1 = dispatchData({ dispatchedAt: day(8).toISOString() });
  const receipt = receiptData(d1, day(8, 12).toISOString(), { FFP2: [450, 'torn packaging'] });
  const correction = correctionData(r2, [line('FFP2', 600, 700, 300), line('MASK-IIR', 150, 70)]);
  const other = reportData('0117', day(3), [line('FFP2', 10, 4)]);
  const d2 = dispatchData({ municipality: '0117', dispatchedAt: day(9).toISOString(), lines: [dispatchData().lines[0]!] });
  const facts = [
    ['r1', 'municipality-0115', 'SituationReported', r1, vallentunaCoordinator, day(0)],
    ['r2', 'municipality-0115', 'SituationReported', r2, vallentunaCoordinator, day(7)],
    ['d1', WAREHOUSE_STREAM, 'DeliveryDispatched', d1, warehouseStaff, day(8)],
    ['receipt', `delivery-${d1.deliveryId}`, 'DeliveryReceived', receipt, vallentunaCoordinator, day(8, 12)],
    ['correction', 'municipality-0115', 'SituationReportCorrected', correction, vallentunaCoordinator, day(7)],
    ['other', 'municipality-0117', 'SituationReported', other, vallentunaCoordinator, day(3)],
    ['d2', WAREHOUSE_STREAM, 'DeliveryDispatched', d2, warehouseStaff, day(9)],
  ] as const;
  for (const [name, streamId, type, data, actor, occurredAt] of facts) {
    at[name] = (await appendFacts(log.store, [{ streamId, type, data, actor, occurredAt }])).position;
  }
  const recorded = (await log.store.readAll({ filter: { eventTypes: projection.eventTypes } })).map((e) => registry.decode(e));
  await applyTwice(log.dataSource, projection, recorded as RecordedEvent[]);
});
afterAll(async () => {
  await log?.close();
});

const stockOf = async (code: string, asOf: Date, knownAt?: LogPosition) => (await query.forMunicipalities([code], { asOf, knownAt }))[0]!;
const item = async (code: string, code2: string, asOf: Date, knownAt?: LogPosition) => (await stockOf(code, asOf, knownAt)).items.find((i) => i.item === code2);

describe('municipality stock', () => {
  it('projects each item between the dispatch and its arrival, from the corrected count', async () => {
    const stock = await stockOf('0115', day(8, 6));
    expect(stock.items.map((i) => i.item)).toEqual(['FFP2', 'MASK-IIR', 'GLOVE-NITRILE-M']); // catalogue order
    expect(stock.items[0]).toEqual({
      item: 'FFP2',
      lastCounted: { onHand: 600, countedAt: day(7).toISOString(), reportId: expect.any(String) },
      requested: 300,
      dailyUse: 100,
      deliveredSince: 0,
      inTransit: 500,
      estimatedUseSince: 125,
      projected: 475,
      daysOfSupply: 4.7,
      status: 'low',
    });
    // 70 used over 7 days; 1.25 days since the count: 12.5 rounds to 13.
    expect(stock.items[1]).toMatchObject({ item: 'MASK-IIR', dailyUse: 10, estimatedUseSince: 13, projected: 137, status: 'ok' });
    expect(stock.items[2]).toMatchObject({ item: 'GLOVE-NITRILE-M', lastCounted: null, inTransit: 1000, projected: 0, status: 'unknown' });
    expect(stock.status).toBe('low'); // its worst item; low ranks before unknown
    expect(stock.lastReport).toEqual({ reportId: expect.any(String), reportedAt: day(7).toISOString(), infections: 6, corrected: true });
  });

  it('adds what was accepted once the delivery arrived, and nothing for what was rejected', async () => {
    expect(await item('0115', 'FFP2', day(9))).toMatchObject({
      deliveredSince: 450,
      inTransit: 0,
      estimatedUseSince: 200,
      projected: 850,
      daysOfSupply: 8.5,
      status: 'ok',
    });
    expect(await item('0115', 'GLOVE-NITRILE-M', day(9))).toMatchObject({ deliveredSince: 1000, inTransit: 0, projected: 1000, status: 'unknown' });
  });

  it('answers as of a moment before the second report from the first, with no daily use yet', async () => {
    const stock = await stockOf('0115', day(7, -1));
    expect(stock.items.map((i) => i.item)).toEqual(['FFP2', 'MASK-IIR']);
    expect(stock.items[0]).toMatchObject({
      lastCounted: { onHand: 1000, countedAt: day(0).toISOString() },
      dailyUse: null,
      estimatedUseSince: 0,
      projected: 1000,
      daysOfSupply: null,
      status: 'ok',
      notes: [expect.stringMatching(/daily use unknown/)],
    });
    expect(stock.lastReport).toMatchObject({ reportedAt: day(0).toISOString(), infections: 3, corrected: false });
  });

  it('answers as known before the correction was recorded, from the original figures', async () => {
    expect(await item('0115', 'FFP2', day(8, 6), at.correction! - 1n)).toMatchObject({
      lastCounted: expect.objectContaining({ onHand: 650 }),
      projected: 525,
      daysOfSupply: 5.2,
    });
    expect((await stockOf('0115', day(8, 6), at.receipt!)).lastReport).toMatchObject({ corrected: false });
  });

  it('answers as known before the receipt was recorded: still in transit, whatever the business time', async () => {
    expect(await item('0115', 'FFP2', day(9), at.receipt! - 1n)).toMatchObject({ deliveredSince: 0, inTransit: 500 });
    expect(await item('0115', 'FFP2', day(9), at.d1! - 1n)).toMatchObject({
      deliveredSince: 0,
      inTransit: 0,
      lastCounted: expect.objectContaining({ onHand: 650 }),
    });
  });

  it('keeps municipalities apart, and says unknown where nothing is known', async () => {
    const [osteraker, upplandsVasby] = await query.forMunicipalities(['0117', '0114'], { asOf: day(10) });
    expect(osteraker!.items).toEqual([
      expect.objectContaining({
        item: 'FFP2',
        lastCounted: expect.objectContaining({ onHand: 10 }),
        dailyUse: null,
        inTransit: 500,
        projected: 10,
        status: 'ok',
      }),
    ]);
    expect(upplandsVasby).toEqual({ municipality: '0114', status: 'unknown', lastReport: null, items: [] });
  });

  it('is rebuilt from the log to the very same rows, page by page or event by event', async () => {
    const snapshot = async () => ({
      versions: await log.dataSource.query('SELECT * FROM stock_report_versions ORDER BY report_id, event_id'),
      lines: await log.dataSource.query('SELECT * FROM stock_report_lines ORDER BY report_id, event_id, item'),
      deliveries: await log.dataSource.query('SELECT * FROM stock_deliveries ORDER BY delivery_id, item'),
      items: await log.dataSource.query('SELECT * FROM stock_items ORDER BY municipality, item'),
    });
    const live = await snapshot();
    expect(live.versions).toHaveLength(4);
    expect(live.deliveries).toHaveLength(3);
    // Every item either side ever named, and how long the one received delivery took (FFP2 and gloves, 12 hours).
    expect(live.items.map((i: { municipality: string; item: string }) => `${i.municipality} ${i.item}`)).toEqual([
      '0115 FFP2',
      '0115 GLOVE-NITRILE-M',
      '0115 MASK-IIR',
      '0117 FFP2',
    ]);
    expect(live.items.map((i: { longest_transit: { hours?: number } | null }) => i.longest_transit?.hours ?? null)).toEqual([12, 12, null, null]);
    await rebuildProjection(log.dataSource, log.store, projection, { registry });
    expect(await snapshot()).toEqual(live);

    // The whole log as one page, twice, and backwards (receipt before its dispatch): the same rows.
    const recorded = (await log.store.readAll({ filter: { eventTypes: projection.eventTypes } })).map((e) => registry.decode(e)) as RecordedEvent[];
    for (const page of [recorded, recorded, [...recorded].reverse()]) {
      await log.dataSource.query('TRUNCATE stock_report_versions, stock_report_lines, stock_deliveries, stock_items');
      await log.dataSource.transaction((tx) => projection.apply(page, tx));
      await log.dataSource.transaction((tx) => projection.apply(page, tx));
      expect(await snapshot()).toEqual(live);
    }
  });
});
