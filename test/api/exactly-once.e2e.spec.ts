import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ReactionsService } from '../../src/projections/reaction.js';
import { startTestApp } from '../support/app.js';
import { startEventStoreDbDouble } from '../support/eventstoredb-double/index.js';
import { EventStoreOutcomeUnknownError } from '../../src/event-store/errors.js';
import { EVENT_STORE, type EventStore, type RecordedEvent } from '../../src/event-store/event-store.js';
import { call } from '../support/api.js';
import type { TestApp } from '../support/app.js';
import { describeOnBothEventStores } from '../support/both-stores.js';

/**
 * Every fact kept once: keys belong to their user, a retry after an unknown outcome lands once, and
 * a replayed answer is only handed to the scope that earned it. On both stores, because
 * EventStoreDB recognises a repeated write only at the same expected revision.
 */
describeOnBothEventStores('nothing lost, nothing doubled', (start) => {
  let t: TestApp;
  let store: EventStore;
  let receiver: string;
  beforeAll(async () => {
    t = await start();
    store = t.app.get<EventStore>(EVENT_STORE);
    receiver = await t.token('warehouse', { county: '01', sub: 'receiver' });
  });
  afterAll(async () => {
    await t?.close();
  });

  const events = async (streamId: string): Promise<RecordedEvent[]> => store.readStream(streamId).catch(() => []);
  const warehouseEvents = async (type: string) => (await events('warehouse-01-central')).filter((e) => e.type === type);
  const receive = async (item: string, quantity: number) => {
    const r = await call(t, 'POST', '/api/warehouses/01-central/receipts', {
      as: receiver,
      body: { source: 'donation', from: 'Solna Bygg AB', lines: [{ item, quantity }] },
    });
    expect(r.status).toBe(201);
    return r.body as { receiptId: string; position: string };
  };
  const dispatch = (as: string, key: string, item: string, quantity: number, municipality = '0115') =>
    call(t, 'POST', '/api/warehouses/01-central/dispatches', {
      as,
      body: { municipality, lines: [{ item, quantity }] },
      headers: { 'Idempotency-Key': key },
    });
  const onHand = async (item: string, position: string) => {
    const r = await call(t, 'GET', `/api/warehouses/01-central/stock?waitFor=${position}`, { as: receiver });
    expect(r.status).toBe(200);
    return (r.body.items.find((i: { item: string }) => i.item === item)?.onHand as number | undefined) ?? 0;
  };

  it('records both of two users’ dispatches sent with the same Idempotency-Key, each confirmable', async () => {
    const { position } = await receive('VISOR', 100);
    const anna = await t.token('warehouse', { county: '01', sub: 'anna' });
    const bo = await t.token('warehouse', { county: '01', sub: 'bo' });
    const first = await dispatch(anna, 'k1', 'VISOR', 30);
    const second = await dispatch(bo, 'k1', 'VISOR', 20);
    expect([first.status, second.status]).toEqual([201, 201]);
    expect(second.headers.get('idempotent-replayed')).toBeNull();
    expect(second.body.deliveryId).not.toBe(first.body.deliveryId);

    const dispatched = await warehouseEvents('DeliveryDispatched');
    const ids = dispatched.map((e) => (e.data as { deliveryId: string }).deliveryId);
    expect(ids).toEqual(expect.arrayContaining([first.body.deliveryId, second.body.deliveryId]));
    expect(await onHand('VISOR', second.body.position)).toBe(50);

    const coordinator = await t.token('municipality', { municipality: '0115' });
    for (const d of [first, second]) {
      const confirmed = await call(t, 'POST', `/api/deliveries/${d.body.deliveryId}/receipt`, {
        as: coordinator,
        body: { lines: d.body.lines.map((l: { item: string; quantity: number }) => ({ item: l.item, received: l.quantity })) },
      });
      expect(confirmed.status).toBe(201);
    }
    expect(position).toEqual(expect.any(String));
  });

  it('records a county user’s and the municipality’s reports sent with the same key', async () => {
    const county = await t.token('county', { county: '01', sub: 'lst-1' });
    const municipality = await t.token('municipality', { municipality: '0180', sub: 'sthlm-1' });
    const report = (as: string, hoursAgo: number) =>
      call(t, 'POST', '/api/municipalities/0180/reports', {
        as,
        body: {
          reportedAt: new Date(Date.now() - hoursAgo * 3_600_000).toISOString(),
          infections: hoursAgo,
          lines: [{ item: 'APRON', onHand: 100, usedSinceLastReport: 10, requested: 5 }],
        },
        headers: { 'Idempotency-Key': 'report-0180-2026-W49' },
      });
    const a = await report(municipality, 3);
    const b = await report(county, 2);
    expect([a.status, b.status]).toEqual([201, 201]);
    expect(b.body.reportId).not.toBe(a.body.reportId);
    const reported = (await events('municipality-0180')).filter((e) => e.type === 'SituationReported');
    expect(reported.map((e) => (e.data as { reportId: string }).reportId)).toEqual([a.body.reportId, b.body.reportId]);
  });

  it('records both of two users’ write-offs sent with the same key', async () => {
    await receive('GLOVE-NITRILE-L', 50);
    const writeOff = async (sub: string, quantity: number) =>
      call(t, 'POST', '/api/warehouses/01-central/adjustments', {
        as: await t.token('warehouse', { county: '01', sub }),
        body: { reason: 'damaged', lines: [{ item: 'GLOVE-NITRILE-L', quantity }] },
        headers: { 'Idempotency-Key': 'damaged-today' },
      });
    const a = await writeOff('erik', 5);
    const b = await writeOff('frida', 7);
    expect([a.status, b.status]).toEqual([201, 201]);
    expect(b.body.adjustmentId).not.toBe(a.body.adjustmentId);
    expect(await onHand('GLOVE-NITRILE-L', b.body.position)).toBe(38);
  });

  it('hands a replayed answer only to the scope it was given to: the same user with another municipality is refused', async () => {
    const { position } = await receive('GOWN-LS', 10);
    const sent = await dispatch(receiver, 'to-0115', 'GOWN-LS', 10);
    expect(sent.status).toBe(201);
    const body = { lines: [{ item: 'GOWN-LS', received: 10 }] };
    const path = `/api/deliveries/${sent.body.deliveryId}/receipt`;
    const own = await t.token('municipality', { municipality: '0115', sub: 'moving-coordinator' });
    const confirmed = await call(t, 'POST', path, { as: own, body, headers: { 'Idempotency-Key': 'rcpt-1' } });
    expect(confirmed.status).toBe(201);

    const elsewhere = await t.token('municipality', { municipality: '0117', sub: 'moving-coordinator' });
    const replay = await call(t, 'POST', path, { as: elsewhere, body, headers: { 'Idempotency-Key': 'rcpt-1' } });
    expect(replay.status).toBe(403);
    expect(replay.headers.get('idempotent-replayed')).toBeNull();
    // The same scope still gets the first answer.
    const again = await call(t, 'POST', path, { as: own, body, headers: { 'Idempotency-Key': 'rcpt-1' } });
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body).toEqual(confirmed.body);
    expect((await events(`delivery-${sent.body.deliveryId}`)).filter((e) => e.type === 'DeliveryReceived')).toHaveLength(1);
    expect(position).toEqual(expect.any(String));
  });

  it('lands a write once when its answer was lost and it is retried with the same key, even after other writes', async () => {
    await receive('SANITIZER-500', 40);
    const worker = await t.token('warehouse', { county: '01', sub: 'cecilia' });
    // The store records the append, then the answer is lost (a connection dropped, a frozen node).
    // (The adapter's own method, under the instance the service holds, whatever wraps it.)
    // eslint-disable-next-line @typescript-eslint/unbound-method -- called on the store with .call below
    const adapterAppend = (Object.getPrototypeOf(store) as EventStore).appendToStream;
    const spy = { calls: 0 };
    store.appendToStream = async (streamId, newEvents, options) => {
      const result = await adapterAppend.call(store, streamId, newEvents, options);
      if (streamId === 'warehouse-01-central' && spy.calls++ === 0) throw new EventStoreOutcomeUnknownError('answer lost');
      return result;
    };
    let lost;
    try {
      lost = await dispatch(worker, 'all-sanitizer', 'SANITIZER-500', 40);
    } finally {
      delete (store as { appendToStream?: unknown }).appendToStream;
    }
    expect(lost.status).toBe(503);
    expect(lost.headers.get('retry-after')).not.toBeNull();
    expect(lost.body.code).toBe('EVENT_STORE.OUTCOME_UNKNOWN');

    // Another write on the same stream in between moves every cached state past the lost one.
    await receive('APRON', 5);

    const retry = await dispatch(worker, 'all-sanitizer', 'SANITIZER-500', 40);
    expect(retry.status).toBe(201);
    const mine = (await warehouseEvents('DeliveryDispatched')).filter((e) => (e.data as { deliveryId: string }).deliveryId === retry.body.deliveryId);
    expect(mine).toHaveLength(1);
    expect(retry.body.position).toBe(mine[0]!.position.toString());
    expect(await onHand('SANITIZER-500', retry.body.position)).toBe(0);
    // A third try is a plain replay.
    const third = await dispatch(worker, 'all-sanitizer', 'SANITIZER-500', 40);
    expect(third.headers.get('idempotent-replayed')).toBe('true');
    expect(third.body.deliveryId).toBe(retry.body.deliveryId);
  });
});

