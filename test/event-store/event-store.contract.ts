import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { StreamNotFoundError, WrongExpectedVersionError } from '../../src/event-store/errors.js';
import type { EventStore, NewEvent, RecordedEvent, Subscription, SubscriptionMessage } from '../../src/event-store/event-store.js';

/**
 * The behaviour every event store adapter must share. Run by one spec file per adapter.
 * Stream names carry a random run id, so the suite also runs against a shared, non-empty server.
 */
export const describeEventStoreContract = (label: string, setup: () => Promise<{ store: EventStore; cleanup: () => Promise<void> }>): void => {
  describe(`event store contract: ${label}`, () => {
    let store: EventStore;
    let cleanup: () => Promise<void>;
    const run = randomUUID().slice(0, 8);
    const stream = (name: string) => `contract${run}_${name}-${randomUUID().slice(0, 8)}`;

    const event = (type: string, data: Record<string, unknown> = {}, eventId = randomUUID()): NewEvent => ({
      type,
      data,
      metadata: {
        eventId,
        correlationId: `corr-${run}`,
        causationId: `cause-${run}`,
        actor: 'tester',
        role: 'admin',
        occurredAt: '2026-03-01T08:00:00.000Z',
        schemaVersion: 1,
      },
    });

    /** Reads messages until `until` says stop; fails rather than hangs. */
    const collect = async (
      subscription: Subscription,
      until: (messages: SubscriptionMessage[]) => boolean,
      timeoutMs = 15000,
    ): Promise<SubscriptionMessage[]> => {
      const messages: SubscriptionMessage[] = [];
      const iterator = subscription[Symbol.asyncIterator]();
      const deadline = Date.now() + timeoutMs;
      while (!until(messages)) {
        const remaining = deadline - Date.now();
        if (remaining <= 0) throw new Error(`subscription timed out after ${messages.length} messages`);
        let timer: NodeJS.Timeout | undefined;
        const next = await Promise.race([iterator.next(), new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), remaining)))]);
        clearTimeout(timer);
        if (next === 'timeout') continue;
        if (next.done) break;
        messages.push(next.value);
      }
      return messages;
    };
    const eventsOf = (messages: SubscriptionMessage[], prefix?: string): RecordedEvent[] =>
      messages.flatMap((m) => (m.kind === 'event' && (!prefix || m.event.streamId.startsWith(prefix)) ? [m.event] : []));

    beforeAll(async () => {
      ({ store, cleanup } = await setup());
    });
    afterAll(async () => {
      await store?.close();
      await cleanup?.();
    });

    describe('append', () => {
      it('creates a stream with no_stream and reads the events back with their metadata', async () => {
        const s = stream('create');
        const first = event('Created', { n: 1, nested: { list: [1, 2] } });
        const second = event('Changed', { n: 2 });
        const result = await store.appendToStream(s, [first, second], { expectedRevision: 'no_stream' });
        expect(result.nextExpectedRevision).toBe(1n);
        expect(result.position).toBeGreaterThan(0n);

        const read = await store.readStream(s);
        expect(read.map((e) => [e.type, e.revision, e.data])).toEqual([
          ['Created', 0n, { n: 1, nested: { list: [1, 2] } }],
          ['Changed', 1n, { n: 2 }],
        ]);
        expect(read[0]!.metadata).toEqual(first.metadata);
        expect(read[0]!.streamId).toBe(s);
        expect(read[0]!.recordedAt).toBeInstanceOf(Date);
        expect(Math.abs(read[0]!.recordedAt.getTime() - Date.now())).toBeLessThan(60_000);
      });

      it('refuses no_stream on a stream that exists', async () => {
        const s = stream('exists');
        await store.appendToStream(s, [event('A')], { expectedRevision: 'no_stream' });
        await expect(store.appendToStream(s, [event('B')], { expectedRevision: 'no_stream' })).rejects.toBeInstanceOf(WrongExpectedVersionError);
        expect(await store.readStream(s)).toHaveLength(1);
      });

      it('appends at the exact expected revision and refuses any other', async () => {
        const s = stream('exact');
        await store.appendToStream(s, [event('A'), event('B')], { expectedRevision: 'no_stream' });
        await expect(store.appendToStream(s, [event('C')], { expectedRevision: 0n })).rejects.toBeInstanceOf(WrongExpectedVersionError);
        await expect(store.appendToStream(s, [event('C')], { expectedRevision: 2n })).rejects.toBeInstanceOf(WrongExpectedVersionError);
        const ok = await store.appendToStream(s, [event('C')], { expectedRevision: 1n });
        expect(ok.nextExpectedRevision).toBe(2n);
        expect((await store.readStream(s)).map((e) => e.type)).toEqual(['A', 'B', 'C']);
      });

      it('requires stream_exists to find the stream, and any to find nothing in particular', async () => {
        const s = stream('exists-any');
        await expect(store.appendToStream(s, [event('A')], { expectedRevision: 'stream_exists' })).rejects.toBeInstanceOf(WrongExpectedVersionError);
        await expect(store.readStream(s)).rejects.toBeInstanceOf(StreamNotFoundError);
        expect((await store.appendToStream(s, [event('A')], { expectedRevision: 'any' })).nextExpectedRevision).toBe(0n);
        expect((await store.appendToStream(s, [event('B')], { expectedRevision: 'stream_exists' })).nextExpectedRevision).toBe(1n);
        expect((await store.appendToStream(s, [event('C')], { expectedRevision: 'any' })).nextExpectedRevision).toBe(2n);
      });

      it('writes a retried append (same event ids) only once and answers as the first time', async () => {
        const s = stream('retry');
        const events = [event('A', {}, randomUUID()), event('B', {}, randomUUID())];
        const first = await store.appendToStream(s, events, { expectedRevision: 'no_stream' });
        const again = await store.appendToStream(s, events, { expectedRevision: 'no_stream' });
        expect(again.nextExpectedRevision).toBe(first.nextExpectedRevision);
        expect(await store.readStream(s)).toHaveLength(2);
      });

      /*
       * Repeats. What every store recognises — and so all the application may rely on — is a repeat
       * of an append at the same expected revision (or no_stream) with the same event ids: nothing
       * is written again, and the answer names the revision of those events, even after others
       * have written since. Nothing else is promised: with `any` / `stream_exists` EventStoreDB
       * only remembers recently committed ids (a restart forgets them), and the same ids proposed
       * at a later revision — what a naive retry after an uncertain failure does, having read the
       * stream again — are written a second time by EventStoreDB, while PostgreSQL answers with
       * the first write. A retry must therefore repeat the append it is unsure of, or recognise its
       * own events in the stream before deciding again.
       */
      it('writes a repeat at the same exact revision once, answering with the revision of its events', async () => {
        const s = stream('repeat-exact');
        await store.appendToStream(s, [event('A'), event('B')], { expectedRevision: 'no_stream' });
        const events = [event('C'), event('D')];
        const first = await store.appendToStream(s, events, { expectedRevision: 1n });
        expect(first.nextExpectedRevision).toBe(3n);
        const again = await store.appendToStream(s, events, { expectedRevision: 1n });
        expect(again.nextExpectedRevision).toBe(3n);

        // Another writer moves the stream on: the repeat still answers with its own events.
        await store.appendToStream(s, [event('E')], { expectedRevision: 3n });
        const late = await store.appendToStream(s, events, { expectedRevision: 1n });
        expect(late.nextExpectedRevision).toBe(3n);
        expect((await store.readStream(s)).map((e) => e.type)).toEqual(['A', 'B', 'C', 'D', 'E']);
      });

      it('writes a repeat of a stream-creating append once, also after others have written', async () => {
        const s = stream('repeat-new');
        const events = [event('Opened')];
        await store.appendToStream(s, events, { expectedRevision: 'no_stream' });
        await store.appendToStream(s, [event('Changed')], { expectedRevision: 0n });
        const again = await store.appendToStream(s, events, { expectedRevision: 'no_stream' });
        expect(again.nextExpectedRevision).toBe(0n);
        expect((await store.readStream(s)).map((e) => e.type)).toEqual(['Opened', 'Changed']);
      });

      it('promises nothing about the same ids at a later revision, beyond keeping the first write intact', async () => {
        const s = stream('repeat-later');
        const events = [event('A'), event('B')];
        const first = await store.appendToStream(s, events, { expectedRevision: 'no_stream' });
        // A naive retry: it read the stream again (revision 1) and proposes the same events.
        const retry = await store.appendToStream(s, events, { expectedRevision: first.nextExpectedRevision });
        const read = await store.readStream(s);
        // Where the stores agree: the first write stays as it was, and the retry does not fail.
        expect(read.slice(0, 2).map((e) => [e.revision, e.metadata.eventId])).toEqual([
          [0n, events[0]!.metadata.eventId],
          [1n, events[1]!.metadata.eventId],
        ]);
        // Where they differ: recognised (PostgreSQL) or written a second time (EventStoreDB).
        expect([1n, 3n]).toContain(retry.nextExpectedRevision);
        expect(read).toHaveLength(Number(retry.nextExpectedRevision) + 1);
      });

      it('lets exactly one of several concurrent appends at the same revision win', async () => {
        const s = stream('race');
        await store.appendToStream(s, [event('Opened')], { expectedRevision: 'no_stream' });
        const results = await Promise.allSettled(
          Array.from({ length: 8 }, (_, i) => store.appendToStream(s, [event('Raced', { i })], { expectedRevision: 0n })),
        );
        expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
        for (const r of results.filter((r) => r.status === 'rejected')) {
          expect((r as PromiseRejectedResult).reason).toBeInstanceOf(WrongExpectedVersionError);
        }
        expect(await store.readStream(s)).toHaveLength(2);
      });
    });

    describe('read a stream', () => {
      let s: string;
      beforeAll(async () => {
        s = stream('read');
        await store.appendToStream(
          s,
          Array.from({ length: 10 }, (_, i) => event('Counted', { i })),
          {
            expectedRevision: 'no_stream',
          },
        );
      });

      it('reads forwards from a revision with a limit', async () => {
        const read = await store.readStream(s, { fromRevision: 3n, maxCount: 4 });
        expect(read.map((e) => e.revision)).toEqual([3n, 4n, 5n, 6n]);
      });

      it('reads backwards from the end and from a revision', async () => {
        expect((await store.readStream(s, { direction: 'backwards', maxCount: 2 })).map((e) => e.revision)).toEqual([9n, 8n]);
        expect((await store.readStream(s, { direction: 'backwards', fromRevision: 4n, maxCount: 3 })).map((e) => e.revision)).toEqual([4n, 3n, 2n]);
      });

      it('answers an empty list, not "not found", for a range past the end of a stream that exists', async () => {
        expect(await store.readStream(s, { fromRevision: 10n })).toEqual([]);
        expect(await store.readStream(s, { fromRevision: 12n, maxCount: 5 })).toEqual([]);
      });

      it('throws StreamNotFoundError for a stream that does not exist', async () => {
        await expect(store.readStream(stream('nothing'))).rejects.toBeInstanceOf(StreamNotFoundError);
        await expect(store.readStream(stream('nothing'), { fromRevision: 3n, maxCount: 2 })).rejects.toBeInstanceOf(StreamNotFoundError);
      });
    });

    describe('read the whole log', () => {
      it('reads forwards after a checkpoint, exclusive, in position order, filtered by type and stream', async () => {
        const prefix = `contract${run}_all-`;
        const a = `${prefix}a`;
        const b = `${prefix}b`;
        const head = await store.headPosition();
        await store.appendToStream(a, [event('X', { k: 1 }), event('Y', { k: 2 })], { expectedRevision: 'no_stream' });
        await store.appendToStream(b, [event('X', { k: 3 })], { expectedRevision: 'no_stream' });
        await store.appendToStream(a, [event('X', { k: 4 })], { expectedRevision: 1n });

        const all = await store.readAll({ filter: { streamPrefixes: [prefix] }, maxCount: 100 });
        expect(all.map((e) => e.data)).toEqual([{ k: 1 }, { k: 2 }, { k: 3 }, { k: 4 }]);
        for (let i = 1; i < all.length; i++) expect(all[i]!.position).toBeGreaterThanOrEqual(all[i - 1]!.position);
        expect(all.every((e) => e.position > head)).toBe(true);
        expect(all.every((e) => store.positionOf(e.checkpoint) === e.position)).toBe(true);

        const afterFirst = await store.readAll({ after: all[0]!.checkpoint, filter: { streamPrefixes: [prefix] } });
        expect(afterFirst.map((e) => e.data)).toEqual([{ k: 2 }, { k: 3 }, { k: 4 }]);

        const onlyX = await store.readAll({ filter: { streamPrefixes: [prefix], eventTypes: ['X'] } });
        expect(onlyX.map((e) => e.data)).toEqual([{ k: 1 }, { k: 3 }, { k: 4 }]);

        const limited = await store.readAll({ filter: { streamPrefixes: [prefix] }, maxCount: 2 });
        expect(limited).toHaveLength(2);
        expect(await store.headPosition()).toBeGreaterThanOrEqual(all[3]!.position);
      });

      it('never returns system events', async () => {
        const all = await store.readAll({ maxCount: 10000 });
        expect(all.some((e) => e.streamId.startsWith('$') || e.type.startsWith('$'))).toBe(false);
      });
    });

    describe('subscribe to the whole log', () => {
      it('catches up, says so once, then follows live appends', async () => {
        const prefix = `contract${run}_sub-`;
        const s = `${prefix}1`;
        await store.appendToStream(s, [event('Before', { i: 0 })], { expectedRevision: 'no_stream' });
        const subscription = store.subscribeToAll({ filter: { streamPrefixes: [prefix] } });
        const caughtUp = await collect(subscription, (m) => m.some((x) => x.kind === 'caught-up'));
        expect(eventsOf(caughtUp).map((e) => e.data)).toEqual([{ i: 0 }]);

        await store.appendToStream(s, [event('Live', { i: 1 }), event('Live', { i: 2 })], { expectedRevision: 0n });
        const live = await collect(subscription, (m) => eventsOf(m).length >= 2);
        expect(eventsOf(live).map((e) => e.data)).toEqual([{ i: 1 }, { i: 2 }]);
        expect(live.filter((m) => m.kind === 'caught-up')).toHaveLength(0);
        await subscription.unsubscribe();
      });

      it('resumes exactly after a checkpoint, even in the middle of one write', async () => {
        const prefix = `contract${run}_resume-`;
        const s = `${prefix}1`;
        await store.appendToStream(s, [event('E', { i: 0 }), event('E', { i: 1 }), event('E', { i: 2 })], {
          expectedRevision: 'no_stream',
        });
        await store.appendToStream(s, [event('E', { i: 3 })], { expectedRevision: 2n });
        const all = await store.readAll({ filter: { streamPrefixes: [prefix] } });
        expect(all).toHaveLength(4);

        const subscription = store.subscribeToAll({ after: all[1]!.checkpoint, filter: { streamPrefixes: [prefix] } });
        const messages = await collect(subscription, (m) => m.some((x) => x.kind === 'caught-up'));
        expect(eventsOf(messages).map((e) => e.data)).toEqual([{ i: 2 }, { i: 3 }]);
        await subscription.unsubscribe();
      });

      it('moves its checkpoint past events its filter leaves out', async () => {
        const prefix = `contract${run}_filtered-`;
        const head = await store.headPosition();
        const subscription = store.subscribeToAll({ after: undefined, filter: { eventTypes: [`NeverWritten${run}`] } });
        await collect(subscription, (m) => m.some((x) => x.kind === 'caught-up'));
        const appended = await store.appendToStream(`${prefix}1`, [event('Other')], { expectedRevision: 'no_stream' });
        const messages = await collect(subscription, (m) => m.some((x) => x.kind === 'checkpoint' && x.position >= appended.position));
        expect(eventsOf(messages)).toHaveLength(0);
        expect(appended.position).toBeGreaterThan(head);
        await subscription.unsubscribe();
      });

      it('orders the log like the stream when many writers append to one stream at once', async () => {
        const prefix = `contract${run}_hot-`;
        const s = `${prefix}1`;
        await Promise.all(
          Array.from({ length: 8 }, (_, w) =>
            (async () => {
              for (let i = 0; i < 15; i++) await store.appendToStream(s, [event('Hot', { w, i })], { expectedRevision: 'any' });
            })(),
          ),
        );
        const all = await store.readAll({ filter: { streamPrefixes: [prefix] }, maxCount: 1000 });
        expect(all).toHaveLength(120);
        expect(all.map((e) => e.revision)).toEqual(all.map((_, i) => BigInt(i)));
      });

      it('delivers every event of many concurrent writers exactly once, each stream in order', async () => {
        const prefix = `contract${run}_load-`;
        const writers = 8;
        const appendsPerWriter = 40;
        const subscription = store.subscribeToAll({ filter: { streamPrefixes: [prefix] } });
        const iterator = subscription[Symbol.asyncIterator]();
        const seen: RecordedEvent[] = [];
        let expected = 0;
        let writersDone = false;
        const consumer = (async () => {
          for (;;) {
            if (writersDone && seen.length >= expected) return;
            const next = await iterator.next();
            if (next.done) return;
            if (next.value.kind === 'event') seen.push(next.value.event);
          }
        })();

        await Promise.all(
          Array.from({ length: writers }, async (_, w) => {
            // Two streams per writer, so appends interleave across streams and transactions.
            const streams = [`${prefix}${w}-a`, `${prefix}${w}-b`];
            const revisions = new Map<string, bigint>();
            for (let i = 0; i < appendsPerWriter; i++) {
              const s = streams[i % 2]!;
              const size = 1 + (i % 3);
              const batch = Array.from({ length: size }, (_, k) => event('Loaded', { w, i, k }));
              const rev = revisions.get(s);
              const result = await store.appendToStream(s, batch, { expectedRevision: rev ?? 'no_stream' });
              revisions.set(s, result.nextExpectedRevision);
              expected += size;
            }
          }),
        );
        writersDone = true;
        const deadline = setTimeout(() => void subscription.unsubscribe(), 30000);
        await consumer;
        clearTimeout(deadline);
        await subscription.unsubscribe();

        expect(seen).toHaveLength(expected);
        expect(new Set(seen.map((e) => e.metadata.eventId)).size).toBe(expected);
        const byStream = new Map<string, bigint[]>();
        for (const e of seen) byStream.set(e.streamId, [...(byStream.get(e.streamId) ?? []), e.revision]);
        for (const revisions of byStream.values()) {
          expect(revisions).toEqual(revisions.map((_, i) => BigInt(i)));
        }
        for (let i = 1; i < seen.length; i++) expect(seen[i]!.position).toBeGreaterThanOrEqual(seen[i - 1]!.position);
      });
    });
  });
};
