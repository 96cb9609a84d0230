import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { seededLog } from './seeded-log.js';
import { benchDatabase } from './support.js';

/** The rebuild tool as `npm run projections:rebuild` runs it (`package.json`: the same heap). */
const REBUILD_CLI = fileURLToPath(new URL('../src/cli/rebuild-projections.js', import.meta.url));
const HEAP_MB = 256;
const TARGET_MB = 400;
const MiB = 2 ** 20;

interface RebuildRun {
  /** Highest resident size of the process (the kernel's high-water mark, VmHWM), in bytes. */
  readonly peak: number;
  readonly seconds: number;
  readonly summary: string;
}

/**
 * Runs the rebuild tool on `databaseUrl` in a process of its own, as an operator would, and reads
 * its resident size's high-water mark from /proc every 200 ms (it only grows, so the last reading
 * before the process ends is its peak up to then).
 */
const rebuildInProcess = async (databaseUrl: string): Promise<RebuildRun> => {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'ppe-bench-memory-'));
  const started = process.hrtime.bigint();
  const child = spawn(process.execPath, [`--max-old-space-size=${HEAP_MB}`, REBUILD_CLI], {
    env: { ...process.env, DATABASE_URL: databaseUrl, DATA_DIR: dataDir, LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  let peak = 0;
  const sample = async () => {
    const status = await readFile(`/proc/${child.pid}/status`, 'utf8').catch(() => '');
    const hwm = /VmHWM:\s+(\d+) kB/.exec(status);
    if (hwm) peak = Math.max(peak, Number(hwm[1]) * 1024);
  };
  const timer = setInterval(() => void sample(), 200);
  try {
    const code = await new Promise<number | null>((resolve, reject) => {
      child.on('error', reject);
      child.on('exit', resolve);
    });
    if (code !== 0) throw new Error(`the rebuild tool exited with ${code}:\n${output}`);
  } finally {
    clearInterval(timer);
    await rm(dataDir, { recursive: true, force: true });
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const summary = output.split('\n').find((line) => line.includes('rebuilt in one pass')) ?? '';
  return { peak, seconds, summary };
};

/**
 * Resident size of `npm run projections:rebuild` over the national log (BENCH_SEEDED_DIR /
 * BENCH_SEEDED_URL; 10M events with `npm run bench:seed -- --events 10000000`), against the same
 * tool over an empty log: what the process needs whatever the log, and what the log adds. Target:
 * under 400 MB. Linux only (it reads /proc).
 */
export const memoryBenchmarks = async (scale: number): Promise<void> => {
  process.stdout.write('\n## Memory during a rebuild\n\n');
  if (process.platform !== 'linux') {
    process.stdout.write('skipped: resident size is read from /proc, which this system does not have\n');
    return;
  }
  const empty = await benchDatabase();
  let baseline: RebuildRun;
  try {
    baseline = await rebuildInProcess(empty.url);
  } finally {
    await empty.close();
  }
  const log = await seededLog(scale);
  try {
    const pool = new pg.Pool({ connectionString: log.url, max: 1 });
    const [{ events }] = (await pool.query<{ events: string }>('SELECT count(*) AS events FROM events')).rows as [{ events: string }];
    await pool.end();
    process.stdout.write(`rebuild tool (node --max-old-space-size=${HEAP_MB}) on ${log.origin}, ${Number(events).toLocaleString('en-US')} events\n`);
    const run = await rebuildInProcess(log.url);
    const mib = (bytes: number) => `${(bytes / MiB).toFixed(0)} MiB`;
    process.stdout.write(
      `  over the log        peak resident ${mib(run.peak)} in ${run.seconds.toFixed(1)} s (${run.summary.trim()})\n` +
        `  over an empty log   peak resident ${mib(baseline.peak)} in ${baseline.seconds.toFixed(1)} s\n` +
        `  the log adds ${mib(run.peak - baseline.peak)} (${(run.peak / baseline.peak).toFixed(2)}× the empty log's)\n` +
        `target: under ${TARGET_MB} MB — ${(run.peak / 1e6).toFixed(0)} MB: ${run.peak < TARGET_MB * 1e6 ? 'met' : 'missed'}\n`,
    );
  } finally {
    await log.close();
  }
};
