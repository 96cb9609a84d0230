import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { clientDeadlines, DeadlineClient, POOL_DEADLINES, type PoolDeadlines } from '../database/pool-options.js';
import { AppendGate } from '../event-store/append-gate.js';
import { EventRegistry } from '../event-store/event-registry.js';
import { EVENT_STORE, type EventStore, type LogPosition } from '../event-store/event-store.js';
import { filterOf } from './apply-batch.js';
import type { Projection } from './projection.js';
import { AdvisoryLockLease } from './projection-lease.js';
import { ProjectionRunner, type RunnerState } from './projection-runner.js';

export interface ProjectionStatus {
  readonly name: string;
  readonly version: number;
  readonly state: RunnerState;
  readonly position: string;
  /** Events after the projection's checkpoint that it reads, counted up to LAG_COUNT_CAP. */
  readonly lagEvents?: number;
  readonly lastError?: string;
}

const LAG_COUNT_CAP = 100_000;

/** Injection token: whether this process follows the log (false in one-off tools). */
export const RUN_PROJECTIONS = Symbol('RUN_PROJECTIONS');

/**
 * Owns every projection of the service. Bounded contexts register theirs while their modules
 * initialise; all runners start once the application has booted and stop before it shuts down.
 */
@Injectable()
export class ProjectionsService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('projections');
  private readonly runners = new Map<string, ProjectionRunner>();
  /** One lease connection per process holds the advisory locks of the projections it leads. */
  /**
   * Its connection gets the service's deadlines: its statements (pg_try_advisory_lock, which never
   * waits, and unlock) are instant, and a statement timeout ends a statement, not the session, so
   * the session's locks are kept. A server that does not answer in time gets the connection
   * closed (see DeadlineClient): the locks go with it, and the runners see the lease lost.
   */
  private readonly lease = new AdvisoryLockLease(
    () => new DeadlineClient({ connectionString: (this.dataSource.options as { url: string }).url, ...clientDeadlines(this.deadlines) }),
  );

  constructor(
    private readonly dataSource: DataSource,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly registry: EventRegistry,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(RUN_PROJECTIONS) private readonly run: boolean,
    @Inject(POOL_DEADLINES) private readonly deadlines: PoolDeadlines,
    private readonly gate: AppendGate,
  ) {}

  register(projection: Projection): void {
    if (this.runners.has(projection.name)) throw new Error(`projection ${projection.name} is registered twice`);
    this.runners.set(
      projection.name,
      new ProjectionRunner(projection, this.dataSource, this.store, {
        batchSize: this.config.PROJECTION_BATCH_SIZE,
        registry: this.registry,
        lease: this.lease,
        leaseRetryMs: this.config.PROJECTION_LEASE_RETRY_MS,
        logger: {
          info: (obj, msg) => this.logger.log(obj, msg),
          warn: (obj, msg) => this.logger.warn(obj, msg),
          error: (obj, msg) => this.logger.error(obj, msg),
        },
      }),
    );
  }

  get batchSize(): number {
    return this.config.PROJECTION_BATCH_SIZE;
  }

  get projections(): Projection[] {
    return [...this.runners.values()].map((r) => r.projection);
  }

  onApplicationBootstrap(): void {
    if (!this.run) return;
    for (const runner of this.runners.values()) runner.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await Promise.all([...this.runners.values()].map((r) => r.stop()));
    await this.lease.close();
  }

  /**
   * Waits until every named projection (all when none are named) has committed `position`.
   * Resolves with the names that did not get there in time (empty when all did).
   */
  async waitFor(position: LogPosition, names: readonly string[], timeoutMs: number): Promise<string[]> {
    // While the log is behind the read models, their positions are not positions of this log: a
    // position reached would say "caught up" about events that were never projected.
    this.gate.assertOpen();
    const runners = names.length ? names.map((n) => this.runner(n)) : [...this.runners.values()];
    const reached = await Promise.all(runners.map((r) => r.waitFor(position, timeoutMs)));
    return runners.filter((_, i) => !reached[i]).map((r) => r.projection.name);
  }

  /** Every runner drops its in-memory position and starts again from its checkpoint row. */
  async reloadFromCheckpoints(): Promise<void> {
    await Promise.all([...this.runners.values()].map((r) => r.reload()));
  }

  status(): ProjectionStatus[] {
    return [...this.runners.values()].map((r) => ({
      name: r.projection.name,
      version: r.projection.version,
      state: r.state,
      position: r.position.toString(),
      ...(r.lastError ? { lastError: r.lastError } : {}),
    }));
  }

  /** `status()` with each projection's lag counted in the log; the count stops at 100,000. */
  async statusWithLag(): Promise<ProjectionStatus[]> {
    return Promise.all(
      [...this.runners.values()].map(async (r, i) => {
        const status = this.status()[i]!;
        const lagEvents = await this.store.countEventsAfter(r.checkpoint, LAG_COUNT_CAP, filterOf(r.projection));
        return { ...status, lagEvents };
      }),
    );
  }

  private runner(name: string): ProjectionRunner {
    const runner = this.runners.get(name);
    if (!runner) throw new Error(`unknown projection ${name}`);
    return runner;
  }
}
