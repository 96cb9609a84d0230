import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import autocannon from 'autocannon';
import type { INestApplication } from '@nestjs/common';
import type { TokenClaims } from '../src/auth/local-token.js';
import { benchDatabase, type Figure, type Latency, printFigures } from './support.js';

/**
 * Commands and reads over HTTP, against the real service started in this process on a real
 * database, driven by autocannon. Each is compared with a bare route of the same service
 * (`BENCH_ROUTES=true`, `src/bench-routes/`): the same middleware, guards, token verification,
 * validation pipe and logging, but one plain INSERT (or one primary-key SELECT) where a command
 * would load a stream, decide and append.
 *
 * autocannon runs in a worker thread of this process, not on the service's event loop: its
 * parsing and bookkeeping would otherwise delay the service's responses and its own clocks. Each
 * response is timed by autocannon to the microsecond (its own histogram keeps whole
 * milliseconds), and the percentiles are taken from every 2xx response of the measured run.
 */

// ---------------------------------------------------------------------------------------------
// The load: runs in the worker thread. Everything it needs travels in a `Load` message.
// ---------------------------------------------------------------------------------------------

/** What the requests of one run are; built in the worker, one request at a time. */
type Scenario =
  /** GETs cycling over the paths. */
  | { readonly kind: 'get'; readonly token: string; readonly paths: readonly string[] }
  /** The dispatch's body into the bare INSERT; no Idempotency-Key, so exactly one statement. */
  | { readonly kind: 'bare-insert'; readonly token: string; readonly municipalities: readonly string[] }
  /** Dispatches from the warehouses in turn, each to one of its county's municipalities. */
  | { readonly kind: 'dispatch'; readonly warehouses: readonly { id: string; token: string; municipalities: readonly string[] }[] }
  /** Situation reports; each municipality's `reportedAt` strictly later than its previous one. */
  | { readonly kind: 'report'; readonly municipalities: readonly { code: string; token: string }[] };

interface Load {
  readonly url: string;
  readonly connections: number;
  /** Run for this many seconds … */
  readonly seconds: number;
  /** … or until this many requests were made, if that comes first. */
  readonly maxRequests?: number;
  readonly scenario: Scenario;
}

interface LoadResult {
  readonly perSecond: number;
  readonly ok: number;
  readonly latency: Latency;
  readonly non2xx: number;
  /** Count per status code, every code (2xx too) listed. */
  readonly statuses: Readonly<Record<string, number>>;
  readonly errors: number;
  readonly timeouts: number;
  readonly seconds: number;
  /** Share of the run the service's thread was busy (its event-loop utilisation), 0–1. */
  readonly busy?: number;
}

const LOAD_WORKER = 'ppe-ledger http bench load';

const ITEMS_DISPATCHED = ['FFP2', 'GLOVE-NITRILE-M', 'SANITIZER-500'] as const;
const ITEMS_REPORTED = ['FFP2', 'MASK-IIR', 'GLOVE-NITRILE-M', 'SANITIZER-500'] as const;

/** A dispatch of three lines (about 150 bytes of JSON), varied by `i`. */
const dispatchBody = (municipality: string, i: number) => ({
  municipality,
  lines: [
    { item: ITEMS_DISPATCHED[0], quantity: 1 + (i % 20) },
    { item: ITEMS_DISPATCHED[1], quantity: 10 + (i % 90) },
    { item: ITEMS_DISPATCHED[2], quantity: 1 + (i % 5) },
  ],
  vehicle: `Bil ${i % 12}`,
});

/**
 * Reports must describe moments in order per municipality. Each municipality's clock starts 60 days
 * back (the service refuses reports from the future) and moves a minute per report; it lives as
 * long as the worker, so warm-up and measured runs continue one timeline.
 */
const reportClocks = new Map<string, number>();
const REPORTS_FROM = Date.now() - 60 * 86_400_000;

