import { afterEach, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { DataSource } from 'typeorm';
import { EventRegistry } from '../../src/event-store/event-registry.js';
import { EVENT_STORE, type EventStore } from '../../src/event-store/event-store.js';
import { rebuildProjections, rewindCheckpointsBeyondLog } from '../../src/projections/projection-rebuilder.js';
import { ProjectionsService } from '../../src/projections/projections.service.js';
import { call, countEvents } from '../support/api.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { createTestDatabase } from '../support/database.js';
import { startEventStoreDbDouble, type EventStoreDbDouble } from '../support/eventstoredb-double/index.js';

/**
 * The log never silently goes backwards. When the event log is restored to an older state (or
 * replaced by an empty one) under read models that have seen more, the service says so on
 * /api/health, refuses writes (they would land at positions the projections have already passed, or
 * beside read models holding events the log no longer has) and refuses `?waitFor=` rather than
 * answer stale data as caught up. Once an operator has rebuilt the read models from the restored
 * log, it recovers without a restart.
 */
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

const hoursAgo = (h: number) => new Date(Date.now() - h * 3_600_000).toISOString();
const report = (reportedAt: string, onHand: number) => ({
  reportedAt,
  infections: 3,
  lines: [{ item: 'FFP2', onHand, usedSinceLastReport: 100, requested: 200 }],
});

const ok = <R extends { status: number; text: string }>(r: R, status = 201): R => {
  expect({ status: r.status, text: r.status === status ? '' : r.text }).toEqual({ status, text: '' });
  return r;
};

/** Two municipalities report; both are projected. Returns the two positions. */
const writeAndProject = async (t: TestApp): Promise<{ first: bigint; second: bigint }> => {
  const first = ok(
    await call(t, 'POST', '/api/municipalities/0115/reports', {
      as: await t.token('municipality', { municipality: '0115' }),
      body: report(hoursAgo(30), 400),
    }),
  );
  const second = ok(
    await call(t, 'POST', '/api/municipalities/0117/reports', {
      as: await t.token('municipality', { municipality: '0117' }),
      body: report(hoursAgo(29), 250),
    }),
  );
  const positions = { first: BigInt(first.body.position), second: BigInt(second.body.position) };
  expect(await t.app.get(ProjectionsService).waitFor(positions.second, [], 10_000)).toEqual([]);
  return positions;
};

/** What a user sees while the log is behind: health red, writes and `?waitFor=` refused, nothing written. */
const expectRefusedWhileBehind = async (t: TestApp, waitFor: bigint) => {
  const health = await call(t, 'GET', '/api/health');
  expect(health.status).toBe(503);
  expect(health.body.status).toBe('error');
  const eventStore = health.body.error.eventStore;
  expect(eventStore.status).toBe('down');
  expect(eventStore.message).toMatch(/event log is behind the read models/);
  const { head, furthestCheckpoint, projection } = eventStore.logBehindReadModels;
  expect(BigInt(head)).toBeLessThan(BigInt(furthestCheckpoint));
  expect(typeof projection).toBe('string');

  const events = await countEvents(t);
  const refused = await call(t, 'POST', '/api/municipalities/0180/reports', {
    as: await t.token('municipality', { municipality: '0180' }),
    body: report(hoursAgo(2), 90),
  });
  expect(refused.status).toBe(503);
  expect(refused.body.code).toBe('EVENT_STORE.LOG_BEHIND_READ_MODELS');
  expect(refused.body.detail).toMatch(/event log is behind the read models/);
  expect(refused.body.detail).toMatch(/rebuil/);
  expect(await countEvents(t)).toBe(events);

  const stale = await call(t, 'GET', `/api/municipalities/0115/reports?waitFor=${waitFor}`, {
    as: await t.token('municipality', { municipality: '0115' }),
  });
  expect(stale.status).toBe(503);
  expect(stale.body.code).toBe('EVENT_STORE.LOG_BEHIND_READ_MODELS');
};

/**
 * A restore of the log alone to an older state (as `pg_restore --clean --table=events --table=streams`
 * of an earlier dump would leave it): the later events gone, the stream revisions as they were.
 */
const cutLogBackTo = async (url: string, position: bigint) => {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('BEGIN');
    await client.query('DELETE FROM events WHERE position > $1', [position.toString()]);
    await client.query('DELETE FROM streams');
    await client.query('INSERT INTO streams (stream_id, revision) SELECT stream_id, max(revision) FROM events GROUP BY stream_id');
    await client.query('COMMIT');
  } finally {
    await client.end();
  }
};

