import { randomUUID } from 'node:crypto';
import {
  BACKWARDS,
  DeadlineExceededError,
  END,
  EventStoreDBClient,
  jsonEvent,
  streamNameFilter,
  UnavailableError,
  WrongExpectedVersionError as ClientWrongExpectedVersionError,
} from '@eventstore/db-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { EventStoreOutcomeUnknownError, EventStoreUnavailableError, StreamNotFoundError, WrongExpectedVersionError } from '../../src/event-store/errors.js';
import type { NewEvent, Subscription, SubscriptionMessage } from '../../src/event-store/event-store.js';
import { EventStoreDbEventStore, mapAppendError, mapClientError, parseCheckpoint } from '../../src/event-store/eventstoredb/eventstoredb-event-store.js';
import { startEventStoreDbDouble, type EventStoreDbDouble } from '../support/eventstoredb-double/index.js';
import { describeEventStoreContract } from './event-store.contract.js';

describeEventStoreContract('EventStoreDB (protocol double)', async () => {
  const double = await startEventStoreDbDouble();
  return { store: new EventStoreDbEventStore(double.connectionString), cleanup: () => double.stop() };
});

const realServer = process.env.EVENTSTORE_TEST_URL;
if (realServer) {
  // Stream names in the suite carry a random run id, so a shared, non-empty server is fine.
  describeEventStoreContract(`EventStoreDB (${realServer})`, async () => ({
    store: new EventStoreDbEventStore(realServer),
    cleanup: async () => {},
  }));
}

const run = randomUUID().slice(0, 8);
const stream = (name: string) => `esdb${run}_${name}-${randomUUID().slice(0, 8)}`;
const event = (type: string, data: Record<string, unknown> = {}): NewEvent => ({
  type,
  data,
  metadata: {
    eventId: randomUUID(),
    correlationId: `corr-${run}`,
    causationId: `cause-${run}`,
    actor: 'tester',
    role: 'admin',
    occurredAt: '2026-03-01T08:00:00.000Z',
    schemaVersion: 1,
  },
});

/** The next message, or a failure instead of a hang. */
const nextMessage = async (iterator: AsyncIterator<SubscriptionMessage>, timeoutMs = 5000) => {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      iterator.next(),
      new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error('no message in time')), timeoutMs))),
    ]);
  } finally {
    clearTimeout(timer);
  }
};

const untilCaughtUp = async (subscription: Subscription): Promise<SubscriptionMessage[]> => {
  const iterator = subscription[Symbol.asyncIterator]();
  const messages: SubscriptionMessage[] = [];
  for (;;) {
    const next = await nextMessage(iterator);
    if (next.done) throw new Error('subscription ended before catching up');
    messages.push(next.value);
    if (next.value.kind === 'caught-up') return messages;
  }
};

