import 'reflect-metadata';
import pg from 'pg';
import { DecisionDriftProjection } from '../src/allocation/drift/decision-drift.projection.js';
import { NationalRequestsProjection } from '../src/allocation/national/projections/national-requests.js';
import { AllocationRoundsProjection } from '../src/allocation/projections/allocation-rounds.js';
import { createDataSource } from '../src/database/data-source.js';
import { guardPool } from '../src/database/pool-options.js';
import { DeliveryHistoryProjection } from '../src/deliveries/projections/delivery-history.js';
import type { EventStore } from '../src/event-store/event-store.js';
import type { EventRegistry } from '../src/event-store/event-registry.js';
import { PostgresEventStore } from '../src/event-store/postgres/postgres-event-store.js';
import type { Projection } from '../src/projections/projection.js';
import { rebuildProjection } from '../src/projections/projection-rebuilder.js';
import { StreamCatalogProjection } from '../src/projections/stream-catalog.projection.js';
import { SituationReportsProjection } from '../src/reporting/projections/situation-reports.js';
import { MunicipalityStockProjection } from '../src/stock/projections/municipality-stock.js';
import { WarehouseStockProjection } from '../src/warehouse/projections/warehouse-stock.js';
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

    let rebuildSeconds = 0;
    let baselineSeconds = 0;
    let applied = 0;
    let peak = 0;
    const fullScan = await plainScan('all');
    for (const projection of rebuildableProjections(store, registry)) {
      const baseline = await plainScan(projection.eventTypes);
      const started = process.hrtime.bigint();
      const { result, peak: projectionPeak } = await peakRss(() => rebuildProjection(dataSource, store, projection, { batchSize: PAGE, registry }));
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      peak = Math.max(peak, projectionPeak);
      rebuildSeconds += seconds;
      baselineSeconds += baseline.seconds;
      applied += result.events;
      process.stdout.write(
        `  ${projection.name.padEnd(20)} ${result.events.toLocaleString('en-US').padStart(10)} events in ${seconds.toFixed(1).padStart(6)} s` +
          `${result.anomalies ? ` (${result.anomalies} anomalies)` : ''}, peak RSS ${Math.round(projectionPeak / 2 ** 20)} MiB\n`,
      );
      figures.push({
        name: `rebuild ${projection.name} (${result.events.toLocaleString('en-US')} events)`,
        unit: 'events/s',
        service: result.events / seconds,
        baseline: baseline.count / baseline.seconds,
        baselineName: `plain keyset SELECT of the same events, ${PAGE} a page`,
      });
    }
    figures.push({
      name: `every projection, events applied (${applied.toLocaleString('en-US')})`,
      unit: 'events/s',
      service: applied / rebuildSeconds,
      baseline: applied / baselineSeconds,
      baselineName: 'the same plain scans, one per projection',
    });
    figures.push({
      name: `every projection, log events (${total.toLocaleString('en-US')}) ÷ whole rebuild time`,
      unit: 'events/s',
      service: total / rebuildSeconds,
      baseline: fullScan.count / fullScan.seconds,
      baselineName: 'one plain scan of the whole log',
    });
    printFigures('Projection rebuild', figures);
    process.stdout.write(
      `\nwhole rebuild ${rebuildSeconds.toFixed(1)} s for ${total.toLocaleString('en-US')} log events; ` +
        `peak resident memory of this process ${Math.round(peak / 2 ** 20)} MiB (PostgreSQL's own not counted)\n`,
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