/** What `npm run projections:rebuild` does, in this process. */
const rebuild = async (t: TestApp) => {
  const service = t.app.get(ProjectionsService);
  const [dataSource, store] = [t.app.get(DataSource), t.app.get<EventStore>(EVENT_STORE)];
  await rebuildProjections(
    dataSource,
    store,
    service.projections.filter((p) => p.rebuildable !== false),
    {
      batchSize: service.batchSize,
      registry: t.app.get(EventRegistry),
    },
  );
  await rewindCheckpointsBeyondLog(
    dataSource,
    store,
    service.projections.filter((p) => p.rebuildable === false),
  );
};

/** After the rebuild: health green, a new write accepted and read back with `?waitFor=`. */
const expectRecovered = async (t: TestApp) => {
  ok(await call(t, 'GET', '/api/health'), 200);
  const town = await t.token('municipality', { municipality: '0180' });
  const written = ok(await call(t, 'POST', '/api/municipalities/0180/reports', { as: town, body: report(hoursAgo(1), 90) }));
  const read = ok(await call(t, 'GET', `/api/municipalities/0180/reports?waitFor=${written.body.position}`, { as: town }), 200);
  expect(JSON.stringify(read.body)).toContain(written.body.reportId);
};

describe('the event log in PostgreSQL restored to an older state under the read models', () => {
  it('turns health red, refuses writes and stale waits, and recovers once the read models are rebuilt', async () => {
    const t = await startTestApp();
    closers.push(() => t.close());
    const { first, second } = await writeAndProject(t);

    // The restore: the events table and the stream revisions as they stood after the first report.
    await cutLogBackTo(t.db.url, first);
    expect(await t.app.get<EventStore>(EVENT_STORE).headPosition()).toBeLessThan(second);

    await expectRefusedWhileBehind(t, first);
    await rebuild(t);
    await expectRecovered(t);
    // The report the log lost is gone from the read model too.
    const county = await t.token('municipality', { municipality: '0117' });
    expect(ok(await call(t, 'GET', '/api/municipalities/0117/reports', { as: county }), 200).text).not.toContain('"onHand":250');
  });

  it('notices at start, before any write is taken', async () => {
    const db = await createTestDatabase();
    closers.push(() => db.drop());
    const before = await startTestApp({}, { db });
    const { first } = await writeAndProject(before);
    await before.close();
    await cutLogBackTo(db.url, first);

    const t = await startTestApp({}, { db });
    closers.push(() => t.close());
    // The first request after start is a write: refused, because the start itself noticed.
    const events = await countEvents(t);
    const refused = await call(t, 'POST', '/api/municipalities/0180/reports', {
      as: await t.token('municipality', { municipality: '0180' }),
      body: report(hoursAgo(2), 90),
    });
    expect({ status: refused.status, code: refused.body.code }).toEqual({ status: 503, code: 'EVENT_STORE.LOG_BEHIND_READ_MODELS' });
    expect(await countEvents(t)).toBe(events);
    await expectRefusedWhileBehind(t, first);
    await rebuild(t);
    await expectRecovered(t);
  });
});

describe('the EventStoreDB server replaced by an empty one under the read models', () => {
  it('turns health red, refuses writes and stale waits, and recovers once the read models are rebuilt', async () => {
    let double: EventStoreDbDouble = await startEventStoreDbDouble();
    closers.push(() => double.stop());
    const port = Number(/:(\d+)\?/.exec(double.connectionString)![1]);
    const t = await startTestApp({ EVENTSTORE_CONNECTION_STRING: double.connectionString });
    closers.push(() => t.close());
    const { first } = await writeAndProject(t);

    // The server is replaced by a new, empty one at the same address.
    await double.stop();
    double = await startEventStoreDbDouble({ port });
    expect(double.log.all().filter((e) => !e.streamId.startsWith('$'))).toEqual([]);

    await expectRefusedWhileBehind(t, first);
    expect(double.log.all().filter((e) => !e.streamId.startsWith('$'))).toEqual([]);
    await rebuild(t);
    await expectRecovered(t);
  });
});
