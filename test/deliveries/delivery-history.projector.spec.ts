import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import type { RecordedEvent } from '../../src/event-store/event-store.js';
import { DeliveryHistoryProjection } from '../../src/deliveries/projections/delivery-history.projector.js';
import { DeliveryHistoryQuery } from '../../src/deliveries/queries/delivery-history.js';
import { applyBatch } from '../../src/projections/apply-batch.js';
import { rebuildProjection } from '../../src/projections/projection-rebuilder.js';
import { openTestLog, type TestLog } from '../support/database.js';
import { applyTwice, appendFacts, dispatchData, receiptData, registry, vallentunaCoordinator, WAREHOUSE_STREAM, warehouseStaff } from './fixtures.js';

let log: TestLog;
const projection = new DeliveryHistoryProjection();

beforeAll(async () => {
  log = await openTestLog();
});
afterAll(async () => {
  await log?.close();
});

const clear = () => log.dataSource.query('TRUNCATE delivery_history, delivery_history_lines');

const rows = async () => ({
  deliveries: await log.dataSource.query('SELECT * FROM delivery_history ORDER BY delivery_id'),
  lines: await log.dataSource.query('SELECT * FROM delivery_history_lines ORDER BY delivery_id, item'),
});

/** Writes a dispatch and its receipt to the log and reads them back as recorded. */
const dispatchedAndReceived = async () => {
  const dispatch = dispatchData({ allocationId: randomUUID() });
  const receipt = receiptData(dispatch, '2026-03-05T09:30:00.000Z', { FFP2: [450, 'torn packaging, "50" sent back'] });
  const { position } = await appendFacts(log.store, [
    { streamId: WAREHOUSE_STREAM, type: 'DeliveryDispatched', data: dispatch, actor: warehouseStaff, occurredAt: new Date(dispatch.dispatchedAt) },
    {
      streamId: `delivery-${dispatch.deliveryId}`,
      type: 'DeliveryReceived',
      data: receipt,
      actor: vallentunaCoordinator,
      occurredAt: new Date(receipt.receivedAt),
    },
  ]);
  const events = (await log.store.readAll()).filter((e) => (e.data as { deliveryId?: string }).deliveryId === dispatch.deliveryId) as RecordedEvent[];
  return { dispatch, receipt, events: events.map((e) => registry.decode(e)), position };
};