describe('the same key after its record expired', () => {
  it('is a new request: another body is recorded anew, not answered with the old one', async () => {
    const t = await startTestApp();
    try {
      const as = await t.token('municipality', { municipality: '0120', sub: 'varmdo-1' });
      const report = (infections: number, hoursAgo: number) =>
        call(t, 'POST', '/api/municipalities/0120/reports', {
          as,
          body: {
            reportedAt: new Date(Date.now() - hoursAgo * 3_600_000).toISOString(),
            infections,
            lines: [{ item: 'APRON', onHand: 10, usedSinceLastReport: 1, requested: 0 }],
          },
          headers: { 'Idempotency-Key': 'weekly' },
        });
      const first = await report(1, 30);
      expect(first.status).toBe(201);
      expect((await report(2, 20)).status).toBe(422);
      // Retention passes.
      const { DataSource } = await import('typeorm');
      await t.app.get(DataSource).query(`UPDATE idempotency_records SET created_at = now() - interval '400 days'`);
      const second = await report(2, 20);
      expect(second.status).toBe(201);
      expect(second.body.reportId).not.toBe(first.body.reportId);
      const stream = await t.app.get<EventStore>(EVENT_STORE).readStream('municipality-0120');
      expect(stream.filter((e) => e.type === 'SituationReported')).toHaveLength(2);
    } finally {
      await t.close();
    }
  });
});

