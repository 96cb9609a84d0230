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
 * Locks the checkpoint row for the rest of the transaction and checks it still says what this
 * writer last saw (compare-and-set). Taking this lock first, before touching any read-model row,
 * gives every writer of a projection the same lock order.
 */
export const lockCheckpoint = async (tx: EntityManager, name: string, expected: StoredCheckpoint): Promise<void> => {
  const rows: Row[] = await tx.query(
    'SELECT version, position, checkpoint FROM projection_checkpoints WHERE name = $1 FOR UPDATE',
    [name],
  );
  const current = rows[0] && toStored(rows[0]);
  if (!current || current.checkpoint !== expected.checkpoint || current.version !== expected.version) {
    throw new CheckpointMovedError(name);
  }
};

export const saveCheckpoint = async (
  tx: EntityManager,
  name: string,
  next: StoredCheckpoint,
): Promise<void> => {
  await tx.query(
    'UPDATE projection_checkpoints SET version = $2, position = $3, checkpoint = $4, updated_at = now() WHERE name = $1',
    [name, next.version, next.position.toString(), next.checkpoint ?? null],
  );
};
