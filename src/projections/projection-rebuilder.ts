import os from 'node:os';
import type { DataSource, EntityManager } from 'typeorm';
import type { EventRegistry } from '../event-store/event-registry.js';
import type { Checkpoint, EventStore, LogPosition, RecordedEvent } from '../event-store/event-store.js';
import { isDatabaseUnavailable } from '../database/unavailable.js';
import { applyBatch, applyBatchAlone, filterOf } from './apply-batch.js';
import { ensureCheckpoint, readCheckpoint, saveCheckpoint } from './checkpoints.js';
import type { Projection } from './projection.js';

export const REBUILD_SCHEMA = 'projection_rebuild';

const DEFAULT_PARALLEL = Math.max(2, os.availableParallelism());

export interface RebuildProgress {
  readonly projection: string;
  readonly events: number;
  readonly position: LogPosition;
  readonly head: LogPosition;
}

export interface RebuildOptions {
  readonly batchSize?: number;
  /** Projections applied side by side in a pass (default: this machine's cores). */
  readonly parallel?: number;
  readonly registry?: EventRegistry;
  readonly onProgress?: (progress: RebuildProgress) => void;
}

const quote = (identifier: string): string => `"${identifier.replace(/"/g, '""')}"`;

interface TableIndex {
  readonly name: string;
  readonly definition: string;
  /** The definition without name or table: what makes two copies of a table's index alike. */
  readonly shape: string;
  /** Neither unique nor behind a constraint: an upsert never needs it. */
  readonly plain: boolean;
}

const indexesOf = async (db: Pick<EntityManager, 'query'>, schema: string, table: string): Promise<TableIndex[]> => {
  const rows: { name: string; definition: string; plain: boolean }[] = await db.query(
    `SELECT c.relname AS name, pg_get_indexdef(i.indexrelid) AS definition,
            NOT i.indisunique AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid) AS plain
       FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
      WHERE i.indrelid = $1::regclass`,
    [`${schema}.${quote(table)}`],
  );
  return rows.map((r) => ({ ...r, shape: r.definition.replace(/^CREATE (UNIQUE )?INDEX \S+ ON \S+ /, '$1') }));
};

/**
 * Fresh, empty copies of the projections' tables in `schema`, made for loading in bulk: unlogged
 * (a crash loses a scratch copy, which a rebuild starts again anyway) and with only the unique
 * indexes the upserts need. Returns the other indexes' definitions, for `finishScratch`: building
 * an index once over a full table costs a fraction of keeping it up to date row by row.
 */
const prepareScratch = async (dataSource: DataSource, schema: string, projections: readonly Projection[]): Promise<string[]> => {
  await dataSource.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
  const deferred: string[] = [];
  // A replay's anomalies go to a scratch table too (kept as it is, never swapped in): the live
  // anomaly log already has them.
  await dataSource.query(`DROP TABLE IF EXISTS ${schema}.projection_anomalies`);
  await dataSource.query(`CREATE UNLOGGED TABLE ${schema}.projection_anomalies (LIKE public.projection_anomalies INCLUDING ALL)`);
  for (const table of projections.flatMap((p) => p.tables)) {
    await dataSource.query(`DROP TABLE IF EXISTS ${schema}.${quote(table)}`);
    await dataSource.query(`CREATE UNLOGGED TABLE ${schema}.${quote(table)} (LIKE public.${quote(table)} INCLUDING ALL)`);
    for (const index of (await indexesOf(dataSource.manager, schema, table)).filter((i) => i.plain)) {
      await dataSource.query(`DROP INDEX ${schema}.${quote(index.name)}`);
      deferred.push(index.definition);
    }
  }
  return deferred;
};

/**
 * Makes the loaded copies durable, builds the indexes left out while loading, and gathers the
 * planner's statistics: swapped in without them, the read models' queries would be planned blind
 * until autovacuum came by (measured: the county stock overview 24 ms at p99 instead of 9).
 */