const runLoad = async (load: Load): Promise<LoadResult> => {
  let i = 0;
  const json = (token: string, extra: Record<string, string> = {}) => ({
    authorization: `Bearer ${token}`,
    'content-type': 'application/json',
    ...extra,
  });
  let request: autocannon.Request;
  const scenario = load.scenario;
  switch (scenario.kind) {
    case 'get':
      request = {
        method: 'GET',
        setupRequest: (req) => ({ ...req, path: scenario.paths[i++ % scenario.paths.length], headers: { authorization: `Bearer ${scenario.token}` } }),
      };
      break;
    case 'bare-insert':
      request = {
        method: 'POST',
        setupRequest: (req) => {
          const n = i++;
          return {
            ...req,
            path: '/api/bench/bare-insert',
            headers: json(scenario.token),
            body: JSON.stringify(dispatchBody(scenario.municipalities[n % scenario.municipalities.length]!, n)),
          };
        },
      };
      break;
    case 'dispatch':
      request = {
        method: 'POST',
        setupRequest: (req) => {
          const n = i++;
          const warehouse = scenario.warehouses[n % scenario.warehouses.length]!;
          const municipality = warehouse.municipalities[Math.floor(n / scenario.warehouses.length) % warehouse.municipalities.length]!;
          return {
            ...req,
            path: `/api/warehouses/${warehouse.id}/dispatches`,
            headers: json(warehouse.token, { 'idempotency-key': randomUUID() }),
            body: JSON.stringify(dispatchBody(municipality, n)),
          };
        },
      };
      break;
    case 'report': {
      // A municipality is lent to one request at a time — taken when a connection builds its
      // request, given back when the answer arrives — so no two reports of one municipality are
      // ever in flight together and each is later than the one before it. autocannon clears a
      // connection's `context` between requests, so it only carries the loan from request to answer.
      const free = [...scenario.municipalities];
      request = {
        method: 'POST',
        setupRequest: (req, context) => {
          const m = free.shift();
          if (!m) throw new Error('more connections than municipalities to report for');
          (context as { lent?: typeof m }).lent = m;
          const reportedAt = (reportClocks.get(m.code) ?? REPORTS_FROM) + 60_000;
          reportClocks.set(m.code, reportedAt);
          const n = i++;
          return {
            ...req,
            path: `/api/municipalities/${m.code}/reports`,
            headers: json(m.token, { 'idempotency-key': randomUUID() }),
            body: JSON.stringify({
              reportedAt: new Date(reportedAt).toISOString(),
              infections: n % 40,
              lines: ITEMS_REPORTED.map((item, k) => ({ item, onHand: 500 + ((n + k) % 300), usedSinceLastReport: 20 + (n % 50), requested: (n + k) % 200 })),
            }),
          };
        },
        onResponse: (_status, _body, context) => {
          const m = (context as { lent?: (typeof scenario.municipalities)[number] }).lent;
          if (m) free.push(m);
        },
      };
      break;
    }
    default: {
      const unexpected: never = scenario;
      throw new Error(`unknown scenario ${JSON.stringify(unexpected)}`);
    }
  }

  const started = performance.now();
  let finished = started;
  const instance = autocannon({
    url: load.url,
    connections: load.connections,
    pipelining: 1,
    duration: load.seconds,
    ...(load.maxRequests === undefined ? {} : { maxOverallRequests: load.maxRequests }),
    // autocannon notices the end of a run on its sampling tick; a short one ends runs of a fixed
    // number of requests sooner (its per-tick histogram is not used here).
    sampleInt: 100,
    requests: [request],
  }) as unknown as autocannon.Instance & PromiseLike<autocannon.Result>;
  // autocannon emits every response with its time in fractional milliseconds.
  const times: number[] = [];
  instance.on('response', (_client: unknown, status: number, _bytes: number, ms: number) => {
    if (status >= 200 && status < 300) times.push(ms);
    finished = performance.now();
  });
  const result = await instance;
  // Its own `duration` is rounded to its ticks; the rate is taken from the start to the last answer.
  const seconds = (finished - started) / 1000;
  times.sort((a, b) => a - b);
  const percentile = (p: number) => (times.length ? times[Math.min(times.length - 1, Math.ceil((p / 100) * times.length) - 1)]! : NaN);
  const statuses = Object.fromEntries(Object.entries(result.statusCodeStats ?? {}).map(([code, s]) => [code, s.count ?? 0]));
  return {
    perSecond: times.length / seconds,
    ok: times.length,
    latency: { p50: percentile(50), p99: percentile(99) },
    non2xx: result.non2xx,
    statuses,
    errors: result.errors,
    timeouts: result.timeouts,
    seconds,
  };
};

