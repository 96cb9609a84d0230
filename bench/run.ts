import os from 'node:os';
import { ceilingBenchmarks } from './ceiling.bench.js';
import { eventStoreBenchmarks } from './event-store.bench.js';
import { httpCommandBenchmarks, httpReadBenchmarks } from './http.bench.js';
import { memoryBenchmarks } from './memory.bench.js';
import { rebuildBenchmarks } from './rebuild.bench.js';
import { policyBenchmarks } from './policy.bench.js';
import { replayBenchmarks } from './replay.bench.js';
import { streamLengthBenchmarks } from './stream-length.bench.js';

/**
 * `npm run bench` — every benchmark, each figure beside a baseline measured in the same run on the
 * same database. BENCH_SCALE multiplies the work (default 1); BENCH_DATABASE_URL picks a server.
 * The rebuild figures use a seeded national log when BENCH_SEEDED_URL (a database) or
 * BENCH_SEEDED_DIR (the embedded server `npm run bench:seed` kept) names one, else seed 100k events;
 * the HTTP reads then run on that same log, the audit replay compares it with its first tenth, and
 * the rebuild tool's resident size is measured over it in a process of its own.
 */
const scale = Number(process.env.BENCH_SCALE ?? 1);
process.stdout.write(
  `# ppe-ledger benchmarks\n\n${new Date().toISOString()} · node ${process.version} · ${os.cpus().length} cores · ` +
    `${Math.round(os.totalmem() / 2 ** 30)} GiB · scale ${scale}\n`,
);
// BENCH_ONLY=http,policy runs only the sections named (event-store, ceiling, http, rebuild, replay,
// stream-length, policy, memory). The HTTP reads need the rebuild's large log, so `http` runs the rebuild too.
const only = process.env.BENCH_ONLY?.split(',')
  .map((s) => s.trim())
  .filter(Boolean);
const runs = (section: string) => !only || only.includes(section);
if (runs('event-store')) await eventStoreBenchmarks(scale);
if (runs('ceiling')) await ceilingBenchmarks(scale);
if (runs('http')) await httpCommandBenchmarks(scale);
if (runs('rebuild') || runs('http')) await rebuildBenchmarks(scale, runs('http') ? (url) => httpReadBenchmarks(scale, url) : undefined);
if (runs('replay')) await replayBenchmarks(scale);
if (runs('stream-length')) await streamLengthBenchmarks(scale);
if (runs('policy')) policyBenchmarks();
if (runs('memory')) await memoryBenchmarks(scale);
process.stdout.write('\n');
