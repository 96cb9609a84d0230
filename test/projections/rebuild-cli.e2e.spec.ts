import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { seedNationalLog } from '../../bench/seed-national-log.js';
import { openTestLog, type TestLog } from '../support/database.js';

/**
 * `npm run projections:rebuild` and `npm run projections:verify` as an operator runs them (the built
 * tools; `npm test` builds first), on a log of every kind of event.
 */
let log: TestLog;
let dataDir: string;
beforeAll(async () => {
  log = await openTestLog();
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'ppe-rebuild-cli-'));
  await seedNationalLog({ databaseUrl: log.db.url, events: 4000, seed: 3 });
}, 60_000);
afterAll(async () => {
  await log?.close();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

const tool = (name: string) =>
  new Promise<{ code: number | null; output: string }>((resolve) => {
    const { EVENTSTORE_CONNECTION_STRING: _ignored, ...inherited } = process.env;
    const child = spawn(process.execPath, [path.resolve(`dist/cli/${name}.js`)], {
      env: { ...inherited, DATABASE_URL: log.db.url, DATA_DIR: dataDir, LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('exit', (code) => resolve({ code, output }));
  });

it('rebuilds every read model in one pass, and verify then finds each equal to the log', async () => {
  const rebuilt = await tool('rebuild-projections');
  expect(rebuilt).toEqual({ code: 0, output: expect.stringMatching(/projection\(s\) rebuilt in one pass/) });
  expect(rebuilt.output).toMatch(/delivery-history: \d+ events/);
  const [{ n }] = await log.dataSource.query('SELECT count(*)::int AS n FROM delivery_history');
  expect(n).toBeGreaterThan(100);

  const verified = await tool('verify-projections');
  expect(verified.code).toBe(0);
}, 120_000);