describe('the EventStoreDB protocol double, through the real client', () => {
  let double: EventStoreDbDouble;
  let client: EventStoreDBClient;
  beforeAll(async () => {
    double = await startEventStoreDbDouble();
    client = EventStoreDBClient.connectionString(double.connectionString);
  });
  afterAll(async () => {
    await client.dispose();
    await double.stop();
  });

  it('starts with system events in the log, as a real server does', async () => {
    const events = [];
    for await (const e of client.readAll({ maxCount: 100 })) events.push(e.event!);
    expect(events.length).toBeGreaterThan(0);
    expect(events.every((e) => e.streamId.startsWith('$'))).toBe(true);
    expect(events.some((e) => !e.type.startsWith('$'))).toBe(true);
  });

  it('reads $all forwards including, backwards excluding, the start position', async () => {
    const s = stream('double-all');
    await client.appendToStream(s, [jsonEvent({ type: 'A', data: {} }), jsonEvent({ type: 'B', data: {} })]);
    const all = [];
    for await (const e of client.readAll({ maxCount: 1000 })) all.push(e.event!);
    const [a, b] = all.filter((e) => e.streamId === s);
    expect(a!.position.commit).toBe(b!.position.commit);
    const forwards = [];
    for await (const e of client.readAll({ fromPosition: b!.position, maxCount: 1 })) forwards.push(e.event!.type);
    expect(forwards).toEqual(['B']);
    const backwards = [];
    for await (const e of client.readAll({ fromPosition: b!.position, direction: BACKWARDS, maxCount: 1 })) {
      backwards.push(e.event!.type);
    }
    expect(backwards).toEqual(['A']);
  });

  it('serves stream subscriptions: catch-up after the start revision, caught-up, then live', async () => {
    const s = stream('double-sub');
    await client.appendToStream(
      s,
      [0, 1, 2].map((i) => jsonEvent({ type: 'N', data: { i } })),
    );
    const subscription = client.subscribeToStream(s, { fromRevision: 0n });
    const seen: unknown[] = [];
    let caughtUpAfter = -1;
    subscription.on('caughtUp', () => (caughtUpAfter = seen.length));
    const done = new Promise<void>((resolve) =>
      subscription.on('data', (e) => {
        seen.push((e.event!.data as { i: number }).i);
        if (seen.length === 1) void client.appendToStream(s, jsonEvent({ type: 'N', data: { i: 3 } }));
        if (seen.length === 3) resolve();
      }),
    );
    await done;
    expect(seen).toEqual([1, 2, 3]);
    expect(caughtUpAfter).toBe(2);
    await subscription.unsubscribe();
  });

  it('filters $all subscriptions by stream prefix and checkpoints every multiplier × window events', async () => {
    const prefix = stream('double-prefix');
    const checkpoints: bigint[] = [];
    const subscription = client.subscribeToAll({
      fromPosition: END,
      filter: streamNameFilter({
        prefixes: [prefix],
        maxSearchWindow: 2,
        checkpointInterval: 1,
        checkpointReached: (_s, position) => void checkpoints.push(position.commit),
      }),
    });
    const types: string[] = [];
    subscription.on('data', (e) => types.push(e.event!.type));
    await new Promise<void>((resolve) => subscription.once('caughtUp', () => resolve()));
    await client.appendToStream(`${prefix}-1`, jsonEvent({ type: 'In', data: {} }));
    const out = await client.appendToStream(stream('double-other'), jsonEvent({ type: 'Out', data: {} }));
    await client.appendToStream(stream('double-other'), jsonEvent({ type: 'Out', data: {} }));
    const last = await client.appendToStream(`${prefix}-2`, jsonEvent({ type: 'In', data: {} }));
    for (let i = 0; i < 100 && (types.length < 2 || checkpoints.length < 2); i++) {
      await new Promise((r) => setTimeout(r, 10));
    }
    expect(types).toEqual(['In', 'In']);
    // Every second considered event, whether the filter lets it through or not.
    expect(checkpoints).toEqual([out.position!.commit, last.position!.commit]);
    await subscription.unsubscribe();
  });

  it('answers a read of a missing stream with stream_not_found', async () => {
    const read = async () => {
      for await (const _ of client.readStream(stream('double-none'))) void _;
    };
    await expect(read()).rejects.toMatchObject({ type: 'stream-not-found' });
  });
});

