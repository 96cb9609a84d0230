import { EventEmitter } from 'node:events';
import type { DataSource } from 'typeorm';
import type { EventRegistry } from '../event-store/event-registry.js';
import type { EventStore, LogPosition, RecordedEvent, Subscription, SubscriptionMessage } from '../event-store/event-store.js';
import { EventStoreUnavailableError } from '../event-store/errors.js';
import { isDatabaseUnavailable } from '../database/unavailable.js';
import { applyBatchAlone, filterOf } from './apply-batch.js';
import { CheckpointMovedError, claimCheckpoint, ensureCheckpoint, readCheckpoint, type StoredCheckpoint } from './checkpoints.js';
import type { Projection } from './projection.js';
import { LocalLease, type ProjectionLease } from './projection-lease.js';
import { settleWithin } from '../shared/settle-within.js';
import { rebuildProjection } from './projection-rebuilder.js';

/** Another instance took the projection over (this one's lease connection was lost). */
class LeaseLostError extends Error {}

/** `reload()` ended the subscription: start again from the checkpoint row. */
class ReloadRequested extends Error {}

export interface RunnerLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface ProjectionRunnerOptions {
  readonly batchSize: number;
  /** Who may run the projection; a single process needs none. */
  readonly lease?: ProjectionLease;
  /** How often a standby instance tries to take the lease over. */
  readonly leaseRetryMs?: number;
  /** A batch that is not full is written after this long without a new message. */
  readonly idleFlushMs?: number;
  /**
   * A move of the checkpoint past events the projection does not read is kept in memory and
   * written at most this long after (default 500 ms): every append moves every runner, and most
   * appends concern few of them.
   */
  readonly checkpointSaveMs?: number;
  readonly registry?: EventRegistry;
  readonly logger: RunnerLogger;
}

export type RunnerState = 'starting' | 'standby' | 'rebuilding' | 'catching-up' | 'live' | 'retrying' | 'stopped';

const unavailable = (error: unknown) => error instanceof EventStoreUnavailableError || isDatabaseUnavailable(error);

/**
 * Keeps one projection up to date: subscribes to the log from its checkpoint and writes each batch
 * of rows together with the new checkpoint in one transaction. Exactly-once in effect: a crash
 * loses at most an uncommitted batch, which is read again from the committed checkpoint.
 */
export class ProjectionRunner {
  private readonly events = new EventEmitter();
  private current?: StoredCheckpoint;
  /** What the checkpoint row holds, as this runner last wrote or read it. */
  private saved?: StoredCheckpoint;
  private saveDueAt = 0;
  private subscription?: Subscription;
  private stopping = false;
  private reloading = false;
  private loop?: Promise<void>;
  private _state: RunnerState = 'starting';
  private _lastError?: string;
  private readonly lease: ProjectionLease;

  constructor(
    readonly projection: Projection,
    private readonly dataSource: DataSource,
    private readonly store: EventStore,
    private readonly options: ProjectionRunnerOptions,
  ) {
    this.events.setMaxListeners(0);
    this.lease = options.lease ?? new LocalLease();
  }

  get state(): RunnerState {
    return this._state;
  }

  get lastError(): string | undefined {
    return this._lastError;
  }

  /**
   * Where the read model stands, as this process knows it: the last committed batch, or beyond it
   * when only events the projection does not read followed (the row may lag that, briefly).
   */
  get position(): LogPosition {
    return this.current?.position ?? 0n;
  }

  /** Resume token of the last committed batch; undefined before the first. */
  get checkpoint(): string | undefined {
    return this.current?.checkpoint;
  }

  start(): void {
    this.loop ??= this.run();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.events.emit('wake');
    await this.subscription?.unsubscribe();
    await this.loop;
    await this.lease.release(this.projection.name).catch(() => undefined);
    this._state = 'stopped';
    this.events.emit('stopped');
  }

  /**
   * Drops what this runner holds in memory and starts again from its checkpoint row, even if that
   * row is now behind it: after an operator rebuilt the read models from a log restored to an
   * older state, the rows point into the restored log and the runner's memory points past its end
   * (where, on EventStoreDB, new events would never reach it). Resolves once the row is loaded.
   */
  async reload(): Promise<void> {
    if (!this.loop || this.stopping) return;
    const reloaded = new Promise<void>((resolve) => {
      const done = () => {
        this.events.off('reloaded', done);
        this.events.off('stopped', done);
        resolve();
      };
      this.events.on('reloaded', done);
      this.events.on('stopped', done);
    });
    this.reloading = true;
    this.events.emit('wake');
    await this.subscription?.unsubscribe();
    await reloaded;
  }

