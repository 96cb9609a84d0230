import { afterAll, expect, it } from '@jest/globals';
import pg from 'pg';
import { DataSource } from 'typeorm';
import { ProjectionsService } from '../../src/projections/projections.service.js';
import { call, countEvents } from '../support/api.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

/**
 * The event log is the record; everything else is derived. Data written through the API, then only
 * the `events` and `streams` tables carried into an empty, migrated database (no read models, no
 * checkpoints, no idempotency records): a service started on it rebuilds every read model from the
 * log, row for row the same as the original's, and the log goes on after the restored positions.
 */
let source: TestApp | undefined;
let restored: TestApp | undefined;
let restoredDb: TestDatabase | undefined;

afterAll(async () => {
  await source?.close();
  await restored?.close();
  await restoredDb?.drop();
});

const hoursAgo = (h: number) => new Date(Date.now() - h * 3_600_000).toISOString();

const ok = <R extends { status: number; text: string }>(r: R, status = 201): R => {
  expect({ status: r.status, text: r.status === status ? '' : r.text }).toEqual({ status, text: '' });
  return r;
};

const withClient = async <T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> => {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
};

/**
 * The restore: the two tables of the log, copied as they are (positions included) into a database
 * that only has the migrations. Done as `pg_dump --data-only --table=events --table=streams` and
 * `psql` would, here with plain INSERT … SELECT across two connections.
 */
const restoreEventLog = async (fromUrl: string, toUrl: string): Promise<void> => {
  const [events, streams] = await withClient(fromUrl, async (from) => {
    await from.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY'); // one consistent snapshot of both
    const e = await from.query<{ rows: string }>("SELECT coalesce(jsonb_agg(e ORDER BY position), '[]')::text AS rows FROM events e");
    const s = await from.query<{ rows: string }>("SELECT coalesce(jsonb_agg(s), '[]')::text AS rows FROM streams s");
    await from.query('COMMIT');
    return [e.rows[0]!.rows, s.rows[0]!.rows];
  });
  await withClient(toUrl, async (to) => {
    // No check of transaction ids is needed: the service aligns log positions with the server at
    // start (see the log-position-offset migration and test/event-store/postgres-log-offset.spec.ts).
    await to.query('BEGIN');
    await to.query('INSERT INTO events SELECT * FROM jsonb_populate_recordset(NULL::events, $1::jsonb)', [events]);
    await to.query('INSERT INTO streams SELECT * FROM jsonb_populate_recordset(NULL::streams, $1::jsonb)', [streams]);
    await to.query('COMMIT');
  });
};

/** Every row of a table, as canonical JSON, sorted: two databases compared without a join. */
const rowsOf = async (dataSource: DataSource, table: string): Promise<string[]> => {
  const rows: { row: string }[] = await dataSource.query(`SELECT to_jsonb(t)::text AS row FROM "${table}" t`);
  return rows.map((r) => r.row).sort();
};

