import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import { replayRound } from '../src/allocation/queries/replay.js';
import { OpenAllocationRound, OpenAllocationRoundDto, OpenAllocationRoundHandler } from '../src/allocation/commands/open-allocation-round.js';
import { allocationStream } from '../src/allocation/domain/allocation.events.js';
import { migrate } from '../src/database/data-source.js';
import { CommandHandling } from '../src/event-store/command-handling.service.js';
import { guardPool, poolOptions } from '../src/database/pool-options.js';
import type { EventRegistry } from '../src/event-store/event-registry.js';
import { PostgresEventStore } from '../src/event-store/postgres/postgres-event-store.js';
import type { ReferenceData } from '../src/reference/reference-data.js';
import { nationalReference } from './national-log.js';
import { seededLog } from './seeded-log.js';
import { fullRegistry } from './seed-national-log.js';
import { type Figure, printFigures } from './support.js';

/**
 * Audit replay of one allocation decision (src/allocation/queries/replay.ts, as the replay route
 * runs it) on a large log against the very same replay on a log ten times smaller.
 *
 * "The same replay" is the same decision: county 01's round (the largest warehouse stream of the
 * national log), opened by the service's own command handler when the log held its first tenth,
 * so its inputs are as of that point. The small log is exactly that tenth (copied event for event
 * from the large one); the large log is the whole seeded log, with the same recorded decision added
 * at its end — a decision taken long ago, audited now. Both replays must read the very same
 * events: the streams as they stood at the decision's input position. What differs is everything
 * else: nine tenths more log, including the later events of the very streams the decision read.
 * A replay whose cost followed the log rather than the decision would show it here.
 *
 * A second figure replays the *latest* round of each log (opened at its end): a different
 * decision, which reads a far longer warehouse history in the large log. It is what an auditor's
 * newest replay costs at 1M events, and it grows with the county's history, not the log's size.
 *
 * The decisions are opened by the service because the generator's own rounds are simplified (its
 * proposals are not what the policy computes) and would not replay to a match.
 */

const COUNTY = '01';
/** The small log is this fraction of the large one. */
const SMALL_FRACTION = 10;

interface Case {
  readonly label: string;
  readonly store: PostgresEventStore;
  readonly allocationId: string;
}

interface Timing {
  first: number;
  readonly warm: number[];
  events: number;
  streams: number;
  mismatches: number;
}

const replayOnce = async (registry: EventRegistry, reference: ReferenceData, c: Case, timing: Timing) => {
  const started = process.hrtime.bigint();
  const report = await replayRound(c.store, registry, reference, c.allocationId);
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (!report.inputsReproduced || !report.outputsReproduced) {
    timing.mismatches++;
    process.stdout.write(`  ${c.label}: replay did NOT reproduce the decision: ${JSON.stringify(report.diff.slice(0, 3))}\n`);
  }
  timing.events = report.read.events;
  timing.streams = report.read.streams.length;
  return { ms, report };
};

const median = (values: readonly number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
};

