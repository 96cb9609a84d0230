import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { startEmbeddedPostgres } from '../src/database/embedded-postgres.js';
import { redact, seedNationalLog } from './seed-national-log.js';

/**
 * `npm run bench:seed -- --events 1000000 [--seed 42] [--database-url URL] [--data-dir DIR]`
 *
 * Writes the national log (bench/national-log.ts) into an empty database: the one named by
 * `--database-url`; else a database `ppe_national` on BENCH_DATABASE_URL's server; else on an
 * embedded PostgreSQL kept in `--data-dir` (default: a folder under the system's temporary
 * folder), which `BENCH_SEEDED_DIR=<dir> npm run bench` starts again to benchmark against.
 */
export const NATIONAL_DATABASE = 'ppe_national';
export const DEFAULT_SEED_DIR = path.join(os.tmpdir(), 'ppe-bench-national');

const { values } = parseArgs({
  options: {
    events: { type: 'string', default: '1000000' },
    seed: { type: 'string', default: '42' },
    'database-url': { type: 'string' },
    'data-dir': { type: 'string', default: DEFAULT_SEED_DIR },
    concurrency: { type: 'string', default: '8' },
  },
});
const events = Number(values.events);
const seed = Number(values.seed);
const concurrency = Number(values.concurrency);
for (const [name, value] of [
  ['events', events],
  ['seed', seed],
  ['concurrency', concurrency],
] as const) {
  if (!Number.isSafeInteger(value) || value < (name === 'seed' ? 0 : 1)) {
    process.stderr.write(`--${name} must be a whole number${name === 'seed' ? '' : ' of at least 1'}\n`);
    process.exit(2);
  }
}

const say = (line: string) => process.stdout.write(`${line}\n`);

/** A database of its own on a server we were given, created when missing. */
const onServer = async (serverUrl: string): Promise<string> => {
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [NATIONAL_DATABASE]);
    if (exists.rowCount === 0) await admin.query(`CREATE DATABASE ${NATIONAL_DATABASE}`);
  } finally {
    await admin.end();
  }
  const u = new URL(serverUrl);
  u.pathname = `/${NATIONAL_DATABASE}`;
  return u.toString();
};

let stop = async (): Promise<void> => undefined;
let databaseUrl = values['database-url'];
if (!databaseUrl && process.env.BENCH_DATABASE_URL) databaseUrl = await onServer(process.env.BENCH_DATABASE_URL);
if (!databaseUrl) {
  const dataDir = path.resolve(values['data-dir']);
  say(`embedded PostgreSQL in ${dataDir}`);
  const server = await startEmbeddedPostgres(dataDir, { database: NATIONAL_DATABASE });
  databaseUrl = server.url;
  stop = server.stop;
}

try {
  say(`seeding ${events.toLocaleString('en-US')} events (seed ${seed}, ${concurrency} appends in flight) into ${redact(databaseUrl)}`);
  const result = await seedNationalLog({ databaseUrl, events, seed, concurrency, log: say });
  say(
    `done: ${result.events.toLocaleString('en-US')} events in ${result.appends.toLocaleString('en-US')} appends, ` +
      `${result.seconds.toFixed(1)} s, ${Math.round(result.events / result.seconds).toLocaleString('en-US')} events/s ` +
      `(${result.checked.toLocaleString('en-US')} checked against their schemas)`,
  );
  say(`database: ${databaseUrl}`);
  if (!values['database-url'] && !process.env.BENCH_DATABASE_URL) {
    say(`benchmark it: BENCH_SEEDED_DIR=${path.resolve(values['data-dir'])} npm run bench`);
  } else {
    say(`benchmark it: BENCH_SEEDED_URL='${databaseUrl}' npm run bench`);
  }
} catch (error) {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exitCode = 1;
} finally {
  await stop();
}
