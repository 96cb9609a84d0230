import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { nationalLog } from '../../bench/national-log.js';
import { rebuildableProjections } from '../../bench/rebuild.bench.js';
import { fullRegistry, seedNationalLog } from '../../bench/seed-national-log.js';
import type { NewEvent } from '../../src/event-store/event-store.js';
import type { Projection } from '../../src/projections/projection.js';
import { rebuildProjection, rebuildProjections } from '../../src/projections/projection-rebuilder.js';
import { openTestLog, type TestLog } from '../support/database.js';

/** Enough for five weeks of the calendar: reports, purchases, deliveries, the first allocation rounds. */
const EVENTS = 12_000;
const registry = fullRegistry();
let log: TestLog;
let projections: Projection[];

beforeAll(async () => {
  log = await openTestLog();
  await seedNationalLog({ databaseUrl: log.db.url, events: EVENTS, seed: 7 });
  projections = rebuildableProjections(log.store, registry);
}, 120_000);
afterAll(async () => {
  await log?.close();
});

/** Every row of every table of the projections, in a stable order. */
const snapshot = async () => {
  const rows: Record<string, string[]> = {};
  for (const table of projections.flatMap((p) => p.tables)) {
    rows[table] = (await log.dataSource.query(`SELECT to_jsonb(t)::text AS row FROM ${table} t ORDER BY 1`)).map((r: { row: string }) => r.row);
  }
  return rows;
};

/** Each table's persistence and its indexes, names included (a rebuild keeps them). */
const tableShapes = async () =>
  log.dataSource.query(
    `SELECT c.relname, c.relpersistence,
            array(SELECT pg_get_indexdef(i.indexrelid) FROM pg_index i WHERE i.indrelid = c.oid ORDER BY 1) AS indexes
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = 'public' AND c.relname = ANY ($1::text[]) ORDER BY c.relname`,
    [projections.flatMap((p) => p.tables)],
  );

/** The first events the generator makes from a seed, without a database (positions stay 0). */
const firstEvents = (seed: number, count: number): NewEvent[] => {
  const events: NewEvent[] = [];
  for (const phase of nationalLog({ seed, events: EVENTS }, { lastPosition: 0n })) {
    for (const append of phase) events.push(...append.events);
    if (events.length >= count) break;
  }
  return events.slice(0, count);
};

describe('national log generator (a smoke run of `npm run bench:seed`)', () => {
  it('writes exactly the events asked for, each valid for its type, and the same log from the same seed', async () => {
    const recorded = await log.store.readAll({ maxCount: EVENTS + 1 });
    expect(recorded).toHaveLength(EVENTS);
    for (const event of recorded) expect(() => registry.checkForWrite(event)).not.toThrow();
    const types = new Set(recorded.map((e) => e.type));
    for (const type of [
      'SituationReported',
      'PurchaseReceived',
      'StockReceived',
      'DeliveryDispatched',
      'DeliveryReceived',
      'AllocationProposed',
      'StockReserved',
    ]) {
      expect(types).toContain(type);
    }
    expect(firstEvents(7, 2000)).toEqual(firstEvents(7, 2000));
    expect(firstEvents(8, 50).map((e) => e.metadata.eventId)).not.toEqual(firstEvents(7, 50).map((e) => e.metadata.eventId));
  });

  it('rebuilds every projection in one pass to the rows each gets rebuilt alone, whatever the page size', async () => {
    const shapes = await tableShapes();
    const results = await rebuildProjections(log.dataSource, log.store, projections, { batchSize: 1000, registry });
    // Loaded unlogged and without their plain indexes, swapped in durable, with all of them under
    // their names, and with the planner's statistics gathered (reltuples is -1 until then).
    expect(await tableShapes()).toEqual(shapes);
    const unanalysed = await log.dataSource.query(
      `SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'public' AND c.relname = ANY ($1::text[]) AND c.reltuples < 0`,
      [projections.flatMap((p) => p.tables)],
    );
    expect(unanalysed).toEqual([]);
    const onePass = await snapshot();
    expect(onePass.delivery_history!.length).toBeGreaterThan(1000);
    expect(onePass.decision_drift_rounds!.length).toBeGreaterThan(0);
    expect([...results.values()].every((r) => r.anomalies === 0)).toBe(true);

    for (const projection of projections) await rebuildProjection(log.dataSource, log.store, projection, { batchSize: 97, registry });
    expect(await snapshot()).toEqual(onePass);
  }, 120_000);
});
