import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import pg from 'pg';
import { readRoundFacts } from '../../src/allocation/round-facts.js';
import { EventRegistry } from '../../src/event-store/event-registry.js';
import type { EventStore, LogPosition, NewEvent, ReadStreamOptions } from '../../src/event-store/event-store.js';
import { PostgresEventStore } from '../../src/event-store/postgres/postgres-event-store.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

/**
 * The streams of a round are read in pages up to the round's position and no further. Long
 * streams (a warehouse's history) cross several pages; the events after the position — which a
 * replay of an old decision must not see, and should not pay for — are left out. The registry is
 * empty, so events come back as recorded: what is checked here is which events are read.
 */
let db: TestDatabase;
let pool: pg.Pool;
let store: PostgresEventStore;

const event = (i: number): NewEvent => ({
  type: 'Noted',
  data: { i },
  metadata: {
    eventId: randomUUID(),
    correlationId: 'c',
    causationId: 'c',
    actor: 'tester',
    role: 'admin',
    occurredAt: new Date().toISOString(),
    schemaVersion: 1,
  },
});

/** Appends `count` events to a stream in appends of 100; answers the position of the last. */
const appendMany = async (streamId: string, from: number, count: number): Promise<LogPosition> => {
  let position = 0n;
  for (let i = from; i < from + count; i += 100) {
    const events = Array.from({ length: Math.min(100, from + count - i) }, (_, k) => event(i + k));
    position = (await store.appendToStream(streamId, events, { expectedRevision: 'any' })).position;
  }
  return position;
};

/** Events the store handed out, per stream: what a read cost, beside what it kept. */
let handedOut = new Map<string, number>();

/** The store, counting what it hands out. */
const counting = (): EventStore => {
  handedOut = new Map();
  return Object.assign(Object.create(store) as EventStore, {
    readStream: async (streamId: string, options?: ReadStreamOptions) => {
      const events = await store.readStream(streamId, options);
      handedOut.set(streamId, (handedOut.get(streamId) ?? 0) + events.length);
      return events;
    },
  });
};

type Recorded = { streamId: string; revision: string }[];

const read = (position: LogPosition, warehouseId = '01-central', municipalities = ['0115', '0114'], recorded?: Recorded) =>
  readRoundFacts(counting(), new EventRegistry(), { warehouseId, municipalities, items: [], asOf: new Date(), position, ...(recorded ? { recorded } : {}) });

beforeAll(async () => {
  db = await createTestDatabase();
  pool = new pg.Pool({ connectionString: db.url });
  store = new PostgresEventStore(pool, () => new pg.Client({ connectionString: db.url }));
});

afterAll(async () => {
  await store.close();
  await pool.end();
  await db.drop();
});

it('reads each stream up to the position only, across pages, and streams that are not there as empty', async () => {
  await appendMany('municipality-0114', 0, 3);
  const position = await appendMany('warehouse-01-central', 0, 600);
  await appendMany('warehouse-01-central', 600, 400);
  await appendMany('municipality-0114', 3, 2);

  const then = await read(position);
  expect(then.facts.warehouse.map((e) => (e.data as { i: number }).i)).toEqual(Array.from({ length: 600 }, (_, i) => i));
  expect(then.facts.municipalities.get('0114')).toHaveLength(3);
  expect(then.facts.municipalities.get('0115')).toEqual([]);
  expect(then.streams).toEqual([
    { streamId: 'warehouse-01-central', revision: '599' },
    { streamId: 'municipality-0114', revision: '2' },
    { streamId: 'municipality-0115', revision: '-1' },
  ]);
  // Pages of 256 and 512 hold the position; the 232 events after it in the second page are the
  // only ones read past it, and no third page is asked for.
  expect(handedOut.get('warehouse-01-central')).toBe(768);

  const now = await read(await store.headPosition());
  expect(now.facts.warehouse).toHaveLength(1000);
  expect(now.streams.slice(0, 2)).toEqual([
    { streamId: 'warehouse-01-central', revision: '999' },
    { streamId: 'municipality-0114', revision: '4' },
  ]);
});

it('reads a stream whose length ends exactly on a page', async () => {
  // Pages of 256 then 512: the third page is empty, and the stream exists.
  await appendMany('warehouse-03-central', 0, 768);
  const facts = await read(await store.headPosition(), '03-central');
  expect(facts.facts.warehouse).toHaveLength(768);
  expect(facts.streams[0]).toEqual({ streamId: 'warehouse-03-central', revision: '767' });
});

it('reads what a recorded decision says its streams stood at in one page each, and all of it when the record is wrong', async () => {
  await appendMany('municipality-0180', 0, 40);
  const position = await appendMany('warehouse-04-central', 0, 300);
  await appendMany('warehouse-04-central', 300, 700);
  await appendMany('municipality-0180', 40, 60);
  const read4 = (recorded: Recorded) => read(position, '04-central', ['0180'], recorded);

  const exact = await read4([
    { streamId: 'warehouse-04-central', revision: '299' },
    { streamId: 'municipality-0180', revision: '39' },
  ]);
  expect(exact.streams).toEqual([
    { streamId: 'warehouse-04-central', revision: '299' },
    { streamId: 'municipality-0180', revision: '39' },
  ]);
  // One event past each recorded revision, to see that the stream stood there; nothing more.
  expect(Object.fromEntries(handedOut)).toEqual({ 'warehouse-04-central': 301, 'municipality-0180': 41 });

  const understated = await read4([
    { streamId: 'warehouse-04-central', revision: '9' },
    { streamId: 'municipality-0180', revision: '-1' },
  ]);
  expect(understated.streams).toEqual(exact.streams);
  expect(understated.facts.warehouse).toHaveLength(300);
  expect(understated.facts.municipalities.get('0180')).toHaveLength(40);
});
