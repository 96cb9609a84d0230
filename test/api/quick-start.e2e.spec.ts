import { afterAll, expect, it } from '@jest/globals';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../../src/database/embedded-postgres.js';

/**
 * The README's quick start, as a newcomer runs it: the built service, no DATABASE_URL, a fresh data
 * folder. It must start its own PostgreSQL, answer /api/health and serve the screens at /; `npm run
 * token` and `npm run demo` work against it. `npm test` builds first (the screens too).
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

/** Starts the built service in a fresh data folder and waits for its health to answer 200. */
const startFresh = async () => {
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
  return { dataDir, port, service, health };
};

/** Runs one of the command-line tools (dist/cli) as `npm run <tool>` does, against the data folder; answers its output. */
const tool = (name: string, args: string[], env: Record<string, string>) =>
  new Promise<string>((resolve, reject) => {
    const cli = spawn(process.execPath, [path.resolve(`dist/cli/${name}.js`), ...args], { env: { ...process.env, ...env } });
    let out = '';
    let err = '';
    cli.stdout.on('data', (d) => (out += d));
    cli.stderr.on('data', (d) => (err += d));
    cli.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`${name} exited ${code}: ${err}`))));
  });

it('starts on an embedded database in a fresh data folder, answers health, and stops cleanly', async () => {
  const { dataDir, port, service, health } = await startFresh();
  expect(health?.details?.eventStore).toEqual({ status: 'up', kind: 'postgresql' });
  expect(health?.details?.database?.status).toBe('up');

  // `npm run token` signs with the running service's key, found through the same DATA_DIR.
  const token = (await tool('token', ['--role', 'county', '--county', '01'], { DATA_DIR: dataDir })).trim();
  const items = await fetch(`http://127.0.0.1:${port}/api/items`, { headers: { authorization: `Bearer ${token}` } });
  expect(items.status).toBe(200);

  // The screens come with it: the app's page at /, its script compressed.
  const page = await fetch(`http://127.0.0.1:${port}/`);
  const html = await page.text();
  expect({ status: page.status, title: /<title>Skyddsutrustning<\/title>/.test(html) }).toEqual({ status: 200, title: true });
  const script = /src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
  const asset = await fetch(`http://127.0.0.1:${port}${script}`, { headers: { 'accept-encoding': 'gzip' } });
  expect({ status: asset.status, cache: asset.headers.get('cache-control') }).toEqual({ status: 200, cache: 'public, max-age=31536000, immutable' });

  service.child.kill('SIGTERM');
  expect(await service.exited).toBe(0);
}, 90_000);

it('`npm run demo` leaves decisions to replay — approved, dispatched, drifted, rejected — and a national request; a second run changes nothing', async () => {
  const { dataDir, port, service } = await startFresh();
  const env = { DATA_DIR: dataDir, DEMO_URL: `http://127.0.0.1:${port}` };
  const output = await tool('demo', [], env);
  const rounds = [...output.matchAll(/^ {2}round (\d) ([0-9a-f-]{36}): /gm)].map((m) => m[2]!);
  expect(rounds).toHaveLength(3);
  const [dispatched, drifted, rejected] = rounds as [string, string, string];

  const auditor = (await tool('token', ['--role', 'auditor'], { DATA_DIR: dataDir })).trim();
  const get = async (route: string) => {
    const response = await fetch(`http://127.0.0.1:${port}${route}`, { headers: { authorization: `Bearer ${auditor}` } });
    expect(response.status).toBe(200);
    return (await response.json()) as any;
  };
  expect(await get(`/api/allocation-rounds/${dispatched}`)).toMatchObject({ status: 'approved', closed: true, drift: null });
  expect(await get(`/api/allocation-rounds/${drifted}`)).toMatchObject({ status: 'approved', closed: false, drift: { drifted: true } });
  expect(await get(`/api/allocation-rounds/${rejected}`)).toMatchObject({ status: 'rejected', decision: { outcome: 'rejected' } });
  const round2 = await get(`/api/allocation-rounds/${drifted}`);
  expect(round2.decision.amendments.length).toBeGreaterThan(0);
  expect(round2.plan.some((l: { dispatched: number }) => l.dispatched > 0)).toBe(true);

  // The auditor's replay: the approved decision is reproduced from the log; the drifted one says so.
  expect(await get(`/api/audit/allocation-rounds/${dispatched}/replay`)).toMatchObject({ inputsReproduced: true, outputsReproduced: true, diff: [] });
  expect(await get(`/api/audit/allocation-rounds/${drifted}/replay`)).toMatchObject({
    inputsReproduced: true,
    outputsReproduced: true,
    drift: { drifted: true },
  });
  const requests = await get('/api/national-requests?county=01');
  expect(JSON.stringify(requests)).toContain(dispatched);

  // Run again in the same week: every request is answered as first recorded, nothing is added.
  const again = await tool('demo', [], env);
  expect([...again.matchAll(/^ {2}round (\d) ([0-9a-f-]{36}): /gm)].map((m) => m[2])).toEqual(rounds);
  expect((await get('/api/allocation-rounds?county=01')).rounds).toHaveLength(3);

  service.child.kill('SIGTERM');
  expect(await service.exited).toBe(0);
}, 240_000);

it('refuses a wrong setting with one line naming it', async () => {
  const service = run({ PORT: 'not-a-port' });
  expect(await service.exited).toBe(1);
  expect(service.output().trim()).toMatch(/^invalid configuration: PORT="not-a-port": .+$/);
});
