import { Global, Inject, Module, type OnApplicationShutdown, type DynamicModule } from '@nestjs/common';
import pg from 'pg';
import { clientDeadlines, DEFAULT_DEADLINES, DeadlineClient, guardPool, poolOptions, type PoolDeadlines } from '../database/pool-options.js';
import { AppendGate, gateAppends } from './append-gate.js';
import { CommandHandling } from './command-handling.service.js';
import { EventRegistry } from './event-registry.js';
import { EVENT_STORE, type EventStore } from './event-store.js';
import { EventStoreDbEventStore } from './eventstoredb/eventstoredb-event-store.js';
import { PostgresEventStore } from './postgres/postgres-event-store.js';

export interface EventStoreModuleOptions {
  /** PostgreSQL holding the read models, and the event log unless `eventStoreDbUrl` is set. */
  readonly databaseUrl: string;
  readonly eventStoreDbUrl?: string;
  /** EventStoreDB only: how long one call may take (see EVENTSTORE_DEADLINE_MS). */
  readonly eventStoreDbDeadlineMs?: number;
  readonly poolSize: number;
  readonly deadlines?: PoolDeadlines;
}

const EVENT_LOG_POOL = Symbol('EVENT_LOG_POOL');

/**
 * Chooses the event store: EventStoreDB when a connection string is configured, else the log lives
 * in PostgreSQL beside the read models. Both honour the same contract (test/event-store).
 */
@Global()
@Module({})
export class EventStoreModule implements OnApplicationShutdown {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(EVENT_LOG_POOL) private readonly pool: pg.Pool | undefined,
  ) {}

  static forRoot(options: EventStoreModuleOptions): DynamicModule {
    const deadlines = options.deadlines ?? DEFAULT_DEADLINES;
    // The LISTEN connection sits idle for as long as the process runs: outside any statement or
    // transaction, so neither the statement nor the idle-in-transaction timeout ends it (no
    // idle_session_timeout is ever set). It gets the connect and answer deadlines for its LISTEN.
    const listener = () =>
      new DeadlineClient({
        connectionString: options.databaseUrl,
        ...clientDeadlines({ ...deadlines, statementTimeoutMs: undefined }),
      });
    return {
      module: EventStoreModule,
      providers: [
        { provide: EventRegistry, useValue: new EventRegistry() },
        {
          provide: EVENT_LOG_POOL,
          useFactory: () =>
            options.eventStoreDbUrl
              ? undefined
              : guardPool(new pg.Pool({ connectionString: options.databaseUrl, ...poolOptions(options.poolSize, deadlines) })),
        },
        { provide: AppendGate, useValue: new AppendGate() },
        CommandHandling,
        {
          provide: EVENT_STORE,
          inject: [EVENT_LOG_POOL, AppendGate],
          useFactory: async (pool: pg.Pool | undefined, gate: AppendGate): Promise<EventStore> => {
            if (options.eventStoreDbUrl) {
              return gateAppends(new EventStoreDbEventStore(options.eventStoreDbUrl, { deadlineMs: options.eventStoreDbDeadlineMs }), gate);
            }
            const store = new PostgresEventStore(pool!, listener);
            await store.start();
            // What the store holds of the log's end may be events a restored log no longer has.
            gate.onClose(() => store.forgetCachedTail());
            return gateAppends(store, gate);
          },
        },
      ],
      exports: [EVENT_STORE, EventRegistry, AppendGate, CommandHandling],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.store.close();
    await this.pool?.end();
  }
}
