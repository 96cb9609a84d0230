import { startEmbeddedPostgres } from '../src/database/embedded-postgres.js';
import { redact, seedNationalLog } from './seed-national-log.js';
import { benchDatabase } from './support.js';

export interface SeededLog {
  readonly url: string;
  /** Where the log came from, for the benchmark's output. */
  readonly origin: string;
  close(): Promise<void>;
}

/**
 * The large national log the benchmarks read: a seeded database when BENCH_SEEDED_URL (a database)
 * or BENCH_SEEDED_DIR (the embedded server `npm run bench:seed` kept) names one, else
 * 100k × `scale` events seeded here (about 25 s at scale 1; `npm run bench:seed` for 1M).
 */
export const seededLog = async (scale: number): Promise<SeededLog> => {
  if (process.env.BENCH_SEEDED_URL) {
    return { url: process.env.BENCH_SEEDED_URL, origin: `seeded database ${redact(process.env.BENCH_SEEDED_URL)}`, close: async () => undefined };
  }
  if (process.env.BENCH_SEEDED_DIR) {
    const server = await startEmbeddedPostgres(process.env.BENCH_SEEDED_DIR, { database: 'ppe_national' });
    return { url: server.url, origin: `seeded embedded database in ${process.env.BENCH_SEEDED_DIR}`, close: server.stop };
  }
  const events = 100_000 * scale;
  const db = await benchDatabase();
  process.stdout.write(`\nno BENCH_SEEDED_URL / BENCH_SEEDED_DIR: seeding ${events.toLocaleString('en-US')} events here (npm run bench:seed for 1M)\n`);
  const seeded = await seedNationalLog({ databaseUrl: db.url, events, seed: 42 });
  process.stdout.write(`seeded ${seeded.events.toLocaleString('en-US')} events in ${seeded.seconds.toFixed(1)} s\n`);
  return { url: db.url, origin: `${events.toLocaleString('en-US')} events seeded in this run (seed 42)`, close: () => db.close() };
};
