import type { DataSource, EntityManager } from 'typeorm';
import type { EventRegistry } from '../event-store/event-registry.js';
import type { Checkpoint, EventStore, LogPosition } from '../event-store/event-store.js';
import { isUnavailable } from '../event-store/postgres/postgres-event-store.js';
import { applyBatch, filterOf } from './apply-batch.js';
import { ensureCheckpoint, readCheckpoint, saveCheckpoint } from './checkpoints.js';
import type { Projection } from './projection.js';

export const REBUILD_SCHEMA = 'projection_rebuild';

export interface RebuildProgress {
  readonly projection: string;
  readonly events: number;
  readonly position: LogPosition;
  readonly head: LogPosition;
}

export interface RebuildOptions {
  readonly batchSize?: number;
  readonly registry?: EventRegistry;
  readonly onProgress?: (progress: RebuildProgress) => void;
}

const quote = (identifier: string): string => `"${identifier.replace(/"/g, '""')}"`;

/**
 * Replays the whole log into scratch copies of a projection's tables while the live tables keep
 * serving, then swaps them in, in one transaction, once caught up.
 *
 * The swap holds the projection's checkpoint row, which the live runner locks first in each of its
 * batches: the runner waits, then sees the checkpoint moved and resumes from the rebuilt one.
 * Events appended while the rebuild ran are drained inside the swap transaction, so nothing is
 * lost between the last batch and the swap.
 */
/** Fresh, empty copies of a projection's tables in `schema`. */
const prepareScratch = async (dataSource: DataSource, schema: string, projection: Projection): Promise<void> => {
  await dataSource.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
  // A replay's anomalies go to a scratch table too: the live anomaly log already has them.
  for (const table of [...projection.tables, 'projection_anomalies']) {
    await dataSource.query(`DROP TABLE IF EXISTS ${schema}.${quote(table)}`);
    await dataSource.query(`CREATE TABLE ${schema}.${quote(table)} (LIKE public.${quote(table)} INCLUDING ALL)`);
  }
};

interface Replay {
  checkpoint: Checkpoint | undefined;
  position: LogPosition;
  events: number;
  anomalies: number;
}

/**
 * Applies the log to the projection's tables in `schema`, page by page, from where `state` stands
 * until caught up with what is final now — or, with `until`, up to that position. Each page in
 * its own transaction, or all in `tx` when given.
 */
const replayInto = async (
  dataSource: DataSource,
  store: EventStore,
  projection: Projection,
  schema: string,
  state: Replay,
  options: RebuildOptions & { until?: LogPosition; tx?: EntityManager; head?: LogPosition },
): Promise<void> => {
  const batchSize = options.batchSize ?? 5000;
  const filter = filterOf(projection);
  for (;;) {
    const read = await store.readAll({ after: state.checkpoint, maxCount: batchSize, filter });
    const page = options.until === undefined ? read : read.filter((e) => e.position <= options.until!);
    if (page.length > 0) {
      const applyIn = async (manager: EntityManager) => {
        await manager.query(`SET LOCAL search_path TO ${schema}, public`);
        state.anomalies += await applyBatch(manager, projection, options.registry, page, isUnavailable);
      };
      if (options.tx) await applyIn(options.tx);
      else await dataSource.transaction(applyIn);
      const last = page[page.length - 1]!;
      state.checkpoint = last.checkpoint;
      state.position = last.position;
      state.events += page.length;
      options.onProgress?.({ projection: projection.name, events: state.events, position: state.position, head: options.head ?? state.position });
    }
    if (read.length < batchSize || page.length < read.length) return;
  }
};

export const rebuildProjection = async (
  dataSource: DataSource,
  store: EventStore,
  projection: Projection,
  options: RebuildOptions = {},
): Promise<{ events: number; position: LogPosition; anomalies: number }> => {
  await prepareScratch(dataSource, REBUILD_SCHEMA, projection);
  await ensureCheckpoint(dataSource.manager, projection.name, projection.version);
  const state: Replay = { checkpoint: undefined, position: 0n, events: 0, anomalies: 0 };
  const head = await store.headPosition();
  await replayInto(dataSource, store, projection, REBUILD_SCHEMA, state, { ...options, head });
  await dataSource.transaction(async (tx) => {
    await tx.query('SELECT 1 FROM projection_checkpoints WHERE name = $1 FOR UPDATE', [projection.name]);
    await replayInto(dataSource, store, projection, REBUILD_SCHEMA, state, { ...options, head, tx });
    await tx.query('SET LOCAL search_path TO public');
    for (const table of projection.tables) {
      await tx.query(`DROP TABLE public.${quote(table)}`);
      await tx.query(`ALTER TABLE ${REBUILD_SCHEMA}.${quote(table)} SET SCHEMA public`);
    }
    await saveCheckpoint(tx, projection.name, { version: projection.version, position: state.position, checkpoint: state.checkpoint });
  });
  return { events: state.events, position: state.position, anomalies: state.anomalies };
};

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
  await prepareScratch(dataSource, VERIFY_SCHEMA, projection);
  const state: Replay = { checkpoint: undefined, position: 0n, events: 0, anomalies: 0 };
  const live = await readCheckpoint(dataSource.manager, projection.name);
  if (live) await replayInto(dataSource, store, projection, VERIFY_SCHEMA, state, { ...options, until: live.position });
  return dataSource.transaction(async (tx) => {
    const [row] = await tx.query('SELECT position FROM projection_checkpoints WHERE name = $1 FOR SHARE', [projection.name]);
    const until = row ? BigInt(row.position) : 0n;
    await replayInto(dataSource, store, projection, VERIFY_SCHEMA, state, { ...options, until, tx });
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
    return { position: until, events: state.events, differences };
  });
};