describe('EventStoreDB adapter against the protocol double', () => {
  let double: EventStoreDbDouble;
  let store: EventStoreDbEventStore;
  const stores: EventStoreDbEventStore[] = [];
  const newStore = (options?: ConstructorParameters<typeof EventStoreDbEventStore>[1]) => {
    const s = new EventStoreDbEventStore(double.connectionString, options);
    stores.push(s);
    return s;
  };

  beforeAll(async () => {
    double = await startEventStoreDbDouble();
    store = newStore();
  });
  afterEach(() => double.setUnavailable(false));
  afterAll(async () => {
    await Promise.all(stores.map((s) => s.close()));
    await double.stop();
  });

  describe('positions and checkpoints', () => {
    it('gives the events of one write one commit position and each its own checkpoint', async () => {
      const s = stream('write');
      const result = await store.appendToStream(s, [event('A'), event('B'), event('C')], { expectedRevision: 'no_stream' });
      const read = await store.readStream(s);
      expect(read.map((e) => e.position)).toEqual([result.position, result.position, result.position]);
      expect(new Set(read.map((e) => e.checkpoint)).size).toBe(3);
      for (const e of read) {
        expect(store.positionOf(e.checkpoint)).toBe(result.position);
        expect(e.checkpoint).toMatch(/^\d+\/\d+$/);
      }
      // The double keeps the log as the server does: prepare positions grow within the write.
      const prepares = read.map((e) => parseCheckpoint(e.checkpoint).prepare);
      expect(prepares[0]).toBe(result.position);
      expect(prepares[1]! > prepares[0]! && prepares[2]! > prepares[1]!).toBe(true);
    });

    it('reads the whole log from inside a write, exclusive of the checkpoint', async () => {
      const s = stream('inside');
      await store.appendToStream(s, [event('A', { i: 0 }), event('A', { i: 1 }), event('A', { i: 2 })], {
        expectedRevision: 'no_stream',
      });
      const [first] = await store.readStream(s);
      const after = await store.readAll({ after: first!.checkpoint, filter: { streamPrefixes: [s] } });
      expect(after.map((e) => e.data)).toEqual([{ i: 1 }, { i: 2 }]);
    });

    it('refuses checkpoints it did not make', () => {
      for (const garbage of ['', 'abc', '12', '1/2/3', '-1/2', '1/x', ' 1/2', '1 /2']) {
        expect(() => store.positionOf(garbage)).toThrow(/not an EventStoreDB checkpoint/);
      }
      expect(() => store.subscribeToAll({ after: '42' })).toThrow(/not an EventStoreDB checkpoint/);
      expect(store.positionOf('18446744073709551615/18446744073709551615')).toBe(18446744073709551615n);
    });

    it('reports the head of the log without the system events after it', async () => {
      const s = stream('head');
      const { position } = await store.appendToStream(s, [event('A'), event('B')], { expectedRevision: 'no_stream' });
      double.appendSystemEvent();
      double.appendSystemEvent('$$' + s, '$metadata');
      expect(await store.headPosition()).toBe(position);
      // Also when the system events span more than one page of the backwards read.
      for (let i = 0; i < 5; i++) double.appendSystemEvent();
      expect(await newStore({ readPageSize: 2 }).headPosition()).toBe(position);
    });
  });

  describe('reading the whole log', () => {
    it('pages through the log and filters on type and stream together', async () => {
      const prefix = stream('pages');
      for (let i = 0; i < 7; i++) {
        await store.appendToStream(`${prefix}-${i % 2}`, [event(i % 3 === 0 ? 'Wanted' : 'Other', { i })], {
          expectedRevision: 'any',
        });
        double.appendSystemEvent();
      }
      // A user-looking type in a system stream.
      double.appendSystemEvent(`$${prefix}-0`, 'Wanted');
      const small = newStore({ readPageSize: 2 });
      expect((await small.readAll({ filter: { streamPrefixes: [prefix] } })).map((e) => e.data)).toEqual(Array.from({ length: 7 }, (_, i) => ({ i })));
      expect((await small.readAll({ filter: { streamPrefixes: [`${prefix}-0`], eventTypes: ['Wanted'] } })).map((e) => e.data)).toEqual([{ i: 0 }, { i: 6 }]);
      expect((await small.readAll({ filter: { streamPrefixes: [prefix] }, maxCount: 3 })).map((e) => e.data)).toEqual([{ i: 0 }, { i: 1 }, { i: 2 }]);
      expect(await small.readAll({ filter: { streamPrefixes: [prefix] }, maxCount: 0 })).toEqual([]);
      const all = await small.readAll({ maxCount: 100000 });
      expect(all.some((e) => e.streamId.startsWith('$') || e.type.startsWith('$'))).toBe(false);
      const wanted = await small.readAll({ filter: { eventTypes: ['Wanted'] }, maxCount: 100000 });
      expect(wanted.filter((e) => e.streamId.includes(prefix)).map((e) => e.streamId)).toEqual([`${prefix}-0`, `${prefix}-1`, `${prefix}-0`]);
    });

    it('counts the events after a checkpoint, filtered, up to a cap', async () => {
      const prefix = stream('count');
      await store.appendToStream(`${prefix}-a`, [event('X'), event('Y'), event('X')], { expectedRevision: 'no_stream' });
      double.appendSystemEvent();
      await store.appendToStream(`${prefix}-b`, [event('X')], { expectedRevision: 'no_stream' });
      const [first] = await store.readStream(`${prefix}-a`);
      const small = newStore({ readPageSize: 2 });
      expect(await small.countEventsAfter(undefined, 1000, { streamPrefixes: [prefix] })).toBe(4);
      expect(await small.countEventsAfter(first!.checkpoint, 1000, { streamPrefixes: [prefix] })).toBe(3);
      expect(await small.countEventsAfter(first!.checkpoint, 1000, { streamPrefixes: [prefix], eventTypes: ['X'] })).toBe(2);
      expect(await small.countEventsAfter(undefined, 2, { streamPrefixes: [prefix] })).toBe(2);
      expect(await small.countEventsAfter(undefined, 0)).toBe(0);
    });
  });

  describe('errors', () => {
    it('reports what was expected and what was found on a conflict', async () => {
      const s = stream('conflict');
      await store.appendToStream(s, [event('A'), event('B')], { expectedRevision: 'no_stream' });
      const conflict = await store.appendToStream(s, [event('C')], { expectedRevision: 0n }).catch((e: unknown) => e);
      expect(conflict).toBeInstanceOf(WrongExpectedVersionError);
      expect(conflict).toMatchObject({ streamId: s, expected: '0', actual: '1' });
      const missing = await store.appendToStream(stream('missing'), [event('A')], { expectedRevision: 'stream_exists' }).catch((e: unknown) => e);
      expect(missing).toMatchObject({ expected: 'stream_exists', actual: 'no_stream' });
    });

    it('reads an existing stream past its end as empty, a missing one as not found', async () => {
      const s = stream('end');
      await store.appendToStream(s, [event('A')], { expectedRevision: 'no_stream' });
      expect(await store.readStream(s, { fromRevision: 5n })).toEqual([]);
      expect((await store.readStream(s, { direction: 'backwards', fromRevision: 5n })).map((e) => e.revision)).toEqual([0n]);
      await expect(store.readStream(stream('none'), { direction: 'backwards' })).rejects.toBeInstanceOf(StreamNotFoundError);
    });

    it('turns an outage into EventStoreUnavailableError and recovers when the server is back', async () => {
      const s = stream('outage');
      await store.appendToStream(s, [event('A')], { expectedRevision: 'no_stream' });
      double.setUnavailable(true);
      await expect(store.appendToStream(s, [event('B')], { expectedRevision: 0n })).rejects.toBeInstanceOf(EventStoreUnavailableError);
      await expect(store.readStream(s)).rejects.toBeInstanceOf(EventStoreUnavailableError);
      await expect(store.readAll()).rejects.toBeInstanceOf(EventStoreUnavailableError);
      await expect(store.headPosition()).rejects.toBeInstanceOf(EventStoreUnavailableError);
      expect(await store.health()).toMatchObject({ kind: 'eventstoredb', up: false });

      double.setUnavailable(false);
      expect(await store.health()).toEqual({ kind: 'eventstoredb', up: true });
      expect((await store.appendToStream(s, [event('B')], { expectedRevision: 0n })).nextExpectedRevision).toBe(1n);
    });

    it('reports a store that cannot be reached at all as down, without throwing', async () => {
      const gone = await startEventStoreDbDouble();
      const unreachable = new EventStoreDbEventStore(gone.connectionString, { healthTimeoutMs: 2000 });
      await gone.stop();
      expect(await unreachable.health()).toMatchObject({ up: false });
      const append = unreachable.appendToStream(stream('x'), [event('A')], { expectedRevision: 'any' });
      await expect(append).rejects.toBeInstanceOf(EventStoreUnavailableError);
      await unreachable.close();
    });

    it('maps the client errors by kind', () => {
      expect(mapClientError(new UnavailableError())).toBeInstanceOf(EventStoreUnavailableError);
      expect(mapClientError(new DeadlineExceededError())).toBeInstanceOf(EventStoreUnavailableError);
      const raw = Object.assign(new Error('14 UNAVAILABLE: No connection established'), { code: 14 });
      expect(mapClientError(raw)).toBeInstanceOf(EventStoreUnavailableError);
      const wrong = mapClientError(new ClientWrongExpectedVersionError(undefined, { streamName: 's', expected: 3n, current: 'no_stream' }), {
        streamId: 's',
        expected: 3n,
      });
      expect(wrong).toMatchObject({ streamId: 's', expected: '3', actual: 'no_stream' });
      const other = new Error('something else');
      expect(mapClientError(other)).toBe(other);
    });

    it('tells an append that reached the server and got no answer from one that was never sent', () => {
      const context = { streamId: 's', expected: 0n };
      type GrpcError = ConstructorParameters<typeof DeadlineExceededError>[0];
      const sent = new DeadlineExceededError({
        message: '4 DEADLINE_EXCEEDED: Deadline exceeded after 3.001s,LB pick: 0.001s,remote_addr=127.0.0.1:2113',
      } as GrpcError);
      expect(mapAppendError(sent, context)).toBeInstanceOf(EventStoreOutcomeUnknownError);
      const unsent = new DeadlineExceededError({
        message: '4 DEADLINE_EXCEEDED: Deadline exceeded after 3.001s,name resolution: 0.001s,Waiting for LB pick',
      } as GrpcError);
      expect(mapAppendError(unsent, context)).toBeInstanceOf(EventStoreUnavailableError);
      expect(mapAppendError(new UnavailableError(), context)).toBeInstanceOf(EventStoreUnavailableError);
    });
  });

  describe('subscriptions', () => {
    it('sends caught-up once, then live events, and ends a pending read on unsubscribe', async () => {
      const prefix = stream('live');
      await store.appendToStream(`${prefix}-1`, [event('Old')], { expectedRevision: 'no_stream' });
      const subscription = store.subscribeToAll({ filter: { streamPrefixes: [prefix] } });
      const caughtUp = await untilCaughtUp(subscription);
      expect(caughtUp.filter((m) => m.kind === 'event')).toHaveLength(1);
      expect(caughtUp.filter((m) => m.kind === 'caught-up')).toHaveLength(1);

      const iterator = subscription[Symbol.asyncIterator]();
      await store.appendToStream(`${prefix}-1`, [event('New', { n: 1 })], { expectedRevision: 0n });
      const live = await nextMessage(iterator);
      expect(live.value).toMatchObject({ kind: 'event', event: { type: 'New', data: { n: 1 } } });

      const pending = iterator.next();
      await subscription.unsubscribe();
      await expect(pending).resolves.toEqual({ done: true, value: undefined });
      await subscription.unsubscribe(); // idempotent
    });

    it('moves its checkpoint past system events and events a second filter leaves out', async () => {
      const prefix = stream('ckpt');
      const subscription = store.subscribeToAll({ filter: { streamPrefixes: [prefix], eventTypes: ['Wanted'] } });
      await untilCaughtUp(subscription);
      const iterator = subscription[Symbol.asyncIterator]();

      const system = double.appendSystemEvent();
      const afterSystem = await nextMessage(iterator);
      expect(afterSystem.value).toEqual({
        kind: 'checkpoint',
        position: system.commit,
        checkpoint: `${system.commit}/${system.prepare}`,
      });

      // Passes the server-side type filter, but not the stream prefix: checked here.
      const elsewhere = await store.appendToStream(stream('elsewhere'), [event('Wanted')], { expectedRevision: 'any' });
      const afterElsewhere = await nextMessage(iterator);
      expect(afterElsewhere.value).toMatchObject({ kind: 'checkpoint', position: elsewhere.position });

      await store.appendToStream(`${prefix}-1`, [event('Other'), event('Wanted', { w: 1 })], { expectedRevision: 'any' });
      const wanted = await nextMessage(iterator);
      expect(wanted.value).toMatchObject({ kind: 'event', event: { type: 'Wanted', data: { w: 1 } } });
      await subscription.unsubscribe();
    });

    it('resumes after a checkpoint it reported for a filtered-out event', async () => {
      const prefix = stream('resume');
      const subscription = store.subscribeToAll({ filter: { streamPrefixes: [prefix] } });
      await untilCaughtUp(subscription);
      const iterator = subscription[Symbol.asyncIterator]();
      double.appendSystemEvent();
      const checkpoint = (await nextMessage(iterator)).value as Extract<SubscriptionMessage, { kind: 'checkpoint' }>;
      expect(checkpoint.kind).toBe('checkpoint');
      await subscription.unsubscribe();

      await store.appendToStream(`${prefix}-1`, [event('Later')], { expectedRevision: 'no_stream' });
      const resumed = store.subscribeToAll({ after: checkpoint.checkpoint, filter: { streamPrefixes: [prefix] } });
      const messages = await untilCaughtUp(resumed);
      expect(messages.flatMap((m) => (m.kind === 'event' ? [m.event.type] : []))).toEqual(['Later']);
      await resumed.unsubscribe();
    });

    it('ends with EventStoreUnavailableError when the server goes away', async () => {
      const subscription = store.subscribeToAll({ filter: { streamPrefixes: [stream('drop')] } });
      await untilCaughtUp(subscription);
      const iterator = subscription[Symbol.asyncIterator]();
      double.setUnavailable(true);
      await expect(nextMessage(iterator)).rejects.toBeInstanceOf(EventStoreUnavailableError);
      await subscription.unsubscribe();
    });

    it('reports a subscription the server ends as unavailable, not as finished', async () => {
      const own = await startEventStoreDbDouble();
      const ownStore = new EventStoreDbEventStore(own.connectionString);
      const subscription = ownStore.subscribeToAll();
      await untilCaughtUp(subscription);
      const pending = subscription[Symbol.asyncIterator]().next();
      await own.stop();
      await expect(pending).rejects.toBeInstanceOf(EventStoreUnavailableError);
      await ownStore.close();
    });

    it('unsubscribes the subscriptions still open when the store closes', async () => {
      const own = newStore();
      const subscription = own.subscribeToAll({ filter: { streamPrefixes: [stream('close')] } });
      await untilCaughtUp(subscription);
      const pending = subscription[Symbol.asyncIterator]().next();
      await own.close();
      await expect(pending).resolves.toEqual({ done: true, value: undefined });
    });
  });
});