const finishScratch = async (dataSource: DataSource, schema: string, projections: readonly Projection[], deferred: readonly string[]) => {
  const tables = projections.flatMap((p) => p.tables);
  for (const table of tables) await dataSource.query(`ALTER TABLE ${schema}.${quote(table)} SET LOGGED`);
  for (const definition of deferred) await dataSource.query(definition);
  for (const table of tables) await dataSource.query(`ANALYZE ${schema}.${quote(table)}`);
};

/**
 * Gives the swapped-in table's indexes the names the live table's had. A scratch copy's indexes are
 * named by PostgreSQL (`LIKE … INCLUDING ALL`); without this, every rebuild would rename them, and a
 * migration that names an index would fail on a database that was ever rebuilt.
 */
const keepIndexNames = async (tx: EntityManager, table: string, live: readonly TableIndex[]) => {
  for (const index of await indexesOf(tx, 'public', table)) {
    const same = live.find((l) => l.shape === index.shape);
    if (same && same.name !== index.name) await tx.query(`ALTER INDEX public.${quote(index.name)} RENAME TO ${quote(same.name)}`);
  }
};

/** Where one pass over the log stands, and what each projection it feeds has applied. */
interface Replay {
  checkpoint: Checkpoint | undefined;
  position: LogPosition;
  /** Log events read by the pass. */
  read: number;
  readonly applied: Map<string, { events: number; anomalies: number }>;
}

const startReplay = (projections: readonly Projection[]): Replay => ({
  checkpoint: undefined,
  position: 0n,
  read: 0,
  applied: new Map(projections.map((p) => [p.name, { events: 0, anomalies: 0 }])),
});

/**
 * Applies the log to the projections' tables in `schema` in one pass, page by page, from where
 * `state` stands until caught up with what is final now — or, with `until`, up to that position.
 * The log is read once for all of them, the next page while the current one is applied, and each
 * page is applied to the projections side by side, each in its own transaction (they write disjoint
 * tables), or one after the other in `tx` when given. A page that fails for one projection fails
 * the pass; the scratch tables are then simply never swapped in.
 */
const replayInto = async (
  dataSource: DataSource,
  store: EventStore,
  projections: readonly Projection[],
  schema: string,
  state: Replay,
  options: RebuildOptions & { until?: LogPosition; tx?: EntityManager; head?: LogPosition },
): Promise<void> => {
  const batchSize = options.batchSize ?? 5000;
  const filter = filterOf(...projections);
  const wants = projections.map((p) => (p.eventTypes === 'all' ? () => true : (type: string) => (p.eventTypes as readonly string[]).includes(type)));
  const readAfter = (checkpoint: Checkpoint | undefined) => store.readAll({ after: checkpoint, maxCount: batchSize, filter });
  let next: Promise<RecordedEvent[]> | undefined = readAfter(state.checkpoint);
  while (next) {
    const read: RecordedEvent[] = await next;
    const page = options.until === undefined ? read : read.filter((e) => e.position <= options.until!);
    const more = read.length === batchSize && page.length === read.length;
    // Read ahead while this page is applied; the read waits for nothing this page writes.
    next = more ? readAfter(read[read.length - 1]!.checkpoint) : undefined;
    if (page.length === 0) continue;
    const toScratch = async (manager: EntityManager) => {
      await manager.query(`SET LOCAL search_path TO ${schema}, public`);
    };
    const applied = (projection: Projection, events: readonly RecordedEvent[], anomalies: number) => {
      const counts = state.applied.get(projection.name)!;
      counts.events += events.length;
      counts.anomalies += anomalies;
    };
    const work = projections.map((projection, i) => ({ projection, events: page.filter((e) => wants[i]!(e.type)) })).filter((w) => w.events.length > 0);
    try {
      if (options.tx) {
        for (const w of work) {
          await toScratch(options.tx);
          applied(w.projection, w.events, await applyBatch(options.tx, w.projection, options.registry, w.events, isDatabaseUnavailable));
        }
      } else {
        // As many transactions at once as the database has cores to run them: more only queue
        // their round trips behind one another.
        let next = 0;
        const settled = await Promise.allSettled(
          Array.from({ length: Math.min(options.parallel ?? DEFAULT_PARALLEL, work.length) }, async () => {
            for (let i = next++; i < work.length; i = next++) {
              const { projection, events } = work[i]!;
              applied(projection, events, await applyBatchAlone(dataSource, toScratch, projection, options.registry, events, isDatabaseUnavailable));
            }
          }),
        );
        const failed = settled.find((r) => r.status === 'rejected');
        if (failed) throw failed.reason;
      }
    } catch (error) {
      await next?.catch(() => undefined);
      throw error;
    }
    const last = page[page.length - 1]!;
    state.checkpoint = last.checkpoint;
    state.position = last.position;
    state.read += page.length;
    options.onProgress?.({
      projection: projections.map((p) => p.name).join(', '),
      events: state.read,
      position: state.position,
      head: options.head ?? state.position,
    });
  }
};