  /**
   * Resolves true once the projection has committed `position`, false after `timeoutMs`. On a
   * standby instance the position is the leader's, read from its checkpoint row.
   */
  async waitFor(position: LogPosition, timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (this.position >= position) return true;
      const left = deadline - Date.now();
      if (left <= 0) return false;
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          this.events.off('advanced', done);
          resolve();
        };
        const timer = setTimeout(done, this._state === 'standby' ? Math.min(left, 100) : left);
        this.events.on('advanced', done);
      });
      if (this._state === 'standby') await this.refreshFromCheckpoint().catch(() => undefined);
    }
  }

  private async run(): Promise<void> {
    let backoffMs = 200;
    while (!this.stopping) {
      try {
        if (this.reloading) {
          const stored = await readCheckpoint(this.dataSource.manager, this.projection.name);
          this.reloading = false;
          if (stored) this.advance(stored, true);
          this.events.emit('reloaded');
        }
        if (!(await this.lease.tryAcquire(this.projection.name))) {
          this._state = 'standby';
          await this.refreshFromCheckpoint();
          await this.pause(this.options.leaseRetryMs ?? 2000);
          continue;
        }
        await this.prepare();
        await this.follow();
        backoffMs = 200;
      } catch (error) {
        if (this.stopping) break;
        if (error instanceof ReloadRequested) continue;
        if (error instanceof LeaseLostError) {
          this.options.logger.warn({ projection: this.projection.name }, 'lease lost; another instance may lead');
          continue;
        }
        if (error instanceof CheckpointMovedError) {
          this.options.logger.info({ projection: this.projection.name }, 'checkpoint moved; resuming from it');
          continue;
        }
        this._state = 'retrying';
        this._lastError = (error as Error).message;
        const level = unavailable(error) ? 'warn' : 'error';
        this.options.logger[level]({ projection: this.projection.name, err: error }, 'projection stopped; retrying');
        await this.pause(backoffMs);
        backoffMs = Math.min(backoffMs * 2, 5000);
      } finally {
        await this.subscription?.unsubscribe();
        this.subscription = undefined;
      }
    }
  }

  /** Loads the checkpoint; a projection whose code version moved is rebuilt beside the old rows. */
  private async prepare(): Promise<void> {
    const stored = await ensureCheckpoint(this.dataSource.manager, this.projection.name, this.projection.version);
    if (stored.version !== this.projection.version) {
      this._state = 'rebuilding';
      this.options.logger.info(
        { projection: this.projection.name, from: stored.version, to: this.projection.version },
        'projection version changed; rebuilding',
      );
      await rebuildProjection(this.dataSource, this.store, this.projection, {
        batchSize: this.options.batchSize,
        registry: this.options.registry,
      });
    }
    this.advance((await ensureCheckpoint(this.dataSource.manager, this.projection.name, this.projection.version))!, true);
  }

  private async follow(): Promise<void> {
    this._state = 'catching-up';
    this.subscription = this.store.subscribeToAll({
      after: this.current!.checkpoint,
      filter: filterOf(this.projection),
    });
    const iterator = this.subscription[Symbol.asyncIterator]();
    let batch: RecordedEvent[] = [];
    let seen: StoredCheckpoint = this.current!;
    let pending: Promise<IteratorResult<SubscriptionMessage>> | undefined;
    const idleFlushMs = this.options.idleFlushMs ?? 5;

    while (!this.stopping && !this.reloading) {
      pending ??= iterator.next();
      const dirty = batch.length > 0 || seen.checkpoint !== this.current!.checkpoint;
      const unsaved = this.saved?.checkpoint !== this.current!.checkpoint;
      const wait = dirty ? idleFlushMs : unsaved ? Math.max(0, this.saveDueAt - Date.now()) : undefined;
      const next = wait === undefined ? await pending : await this.raceIdle(pending, wait);
      if (next === 'idle') {
        await this.flush(batch, dirty ? seen : this.current!, !dirty);
        batch = [];
        continue;
      }
      pending = undefined;
      if (next.done) break;
      const message = next.value;
      switch (message.kind) {
        case 'event':
          batch.push(message.event);
          seen = { version: this.projection.version, position: message.event.position, checkpoint: message.event.checkpoint };
          if (batch.length >= this.options.batchSize) {
            await this.flush(batch, seen);
            batch = [];
          }
          break;
        case 'checkpoint':
          seen = { version: this.projection.version, position: message.position, checkpoint: message.checkpoint };
          break;
        case 'caught-up':
          await this.flush(batch, seen);
          batch = [];
          this._state = 'live';
          this._lastError = undefined;
          break;
        default: {
          const unexpected: never = message;
          throw new Error(`unexpected subscription message ${JSON.stringify(unexpected)}`);
        }
      }
    }
    if (this.reloading) throw new ReloadRequested();
    if (!this.stopping) throw new Error('subscription ended');
  }

  /**
   * Writes a batch with its checkpoint. A move past events the projection does not read only
   * advances it in memory, until `save` (or the next batch) writes it.
   */
  private async flush(batch: readonly RecordedEvent[], next: StoredCheckpoint, save = false): Promise<void> {
    if (!this.lease.holds(this.projection.name)) throw new LeaseLostError();
    if (batch.length === 0 && !save) {
      if (next.checkpoint === this.current!.checkpoint) return;
      if (this.saved?.checkpoint === this.current!.checkpoint) this.saveDueAt = Date.now() + (this.options.checkpointSaveMs ?? 500);
      this.advance(next);
      return;
    }
    const expected = this.saved!;
    if (batch.length === 0 && next.checkpoint === expected.checkpoint) return;
    const anomalies = await applyBatchAlone(
      this.dataSource,
      (tx) => claimCheckpoint(tx, this.projection.name, expected, next),
      this.projection,
      this.options.registry,
      batch,
      unavailable,
    );
    if (anomalies > 0) this.options.logger.warn({ projection: this.projection.name, anomalies }, 'events recorded as anomalies');
    this.advance(next, true);
  }

  /** A standby instance follows the leader's progress through the checkpoint row. */
  private async refreshFromCheckpoint(): Promise<void> {
    const stored = await readCheckpoint(this.dataSource.manager, this.projection.name);
    if (stored && stored.position > this.position) this.advance(stored, true);
  }

  private advance(next: StoredCheckpoint, saved = false): void {
    this.current = next;
    if (saved) this.saved = next;
    this.events.emit('advanced');
  }

  private raceIdle<T>(pending: Promise<T>, ms: number): Promise<T | 'idle'> {
    return settleWithin(pending, ms, () => 'idle' as const);
  }

  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.events.off('wake', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.events.once('wake', done);
    });
  }
}