describe('delivery history projection', () => {
  it('records a dispatch as in transit, with who recorded it, when, and the event that did', async () => {
    await clear();
    const { dispatch, events } = await dispatchedAndReceived();
    const [dispatched] = events;
    await applyTwice(log.dataSource, projection, [dispatched!]);
    const { deliveries, lines } = await rows();
    expect(deliveries).toEqual([
      expect.objectContaining({
        delivery_id: dispatch.deliveryId,
        warehouse_id: '01-central',
        municipality: '0115',
        county: '01',
        allocation_id: dispatch.allocationId,
        vehicle: 'ABC 123',
        dispatched_at: new Date('2026-03-05T06:30:00.000Z'),
        dispatch_recorded_at: dispatched!.recordedAt,
        dispatched_by: 'u-31',
        dispatched_by_name: 'Lars Ek',
        dispatched_by_role: 'warehouse',
        dispatch_event_id: dispatched!.metadata.eventId,
        dispatch_position: dispatched!.position.toString(),
        received_at: null,
        receipt_event_id: null,
        status: 'in-transit',
        anomalies: [],
      }),
    ]);
    expect(lines).toEqual([
      expect.objectContaining({ item: 'FFP2', line_no: 0, quantity: 500, lots: dispatch.lines[0]!.lots, accepted: null }),
      expect.objectContaining({ item: 'GLOVE-NITRILE-M', line_no: 1, quantity: 1000, lots: dispatch.lines[1]!.lots, accepted: null }),
    ]);
  });

  it('adds the confirmation: who, when, per line accepted, rejected and why, and the discrepancy', async () => {
    await clear();
    const { events } = await dispatchedAndReceived();
    await applyTwice(log.dataSource, projection, events);
    const { deliveries, lines } = await rows();
    const received = events[1]!;
    expect(deliveries[0]).toEqual(
      expect.objectContaining({
        received_at: new Date('2026-03-05T09:30:00.000Z'),
        receipt_recorded_at: received.recordedAt,
        received_by: 'u-17',
        received_by_name: 'Anna Berg',
        received_by_role: 'municipality',
        receipt_event_id: received.metadata.eventId,
        receipt_position: received.position.toString(),
        discrepancy: true,
        status: 'received-with-discrepancy',
      }),
    );
    expect(lines.map((l: Record<string, unknown>) => [l.item, l.quantity, l.accepted, l.rejected, l.reason])).toEqual([
      ['FFP2', 500, 450, 50, 'torn packaging, "50" sent back'],
      ['GLOVE-NITRILE-M', 1000, 1000, 0, null],
    ]);
  });

  it('marks a delivery received in full as received', async () => {
    await clear();
    const dispatch = dispatchData();
    await applyTwice(log.dataSource, projection, [
      fake('DeliveryDispatched', dispatch, 10n),
      fake('DeliveryReceived', receiptData(dispatch, '2026-03-05T10:00:00.000Z'), 11n),
    ]);
    const { deliveries } = await rows();
    expect(deliveries[0]).toMatchObject({ status: 'received', discrepancy: false });
  });

  it('ends with the same rows whichever side arrives first', async () => {
    await clear();
    const { events } = await dispatchedAndReceived();
    await applyTwice(log.dataSource, projection, events);
    const inOrder = await rows();
    await clear();
    await applyTwice(log.dataSource, projection, [...events].reverse());
    expect(await rows()).toEqual(inOrder);
  });

  it('keeps the first dispatch of a delivery id and notes a conflicting second one once', async () => {
    await clear();
    const dispatch = dispatchData();
    const again = fake(
      'DeliveryDispatched',
      { ...dispatch, lines: [{ item: 'VISOR', quantity: 5, lots: [{ lot: null, expiresOn: null, quantity: 5 }] }] },
      20n,
    );
    await applyTwice(log.dataSource, projection, [fake('DeliveryDispatched', dispatch, 10n), again]);
    const { deliveries, lines } = await rows();
    expect(deliveries[0].dispatch_position).toBe('10');
    expect(deliveries[0].anomalies).toEqual([`another dispatch ${again.metadata.eventId} with this delivery id was ignored`]);
    expect(lines.map((l: { item: string }) => l.item)).toEqual(['FFP2', 'GLOVE-NITRILE-M']);
  });

  it('writes a whole page as event by event, and a page naming a delivery twice falls back to event by event', async () => {
    const a = dispatchData();
    const b = dispatchData({ municipality: '0117' });
    const c = dispatchData({ municipality: '1880', county: '18', warehouseId: '18-central' });
    const conflicting = fake('DeliveryDispatched', { ...c, vehicle: 'XYZ 999' }, 7n);
    const page = [
      fake('DeliveryDispatched', a, 1n),
      fake('DeliveryReceived', receiptData(a, '2026-03-05T09:30:00.000Z', { FFP2: [450, 'torn'] }), 2n),
      // A receipt before its dispatch, and a receipt whose dispatch never comes.
      fake('DeliveryReceived', receiptData(b, '2026-03-05T10:00:00.000Z'), 3n),
      fake('DeliveryDispatched', b, 4n),
      fake('DeliveryDispatched', c, 5n),
      fake('DeliveryReceived', receiptData(dispatchData(), '2026-03-05T11:00:00.000Z'), 6n),
    ];
    await clear();
    await applyTwice(log.dataSource, projection, [...page, conflicting]);
    const oneByOne = await rows();
    expect(oneByOne.deliveries).toHaveLength(4);
    expect(oneByOne.deliveries.find((d: { delivery_id: string }) => d.delivery_id === c.deliveryId).anomalies).toEqual([
      `another dispatch ${conflicting.metadata.eventId} with this delivery id was ignored`,
    ]);

    // The clean page in one call, then the conflicting dispatch alone, then the page again.
    await clear();
    await log.dataSource.transaction((tx) => projection.apply(page, tx));
    await log.dataSource.transaction((tx) => projection.apply([conflicting], tx));
    await log.dataSource.transaction((tx) => projection.apply(page, tx));
    expect(await rows()).toEqual(oneByOne);

    // All in one page, twice, as the runner applies it: the second dispatch of c sends it event by event.
    await clear();
    for (let i = 0; i < 2; i++) {
      const anomalies = await log.dataSource.transaction((tx) => applyBatch(tx, projection, registry, [...page, conflicting], () => false));
      expect(anomalies).toBe(0);
    }
    expect(await rows()).toEqual(oneByOne);
  });

  it('is rebuilt from the log to the very same rows', async () => {
    await clear();
    await dispatchedAndReceived();
    const recorded = (await log.store.readAll({ filter: { eventTypes: projection.eventTypes } })).map((e) => registry.decode(e));
    await applyTwice(log.dataSource, projection, recorded);
    const live = await rows();
    await rebuildProjection(log.dataSource, log.store, projection, { registry });
    expect(await rows()).toEqual(live);
  });
});