if (!isMainThread && workerData === LOAD_WORKER) {
  parentPort!.on('message', (load: Load) => {
    runLoad(load).then(
      (result) => parentPort!.postMessage({ result }),
      (error: unknown) => parentPort!.postMessage({ error: (error as Error).stack ?? String(error) }),
    );
  });
}

/** The main thread's handle on the load worker: one run at a time. */
class LoadDriver {
  private readonly worker = new Worker(new URL(import.meta.url), { workerData: LOAD_WORKER });

  run(load: Load): Promise<LoadResult> {
    return new Promise((resolve, reject) => {
      const onError = (error: Error) => reject(error);
      this.worker.once('error', onError);
      this.worker.once('message', (message: { result?: LoadResult; error?: string }) => {
        this.worker.off('error', onError);
        if (message.error) reject(new Error(`load worker: ${message.error}`));
        else resolve(message.result!);
      });
      this.worker.postMessage(load);
    });
  }

  async close(): Promise<void> {
    await this.worker.terminate();
  }
}

// ---------------------------------------------------------------------------------------------
// The service and the benchmarks: main thread.
// ---------------------------------------------------------------------------------------------

interface RunningService {
  readonly app: INestApplication;
  readonly url: string;
  token(claims: Omit<TokenClaims, 'name'>): Promise<string>;
  close(): Promise<void>;
}

/**
 * The service as `main.ts` starts it (the same `createApp`), with projections and reactions
 * running, on `databaseUrl`. Rate limits are raised out of the way (they are still checked on every
 * request). Log level `warn`: per-request info lines would go into this report's own output.
 * Imported lazily: the load worker loads this file too and needs none of it.
 */
