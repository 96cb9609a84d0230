import { afterAll, expect, it } from '@jest/globals';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../../src/database/embedded-postgres.js';

/**
 * The README's quick start, as a newcomer runs it: the built service, no DATABASE_URL, a fresh data
 * folder. It must start its own PostgreSQL and answer /api/health. `npm test` builds first.
 */
const MAIN = path.resolve('dist/main.js');
const children: ChildProcess[] = [];
const dirs: string[] = [];

const run = (env: Record<string, string>) => {
  const { DATABASE_URL: _ignored, EVENTSTORE_CONNECTION_STRING: _alsoIgnored, ...inherited } = process.env;
  const child = spawn(process.execPath, [MAIN], { env: { ...inherited, LOG_LEVEL: 'warn', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, exited, output: () => output };
};

afterAll(async () => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

it('starts on an embedded database in a fresh data folder, answers health, and stops cleanly', async () => {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'ppe-quick-start-'));
  dirs.push(dataDir);
  const port = await freePort();
  const service = run({ DATA_DIR: dataDir, PORT: String(port) });
  const deadline = Date.now() + 60_000;
  let health: any;
  while (Date.now() < deadline && service.child.exitCode === null) {
    try {
      const response = await fetch(`http://127.0.0.1:${port}/api/health`);
      health = await response.json();
      if (response.status === 200) break;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  expect(health?.details?.eventStore).toEqual({ status: 'up', kind: 'postgresql' });
  expect(health?.details?.database?.status).toBe('up');

  // `npm run token` signs with the running service's key, found through the same DATA_DIR.
  const token = await new Promise<string>((resolve, reject) => {
    const cli = spawn(process.execPath, [path.resolve('dist/cli/token.js'), '--role', 'county', '--county', '01'], {
      env: { ...process.env, DATA_DIR: dataDir },
    });
    let out = '';
    cli.stdout.on('data', (d) => (out += d));
    cli.on('exit', (code) => (code === 0 ? resolve(out.trim()) : reject(new Error(`token exited ${code}`))));
  });
  const items = await fetch(`http://127.0.0.1:${port}/api/items`, { headers: { authorization: `Bearer ${token}` } });
  expect(items.status).toBe(200);

  service.child.kill('SIGTERM');
  expect(await service.exited).toBe(0);
}, 90_000);

it('refuses a wrong setting with one line naming it', async () => {
  const service = run({ PORT: 'not-a-port' });
  expect(await service.exited).toBe(1);
  expect(service.output().trim()).toMatch(/^invalid configuration: PORT="not-a-port": .+$/);
});