describe('duplicate detection, as the real server does it', () => {
  let double: EventStoreDbDouble;
  let store: EventStoreDbEventStore;
  const typesOf = async (s: string) => (await store.readStream(s)).map((e) => e.type);

  beforeAll(async () => {
    double = await startEventStoreDbDouble({ recentEventIds: 4 });
    store = new EventStoreDbEventStore(double.connectionString);
  });
  afterAll(async () => {
    await store.close();
    await double.stop();
  });

  it('recognises an `any` repeat while its ids are recent, and writes it again once they are forgotten', async () => {
    const s = stream('any-repeat');
    const events = [event('A'), event('B')];
    expect((await store.appendToStream(s, events, { expectedRevision: 'any' })).nextExpectedRevision).toBe(1n);
    expect((await store.appendToStream(s, events, { expectedRevision: 'any' })).nextExpectedRevision).toBe(1n);
    expect(await typesOf(s)).toEqual(['A', 'B']);

    double.forgetRecentEventIds();
    expect((await store.appendToStream(s, events, { expectedRevision: 'any' })).nextExpectedRevision).toBe(3n);
    expect(await typesOf(s)).toEqual(['A', 'B', 'A', 'B']);
  });

  it('treats stream_exists like any: recognised only from the recent ids', async () => {
    const s = stream('exists-repeat');
    await store.appendToStream(s, [event('A')], { expectedRevision: 'no_stream' });
    const events = [event('B')];
    expect((await store.appendToStream(s, events, { expectedRevision: 'stream_exists' })).nextExpectedRevision).toBe(1n);
    expect((await store.appendToStream(s, events, { expectedRevision: 'stream_exists' })).nextExpectedRevision).toBe(1n);
    double.forgetRecentEventIds();
    expect((await store.appendToStream(s, events, { expectedRevision: 'stream_exists' })).nextExpectedRevision).toBe(2n);
  });

  it('forgets the oldest ids beyond the size of its cache', async () => {
    const s = stream('evicted');
    const old = [event('Old')];
    await store.appendToStream(s, old, { expectedRevision: 'any' });
    for (let i = 0; i < 4; i++) await store.appendToStream(stream('other'), [event('Other')], { expectedRevision: 'any' });
    await store.appendToStream(s, old, { expectedRevision: 'any' });
    expect(await typesOf(s)).toEqual(['Old', 'Old']);
  });

  it('refuses an `any` batch of which only the first ids are known, and writes one whose first id is new', async () => {
    const s = stream('any-partial');
    const a = event('A');
    await store.appendToStream(s, [a], { expectedRevision: 'any' });
    await expect(store.appendToStream(s, [a, event('X')], { expectedRevision: 'any' })).rejects.toBeInstanceOf(WrongExpectedVersionError);
    // The server looks no further than an unknown first id: the known one is written again.
    expect((await store.appendToStream(s, [event('Y'), a], { expectedRevision: 'any' })).nextExpectedRevision).toBe(2n);
    expect(await typesOf(s)).toEqual(['A', 'Y', 'A']);
  });

  it('recognises an exact-revision repeat from the log itself, whatever the cache has forgotten', async () => {
    const s = stream('exact-repeat');
    const events = [event('A'), event('B')];
    await store.appendToStream(s, events, { expectedRevision: 'no_stream' });
    double.forgetRecentEventIds();
    expect((await store.appendToStream(s, events, { expectedRevision: 'no_stream' })).nextExpectedRevision).toBe(1n);
    // Some of the ids after the expected revision, not all: refused.
    await expect(store.appendToStream(s, [events[0]!, event('C')], { expectedRevision: 'no_stream' })).rejects.toBeInstanceOf(WrongExpectedVersionError);
    expect(await typesOf(s)).toEqual(['A', 'B']);
  });
});