const startService = async (databaseUrl: string): Promise<RunningService> => {
  await import('reflect-metadata');
  const { createApp } = await import('../src/bootstrap.js');
  const { loadConfig } = await import('../src/config/config.js');
  const { TokenService } = await import('../src/auth/token.service.js');
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'ppe-bench-http-'));
  const config = loadConfig({
    LOG_LEVEL: 'warn',
    DATA_DIR: dataDir,
    BENCH_ROUTES: 'true',
    RATE_LIMIT_PER_ADDRESS: '1000000',
    RATE_LIMIT_PER_USER: '1000000',
  });
  const app = await createApp(config, databaseUrl);
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as { port: number };
  return {
    app,
    url: `http://127.0.0.1:${port}`,
    token: (claims) => app.get(TokenService).sign({ name: `Bench ${claims.role}`, ...claims }),
    async close() {
      await app.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
};

/**
 * One measured run, with the service thread's event-loop utilisation over it (near 100 %: the
 * service's one JavaScript thread is what limits it). With BENCH_HTTP_PROFILE=<dir>, that thread
 * is also profiled during the run and the profile written to `<dir>/<run>.cpuprofile` (open it in
 * Chrome's DevTools or VS Code).
 */
const measured = async (driver: LoadDriver, run: string, load: Load): Promise<LoadResult> => {
  const dir = process.env.BENCH_HTTP_PROFILE;
  const session = dir ? new (await import('node:inspector/promises')).Session() : undefined;
  if (session) {
    session.connect();
    await session.post('Profiler.enable');
    await session.post('Profiler.start');
  }
  const before = performance.eventLoopUtilization();
  try {
    const result = await driver.run(load);
    return { ...result, busy: performance.eventLoopUtilization(before).utilization };
  } finally {
    if (session) {
      const { profile } = await session.post('Profiler.stop');
      session.disconnect();
      await mkdir(dir!, { recursive: true });
      await writeFile(path.join(dir!, `${run.replace(/[^A-Za-z0-9]+/g, '-')}.cpuprofile`), JSON.stringify(profile));
    }
  }
};

/**
 * Waits until the service is idle: the log's head has stopped moving for a moment (the commands a
 * timed run cut off have been written; autocannon's clients are gone but the service still finishes
 * them) and every projection has caught up with it. Closing before that would fail those requests
 * half-way and log errors that belong to no measurement.
 */
const settle = async (service: RunningService, timeoutMs = 60_000): Promise<void> => {
  const { ProjectionsService } = await import('../src/projections/projections.service.js');
  const { EVENT_STORE } = await import('../src/event-store/event-store.js');
  const store = service.app.get(EVENT_STORE);
  const deadline = Date.now() + timeoutMs;
  for (let head = await store.headPosition(); Date.now() < deadline;) {
    await service.app.get(ProjectionsService).waitFor(head, [], Math.max(0, deadline - Date.now()));
    await new Promise((resolve) => setTimeout(resolve, 250));
    const now = await store.headPosition();
    if (now === head) return;
    head = now;
  }
};

const SCALE_SECONDS = (scale: number, seconds: number) => Math.max(1, Math.round(seconds * scale));

const describeRun = (name: string, r: LoadResult): string => {
  const others = Object.entries(r.statuses).filter(([code]) => !code.startsWith('2'));
  return (
    `  ${name.padEnd(34)} ${Math.round(r.perSecond).toLocaleString('en-US').padStart(6)} req/s  ` +
    `p50 ${r.latency.p50.toFixed(1).padStart(5)} ms  p99 ${r.latency.p99.toFixed(1).padStart(6)} ms  ` +
    `${r.ok.toLocaleString('en-US')} ok in ${r.seconds.toFixed(1)} s, ${r.non2xx} non-2xx` +
    `${others.length ? ` (${others.map(([code, n]) => `${n}× ${code}`).join(', ')})` : ''}` +
    `${r.errors ? `, ${r.errors} connection errors (${r.timeouts} timeouts)` : ''}` +
    `${r.busy === undefined ? '' : `; service thread busy ${Math.round(r.busy * 100)} %`}\n`
  );
};

/** A county's municipalities and its warehouse, from the service's own reference data. */
const countiesOf = async (app: INestApplication) => {
  const { ReferenceData } = await import('../src/reference/reference-data.js');
  const reference = app.get(ReferenceData);
  return reference.warehouses.map((w) => ({
    county: w.countyCode,
    warehouse: w.id,
    municipalities: reference.municipalitiesOf(w.countyCode).map((m) => m.code),
  }));
};

const post = async (service: RunningService, token: string, route: string, body: unknown): Promise<unknown> => {
  const response = await fetch(`${service.url}${route}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`POST ${route}: ${response.status} ${text}`);
  return JSON.parse(text);
};

/** Connections of the concurrent runs (the issue's 32 clients). */
const CLIENTS = 32;

/**
 * "Record a dispatch" and "report a situation" with 32 clients for a fixed time, each against the
 * bare INSERT in the same run. Target: ≥ 1,000 commands/s with p99 < 50 ms.
 *
 * Dispatches go to the three warehouses of the reference data in turn (each takes its commands one
 * at a time: they decide on one stream's stock), to municipalities of the warehouse's county,
 * after a receipt of a billion units of each item. Reports spread over the 45 municipalities, one
 * in flight per municipality (see `runLoad`). Every command carries a fresh Idempotency-Key, as a
 * client that retries safely does; the bare INSERT carries none (it would add two statements).
 */
export const httpCommandBenchmarks = async (scale: number): Promise<Figure[]> => {
  const db = await benchDatabase();
  const service = await startService(db.url);
  const driver = new LoadDriver();
  try {
    const counties = await countiesOf(service.app);
    const warehouses = await Promise.all(
      counties.map(async (c) => ({
        id: c.warehouse,
        token: await service.token({ sub: `bench-${c.warehouse}`, role: 'warehouse', county: c.county }),
        municipalities: c.municipalities,
      })),
    );
    for (const w of warehouses) {
      await post(service, w.token, `/api/warehouses/${w.id}/receipts`, {
        source: 'emergency-stockpile',
        from: 'Benchmark stockpile',
        lines: ITEMS_DISPATCHED.map((item) => ({ item, quantity: 1_000_000_000 })),
      });
    }
    const reporters = await Promise.all(
      counties
        .flatMap((c) => c.municipalities)
        .map(async (code) => ({ code, token: await service.token({ sub: `bench-${code}`, role: 'municipality', municipality: code }) })),
    );
    const scenarios: { name: string; scenario: Scenario }[] = [
      { name: 'bare INSERT', scenario: { kind: 'bare-insert', token: warehouses[0]!.token, municipalities: warehouses[0]!.municipalities } },
      { name: 'record a dispatch', scenario: { kind: 'dispatch', warehouses } },
      { name: 'report a situation', scenario: { kind: 'report', municipalities: reporters } },
    ];
    const seconds = SCALE_SECONDS(scale, 10);
    process.stdout.write(`\nHTTP commands: ${CLIENTS} clients, 3 s warm-up then ${seconds} s each; service on PostgreSQL ${db.serverVersion}\n`);
    const results = new Map<string, LoadResult>();
    for (const { name, scenario } of scenarios) {
      await driver.run({ url: service.url, connections: CLIENTS, seconds: 3, scenario });
      const result = await measured(driver, `http ${name}`, { url: service.url, connections: CLIENTS, seconds, scenario });
      results.set(name, result);
      process.stdout.write(describeRun(`${name}, ${CLIENTS} clients`, result));
    }
    const bare = results.get('bare INSERT')!;
    const figures: Figure[] = ['record a dispatch', 'report a situation'].map((name) => {
      const r = results.get(name)!;
      return {
        name: `${name}, ${CLIENTS} clients`,
        unit: 'commands/s',
        service: r.perSecond,
        baseline: bare.perSecond,
        baselineName: 'POST of one plain INSERT, same service',
        latency: { service: r.latency, baseline: bare.latency },
      };
    });
    printFigures('Commands over HTTP', figures);
    process.stdout.write('\nTarget ≥ 1,000 commands/s with p99 < 50 ms:\n');
    for (const f of figures) {
      const met = f.service >= 1000 && f.latency!.service.p99 < 50;
      process.stdout.write(
        `  ${f.name}: ${Math.round(f.service).toLocaleString('en-US')}/s, p99 ${f.latency!.service.p99.toFixed(1)} ms — ${met ? 'met' : 'missed'}\n`,
      );
    }
    return figures;
  } finally {
    await driver.close();
    await settle(service);
    await service.close();
    await db.close();
  }
};

/**
 * Reads on a large log with its read models (the rebuild benchmark's database): a municipality's
 * stock, the county overview (every municipality's stock), the warehouse's stock, and a
 * municipality's stock `asOf` the middle of the log's business time; each with one client (target:
 * p99 < 10 ms) and with 32 (throughput), against a bare GET of one primary-key SELECT.
 *
 * The service's reference data holds the 45 real municipalities of three counties; the national log
 * uses those same codes for them (its other 245 are synthetic), so the reads ask for Stockholm
 * county (01), its 26 municipalities in turn, and its warehouse 01-central. Before measuring, the
 * service's projections and reactions catch up with the log (the rebuild set the read models'
 * checkpoints at its head; the reactions, which are not rebuilt, go through it once and find their
 * effects already written).
 */
export const httpReadBenchmarks = async (scale: number, databaseUrl: string): Promise<Figure[]> => {
  const service = await startService(databaseUrl);
  const driver = new LoadDriver();
  const { DataSource } = await import('typeorm');
  const dataSource = service.app.get(DataSource);
  try {
    const { ProjectionsService } = await import('../src/projections/projections.service.js');
    const { EVENT_STORE } = await import('../src/event-store/event-store.js');
    const head = await service.app.get(EVENT_STORE).headPosition();
    const started = Date.now();
    const behind = await service.app.get(ProjectionsService).waitFor(head, [], 3_600_000);
    if (behind.length) throw new Error(`projections did not catch up with the log: ${behind.join(', ')}`);
    process.stdout.write(
      `\nHTTP reads: the service's projections and reactions caught up with the log (position ${head}) in ${((Date.now() - started) / 1000).toFixed(1)} s\n`,
    );

    const [range] = await dataSource.query(
      `SELECT min((metadata->>'occurredAt')::timestamptz) AS first, max((metadata->>'occurredAt')::timestamptz) AS last FROM events`,
    );
    const asOf = new Date((new Date(range.first).getTime() + new Date(range.last).getTime()) / 2).toISOString();
    const county = (await countiesOf(service.app)).find((c) => c.county === '01')!;
    const token = await service.token({ sub: 'bench-county-01', role: 'county', county: '01' });
    const { BENCH_TABLE } = await import('../src/bench-routes/bench-routes.controller.js');
    const ids: { id: string }[] = await dataSource.query(
      `INSERT INTO ${BENCH_TABLE} (body) SELECT $1::jsonb FROM generate_series(1, 1000) RETURNING id::text AS id`,
      [JSON.stringify(dispatchBody('0180', 7))],
    );

    const reads: { name: string; paths: string[] }[] = [
      { name: 'bare SELECT', paths: ids.map((r) => `/api/bench/bare-select/${r.id}`) },
      { name: 'municipality stock', paths: county.municipalities.map((m) => `/api/municipalities/${m}/stock`) },
      { name: 'county overview', paths: ['/api/stock?county=01'] },
      { name: 'warehouse stock', paths: [`/api/warehouses/${county.warehouse}/stock`] },
      { name: 'municipality stock asOf', paths: county.municipalities.map((m) => `/api/municipalities/${m}/stock?asOf=${encodeURIComponent(asOf)}`) },
    ];
    const amount = Math.max(200, Math.round(1000 * scale));
    const cap = SCALE_SECONDS(scale, 15);
    const seconds = SCALE_SECONDS(scale, 5);
    process.stdout.write(
      `1 client: 200 requests to warm up, then ${amount.toLocaleString('en-US')} or ${cap} s, whichever ends first; ${CLIENTS} clients: ${seconds} s. ` +
        `County 01 (${county.municipalities.length} municipalities), warehouse ${county.warehouse}, asOf ${asOf}\n`,
    );
    const single = new Map<string, LoadResult>();
    const many = new Map<string, LoadResult>();
    for (const { name, paths } of reads) {
      const scenario: Scenario = { kind: 'get', token, paths };
      await driver.run({ url: service.url, connections: 1, seconds: cap, maxRequests: 200, scenario });
      const one = await measured(driver, `http ${name} 1 client`, { url: service.url, connections: 1, seconds: cap, maxRequests: amount, scenario });
      single.set(name, one);
      process.stdout.write(describeRun(`${name}, 1 client`, one));
      const all = await measured(driver, `http ${name} ${CLIENTS} clients`, { url: service.url, connections: CLIENTS, seconds, scenario });
      many.set(name, all);
      process.stdout.write(describeRun(`${name}, ${CLIENTS} clients`, all));
    }
    const figures: Figure[] = reads.slice(1).flatMap(({ name }) =>
      (
        [
          [single, '1 client'],
          [many, `${CLIENTS} clients`],
        ] as const
      ).map(([results, clients]) => ({
        name: `${name}, ${clients}`,
        unit: 'reads/s',
        service: results.get(name)!.perSecond,
        baseline: results.get('bare SELECT')!.perSecond,
        baselineName: 'GET of one primary-key SELECT, same service',
        latency: { service: results.get(name)!.latency, baseline: results.get('bare SELECT')!.latency },
      })),
    );
    printFigures('Reads over HTTP', figures);
    process.stdout.write('\nTarget p99 < 10 ms with one client:\n');
    for (const { name } of reads.slice(1)) {
      const p99 = single.get(name)!.latency.p99;
      process.stdout.write(`  ${name}: p99 ${p99.toFixed(1)} ms (p50 ${single.get(name)!.latency.p50.toFixed(1)} ms) — ${p99 < 10 ? 'met' : 'missed'}\n`);
    }
    return figures;
  } finally {
    await driver.close();
    // The seeded database may be kept (BENCH_SEEDED_DIR): leave it without the benchmark's table.
    await dataSource.query(`DROP TABLE IF EXISTS bench_bare_inserts`).catch(() => undefined);
    await service.close();
  }
};
