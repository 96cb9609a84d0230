import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { EventStore, RecordedEvent } from '../../src/event-store/event-store.js';
import type { Projection } from '../../src/projections/projection.js';
import type { ProjectionsService } from '../../src/projections/projections.service.js';
import { ReactionsService } from '../../src/projections/reaction.js';
import { openDeliveryReaction } from '../../src/deliveries/reactions/open-delivery.reaction.js';
import { openTestLog, type TestLog } from '../support/database.js';
import { dispatchData, recordedBy, registry, WAREHOUSE_STREAM, warehouseStaff } from '../deliveries/fixtures.js';

/**
 * A reaction runs twice by design — right after its command, and from the log — and writes once,
 * since its events' ids derive from the source. The second run should not even ask: each append
 * is a round trip on the command path's thread.
 */
describe('reactions run after a command and from the log', () => {
  let log: TestLog;
  let reactions: ReactionsService;
  let fromLog: Projection;
  const appends: string[] = [];

  beforeAll(async () => {
    log = await openTestLog();
    const counting: EventStore = Object.create(log.store, {
      appendToStream: {
        value: (streamId: string, ...rest: unknown[]) => (
          appends.push(streamId),
          (log.store.appendToStream as (...a: unknown[]) => unknown)(streamId, ...rest)
        ),
      },
    });
    const projections = { register: (p: Projection) => (fromLog = p) } as unknown as ProjectionsService;
    reactions = new ReactionsService(counting, registry, projections);
    reactions.register(openDeliveryReaction);
  });
  afterAll(async () => {
    await log?.close();
  });

  const dispatched = async () => {
    const data = dispatchData({ dispatchedAt: new Date().toISOString() });
    const event = recordedBy(warehouseStaff, WAREHOUSE_STREAM, 'DeliveryDispatched', data, new Date());
    await log.store.appendToStream(WAREHOUSE_STREAM, [event], { expectedRevision: 'any' });
    const [recorded] = await log.store
      .readAll({ filter: { eventTypes: ['DeliveryDispatched'], streamPrefixes: [WAREHOUSE_STREAM] } })
      .then((all) => all.filter((e) => e.metadata.eventId === event.metadata.eventId));
    return { data, event, recorded: recorded as RecordedEvent };
  };

  it('appends the effect once when the command ran it, and from the log when it did not', async () => {
    const eager = await dispatched();
    await reactions.afterCommand(WAREHOUSE_STREAM, [eager.event]);
    expect(appends).toEqual([`delivery-${eager.data.deliveryId}`]);

    const late = await dispatched();
    await log.dataSource.transaction((tx) => fromLog.apply([eager.recorded, late.recorded], tx));
    expect(appends).toEqual([`delivery-${eager.data.deliveryId}`, `delivery-${late.data.deliveryId}`]);
    for (const { data } of [eager, late]) expect((await log.store.readStream(`delivery-${data.deliveryId}`)).map((e) => e.type)).toEqual(['DeliveryOpened']);

    // Skipped once only: a replay of the log (after a crash, a new leader) asks again, and writes nothing.
    await log.dataSource.transaction((tx) => fromLog.apply([eager.recorded], tx));
    expect(appends).toHaveLength(3);
    expect(await log.store.readStream(`delivery-${eager.data.deliveryId}`)).toHaveLength(1);
  });
});