export const replayBenchmarks = async (scale: number): Promise<Figure[]> => {
  const log = await seededLog(scale);
  const registry = fullRegistry();
  const reference = nationalReference();
  const serverUrl = (database: string) => {
    const u = new URL(log.url);
    u.pathname = `/${database}`;
    return u.toString();
  };
  const source = new URL(log.url).pathname.slice(1);
  const stamp = Date.now();
  const largeName = `ppe_replay_large_${stamp}`;
  const smallName = `ppe_replay_small_${stamp}`;
  const admin = new pg.Client({ connectionString: serverUrl('postgres') });
  await admin.connect();
  const pools: pg.Pool[] = [];
  const stores: PostgresEventStore[] = [];
  const openStore = async (url: string) => {
    // As the service's event-store module builds its pool (DB_POOL_SIZE's default), guarded the same way.
    const pool = guardPool(new pg.Pool({ connectionString: url, ...poolOptions(20) }));
    const store = new PostgresEventStore(pool, () => new pg.Client({ connectionString: url }));
    pools.push(pool);
    stores.push(store);
    return { pool, store };
  };
  try {
    // The large log: a file copy of the seeded database, so the decision can be added to it
    // without touching the seeded log the other benchmarks read.
    process.stdout.write(`\nreplay: ${log.origin}; copying it to add the audited decisions\n`);
    await admin.query(`CREATE DATABASE ${largeName} TEMPLATE ${source} STRATEGY FILE_COPY`);
    const largeUrl = serverUrl(largeName);
    // A log seeded by an older commit gets this one's migrations (and its positions aligned), as a start of the service would.
    await migrate(largeUrl);
    const large = await openStore(largeUrl);
    const total = Number((await large.pool.query('SELECT count(*) AS n FROM events')).rows[0].n);
    const smallCount = Math.round(total / SMALL_FRACTION);
    const cut = (await large.pool.query('SELECT position FROM events ORDER BY position OFFSET $1 LIMIT 1', [smallCount - 1])).rows[0].position as string;

    // The small log: the large one's first tenth, event for event (same positions, ids and JSON),
    // in a database of its own made by the migrations.
    await admin.query(`CREATE DATABASE ${smallName}`);
    const smallUrl = serverUrl(smallName);
    await migrate(smallUrl);
    const small = await openStore(smallUrl);
    {
      const from = await large.pool.connect();
      const to = await small.pool.connect();
      try {
        const columns = 'position, event_id, stream_id, revision, type, data, metadata, recorded_at';
        await pipeline(
          from.query(copyTo(`COPY (SELECT ${columns} FROM events WHERE position <= ${BigInt(cut)} ORDER BY position) TO STDOUT (FORMAT binary)`)),
          to.query(copyFrom(`COPY events (${columns}) FROM STDIN (FORMAT binary)`)),
        );
      } finally {
        from.release();
        to.release();
      }
      await small.pool.query('INSERT INTO streams (stream_id, revision) SELECT stream_id, max(revision) FROM events GROUP BY stream_id');
      await small.pool.query('SELECT ppe_align_log_offset()');
    }
    await small.pool.query('ANALYZE');
    await large.pool.query('ANALYZE');

    // The decisions, opened by the service as a county user would: every item, the default policy.
    const handler = (store: PostgresEventStore) => new OpenAllocationRoundHandler(store, registry, new CommandHandling(store, registry), reference);
    /** Business time of the last event at or before `position`: the round is opened "now" in the log's world. */
    const businessTime = async (pool: pg.Pool, position: string) =>
      new Date(
        (await pool.query(`SELECT metadata->>'occurredAt' AS at FROM events WHERE position <= $1 ORDER BY position DESC LIMIT 1`, [position])).rows[0].at,
      );
    const open = async (store: PostgresEventStore, now: Date, key: string) =>
      (
        await handler(store).execute(
          new OpenAllocationRound(new OpenAllocationRoundDto(), {
            actor: { sub: `bench-county-${COUNTY}`, name: 'Replay benchmark', role: 'county', county: COUNTY },
            correlationId: randomUUID(),
            causationId: randomUUID(),
            idempotency: { key, request: 'replay-bench', mayHaveWritten: false },
            now,
          }),
        )
      ).allocationId;
    // The large log's "now" is taken before the early decision joins it: that event's business time is the early one's.
    const largeHead = (await large.pool.query('SELECT max(position) AS p FROM events')).rows[0].p as string;
    const largeNow = await businessTime(large.pool, largeHead);
    const early = await open(small.store, await businessTime(small.pool, cut), 'replay-bench-early');
    // The same recorded decision in the large log: appended as it was recorded (same event id, same data).
    const recorded = await small.store.readStream(allocationStream(early));
    await large.store.appendToStream(
      allocationStream(early),
      recorded.map((e) => ({ type: e.type, data: e.data, metadata: e.metadata })),
      { expectedRevision: 'no_stream' },
    );
    const latest = await open(large.store, largeNow, 'replay-bench-latest');

    const cases: Case[] = [
      { label: `same decision, ${smallCount.toLocaleString('en-US')}-event log`, store: small.store, allocationId: early },
      { label: `same decision, ${total.toLocaleString('en-US')}-event log`, store: large.store, allocationId: early },
      { label: `latest decision, ${total.toLocaleString('en-US')}-event log`, store: large.store, allocationId: latest },
    ];
    const timings = cases.map((): Timing => ({ first: 0, warm: [], events: 0, streams: 0, mismatches: 0 }));
    // The first replay of each: the first on its connection pool in this process (the database's
    // pages are as opening the round left them: its streams were just read).
    for (const [i, c] of cases.entries()) timings[i]!.first = (await replayOnce(registry, reference, c, timings[i]!)).ms;
    // Then rounds of one replay each, interleaved, so load from elsewhere on the machine falls on all three alike.
    const rounds = Math.max(5, Math.round(10 * scale));
    for (let r = 0; r < rounds; r++) {
      for (const [i, c] of cases.entries()) timings[i]!.warm.push((await replayOnce(registry, reference, c, timings[i]!)).ms);
    }

    // What the replays read, against what those streams hold in the large log now.
    const readStreams = (await replayRound(large.store, registry, reference, early)).read.streams.map((s) => s.streamId);
    const held = Number((await large.pool.query('SELECT count(*) AS n FROM events WHERE stream_id = ANY($1)', [readStreams])).rows[0].n);

    process.stdout.write(
      `\nlarge log ${total.toLocaleString('en-US')} events; small log its first ${smallCount.toLocaleString('en-US')} (to position ${cut})\n`,
    );
    if (!process.env.BENCH_SEEDED_URL && !process.env.BENCH_SEEDED_DIR) {
      process.stdout.write('no seeded 1M log: the large log is the one seeded here, the small one its tenth (the target names 1M and 100k)\n');
    }
    for (const [i, c] of cases.entries()) {
      const t = timings[i]!;
      process.stdout.write(
        `  ${c.label.padEnd(42)} first ${t.first.toFixed(0).padStart(5)} ms, then median ${median(t.warm).toFixed(0).padStart(5)} ms ` +
          `(min ${Math.min(...t.warm).toFixed(0)}, max ${Math.max(...t.warm).toFixed(0)}, ${t.warm.length} runs); ` +
          `reads ${t.streams} streams, ${t.events.toLocaleString('en-US')} events; ${t.mismatches === 0 ? 'reproduced the decision every time' : `${t.mismatches} MISMATCHES`}\n`,
      );
    }
    process.stdout.write(`  the early decision's ${readStreams.length} streams hold ${held.toLocaleString('en-US')} events in the large log now\n`);

    const perMinute = (t: Timing) => 60_000 / median(t.warm);
    const [smallEarly, largeEarly, largeLatest] = timings as [Timing, Timing, Timing];
    const figures: Figure[] = [
      {
        name: `replay of one decision at ${total.toLocaleString('en-US')} events (median)`,
        unit: 'replays/min',
        service: perMinute(largeEarly),
        baseline: perMinute(smallEarly),
        baselineName: `the same replay at ${smallCount.toLocaleString('en-US')} events`,
      },
      {
        name: `replay of the latest decision at ${total.toLocaleString('en-US')} events (median)`,
        unit: 'replays/min',
        service: perMinute(largeLatest),
        baseline: perMinute(smallEarly),
        baselineName: `the latest at ${smallCount.toLocaleString('en-US')} events`,
      },
    ];
    printFigures('Audit replay at scale', figures);
    const ms = median(largeEarly.warm);
    const ratio = ms / median(smallEarly.warm);
    process.stdout.write(
      `\ntarget: under 1 s and within 1.5× of the same replay on the log a tenth the size — ` +
        `${ms.toFixed(0)} ms, ${ratio.toFixed(2)}× the time: ${ms < 1000 && ratio <= 1.5 ? 'met' : 'MISSED'}` +
        `${timings.some((t) => t.mismatches > 0) ? '; some replays did NOT reproduce their decision' : '; every replay reproduced its decision'}\n`,
    );
    if (timings.some((t) => t.mismatches > 0)) process.exitCode = 1;
    return figures;
  } finally {
    for (const store of stores) await store.close();
    for (const pool of pools) await pool.end();
    await admin.query(`DROP DATABASE IF EXISTS ${largeName} WITH (FORCE)`);
    await admin.query(`DROP DATABASE IF EXISTS ${smallName} WITH (FORCE)`);
    await admin.end();
    await log.close();
  }
};
