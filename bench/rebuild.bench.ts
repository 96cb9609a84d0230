import 'reflect-metadata';
import pg from 'pg';
import { DecisionDriftProjection } from '../src/allocation/projections/decision-drift.projector.js';
import { NationalRequestsProjection } from '../src/national-requests/projections/national-requests.projector.js';
import { AllocationRoundsProjection } from '../src/allocation/projections/allocation-rounds.projector.js';
import { createDataSource } from '../src/database/data-source.js';
import { guardPool } from '../src/database/pool-options.js';
import { DeliveryHistoryProjection } from '../src/deliveries/projections/delivery-history.projector.js';
import type { EventStore } from '../src/event-store/event-store.js';
import type { EventRegistry } from '../src/event-store/event-registry.js';
import { PostgresEventStore } from '../src/event-store/postgres/postgres-event-store.js';
import type { Projection } from '../src/projections/projection.js';
import { rebuildProjection, rebuildProjections } from '../src/projections/projection-rebuilder.js';
import { StreamCatalogProjection } from '../src/projections/stream-catalog.projector.js';
import { SituationReportsProjection } from '../src/reporting/projections/situation-reports.projector.js';
import { MunicipalityStockProjection } from '../src/stock/projections/municipality-stock.projector.js';
import { WarehouseStockProjection } from '../src/warehouse/projections/warehouse-stock.projector.js';
import { nationalReference } from './national-log.js';
import { seededLog } from './seeded-log.js';
import { fullRegistry } from './seed-national-log.js';
import { type Figure, printFigures } from './support.js';

/**
 * Every rebuildable projection, constructed as the modules construct them (see each context's
 * `*.module.ts`), with the national reference data so the synthetic municipalities have counties.
 * Reactions are left out: they are not rebuildable (their effects are appends).
 */
export const rebuildableProjections = (store: EventStore, registry: EventRegistry): Projection[] => [
  new StreamCatalogProjection(),
  new SituationReportsProjection(nationalReference()),
  new WarehouseStockProjection(),
  new DeliveryHistoryProjection(),
  new MunicipalityStockProjection(),
  new AllocationRoundsProjection(),
  new NationalRequestsProjection(),
  new DecisionDriftProjection(store, registry),
];

/** Events the rebuild and the baseline read in one page (the rebuild tool's page). */
const PAGE = 5000;

/** Peak resident size of this process while `work` runs, sampled every 50 ms. */
const peakRss = async <T>(work: () => Promise<T>): Promise<{ result: T; peak: number }> => {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 50);
  try {
    const result = await work();
    return { result, peak: Math.max(peak, process.memoryUsage().rss) };
  } finally {
    clearInterval(timer);
  }
};

/**
 * Rebuilds every projection from the log with the service's rebuilder, and compares each with a
 * plain scan of the very same events (same filter by type, same page size, rows decoded by `pg`,
 * which parses the JSON), timed in the same run on the same database. `then` runs on that
 * database, read models rebuilt, before it is closed (the HTTP reads need a large log too).
 */
export const rebuildBenchmarks = async (scale: number, then?: (databaseUrl: string) => Promise<unknown>): Promise<Figure[]> => {
  const log = await seededLog(scale);
  const pool = guardPool(new pg.Pool({ connectionString: log.url, max: 8 }));
  const store = new PostgresEventStore(pool, () => new pg.Client({ connectionString: log.url }), { batchSize: PAGE });
  const dataSource = createDataSource(log.url, { poolSize: 4 });
  await dataSource.initialize();
  const registry = fullRegistry();
  const figures: Figure[] = [];
  try {
    const total = Number((await pool.query('SELECT count(*) AS n FROM events')).rows[0].n);
    process.stdout.write(`\nrebuild: ${log.origin}, ${total.toLocaleString('en-US')} events in the log\n`);

    const plainScan = async (types: readonly string[] | 'all') => {
      const started = process.hrtime.bigint();
      let after = '0';
      let count = 0;
      for (;;) {
        const { rows } = await pool.query(
          `SELECT position, stream_id, revision, type, data, metadata, recorded_at FROM events WHERE position > $1` +
            (types === 'all' ? '' : ' AND type = ANY($3)') +
            ' ORDER BY position LIMIT $2',
          types === 'all' ? [after, PAGE] : [after, PAGE, types],
        );
        count += rows.length;
        if (rows.length < PAGE) break;
        after = rows[rows.length - 1].position;
      }
      return { count, seconds: Number(process.hrtime.bigint() - started) / 1e9 };
    };

    // The figure that counts: every projection rebuilt from one pass over the log, as
    // `npm run projections:rebuild` does, against one plain scan of the whole log.
    const fullScan = await plainScan('all');
    const projections = rebuildableProjections(store, registry);
    const started = process.hrtime.bigint();
    const { result: results, peak } = await peakRss(() => rebuildProjections(dataSource, store, projections, { batchSize: PAGE, registry }));
    const onePassSeconds = Number(process.hrtime.bigint() - started) / 1e9;
    for (const projection of projections) {
      const r = results.get(projection.name)!;
      process.stdout.write(
        `  ${projection.name.padEnd(20)} ${r.events.toLocaleString('en-US').padStart(10)} events${r.anomalies ? ` (${r.anomalies} anomalies)` : ''}\n`,
      );
    }
    figures.push({
      name: `every projection in one pass, log events (${total.toLocaleString('en-US')}) ÷ rebuild time`,
      unit: 'events/s',
      service: total / onePassSeconds,
      baseline: fullScan.count / fullScan.seconds,
      baselineName: `one plain scan of the whole log, ${PAGE} a page`,
    });

    // Where the time goes: each projection rebuilt alone against a scan of just its events.
    // BENCH_REBUILD_EACH=0 leaves this out (on a 1M-event log it takes minutes).
    if (process.env.BENCH_REBUILD_EACH !== '0') {
      for (const projection of projections) {
        const baseline = await plainScan(projection.eventTypes);
        const began = process.hrtime.bigint();
        const result = await rebuildProjection(dataSource, store, projection, { batchSize: PAGE, registry });
        const seconds = Number(process.hrtime.bigint() - began) / 1e9;
        figures.push({
          name: `${projection.name} alone (${result.events.toLocaleString('en-US')} events)`,
          unit: 'events/s',
          service: result.events / seconds,
          baseline: baseline.count / baseline.seconds,
          baselineName: `plain keyset SELECT of the same events, ${PAGE} a page`,
        });
      }
    }
    printFigures('Projection rebuild', figures);
    process.stdout.write(
      `\none pass over ${total.toLocaleString('en-US')} log events in ${onePassSeconds.toFixed(1)} s (plain scan ${fullScan.seconds.toFixed(1)} s); ` +
        `peak resident memory of this process during it ${Math.round(peak / 2 ** 20)} MiB (PostgreSQL's own not counted)\n`,
    );
    await then?.(log.url);
    return figures;
  } finally {
    await dataSource.destroy();
    await store.close();
    await pool.end();
    await log.close();
  }
};
