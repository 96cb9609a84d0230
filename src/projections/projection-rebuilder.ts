import type { DataSource, EntityManager } from 'typeorm';
import type { EventRegistry } from '../event-store/event-registry.js';
import type { Checkpoint, EventStore, LogPosition } from '../event-store/event-store.js';
import { isUnavailable } from '../event-store/postgres/postgres-event-store.js';
import { applyBatch, filterOf } from './apply-batch.js';
import { ensureCheckpoint, saveCheckpoint } from './checkpoints.js';
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
export const rebuildProjection = async (
  dataSource: DataSource,
  store: EventStore,
  projection: Projection,
  options: RebuildOptions = {},
): Promise<{ events: number; position: LogPosition; anomalies: number }> => {
  const batchSize = options.batchSize ?? 5000;
  const filter = filterOf(projection);
  const staging = (table: string) => `${REBUILD_SCHEMA}.${quote(table)}`;
  await dataSource.query(`CREATE SCHEMA IF NOT EXISTS ${REBUILD_SCHEMA}`);
  for (const table of projection.tables) {
    await dataSource.query(`DROP TABLE IF EXISTS ${staging(table)}`);
    await dataSource.query(`CREATE TABLE ${staging(table)} (LIKE public.${quote(table)} INCLUDING ALL)`);
  }
  await ensureCheckpoint(dataSource.manager, projection.name, projection.version);

  let checkpoint: Checkpoint | undefined;
  let position: LogPosition = 0n;
  let events = 0;
  let anomalies = 0;
  const head = await store.headPosition();

  /** Applies pages until a short one; returns when caught up with what is final now. */
  const drain = async (tx?: EntityManager) => {
    for (;;) {
      const page = await store.readAll({ after: checkpoint, maxCount: batchSize, filter });
      if (page.length > 0) {
        const applyIn = async (manager: EntityManager) => {
          await manager.query(`SET LOCAL search_path TO ${REBUILD_SCHEMA}, public`);
          anomalies += await applyBatch(manager, projection, options.registry, page, isUnavailable);
        };
        if (tx) await applyIn(tx);
        else await dataSource.transaction(applyIn);
        const last = page[page.length - 1]!;
        checkpoint = last.checkpoint;
        position = last.position;
        events += page.length;
        options.onProgress?.({ projection: projection.name, events, position, head });
      }
      if (page.length < batchSize) return;
    }
  };

  await drain();
  await dataSource.transaction(async (tx) => {
    await tx.query('SELECT 1 FROM projection_checkpoints WHERE name = $1 FOR UPDATE', [projection.name]);
    await drain(tx);
    await tx.query('SET LOCAL search_path TO public');
    for (const table of projection.tables) {
      await tx.query(`DROP TABLE public.${quote(table)}`);
      await tx.query(`ALTER TABLE ${staging(table)} SET SCHEMA public`);
    }
    await saveCheckpoint(tx, projection.name, { version: projection.version, position, checkpoint });
  });
  return { events, position, anomalies };
};
