import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { AppendGate } from '../event-store/append-gate.js';
import { LogBehindReadModelsError } from '../event-store/errors.js';
import { EVENT_STORE, type EventStore } from '../event-store/event-store.js';
import { furthestCheckpoint } from './checkpoints.js';
import { ProjectionsService, RUN_PROJECTIONS } from './projections.service.js';

/**
 * Notices when the event log ends before what the read models have seen: the log was restored to an
 * older state, or the store was replaced by an empty one. A checkpoint is only ever written for a
 * position read from the log, so in a log that only grows no checkpoint can be beyond its end.
 *
 * While that is so, appends are refused (the gate) and `?waitFor=` refused: on PostgreSQL new events
 * would sit beside read models holding events the log no longer has; on EventStoreDB they would
 * land at positions the projections have passed, and never be projected. Checked at start (before
 * the service listens), every LOG_CHECK_INTERVAL_MS, and on every /api/health. Once an operator has
 * rebuilt the read models from the log, the next check lets the runners start again from the
 * rebuilt checkpoints and opens the gate: no restart needed.
 *
 * Caveat: on PostgreSQL, a restore of the log under a *running* service on the same server is only
 * seen until the first write after it (new transaction ids go on past the old checkpoints); a write
 * in the moment before the next check hides it. Restore with the service stopped (docs/operations.md).
 */
@Injectable()
export class LogBehindCheck implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('log-check');
  private timer?: NodeJS.Timeout;
  private running?: Promise<LogBehindReadModelsError | undefined>;

  constructor(
    private readonly dataSource: DataSource,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly projections: ProjectionsService,
    private readonly gate: AppendGate,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(RUN_PROJECTIONS) private readonly run: boolean,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    // One-off tools (rebuild, verify) do not follow the log and take no writes from clients.
    if (!this.run) return;
    // An unreachable store is /api/health's and the writes' own concern; the next check will tell.
    await this.check().catch(() => undefined);
    this.timer = setInterval(() => void this.check().catch(() => undefined), this.config.LOG_CHECK_INTERVAL_MS);
    this.timer.unref();
  }

  beforeApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  /** Compares the log's end with the furthest checkpoint; concurrent callers share one comparison. */
  check(): Promise<LogBehindReadModelsError | undefined> {
    this.running ??= this.compare().finally(() => (this.running = undefined));
    return this.running;
  }

  private async compare(): Promise<LogBehindReadModelsError | undefined> {
    // The checkpoints first, then the end: in a log that only grows, an end read later is never
    // behind a checkpoint read earlier.
    const furthest = await furthestCheckpoint(
      this.dataSource.manager,
      this.projections.projections.map((p) => p.name),
    );
    const end = await this.store.endPosition();
    if (furthest && end < furthest.position) {
      const behind = new LogBehindReadModelsError(end, furthest.position, furthest.name);
      if (!this.gate.closedBecause) {
        this.logger.error(
          { head: end.toString(), furthestCheckpoint: furthest.position.toString(), projection: furthest.name },
          'the event log is behind the read models; writes are refused until the read models are rebuilt from the log',
        );
      }
      this.gate.close(behind);
      return behind;
    }
    if (this.gate.closedBecause) {
      // The read models were rebuilt from the log: the runners drop the positions they hold in
      // memory (past the log's end) before writes and waits are let through again.
      await this.projections.reloadFromCheckpoints();
      this.gate.open();
      this.logger.log({ head: end.toString() }, 'the read models are within the event log again; writes accepted');
    }
    return undefined;
  }
}
