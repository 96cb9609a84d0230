import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { startEmbeddedPostgres } from '../src/database/embedded-postgres.js';
import type { NewEvent } from '../src/event-store/event-store.js';

export interface BenchDatabase {
  readonly url: string;
  readonly serverVersion: string;
  close(): Promise<void>;
}

/**
 * A fresh database for one benchmark run: on BENCH_DATABASE_URL's server when set, else on an
 * embedded PostgreSQL in a temporary folder (default settings, fsync on).
 */
export const benchDatabase = async (): Promise<BenchDatabase> => {
  let adminUrl = process.env.BENCH_DATABASE_URL;
  let stopServer = async () => undefined as void;
  let dir: string | undefined;
  if (!adminUrl) {
    dir = await mkdtemp(path.join(os.tmpdir(), 'ppe-bench-'));
    const server = await startEmbeddedPostgres(dir, { database: 'postgres' });
    adminUrl = server.url;
    stopServer = server.stop;
  }
  const name = `ppe_bench_${Date.now()}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const serverVersion = (await admin.query('SHOW server_version')).rows[0].server_version as string;
  await admin.end();
  const u = new URL(adminUrl);
  u.pathname = `/${name}`;
  return {
    url: u.toString(),
    serverVersion,
    async close() {
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
      await stopServer();
      if (dir) await rm(dir, { recursive: true, force: true });
    },
  };
};

/**
 * A plain table of the events table's shape — the same columns, primary key on `position`, unique
 * `event_id` and `(stream_id, revision)` — for the baselines: what PostgreSQL does for these rows
 * with none of the service's checks. `identity` numbers the rows itself; otherwise the caller does.
 */
export const createPlainEventsTable = (pool: pg.Pool, name: string, { identity }: { identity: boolean }) =>
  pool.query(`
    CREATE TABLE ${name} (
      position    bigint      ${identity ? 'GENERATED ALWAYS AS IDENTITY ' : ''}PRIMARY KEY,
      event_id    uuid        NOT NULL UNIQUE,
      stream_id   text        NOT NULL,
      revision    bigint      NOT NULL,
      type        text        NOT NULL,
      data        jsonb       NOT NULL,
      metadata    jsonb       NOT NULL,
      recorded_at timestamptz NOT NULL DEFAULT clock_timestamp(),
      UNIQUE (stream_id, revision))`);

/** A realistic event: a dispatch of a few lines, about 400 bytes of JSON. */
export const benchEvent = (i: number): NewEvent => ({
  type: 'DeliveryDispatched',
  data: {
    deliveryId: randomUUID(),
    municipality: `01${String(14 + (i % 80)).padStart(2, '0')}`,
    lines: [
      { item: 'FFP2', quantity: 200 + (i % 50), lot: `L${i % 97}` },
      { item: 'GLOVE-NITRILE-M', quantity: 1000 },
      { item: 'SANITIZER-500', quantity: 24 },
    ],
    vehicle: `VAN-${i % 12}`,
  },
  metadata: {
    eventId: randomUUID(),
    correlationId: randomUUID(),
    causationId: randomUUID(),
    actor: 'bench',
    role: 'warehouse',
    occurredAt: new Date(Date.UTC(2026, 0, 1) + i * 60_000).toISOString(),
    schemaVersion: 1,
  },
});

/** Latency percentiles of one measured run, in milliseconds. */
export interface Latency {
  readonly p50: number;
  readonly p99: number;
}

export interface Figure {
  readonly name: string;
  readonly unit: string;
  readonly service: number;
  readonly baseline: number;
  readonly baselineName: string;
  /** Where each request was timed (the HTTP benchmarks): the service's and the baseline's p50 and p99. */
  readonly latency?: { readonly service: Latency; readonly baseline: Latency };
}

export const timed = async (work: () => Promise<number>): Promise<number> => {
  const started = process.hrtime.bigint();
  const count = await work();
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return count / seconds;
};

/** Runs `count` operations split over `workers` concurrent loops. */
export const concurrently = async (workers: number, count: number, op: (worker: number, i: number) => Promise<void>) => {
  let next = 0;
  await Promise.all(
    Array.from({ length: workers }, async (_, w) => {
      for (let i = next++; i < count; i = next++) await op(w, i);
    }),
  );
  return count;
};

const latencyCell = (latency: Latency | undefined): string => (latency ? `${latency.p50.toFixed(1)} / ${latency.p99.toFixed(1)} ms` : '—');

/**
 * A Markdown table of figures. The p50 / p99 columns appear only when some figure carries
 * latencies, so tables of throughput alone print as they always did.
 */
export const printFigures = (title: string, figures: readonly Figure[]): void => {
  const withLatency = figures.some((f) => f.latency);
  const rows = figures.map((f) => {
    const service = `${Math.round(f.service).toLocaleString('en-US')} ${f.unit}`;
    const baseline = `${Math.round(f.baseline).toLocaleString('en-US')} ${f.unit}`;
    return [
      f.name,
      ...(withLatency ? [service, latencyCell(f.latency?.service), baseline, latencyCell(f.latency?.baseline)] : [service, baseline]),
      f.baselineName,
      `${(f.service / f.baseline).toFixed(2)}×`,
    ];
  });
  const header = withLatency
    ? ['measure', 'service', 'p50 / p99', 'baseline', 'p50 / p99', 'baseline is', 'ratio']
    : ['measure', 'service', 'baseline', 'baseline is', 'ratio'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  process.stdout.write(`\n## ${title}\n\n${line(header)}\n${line(widths.map((w) => '-'.repeat(w)))}\n`);
  for (const row of rows) process.stdout.write(`${line(row)}\n`);
};