it('restores the PostgreSQL event log into an empty database and rebuilds every read model from it', async () => {
  source = await startTestApp();
  const t = source;
  const region = await t.token('region', { county: '18', sub: 'buyer-1' });
  const warehouse = await t.token('warehouse', { county: '18', sub: 'store-1' });
  const town = (code: string) => t.token('municipality', { municipality: code, sub: `coordinator-${code}` });

  for (const [code, onHand, used] of [
    ['1880', 300, 700],
    ['1881', 150, 350],
  ] as const) {
    ok(
      await call(t, 'POST', `/api/municipalities/${code}/reports`, {
        as: await town(code),
        headers: { 'Idempotency-Key': `report-${code}` },
        body: { reportedAt: hoursAgo(24), infections: 4, lines: [{ item: 'FFP2', onHand, usedSinceLastReport: used, requested: used * 2 }] },
      }),
    );
  }
  const purchaseBody = { supplier: 'Nordic Medical Supply AB', warehouseId: '18-central', lines: [{ item: 'FFP2', quantity: 1000 }] };
  const purchase = ok(await call(t, 'POST', '/api/purchases', { as: region, headers: { 'Idempotency-Key': 'purchase-1' }, body: purchaseBody }));
  ok(
    await call(t, 'POST', `/api/purchases/${purchase.body.purchaseId}/receipts`, {
      as: warehouse,
      body: { lines: [{ item: 'FFP2', quantity: 600, lot: 'NMS-1', expiresOn: '2028-06-30' }] },
    }),
  );
  const dispatch = ok(
    await call(t, 'POST', '/api/warehouses/18-central/dispatches', {
      as: warehouse,
      body: { municipality: '1880', lines: [{ item: 'FFP2', quantity: 200 }] },
    }),
  );
  const receipt = ok(
    await call(t, 'POST', `/api/deliveries/${dispatch.body.deliveryId}/receipt`, {
      as: await town('1880'),
      body: { lines: [{ item: 'FFP2', received: 190, reason: 'One carton crushed' }] },
    }),
  );
  const last = BigInt(receipt.body.position);
  const sourceProjections = t.app.get(ProjectionsService);
  expect(await sourceProjections.waitFor(last, [], 10_000)).toEqual([]);
  const eventCount = await countEvents(t);
  const deliveriesBefore = ok(await call(t, 'GET', '/api/deliveries?municipality=1880', { as: warehouse }), 200);
  const stockBefore = ok(await call(t, 'GET', '/api/warehouses/18-central/stock', { as: warehouse }), 200);

  // Restore the log alone into a new database that has only the migrations.
  restoredDb = await createTestDatabase();
  await withClient(restoredDb.url, async (c) => {
    for (const table of ['events', 'streams', 'projection_checkpoints', 'idempotency_records']) {
      expect({ table, rows: (await c.query(`SELECT count(*)::int AS n FROM ${table}`)).rows[0].n }).toEqual({ table, rows: 0 });
    }
  });
  await restoreEventLog(t.db.url, restoredDb.url);
  restored = await startTestApp({}, { db: restoredDb });
  const r = restored;

  // Every projection starts from checkpoint 0 on the empty database and replays the log.
  const projections = r.app.get(ProjectionsService);
  expect(await projections.waitFor(last, [], 20_000)).toEqual([]);
  const warehouseAfter = await r.token('warehouse', { county: '18', sub: 'store-1' });
  const deliveriesAfter = ok(await call(r, 'GET', `/api/deliveries?municipality=1880&waitFor=${last}`, { as: warehouseAfter }), 200);
  expect(deliveriesAfter.body).toEqual(deliveriesBefore.body);
  expect(ok(await call(r, 'GET', `/api/warehouses/18-central/stock?waitFor=${last}`, { as: warehouseAfter }), 200).body).toEqual(stockBefore.body);

  // Every read model table equals the original's, row for row.
  const rebuildable = projections.projections.filter((p) => p.rebuildable !== false);
  expect(rebuildable.length).toBeGreaterThan(5);
  const tables = rebuildable.flatMap((p) => p.tables.map((table) => ({ projection: p.name, table })));
  let compared = 0;
  for (const { projection, table } of tables) {
    const before = await rowsOf(t.app.get(DataSource), table);
    const after = await rowsOf(r.app.get(DataSource), table);
    expect({ projection, table, rows: after }).toEqual({ projection, table, rows: before });
    compared += before.length;
  }
  expect(compared).toBeGreaterThan(10);

  // Reactions replayed from position 0 wrote nothing twice: their event ids derive from the source event.
  expect(await countEvents(r)).toBe(eventCount);

  // Idempotency records were not carried, and are not needed for correctness: a purchase retried
  // with its key after the restore derives the same event ids, finds its events in the log, and
  // answers them again, writing nothing.
  const regionAfter = await r.token('region', { county: '18', sub: 'buyer-1' });
  const retried = await call(r, 'POST', '/api/purchases', { as: regionAfter, headers: { 'Idempotency-Key': 'purchase-1' }, body: purchaseBody });
  expect(retried.status).toBe(201);
  expect(retried.body).toEqual(purchase.body);
  expect(await countEvents(r)).toBe(eventCount);

  // The log goes on after the restored positions, and the read models follow.
  const next = ok(
    await call(r, 'POST', `/api/municipalities/1881/reports`, {
      as: await r.token('municipality', { municipality: '1881' }),
      body: { reportedAt: hoursAgo(1), infections: 5, lines: [{ item: 'FFP2', onHand: 100, usedSinceLastReport: 50, requested: 100 }] },
    }),
  );
  expect(BigInt(next.body.position)).toBeGreaterThan(last);
  const reports = ok(
    await call(r, 'GET', `/api/municipalities/1881/reports?waitFor=${next.body.position}`, { as: await r.token('county', { county: '18' }) }),
    200,
  );
  expect(reports.body.reports).toHaveLength(2);
}, 120_000);