describe('EventStoreDB adapter deadlines, against a frozen or restarted server', () => {
  const DEADLINE_MS = 400;
  let double: EventStoreDbDouble;
  const stores: EventStoreDbEventStore[] = [];
  const newStore = () => {
    const s = new EventStoreDbEventStore(double.connectionString, { deadlineMs: DEADLINE_MS, healthTimeoutMs: DEADLINE_MS });
    stores.push(s);
    return s;
  };
  /** How long a call took to settle, and how it settled. */
  const timed = async <T>(work: Promise<T>) => {
    const started = Date.now();
    const outcome = await work.then(
      (value) => ({ value, error: undefined as unknown }),
      (error: unknown) => ({ value: undefined, error }),
    );
    return { ...outcome, ms: Date.now() - started };
  };
  /** The client reconnects on its next calls after a restart; the first may still meet the old connection. */
  const reconnected = async (store: EventStoreDbEventStore) => {
    for (let attempt = 0; attempt < 10; attempt++) if ((await store.health()).up) return;
    throw new Error('the client did not reconnect to the restarted server');
  };
  /** A generous ceiling: the deadline, and then some for a loaded machine. */
  const PROMPTLY = DEADLINE_MS + 1500;

  beforeAll(async () => {
    double = await startEventStoreDbDouble();
  });
  afterEach(() => double.thaw());
  afterAll(async () => {
    await Promise.all(stores.map((s) => s.close()));
    await double.stop();
  });

  it('ends an unanswered append at the deadline as outcome unknown, and the node that recovers writes it', async () => {
    const store = newStore();
    const s = stream('frozen');
    await store.appendToStream(s, [event('A')], { expectedRevision: 'no_stream' });
    double.freeze();

    const b = event('B');
    const append = await timed(store.appendToStream(s, [b], { expectedRevision: 0n }));
    expect(append.error).toBeInstanceOf(EventStoreOutcomeUnknownError);
    expect(append.ms).toBeLessThan(PROMPTLY);
    // Later calls are not queued behind the held one: each ends at its own deadline.
    const other = await timed(store.appendToStream(stream('frozen-other'), [event('C')], { expectedRevision: 'any' }));
    expect(other.error).toBeInstanceOf(EventStoreOutcomeUnknownError);
    expect(other.ms).toBeLessThan(PROMPTLY);
    const reads: Array<() => Promise<unknown>> = [
      () => store.readStream(s),
      () => store.readAll(),
      () => store.headPosition(),
      () => store.countEventsAfter(undefined, 10),
    ];
    for (const read of reads) {
      const r = await timed(read());
      expect(r.error).toBeInstanceOf(EventStoreUnavailableError);
      expect(r.ms).toBeLessThan(PROMPTLY);
    }
    const health = await timed(store.health());
    expect(health.value).toMatchObject({ kind: 'eventstoredb', up: false });
    expect(health.ms).toBeLessThan(PROMPTLY);
    expect(double.heldCalls).toBeGreaterThan(0);

    double.thaw();
    // The node had the write: it is recorded, and repeating the same append is recognised.
    expect((await store.readStream(s)).map((e) => e.type)).toEqual(['A', 'B']);
    expect((await store.appendToStream(s, [b], { expectedRevision: 0n })).nextExpectedRevision).toBe(1n);
    expect(await store.health()).toEqual({ kind: 'eventstoredb', up: true });
  });

  it('refuses as unavailable an append that could not be sent, and never sends it later', async () => {
    // A fresh client asks the server what it supports before its first append: a frozen server
    // never answers, so the append is never sent.
    const store = newStore();
    const s = stream('never-sent');
    double.freeze();
    const append = await timed(store.appendToStream(s, [event('A')], { expectedRevision: 'no_stream' }));
    expect(append.error).toBeInstanceOf(EventStoreUnavailableError);
    expect(append.ms).toBeLessThan(PROMPTLY);
    double.thaw();
    await expect(store.readStream(s)).rejects.toBeInstanceOf(StreamNotFoundError);
    expect((await store.appendToStream(s, [event('B')], { expectedRevision: 'no_stream' })).nextExpectedRevision).toBe(0n);
    expect((await store.readStream(s)).map((e) => e.type)).toEqual(['B']);
  });

  it('drops open calls and subscriptions on a restart, forgets the recent ids, and comes back empty when asked', async () => {
    const store = newStore();
    const prefix = stream('restart');
    const s = `${prefix}-1`;
    const events = [event('A')];
    await store.appendToStream(s, events, { expectedRevision: 'any' });
    const subscription = store.subscribeToAll({ filter: { streamPrefixes: [prefix] } });
    await untilCaughtUp(subscription);
    const pending = subscription[Symbol.asyncIterator]().next();

    const address = double.connectionString;
    await double.restart();
    await expect(pending).rejects.toBeInstanceOf(EventStoreUnavailableError);
    expect(double.connectionString).toBe(address);
    await reconnected(store);
    // The log survived; the recent ids did not: the `any` repeat is written again.
    expect((await store.appendToStream(s, events, { expectedRevision: 'any' })).nextExpectedRevision).toBe(1n);

    await double.restart({ empty: true });
    await reconnected(store);
    await expect(store.readStream(s)).rejects.toBeInstanceOf(StreamNotFoundError);
    expect((await store.appendToStream(s, [event('New')], { expectedRevision: 'no_stream' })).nextExpectedRevision).toBe(0n);
    expect(double.log.stream(s)?.map((e) => e.type)).toEqual(['New']);
  });
});