/**
 * A reaction runs more than once by design (after its command, from the log, on a second instance,
 * after a restart). EventStoreDB drops a repeated id at any revision only from a bounded cache that
 * a restart or failover empties: the effect must be kept to once by the target stream itself.
 */
describe.each([
  ['PostgreSQL', false],
  ['EventStoreDB, its recent-ids cache emptied', true],
])('reactions applied again (event log in %s)', (_store, onEventStoreDb) => {
  it('turn eight purchase receipts into eight warehouse receipts, however often they run', async () => {
    const double = onEventStoreDb ? await startEventStoreDbDouble() : undefined;
    const t = await startTestApp(double ? { EVENTSTORE_CONNECTION_STRING: double.connectionString } : {});
    try {
      const region = await t.token('region', { county: '01' });
      const warehouse = await t.token('warehouse', { county: '01' });
      const order = await call(t, 'POST', '/api/purchases', {
        as: region,
        body: { supplier: 'Medisupply Nordic AB', warehouseId: '01-central', lines: [{ item: 'MASK-IIR', quantity: 800 }] },
      });
      expect(order.status).toBe(201);
      for (let i = 0; i < 8; i++) {
        const r = await call(t, 'POST', `/api/purchases/${order.body.purchaseId}/receipts`, {
          as: warehouse,
          body: { lines: [{ item: 'MASK-IIR', quantity: 100 }] },
        });
        expect(r.status).toBe(201);
      }
      const store = t.app.get<EventStore>(EVENT_STORE);
      const received = (await store.readStream(`purchase-${order.body.purchaseId}`)).filter((e) => e.type === 'PurchaseReceived');
      expect(received).toHaveLength(8);

      // A restart or failover of the store, then the reactions run again (a second instance, a lost checkpoint).
      double?.forgetRecentEventIds();
      const reactions = t.app.get(ReactionsService);
      await reactions.afterCommand(`purchase-${order.body.purchaseId}`, received);
      await reactions.afterCommand(`purchase-${order.body.purchaseId}`, received);

      const stockReceived = (await store.readStream('warehouse-01-central')).filter(
        (e) => e.type === 'StockReceived' && (e.data as { purchaseId?: string }).purchaseId === order.body.purchaseId,
      );
      expect(stockReceived).toHaveLength(8);
      const stock = await call(t, 'GET', `/api/warehouses/01-central/stock?waitFor=${await store.headPosition()}`, { as: warehouse });
      expect(stock.body.items.find((i: { item: string }) => i.item === 'MASK-IIR').onHand).toBe(800);
    } finally {
      await t.close();
      await double?.stop();
    }
  });
});
