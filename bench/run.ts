import os from 'node:os';
import { eventStoreBenchmarks } from './event-store.bench.js';

/**
 * `npm run bench` — every benchmark, each figure beside a baseline measured in the same run on the
 * same database. BENCH_SCALE multiplies the work (default 1); BENCH_DATABASE_URL picks a server.
 */
const scale = Number(process.env.BENCH_SCALE ?? 1);
process.stdout.write(
  `# ppe-ledger benchmarks\n\n${new Date().toISOString()} · node ${process.version} · ${os.cpus().length} cores · ` +
    `${Math.round(os.totalmem() / 2 ** 30)} GiB · scale ${scale}\n`,
);
await eventStoreBenchmarks(scale);
process.stdout.write('\n');
