import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { guardPool } from '../../src/database/pool-options.js';
import type { EventFilter, LogPosition, RecordedEvent, SubscriptionMessage } from '../../src/event-store/event-store.js';
import { LiveTail, type TailPage } from '../../src/event-store/postgres/live-tail.js';
import { PostgresEventStore } from '../../src/event-store/postgres/postgres-event-store.js';
import { createTestDatabase, testEvent, type TestDatabase } from '../support/database.js';

/**
 * Live subscriptions of one process share one read of the end of the log: each gets exactly what
 * its own filtered read would give, and an append costs one read, not one per subscription.
 */
describe('live tail of the PostgreSQL log', () => {
  let db: TestDatabase;
  let pool: pg.Pool;
  let store: PostgresEventStore;
  let eventQueries = 0;

  beforeAll(async () => {
    db = await createTestDatabase();
    pool = guardPool(new pg.Pool({ connectionString: db.url }));
    const query = pool.query.bind(pool) as (...args: unknown[]) => unknown;
    (pool as unknown as { query: (...args: unknown[]) => unknown }).query = (...args: unknown[]) => {
      if (typeof args[0] === 'string' && args[0].includes('FROM events')) eventQueries++;
      return query(...args);
    };
    store = new PostgresEventStore(pool, () => new pg.Client({ connectionString: db.url }), { pollIntervalMs: 60_000 });
    await store.start();
  });
  afterAll(async () => {
    await store?.close();
    await pool?.end();
    await db?.drop();
  });

  /** Follows the log with `filter`, collecting events, until it has seen `position`. */
  const follower = (filter?: EventFilter) => {
    const events: RecordedEvent[] = [];
    let seen: LogPosition = 0n;
    const iterator = store.subscribeToAll({ filter })[Symbol.asyncIterator]();
    const reach = async (position: LogPosition) => {
      while (seen < position) {
        const message = (await iterator.next()).value as SubscriptionMessage;
        if (message.kind === 'event') {
          events.push(message.event);
          seen = message.event.position;
        } else if (message.kind === 'checkpoint') seen = message.position;
      }
    };
    return { events, reach, stop: () => iterator.return?.(undefined) };
  };

  it('gives each live subscription what its own filtered read gives, for one read per append', async () => {
    const before = await store.appendToStream('warehouse-01-central', [testEvent('StockReceived')], { expectedRevision: 'any' });
    const filters: (EventFilter | undefined)[] = [
      undefined,
      { eventTypes: ['StockReceived'] },
      { eventTypes: ['DeliveryDispatched', 'SituationReported'] },
      { streamPrefixes: ['municipality-'] },
      { eventTypes: ['Nothing'] },
      { eventTypes: ['SituationReported'], streamPrefixes: ['municipality-01'] },
    ];
    const followers = filters.map(follower);
    await Promise.all(followers.map((f) => f.reach(before.position)));

    let last = before.position;
    for (let i = 0; i < 30; i++) {
      const [streamId, type] = [
        ['warehouse-01-central', 'StockReceived'],
        ['warehouse-01-central', 'DeliveryDispatched'],
        ['municipality-0115', 'SituationReported'],
        ['municipality-1880', 'SituationReported'],
      ][i % 4]!;
      last = (await store.appendToStream(streamId!, [testEvent(type!, { i })], { expectedRevision: 'any' })).position;
      if (i % 3 === 0) await Promise.all(followers.map((f) => f.reach(last)));
    }
    await Promise.all(followers.map((f) => f.reach(last)));
    for (const [i, filter] of filters.entries()) {
      const own = (await store.readAll({ filter, maxCount: 1000 })).map((e) => e.metadata.eventId);
      expect(followers[i]!.events.map((e) => e.metadata.eventId)).toEqual(own);
    }

    // All six are live: one more append is read once for all of them (the head and one page).
    eventQueries = 0;
    const one = await store.appendToStream('municipality-0115', [testEvent('SituationReported')], { expectedRevision: 'any' });
    await Promise.all(followers.map((f) => f.reach(one.position)));
    expect(eventQueries).toBeLessThanOrEqual(4);
    for (const f of followers) await f.stop();
  });
});

describe('live tail', () => {
  const event = (n: number): RecordedEvent => ({
    streamId: `s-${n % 3}`,
    revision: 0n,
    position: BigInt(n),
    checkpoint: String(n),
    type: n % 2 ? 'Odd' : 'Even',
    data: {},
    metadata: { eventId: `e${n}`, correlationId: 'c', causationId: 'c', actor: 'a', role: 'admin', occurredAt: '', schemaVersion: 1 },
    recordedAt: new Date(0),
  });
  /** A log of events 1…head, read as the store reads it. */
  const log =
    (state: { head: number; reads: number }) =>
    async (after: LogPosition, limit: number): Promise<TailPage> => {
      state.reads++;
      const events = [];
      for (let n = Number(after) + 1; n <= state.head && events.length < limit; n++) events.push(event(n));
      return { events, visibleHead: BigInt(state.head), heldBack: false };
    };

  it('holds the last events only: a subscriber behind them is told to read for itself', async () => {
    const state = { head: 10, reads: 0 };
    const tail = new LiveTail(log(state), 5, 3);
    expect(await tail.page(10n, undefined, 100, 1)).toEqual({ events: [], visibleHead: 10n, heldBack: false });
    expect(await tail.page(9n, undefined, 100, 1)).toBeUndefined();

    state.head = 18;
    const page = await tail.page(10n, { eventTypes: ['Odd'] }, 100, 2);
    // Events 11…18 were read in pages of 3; only 14…18 are held (capacity 5).
    expect(page).toBeUndefined();
    expect((await tail.page(13n, { eventTypes: ['Odd'] }, 100, 2))!.events.map((e) => e.position)).toEqual([15n, 17n]);
    expect((await tail.page(13n, undefined, 2, 2))!.events.map((e) => e.position)).toEqual([14n, 15n]);

    // Callers woken by the same wake-up share a read; a later wake-up reads again.
    const reads = state.reads;
    await Promise.all([tail.page(18n, undefined, 10, 3), tail.page(18n, undefined, 10, 3), tail.page(18n, undefined, 10, 3)]);
    expect(state.reads - reads).toBe(1);
    state.head = 19;
    expect((await tail.page(18n, undefined, 10, 4))!.events.map((e) => e.position)).toEqual([19n]);
  });
});
