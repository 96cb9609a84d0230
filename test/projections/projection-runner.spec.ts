import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import type { EntityManager } from 'typeorm';
import type { RecordedEvent } from '../../src/event-store/event-store.js';
import type { Projection } from '../../src/projections/projection.js';
import { ProjectionRunner } from '../../src/projections/projection-runner.js';
import { rebuildProjection } from '../../src/projections/projection-rebuilder.js';
import { StreamCatalogProjection } from '../../src/projections/stream-catalog.projector.js';
import { openTestLog, silentLogger, testEvent, type TestLog } from '../support/database.js';

let log: TestLog;
const runners: ProjectionRunner[] = [];

const runner = (projection: Projection = new StreamCatalogProjection(), batchSize = 7) => {
  const r = new ProjectionRunner(projection, log.dataSource, log.store, { batchSize, logger: silentLogger });
  runners.push(r);
  r.start();
  return r;
};

type Apply = Projection['apply'];
/** The stream catalog with its `apply` wrapped, to make it fail in chosen ways. */
const catalogWith = (wrap: (apply: Apply, events: readonly RecordedEvent[], tx: EntityManager) => Promise<void>): Projection => {
  const inner = new StreamCatalogProjection();
  return {
    name: inner.name,
    version: inner.version,
    eventTypes: inner.eventTypes,
    tables: inner.tables,
    apply: (events, tx) => wrap((e, t) => inner.apply(e, t), events, tx),
  };
};

const catalog = async () =>
  log.dataSource.query(
    `SELECT stream_id, category, events::int, last_revision::int, last_position::text, last_type
       FROM stream_catalog ORDER BY stream_id`,
  );

const appendMany = async (streams: number, perStream: number, tag: string) => {
  let position = 0n;
  for (let i = 0; i < perStream; i++) {
    for (let s = 0; s < streams; s++) {
      const result = await log.store.appendToStream(`${tag}-${s}`, [testEvent(i % 2 ? 'Even' : 'Odd', { i })], {
        expectedRevision: 'any',
      });
      position = result.position;
    }
  }
  return position;
};

beforeEach(async () => {
  log = await openTestLog();
});
afterEach(async () => {
  await Promise.all(runners.splice(0).map((r) => r.stop()));
  await log.close();
});

describe('projection runner', () => {
  it('projects the log and its checkpoint together, and readers can wait on a position', async () => {
    const position = await appendMany(3, 5, 'warehouse');
    const r = runner();
    expect(await r.waitFor(position, 10000)).toBe(true);
    expect(await catalog()).toEqual(
      [0, 1, 2].map((s) => expect.objectContaining({ stream_id: `warehouse-${s}`, category: 'warehouse', events: 5, last_revision: 4 })),
    );
    const [checkpoint] = await log.dataSource.query(`SELECT position FROM projection_checkpoints WHERE name = 'stream-catalog'`);
    expect(BigInt(checkpoint.position)).toBe(position);

    const live = await log.store.appendToStream('delivery-9', [testEvent('Live')], { expectedRevision: 'no_stream' });
    expect(await r.waitFor(live.position, 10000)).toBe(true);
    expect((await catalog()).map((row: { stream_id: string }) => row.stream_id)).toContain('delivery-9');
  });

  it('passes events it does not read at once in memory, and writes that checkpoint a little later, without a batch', async () => {
    const applied: number[] = [];
    const onlyOdd: Projection = { ...catalogWith((apply, events, tx) => (applied.push(events.length), apply(events, tx))), eventTypes: ['Odd'] };
    const r = new ProjectionRunner(onlyOdd, log.dataSource, log.store, { batchSize: 7, logger: silentLogger, checkpointSaveMs: 300 });
    runners.push(r);
    r.start();
    const odd = await log.store.appendToStream('warehouse-1', [testEvent('Odd')], { expectedRevision: 'any' });
    expect(await r.waitFor(odd.position, 10000)).toBe(true);
    const stored = async () => BigInt((await log.dataSource.query(`SELECT position FROM projection_checkpoints WHERE name = 'stream-catalog'`))[0].position);
    expect(await stored()).toBe(odd.position);

    const batches = applied.length;
    const even = await log.store.appendToStream('warehouse-1', [testEvent('Even')], { expectedRevision: 'any' });
    expect(await r.waitFor(even.position, 10000)).toBe(true);
    expect(await stored()).toBe(odd.position);
    const deadline = Date.now() + 5000;
    while ((await stored()) !== even.position && Date.now() < deadline) await r.waitFor(even.position + 1n, 100);
    expect(await stored()).toBe(even.position);
    expect(applied).toHaveLength(batches);

    // The next batch writes on top of the checkpoint saved that way.
    const later = await log.store.appendToStream('warehouse-1', [testEvent('Odd')], { expectedRevision: 'any' });
    expect(await r.waitFor(later.position, 10000)).toBe(true);
    expect(await stored()).toBe(later.position);
    expect((await catalog()).find((row: { stream_id: string }) => row.stream_id === 'warehouse-1')).toMatchObject({ events: 2, last_type: 'Odd' });
  });

  it('reports a position it has not reached after the timeout', async () => {
    const r = runner();
    const head = await log.store.headPosition();
    expect(await r.waitFor(head + 1_000_000_000n, 200)).toBe(false);
  });

  it('killed mid-batch and restarted, ends with the same rows as a full rebuild', async () => {
    const position = await appendMany(4, 12, 'purchase');
    let batches = 0;
    // Dies in its third batch after writing rows: the connection is cut mid-transaction.
    const crashing = catalogWith(async (apply, events, tx) => {
      await apply(events, tx);
      if (++batches === 3) await tx.query('SELECT pg_terminate_backend(pg_backend_pid())');
    });
    const first = runner(crashing, 5);
    await new Promise<void>((resolve) => {
      const check = setInterval(() => {
        if (first.state === 'retrying') {
          clearInterval(check);
          resolve();
        }
      }, 5);
    });
    await first.stop();
    const [partial] = await log.dataSource.query(`SELECT sum(events)::int AS n FROM stream_catalog`);
    expect(partial.n).toBe(10); // two committed batches of five; the third never committed

    const second = runner(new StreamCatalogProjection(), 5);
    expect(await second.waitFor(position, 10000)).toBe(true);
    const afterRestart = await catalog();
    await second.stop();

    await rebuildProjection(log.dataSource, log.store, new StreamCatalogProjection());
    expect(await catalog()).toEqual(afterRestart);
    expect(afterRestart.map((r: { events: number }) => r.events)).toEqual([12, 12, 12, 12]);
  });

  it('records an event it cannot apply as an anomaly and carries on', async () => {
    const picky = catalogWith(async (apply, events, tx) => {
      if (events.some((e) => e.type === 'Poison')) throw new Error('cannot apply poison');
      await apply(events, tx);
    });
    await log.store.appendToStream('m-1', [testEvent('Fine'), testEvent('Poison'), testEvent('Fine')], {
      expectedRevision: 'no_stream',
    });
    const last = await log.store.appendToStream('m-2', [testEvent('Fine')], { expectedRevision: 'no_stream' });
    const r = runner(picky);
    expect(await r.waitFor(last.position, 10000)).toBe(true);
    expect((await catalog()).map((row: { stream_id: string; events: number }) => [row.stream_id, row.events])).toEqual([
      ['m-1', 2],
      ['m-2', 1],
    ]);
    const anomalies = await log.dataSource.query('SELECT projection, stream_id, type, error FROM projection_anomalies');
    expect(anomalies).toEqual([{ projection: 'stream-catalog', stream_id: 'm-1', type: 'Poison', error: 'Error: cannot apply poison' }]);
  });
});

