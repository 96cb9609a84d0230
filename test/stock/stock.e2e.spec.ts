import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { EVENT_STORE, type EventStore } from '../../src/event-store/event-store.js';
import { ProjectionsService } from '../../src/projections/projections.service.js';
import { ReactionsService } from '../../src/projections/reaction.js';
import { call, countEvents } from '../support/api.js';
import type { TestApp } from '../support/app.js';
import { describeOnBothEventStores } from '../support/both-stores.js';
import {
  appendFacts,
  correctionData,
  dispatchData,
  line,
  recordedBy,
  reportData,
  vallentunaCoordinator,
  WAREHOUSE_STREAM,
  warehouseStaff,
} from '../deliveries/fixtures.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** Ten days ago, on the hour: the scenario's day 0. Receipts cannot lie in the future, so it runs in the past. */
const B = Math.floor(Date.now() / HOUR) * HOUR - 10 * DAY;
const day = (n: number, hours = 0) => new Date(B + n * DAY + hours * HOUR);
const q = (date: Date) => encodeURIComponent(date.toISOString());

describeOnBothEventStores('municipality stock', (start) => {
  let t: TestApp;
  let vallentuna: string;
  let county01: string;
  let auditor: string;
  /** Log positions of the scenario's facts. */
  const at: Record<string, string> = {};

  /**
   * Vallentuna (0115) counts 1000 FFP2 on day 0 and 650 on day 7 (700 used: 100 a day). On day 8 a
   * delivery of 500 FFP2 and 1000 gloves leaves; it arrives at 12:00 with 50 FFP2 refused. Then the
   * day-7 report is corrected: 600, not 650. Österåker (0117) reported none left on day 2; Örebro
   * (1880, another county) reported too. Thresholds: critical under 5 days, low under 10.
   */
  beforeAll(async () => {
    t = await start({ STOCK_CRITICAL_DAYS: '5', STOCK_LOW_DAYS: '10' });
    vallentuna = await t.token('municipality', { municipality: '0115' });
    county01 = await t.token('county', { county: '01' });
    auditor = await t.token('auditor');
    const store = t.app.get<EventStore>(EVENT_STORE);

    const r2 = reportData('0115', day(7), [line('FFP2', 650, 700, 300)], { infections: 6 });
    const osteraker = { ...vallentunaCoordinator, municipality: '0117' };
    await appendFacts(store, [
      {
        streamId: 'municipality-0115',
        type: 'SituationReported',
        data: reportData('0115', day(0), [line('FFP2', 1000, 0, 500)]),
        actor: vallentunaCoordinator,
        occurredAt: day(0),
      },
      { streamId: 'municipality-0115', type: 'SituationReported', data: r2, actor: vallentunaCoordinator, occurredAt: day(7) },
      {
        streamId: 'municipality-0117',
        type: 'SituationReported',
        data: reportData('0117', day(2), [line('FFP2', 0, 0, 800)]),
        actor: osteraker,
        occurredAt: day(2),
      },
      {
        streamId: 'municipality-1880',
        type: 'SituationReported',
        data: reportData('1880', day(2), [line('FFP2', 5, 0)]),
        actor: { ...osteraker, county: '18', municipality: '1880' },
        occurredAt: day(2),
      },
    ]);

    const dispatch = dispatchData({ dispatchedAt: day(8).toISOString() });
    const dispatched = recordedBy(warehouseStaff, WAREHOUSE_STREAM, 'DeliveryDispatched', dispatch, day(8));
    at.dispatch = (await store.appendToStream(WAREHOUSE_STREAM, [dispatched], { expectedRevision: 'any' })).position.toString();
    await t.app.get(ReactionsService).afterCommand(WAREHOUSE_STREAM, [dispatched]);

    const receipt = await call(t, 'POST', `/api/deliveries/${dispatch.deliveryId}/receipt`, {
      as: vallentuna,
      body: {
        receivedAt: day(8, 12).toISOString(),
        lines: [
          { item: 'FFP2', received: 450, reason: 'torn packaging' },
          { item: 'GLOVE-NITRILE-M', received: 1000 },
        ],
      },
    });
    expect(receipt.status).toBe(201);
    at.receipt = receipt.body.position;

    const corrected = await appendFacts(store, [
      {
        streamId: 'municipality-0115',
        type: 'SituationReportCorrected',
        data: correctionData(r2, [line('FFP2', 600, 700, 300)]),
        actor: vallentunaCoordinator,
        occurredAt: day(7),
      },
    ]);
    at.correction = corrected.position.toString();
  });
  afterAll(async () => {
    await t?.close();
  });

  const stock = async (query: string, as = vallentuna) => {
    const r = await call(t, 'GET', `/api/municipalities/0115/stock?waitFor=${at.correction}&${query}`, { as });
    expect(r.status).toBe(200);
    return r.body;
  };
  const ffp2 = (body: { items: { item: string }[] }) => body.items.find((i) => i.item === 'FFP2') as Record<string, unknown>;

  it('projects stock now: the corrected count, what was accepted since, and the use since', async () => {
    const now = await stock('');
    expect(now.municipality).toEqual({ code: '0115', name: 'Vallentuna', county: '01' });
    expect(now.thresholds).toEqual({ criticalDays: 5, lowDays: 10 });
    expect(now.lastReport).toMatchObject({ reportedAt: day(7).toISOString(), infections: 6, corrected: true });
    const item = ffp2(now);
    expect(item).toMatchObject({
      lastCounted: { onHand: 600, countedAt: day(7).toISOString(), reportId: expect.any(String) },
      requested: 300,
      dailyUse: 100,
      deliveredSince: 450,
      inTransit: 0,
      status: 'low',
    });
    // A bit over three days since the count, at 100 a day.
    expect(item.estimatedUseSince).toBeGreaterThanOrEqual(300);
    expect(item.estimatedUseSince).toBeLessThanOrEqual(305);
    expect(item.projected).toBe(1050 - (item.estimatedUseSince as number));
    expect(item.daysOfSupply).toBeGreaterThanOrEqual(7.4);
    expect(item.daysOfSupply).toBeLessThanOrEqual(7.5);
    expect(now.items.find((i: { item: string }) => i.item === 'GLOVE-NITRILE-M')).toMatchObject({
      lastCounted: null,
      deliveredSince: 1000,
      projected: 1000,
      status: 'unknown',
    });
  });

  it('answers as of a past moment: in transit before the delivery arrived, from the corrected count', async () => {
    const past = await stock(`asOf=${q(day(8, 6))}`);
    expect(past.asOf).toBe(day(8, 6).toISOString());
    expect(ffp2(past)).toMatchObject({
      lastCounted: expect.objectContaining({ onHand: 600 }),
      deliveredSince: 0,
      inTransit: 500,
      estimatedUseSince: 125,
      projected: 475,
      daysOfSupply: 4.7,
      status: 'critical',
    });
    expect(past.status).toBe('critical');
  });

  it('answers as of before the second report, with no daily use known yet', async () => {
    const early = await stock(`asOf=${q(day(7, -1))}`);
    expect(early.items).toEqual([
      {
        item: 'FFP2',
        lastCounted: { onHand: 1000, countedAt: day(0).toISOString(), reportId: expect.any(String) },
        requested: 500,
        dailyUse: null,
        deliveredSince: 0,
        inTransit: 0,
        estimatedUseSince: 0,
        projected: 1000,
        daysOfSupply: null,
        status: 'ok',
        notes: [expect.stringMatching(/daily use unknown/)],
      },
    ]);
  });

  it('answers as known before the late correction was recorded', async () => {
    const known = await stock(`asOf=${q(day(8, 6))}&knownAt=${BigInt(at.correction!) - 1n}`);
    expect(known.knownAt).toBe((BigInt(at.correction!) - 1n).toString());
    expect(ffp2(known)).toMatchObject({ lastCounted: expect.objectContaining({ onHand: 650 }), projected: 525, daysOfSupply: 5.2, status: 'low' });
    expect(known.lastReport.corrected).toBe(false);
    const beforeDispatch = await stock(`asOf=${q(day(9))}&knownAt=${BigInt(at.dispatch!) - 1n}`);
    expect(ffp2(beforeDispatch)).toMatchObject({ inTransit: 0, deliveredSince: 0 });
  });

  it('shows the county at a glance: every municipality, its worst status, unknown where none reported', async () => {
    const r = await call(t, 'GET', `/api/stock?county=01&asOf=${q(day(8, 6))}&waitFor=${at.correction}`, { as: county01 });
    expect(r.status).toBe(200);
    expect(r.body.county).toEqual({ code: '01', name: 'Stockholms län' });
    expect(r.body.municipalities).toHaveLength(26);
    const byCode = Object.fromEntries(r.body.municipalities.map((m: { code: string }) => [m.code, m]));
    expect(byCode['0115']).toEqual({
      code: '0115',
      name: 'Vallentuna',
      status: 'critical',
      lastReportedAt: day(7).toISOString(),
      infections: 6,
      items: [
        { item: 'FFP2', projected: 475, daysOfSupply: 4.7, status: 'critical' },
        { item: 'GLOVE-NITRILE-M', projected: 0, daysOfSupply: null, status: 'unknown' },
      ],
    });
    expect(byCode['0117']).toMatchObject({ status: 'out', items: [{ item: 'FFP2', projected: 0, status: 'out' }] });
    expect(byCode['0114']).toEqual({ code: '0114', name: 'Upplands Väsby', status: 'unknown', lastReportedAt: null, infections: null, items: [] });
    expect(byCode['1880']).toBeUndefined();
    expect(r.body.summary).toEqual({ out: 1, critical: 1, low: 0, unknown: 24, ok: 0 });
  });

  it('lets a municipality read its own stock, the county board and auditors theirs, and no one else', async () => {
    const status = async (path: string, as?: string) => (await call(t, 'GET', path, { as })).status;
    const own = '/api/municipalities/0115/stock';
    expect(await status(own, vallentuna)).toBe(200);
    expect(await status(own, county01)).toBe(200);
    expect(await status(own, auditor)).toBe(200);
    expect(await status(own, await t.token('municipality', { municipality: '0117' }))).toBe(403);
    expect(await status(own, await t.token('county', { county: '18' }))).toBe(403);
    expect(await status(own, await t.token('warehouse', { county: '01' }))).toBe(403);
    expect(await status(own, await t.token('region', { county: '01' }))).toBe(403);
    expect(await status(own)).toBe(401);
    expect(await status('/api/municipalities/9999/stock', auditor)).toBe(404);

    expect(await status('/api/stock?county=01', county01)).toBe(200);
    expect(await status('/api/stock?county=01', auditor)).toBe(200);
    expect(await status('/api/stock?county=18', county01)).toBe(403);
    expect(await status('/api/stock?county=01', vallentuna)).toBe(403);
    expect(await status('/api/stock?county=01', await t.token('warehouse', { county: '01' }))).toBe(403);
    expect(await status('/api/stock?county=01')).toBe(401);
  });

  it('answers the county of the caller’s token when the county is omitted', async () => {
    const own = await call(t, 'GET', '/api/stock', { as: county01 });
    expect(own.status).toBe(200);
    expect(own.body.county.code).toBe('01');
    const other = await call(t, 'GET', '/api/stock', { as: await t.token('county', { county: '18' }) });
    expect(other.status).toBe(200);
    expect(other.body.county.code).toBe('18');
    expect(other.body.municipalities.every((m: { code: string }) => m.code.startsWith('18'))).toBe(true);
    // Named, it is checked against the token as before; an auditor without a county must name one (below).
    expect((await call(t, 'GET', '/api/stock?county=18', { as: county01 })).status).toBe(403);
  });

  it.each([
    ['/api/municipalities/0115/stock?asOf=yesterday', 'asOf'],
    ['/api/municipalities/0115/stock?asOf=2026-03-05', 'asOf'],
    // A local time without an offset is read as Swedish time; one on a day that does not exist is refused.
    ['/api/municipalities/0115/stock?asOf=2026-02-30T10:00', 'asOf'],
    ['/api/municipalities/0115/stock?asOf=2026-02-30T10:00:00Z', 'asOf'],
    ['/api/municipalities/0115/stock?knownAt=latest', 'knownAt'],
    ['/api/municipalities/0115/stock?knownAt=99999999999999999999', 'knownAt'],
    ['/api/municipalities/0115/stock?item=FFP2', 'item'],
    ['/api/stock', 'county'],
    ['/api/stock?county=99', 'county'],
    ['/api/stock?county=01&asOf=soon', 'asOf'],
  ])('refuses %s, naming the field', async (path, field) => {
    const r = await call(t, 'GET', path, { as: auditor });
    expect(r.status).toBe(400);
    expect(r.body.errors.map((e: { field: string }) => e.field)).toContain(field);
  });

  it('writes nothing when read', async () => {
    // Counted once the scenario's last write is below the log's frontier, so the count cannot grow on its own.
    expect(await t.app.get(ProjectionsService).waitFor(BigInt(at.correction!), ['stream-catalog'], 5000)).toEqual([]);
    const before = await countEvents(t);
    await stock('');
    expect(await countEvents(t)).toBe(before);
  });
});
