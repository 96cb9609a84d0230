import type { EntityManager } from 'typeorm';
import type { Checkpoint, LogPosition } from '../event-store/event-store.js';

export interface StoredCheckpoint {
  readonly version: number;
  readonly position: LogPosition;
  /** Undefined: from the start of the log. */
  readonly checkpoint: Checkpoint | undefined;
}

/** Another writer moved the checkpoint (a rebuild took over, or another instance): start again. */
export class CheckpointMovedError extends Error {
  constructor(readonly projection: string) {
    super(`checkpoint of projection ${projection} moved underneath this runner`);
    this.name = 'CheckpointMovedError';
  }
}

type Row = { version: number; position: string; checkpoint: string | null };
const toStored = (row: Row): StoredCheckpoint => ({
  version: row.version,
  position: BigInt(row.position),
  checkpoint: row.checkpoint ?? undefined,
});

export const readCheckpoint = async (db: EntityManager, name: string): Promise<StoredCheckpoint | undefined> => {
  const rows: Row[] = await db.query('SELECT version, position, checkpoint FROM projection_checkpoints WHERE name = $1', [name]);
  return rows[0] && toStored(rows[0]);
};

export const ensureCheckpoint = async (db: EntityManager, name: string, version: number): Promise<StoredCheckpoint> => {
  await db.query(
    `INSERT INTO projection_checkpoints (name, version, position, checkpoint) VALUES ($1, $2, 0, NULL)
     ON CONFLICT (name) DO NOTHING`,
    [name, version],
  );
  return (await readCheckpoint(db, name))!;
};

/**
 * Moves the checkpoint from what this writer last saw (`expected`) to `next`, or throws
 * CheckpointMovedError if it no longer says that (compare-and-set). Run it first in the transaction
 * that writes the batch: the row then stays locked until the end, and every writer of a projection
 * takes that lock before touching any read-model row (one lock order); if the batch fails, the move
 * rolls back with it.
 */
export const claimCheckpoint = async (tx: EntityManager, name: string, expected: StoredCheckpoint, next: StoredCheckpoint): Promise<void> => {
  const [moved]: { n: number }[] = await tx.query(
    `WITH moved AS (
       UPDATE projection_checkpoints SET version = $2, position = $3, checkpoint = $4, updated_at = now()
        WHERE name = $1 AND version = $5 AND checkpoint IS NOT DISTINCT FROM $6
       RETURNING name
     )
     SELECT count(*)::int AS n FROM moved`,
    [name, next.version, next.position.toString(), next.checkpoint ?? null, expected.version, expected.checkpoint ?? null],
  );
  if (moved!.n === 0) throw new CheckpointMovedError(name);
};

export const saveCheckpoint = async (tx: EntityManager, name: string, next: StoredCheckpoint): Promise<void> => {
  await tx.query('UPDATE projection_checkpoints SET version = $2, position = $3, checkpoint = $4, updated_at = now() WHERE name = $1', [
    name,
    next.version,
    next.position.toString(),
    next.checkpoint ?? null,
  ]);
};

/** The furthest checkpoint among the named projections', or undefined when none has a row. */
export const furthestCheckpoint = async (
  db: EntityManager,
  names: readonly string[],
): Promise<{ readonly name: string; readonly position: LogPosition } | undefined> => {
  const rows: { name: string; position: string }[] = await db.query(
    'SELECT name, position FROM projection_checkpoints WHERE name = ANY ($1::text[]) ORDER BY position DESC, name LIMIT 1',
    [names],
  );
  return rows[0] && { name: rows[0].name, position: BigInt(rows[0].position) };
};