describe('delivery history query', () => {
  it('filters by municipality, county, period and status, pages, and exports from one snapshot', async () => {
    await clear();
    const query = new DeliveryHistoryQuery(log.dataSource);
    const d1 = dispatchData({ dispatchedAt: '2026-03-02T07:00:00.000Z' });
    const d2 = dispatchData({ dispatchedAt: '2026-03-03T07:00:00.000Z', municipality: '0117' });
    const d3 = dispatchData({ dispatchedAt: '2026-03-04T07:00:00.000Z', municipality: '1880', county: '18', warehouseId: '18-central' });
    await applyTwice(log.dataSource, projection, [
      fake('DeliveryDispatched', d1, 1n),
      fake('DeliveryDispatched', d2, 2n),
      fake('DeliveryDispatched', d3, 3n),
      fake('DeliveryReceived', receiptData(d1, '2026-03-02T09:00:00.000Z'), 4n),
    ]);
    const ids = async (filter: Parameters<DeliveryHistoryQuery['page']>[0], limit = 10, offset = 0) =>
      (await query.page(filter, limit, offset)).deliveries.map((d) => d.deliveryId);

    expect(await ids({})).toEqual([d1.deliveryId, d2.deliveryId, d3.deliveryId]);
    expect(await ids({ municipality: '0117' })).toEqual([d2.deliveryId]);
    expect(await ids({ county: '01' })).toEqual([d1.deliveryId, d2.deliveryId]);
    expect(await ids({ from: new Date('2026-03-03T07:00:00.000Z') })).toEqual([d2.deliveryId, d3.deliveryId]);
    expect(await ids({ to: new Date('2026-03-03T07:00:00.000Z') })).toEqual([d1.deliveryId]);
    expect(await ids({ status: 'in-transit' })).toEqual([d2.deliveryId, d3.deliveryId]);
    expect(await ids({}, 2, 1)).toEqual([d2.deliveryId, d3.deliveryId]);
    expect((await query.page({}, 1, 0)).total).toBe(3);

    const pages = await query.exportPages({ county: '01' }, undefined, 0);
    const exported = [];
    for await (const page of pages) exported.push(...page.map((d) => d.deliveryId));
    expect(exported).toEqual([d1.deliveryId, d2.deliveryId]);
    await pages.close();

    const limited = await query.exportPages({}, 2, 1);
    const some = [];
    for await (const page of limited) some.push(...page.map((d) => d.deliveryId));
    expect(some).toEqual([d2.deliveryId, d3.deliveryId]);
  });
});

/** A recorded event built by hand, for orders and conflicts the log itself would never hold. */
function fake(type: string, data: unknown, position: bigint): RecordedEvent {
  return {
    streamId: type === 'DeliveryDispatched' ? WAREHOUSE_STREAM : `delivery-${(data as { deliveryId: string }).deliveryId}`,
    revision: 0n,
    position,
    checkpoint: position.toString(),
    type,
    data,
    metadata: {
      eventId: randomUUID(),
      correlationId: 'c',
      causationId: 'c',
      actor: 'u-31',
      actorName: 'Lars Ek',
      role: 'warehouse',
      occurredAt: new Date().toISOString(),
      schemaVersion: 1,
    },
    recordedAt: new Date(),
  };
}