export interface RebuildResult {
  readonly events: number;
  readonly position: LogPosition;
  readonly anomalies: number;
}

/**
 * Rebuilds several projections from one pass over the log (see `replayInto`), then swaps them all
 * in, in one transaction. Returns, per projection, the events it applied.
 */
export const rebuildProjections = async (
  dataSource: DataSource,
  store: EventStore,
  projections: readonly Projection[],
  options: RebuildOptions = {},
): Promise<Map<string, RebuildResult>> => {
  const deferred = await prepareScratch(dataSource, REBUILD_SCHEMA, projections);
  for (const projection of projections) await ensureCheckpoint(dataSource.manager, projection.name, projection.version);
  const state = startReplay(projections);
  const head = await store.headPosition();
  await replayInto(dataSource, store, projections, REBUILD_SCHEMA, state, { ...options, head });
  await finishScratch(dataSource, REBUILD_SCHEMA, projections, deferred);
  await dataSource.transaction(async (tx) => {
    // In name order, as every other holder of several checkpoint rows would take them.
    const names = projections.map((p) => p.name).sort();
    await tx.query('SELECT 1 FROM projection_checkpoints WHERE name = ANY ($1::text[]) ORDER BY name FOR UPDATE', [names]);
    await replayInto(dataSource, store, projections, REBUILD_SCHEMA, state, { ...options, head, tx });
    await tx.query('SET LOCAL search_path TO public');
    for (const projection of projections) {
      for (const table of projection.tables) {
        const live = await indexesOf(tx, 'public', table);
        await tx.query(`DROP TABLE public.${quote(table)}`);
        await tx.query(`ALTER TABLE ${REBUILD_SCHEMA}.${quote(table)} SET SCHEMA public`);
        await keepIndexNames(tx, table, live);
      }
      await saveCheckpoint(tx, projection.name, { version: projection.version, position: state.position, checkpoint: state.checkpoint });
    }
  });
  return new Map(projections.map((p) => [p.name, { ...state.applied.get(p.name)!, position: state.position }]));
};

/**
 * Replays the whole log into scratch copies of a projection's tables while the live tables keep
 * serving, then swaps them in, in one transaction, once caught up.
 *
 * The swap holds the projection's checkpoint row, which the live runner locks first in each of its
 * batches: the runner waits, then sees the checkpoint moved and resumes from the rebuilt one.
 * Events appended while the rebuild ran are drained inside the swap transaction, so nothing is
 * lost between the last batch and the swap.
 */
export const rebuildProjection = async (
  dataSource: DataSource,
  store: EventStore,
  projection: Projection,
  options: RebuildOptions = {},
): Promise<RebuildResult> => (await rebuildProjections(dataSource, store, [projection], options)).get(projection.name)!;

export const VERIFY_SCHEMA = 'projection_verify';

