import type { DataSource, EntityManager } from 'typeorm';
import type { EventRegistry } from '../event-store/event-registry.js';
import type { EventFilter, RecordedEvent } from '../event-store/event-store.js';
import type { Projection } from './projection.js';

/** What a subscription or a pass must read for these projections: every type any of them reads, or everything. */
export const filterOf = (...projections: readonly Projection[]): EventFilter | undefined => {
  if (projections.some((p) => p.eventTypes === 'all')) return undefined;
  return { eventTypes: [...new Set(projections.flatMap((p) => p.eventTypes as readonly string[]))] };
};

/**
 * Each recorded event's decoded form, per registry, for as long as the recorded one is held: a page
 * of the log (in a rebuild) or a live tail's events reach several projections as the same objects,
 * and upcasting and checking an event against its schema once is enough. A failure is not kept:
 * each projection meets it, and records its own anomaly.
 */
const decodedOnce = new WeakMap<EventRegistry, WeakMap<RecordedEvent, RecordedEvent>>();

/** Upcasts the events whose types the registry knows; others pass through as recorded. */
export const decodeAll = (registry: EventRegistry | undefined, events: readonly RecordedEvent[]): RecordedEvent[] => {
  if (!registry) return [...events];
  let decoded = decodedOnce.get(registry);
  if (!decoded) decodedOnce.set(registry, (decoded = new WeakMap()));
  return events.map((e) => {
    if (!registry.has(e.type)) return e;
    let d = decoded.get(e);
    if (!d) decoded.set(e, (d = registry.decode(e)));
    return d;
  });
};

const recordAnomaly = (tx: EntityManager, projection: Projection, event: RecordedEvent, error: unknown) =>
  tx.query(
    `INSERT INTO projection_anomalies (projection, position, event_id, stream_id, type, error)
     VALUES ($1, $2, $3, $4, $5, $6)`,
    [projection.name, event.position.toString(), event.metadata.eventId, event.streamId, event.type, String(error)],
  );

/**
 * Applies a batch inside `tx`. If the batch fails for a reason other than the database, each event
 * is tried alone under a savepoint; one that still fails is recorded as an anomaly and skipped, so
 * a single bad fact never stops the read model.
 */
export const applyBatch = async (
  tx: EntityManager,
  projection: Projection,
  registry: EventRegistry | undefined,
  events: readonly RecordedEvent[],
  isUnavailable: (error: unknown) => boolean,
): Promise<number> => {
  if (events.length === 0) return 0;
  try {
    await tx.query('SAVEPOINT batch');
    await projection.apply(decodeAll(registry, events), tx);
    await tx.query('RELEASE SAVEPOINT batch');
    return 0;
  } catch (error) {
    if (isUnavailable(error)) throw error;
    await tx.query('ROLLBACK TO SAVEPOINT batch');
  }
  return applyEach(tx, projection, registry, events, isUnavailable);
};

/**
 * Applies a batch in a transaction of its own, which `begin` opens (claiming the checkpoint, or
 * pointing the search path at scratch tables), as `applyBatch` would, in two statements fewer: the
 * batch goes in without a savepoint, and if it fails for a reason other than the database, the
 * transaction is rolled back and the batch is applied again in a new one, event by event. A failure
 * of `begin` itself is the caller's.
 */
export const applyBatchAlone = async (
  dataSource: DataSource,
  begin: (tx: EntityManager) => Promise<void>,
  projection: Projection,
  registry: EventRegistry | undefined,
  events: readonly RecordedEvent[],
  isUnavailable: (error: unknown) => boolean,
): Promise<number> => {
  let begun = false;
  try {
    await dataSource.transaction(async (tx) => {
      await begin(tx);
      begun = true;
      if (events.length > 0) await projection.apply(decodeAll(registry, events), tx);
    });
    return 0;
  } catch (error) {
    if (!begun || isUnavailable(error)) throw error;
  }
  return dataSource.transaction(async (tx) => {
    await begin(tx);
    return applyEach(tx, projection, registry, events, isUnavailable);
  });
};

/** Each event alone under a savepoint; one that fails is recorded as an anomaly and skipped. */
const applyEach = async (
  tx: EntityManager,
  projection: Projection,
  registry: EventRegistry | undefined,
  events: readonly RecordedEvent[],
  isUnavailable: (error: unknown) => boolean,
): Promise<number> => {
  let anomalies = 0;
  for (const event of events) {
    await tx.query('SAVEPOINT one');
    try {
      await projection.apply(decodeAll(registry, [event]), tx);
      await tx.query('RELEASE SAVEPOINT one');
    } catch (error) {
      if (isUnavailable(error)) throw error;
      await tx.query('ROLLBACK TO SAVEPOINT one');
      await recordAnomaly(tx, projection, event, error);
      anomalies++;
    }
  }
  return anomalies;
};
