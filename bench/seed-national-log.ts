import pg from 'pg';
import { ALLOCATION_EVENTS } from '../src/allocation/domain/allocation.events.js';
import { NATIONAL_REQUEST_EVENTS } from '../src/national-requests/domain/national-request.events.js';
import { migrate } from '../src/database/data-source.js';
import { guardPool } from '../src/database/pool-options.js';
import { DELIVERY_EVENTS } from '../src/deliveries/domain/delivery.events.js';
import { EventRegistry } from '../src/event-store/event-registry.js';
import type { NewEvent } from '../src/event-store/event-store.js';
import { PostgresEventStore } from '../src/event-store/postgres/postgres-event-store.js';
import { PROCUREMENT_EVENTS } from '../src/procurement/domain/purchase.events.js';
import { REPORTING_EVENTS } from '../src/reporting/domain/situation-report.events.js';
import { WAREHOUSE_EVENTS } from '../src/warehouse/domain/warehouse.events.js';
import { type Append, nationalLog, type SeedProgress } from './national-log.js';

export interface SeedOptions {
  readonly databaseUrl: string;
  readonly events: number;
  readonly seed: number;
  /** Appends in flight at once (each on its own stream). */
  readonly concurrency?: number;
  readonly log?: (line: string) => void;
}

export interface SeedResult {
  readonly events: number;
  readonly appends: number;
  readonly seconds: number;
  readonly checked: number;
}

/** Every event type of every context, as the modules register them. */
export const fullRegistry = (): EventRegistry =>
  new EventRegistry().register(
    ...REPORTING_EVENTS,
    ...PROCUREMENT_EVENTS,
    ...WAREHOUSE_EVENTS,
    ...DELIVERY_EVENTS,
    ...ALLOCATION_EVENTS,
    ...NATIONAL_REQUEST_EVENTS,
  );

/**
 * Checks the first 200 events of each type against the registry, then one in 100: every shape the
 * generator makes shows up early, and checking all of a large log would cost more than writing it.
 */
const sampledCheck = (registry: EventRegistry) => {
  const seen = new Map<string, number>();
  let checked = 0;
  return {
    check(event: NewEvent) {
      const n = (seen.get(event.type) ?? 0) + 1;
      seen.set(event.type, n);
      if (n <= 200 || n % 100 === 0) {
        registry.checkForWrite(event);
        checked++;
      }
    },
    get checked() {
      return checked;
    },
  };
};

/**
 * Writes the national log into an empty event log through the PostgreSQL event store, phase by
 * phase, up to `events` events. The seed's connections commit without waiting for the disk
 * (`synchronous_commit=off`): a crash loses a seed, not data anyone relies on.
 */
export const seedNationalLog = async (options: SeedOptions): Promise<SeedResult> => {
  const log = options.log ?? (() => undefined);
  await migrate(options.databaseUrl);
  const concurrency = options.concurrency ?? 8;
  const pool = guardPool(new pg.Pool({ connectionString: options.databaseUrl, max: concurrency + 2, options: '-c synchronous_commit=off' }));
  const store = new PostgresEventStore(pool, () => new pg.Client({ connectionString: options.databaseUrl }));
  try {
    const existing = Number((await pool.query('SELECT count(*) AS n FROM events')).rows[0].n);
    if (existing > 0) throw new Error(`the event log at ${redact(options.databaseUrl)} already holds ${existing} events; seed an empty database`);

    const checker = sampledCheck(fullRegistry());
    const progress: SeedProgress = { lastPosition: 0n };
    const started = process.hrtime.bigint();
    const elapsed = () => Number(process.hrtime.bigint() - started) / 1e9;
    let written = 0;
    let appends = 0;
    let reported = 0;
    let phases = 0;

    const write = async (batch: readonly Append[]) => {
      let next = 0;
      await Promise.all(
        Array.from({ length: Math.min(concurrency, batch.length) }, async () => {
          for (let i = next++; i < batch.length; i = next++) {
            const a = batch[i]!;
            const result = await store.appendToStream(a.streamId, a.events, { expectedRevision: a.expectedRevision });
            if (result.position > progress.lastPosition) progress.lastPosition = result.position;
          }
        }),
      );
    };

    for (const phase of nationalLog({ seed: options.seed, events: options.events, check: (e) => checker.check(e) }, progress)) {
      phases++;
      // The last phase is cut at the budget: a prefix of each stream's events is still a valid log.
      const batch: Append[] = [];
      for (const a of phase) {
        const room = options.events - written;
        if (room <= 0) break;
        batch.push(a.events.length <= room ? a : { ...a, events: a.events.slice(0, room) });
        written += Math.min(a.events.length, room);
      }
      appends += batch.length;
      await write(batch);
      if (elapsed() - reported >= 5 || written >= options.events) {
        reported = elapsed();
        log(
          `${written.toLocaleString('en-US')} events, ${appends.toLocaleString('en-US')} appends, ${phases} phases · ${Math.round(written / elapsed()).toLocaleString('en-US')} events/s`,
        );
      }
      if (written >= options.events) break;
    }
    return { events: written, appends, seconds: elapsed(), checked: checker.checked };
  } finally {
    await store.close();
    await pool.end();
  }
};

export const redact = (url: string): string => {
  const u = new URL(url);
  if (u.password) u.password = '***';
  return u.toString();
};