export interface TableDifference {
  readonly table: string;
  /** Rows the live table has and a rebuild from the log does not (at most 20 shown). */
  readonly onlyLive: readonly Record<string, unknown>[];
  /** Rows a rebuild from the log has and the live table does not (at most 20 shown). */
  readonly onlyRebuilt: readonly Record<string, unknown>[];
  readonly onlyLiveCount: number;
  readonly onlyRebuiltCount: number;
}

/**
 * Rebuilds a projection from the log into scratch tables, up to exactly where the live projection
 * stands, and compares them row by row with the live tables. The last stretch and the comparison
 * run while holding the live checkpoint row, so the live runner cannot move in between. Writes
 * nothing the service reads.
 */
export const verifyProjection = async (
  dataSource: DataSource,
  store: EventStore,
  projection: Projection,
  options: RebuildOptions = {},
): Promise<{ position: LogPosition; events: number; differences: TableDifference[] }> => {
  await prepareScratch(dataSource, VERIFY_SCHEMA, [projection]);
  const state = startReplay([projection]);
  const live = await readCheckpoint(dataSource.manager, projection.name);
  if (live) await replayInto(dataSource, store, [projection], VERIFY_SCHEMA, state, { ...options, until: live.position });
  return dataSource.transaction(async (tx) => {
    const [row] = await tx.query<{ position: string }[]>('SELECT position FROM projection_checkpoints WHERE name = $1 FOR SHARE', [projection.name]);
    const until = row ? BigInt(row.position) : 0n;
    await replayInto(dataSource, store, [projection], VERIFY_SCHEMA, state, { ...options, until, tx });
    const differences: TableDifference[] = [];
    for (const table of projection.tables) {
      const diff = async (a: string, b: string) => {
        const rows: Record<string, unknown>[] = await tx.query(`SELECT * FROM ${a}.${quote(table)} EXCEPT ALL SELECT * FROM ${b}.${quote(table)}`);
        return rows;
      };
      const onlyLive = await diff('public', VERIFY_SCHEMA);
      const onlyRebuilt = await diff(VERIFY_SCHEMA, 'public');
      if (onlyLive.length || onlyRebuilt.length) {
        differences.push({
          table,
          onlyLive: onlyLive.slice(0, 20),
          onlyRebuilt: onlyRebuilt.slice(0, 20),
          onlyLiveCount: onlyLive.length,
          onlyRebuiltCount: onlyRebuilt.length,
        });
      }
    }
    return { position: until, events: state.read, differences };
  });
};

/**
 * After the log was restored to an older state (or replaced by an empty one), moves back to the
 * start of the log every checkpoint of `projections` that stands beyond the log's end. For
 * projections without tables — the reactions — replaying the log is their rebuild: their derived
 * events carry ids made from the source event, so a replay writes nothing twice. Returns the names
 * moved back. A row is only moved if it still says what was read, so a runner's move in between wins.
 */
export const rewindCheckpointsBeyondLog = async (dataSource: DataSource, store: EventStore, projections: readonly Projection[]): Promise<string[]> => {
  const rows: { name: string; position: string }[] = await dataSource.query('SELECT name, position FROM projection_checkpoints WHERE name = ANY ($1::text[])', [
    projections.map((p) => p.name),
  ]);
  // Read after the rows: a checkpoint read before cannot be beyond an end read after, unless the log went back.
  const end = await store.endPosition();
  const rewound: string[] = [];
  for (const row of rows.filter((r) => BigInt(r.position) > end)) {
    const [moved]: { n: number }[] = await dataSource.query(
      `WITH moved AS (
         UPDATE projection_checkpoints SET position = 0, checkpoint = NULL, updated_at = now()
          WHERE name = $1 AND position = $2
         RETURNING name
       )
       SELECT count(*)::int AS n FROM moved`,
      [row.name, row.position],
    );
    if (moved!.n > 0) rewound.push(row.name);
  }
  return rewound;
};
