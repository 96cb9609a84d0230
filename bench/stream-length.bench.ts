import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { guardPool } from '../src/database/pool-options.js';
import { migrate } from '../src/database/data-source.js';
import { EventRegistry } from '../src/event-store/event-registry.js';
import type { NewEvent } from '../src/event-store/event-store.js';
import { PostgresEventStore } from '../src/event-store/postgres/postgres-event-store.js';
import type { CommandContext } from '../src/shared/command-context.js';
import { handleCommand } from '../src/event-store/command-handling.js';
import { warehouseDecider } from '../src/warehouse/domain/warehouse.decider.js';
import { WAREHOUSE_EVENTS } from '../src/warehouse/domain/warehouse.events.js';
import { benchDatabase, type Figure, printFigures, timed } from './support.js';

/**
 * A dispatch on a warehouse stream that already holds many events, against one on a fresh stream,
 * both through the real command handling (load, decide, append). The folded state of a stream is
 * cached with its revision, so a command reads only what came after: its cost should not grow with
 * the stream. The first command after a start reads the stream whole; it is measured apart.
 */
export const streamLengthBenchmarks = async (scale: number): Promise<Figure[]> => {
  const db = await benchDatabase();
  await migrate(db.url);
  const pool = guardPool(new pg.Pool({ connectionString: db.url, max: 4 }));
  const store = new PostgresEventStore(pool, () => new pg.Client({ connectionString: db.url }));
  const registry = new EventRegistry().register(...WAREHOUSE_EVENTS);
  const length = 200_000 * scale;
  const metadata = (role: string): NewEvent['metadata'] => ({
    eventId: randomUUID(),
    correlationId: 'bench',
    causationId: 'bench',
    actor: 'bench',
    role,
    occurredAt: new Date().toISOString(),
    schemaVersion: 1,
  });
  const receipt = (warehouseId: string, quantity: number): NewEvent => ({
    type: 'StockReceived',
    data: {
      receiptId: randomUUID(),
      warehouseId,
      source: 'donation',
      from: 'Bench AB',
      lines: [
        { item: 'FFP2', quantity },
        { item: 'GLOVE-NITRILE-M', quantity },
      ],
    },
    metadata: metadata('warehouse'),
  });
  // The long stream: many receipts, written in batches.
  let revision: bigint | 'no_stream' = 'no_stream';
  for (let written = 0; written < length; written += 1000) {
    const batch = Array.from({ length: Math.min(1000, length - written) }, () => receipt('01-central', 10));
    revision = (await store.appendToStream('warehouse-01-central', batch, { expectedRevision: revision })).nextExpectedRevision;
  }
  await store.appendToStream('warehouse-18-central', [receipt('18-central', 1_000_000)], { expectedRevision: 'no_stream' });

  const context: CommandContext = {
    actor: { sub: 'bench', name: 'Bench', role: 'warehouse', county: '01' },
    correlationId: 'bench',
    causationId: 'bench',
    now: new Date(),
  };
  const dispatch = (warehouseId: string) =>
    handleCommand({
      store,
      registry,
      streamId: `warehouse-${warehouseId}`,
      decider: warehouseDecider,
      command: {
        type: 'DispatchDelivery',
        deliveryId: randomUUID(),
        warehouseId,
        municipality: '0115',
        county: '01',
        dispatchedAt: new Date().toISOString(),
        lines: [{ item: 'FFP2', quantity: 1 }],
      },
      context,
    });
  const dispatches = 300;
  const coldStarted = process.hrtime.bigint();
  await dispatch('01-central'); // the first command reads the long stream whole
  const coldMs = Number(process.hrtime.bigint() - coldStarted) / 1e6;
  await dispatch('18-central');
  const fresh = await timed(async () => {
    for (let i = 0; i < dispatches; i++) await dispatch('18-central');
    return dispatches;
  });
  const long = await timed(async () => {
    for (let i = 0; i < dispatches; i++) await dispatch('01-central');
    return dispatches;
  });
  await store.close();
  await pool.end();
  await db.close();
  const figures: Figure[] = [
    {
      name: `dispatch on a ${length.toLocaleString('en-US')}-event warehouse stream`,
      unit: 'commands/s',
      service: long,
      baseline: fresh,
      baselineName: 'the same dispatch on a fresh stream',
    },
  ];
  printFigures('Command cost against stream length', figures);
  process.stdout.write(`\nFirst command on the long stream after a start (reads it whole): ${coldMs.toFixed(0)} ms\n`);
  return figures;
};