describe('rebuild', () => {
  it('rebuilds beside the live tables while the runner serves, swaps, and the runner carries on', async () => {
    await appendMany(5, 10, 'allocation');
    const r = runner();
    expect(await r.waitFor(await log.store.headPosition(), 10000)).toBe(true);
    const before = await catalog();
    // Drift the live table so the swap is visible, then rebuild.
    await log.dataSource.query(`UPDATE stream_catalog SET events = 999 WHERE stream_id = 'allocation-0'`);
    const progress: number[] = [];
    const result = await rebuildProjection(log.dataSource, log.store, new StreamCatalogProjection(), {
      batchSize: 8,
      onProgress: (p) => progress.push(p.events),
    });
    expect(result.events).toBe(50);
    expect(progress.at(-1)).toBe(50);
    expect(await catalog()).toEqual(before);

    const later = await log.store.appendToStream('allocation-0', [testEvent('After')], { expectedRevision: 'any' });
    expect(await r.waitFor(later.position, 10000)).toBe(true);
    const row = (await catalog()).find((x: { stream_id: string }) => x.stream_id === 'allocation-0');
    expect(row.events).toBe(11);
  });

  it('rebuilds a projection whose version changed before following the log', async () => {
    const position = await appendMany(2, 3, 'national');
    const v1 = runner();
    expect(await v1.waitFor(position, 10000)).toBe(true);
    await v1.stop();
    await log.dataSource.query(`UPDATE stream_catalog SET events = 0`);
    const v2Projection = Object.assign(new StreamCatalogProjection(), { version: 2 });
    const v2 = runner(v2Projection);
    await log.store.appendToStream('national-0', [testEvent('Later')], { expectedRevision: 'any' });
    expect(await v2.waitFor(await log.store.headPosition(), 10000)).toBe(true);
    expect((await catalog()).map((r: { events: number }) => r.events)).toEqual([4, 3]);
    const [checkpoint] = await log.dataSource.query(`SELECT version FROM projection_checkpoints WHERE name = 'stream-catalog'`);
    expect(checkpoint.version).toBe(2);
  });
});

describe('verify', () => {
  it('finds no difference between a live projection and a rebuild from the log, and shows a tampered row', async () => {
    const { verifyProjection } = await import('../../src/projections/projection-rebuilder.js');
    await appendMany(3, 4, 'warehouse');
    const r = runner();
    expect(await r.waitFor(await log.store.headPosition(), 10000)).toBe(true);
    const clean = await verifyProjection(log.dataSource, log.store, new StreamCatalogProjection());
    expect(clean.differences).toEqual([]);
    expect(clean.events).toBe(12);

    await log.dataSource.query(`UPDATE stream_catalog SET events = 99 WHERE stream_id = 'warehouse-1'`);
    const tampered = await verifyProjection(log.dataSource, log.store, new StreamCatalogProjection());
    expect(tampered.differences).toEqual([
      expect.objectContaining({
        table: 'stream_catalog',
        onlyLiveCount: 1,
        onlyRebuiltCount: 1,
        onlyLive: [expect.objectContaining({ stream_id: 'warehouse-1', events: '99' })],
        onlyRebuilt: [expect.objectContaining({ stream_id: 'warehouse-1', events: '4' })],
      }),
    ]);
  });
});
