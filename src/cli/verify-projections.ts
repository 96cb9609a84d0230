import { DataSource } from 'typeorm';
import { EventRegistry } from '../event-store/event-registry.js';
import { EVENT_STORE, type EventStore } from '../event-store/event-store.js';
import { verifyProjection } from '../projections/projection-rebuilder.js';
import { withProjections } from './projection-tool.js';

/**
 * `npm run projections:verify [name…]` — rebuilds each projection from the log into scratch tables,
 * up to where the live one stands, and compares them row by row. Prints every difference; exits 1
 * when there is one. Safe while the service runs.
 */
await withProjections(async (app, projections, batchSize) => {
  let differing = 0;
  for (const projection of projections) {
    const result = await verifyProjection(app.get(DataSource), app.get<EventStore>(EVENT_STORE), projection, {
      batchSize: Math.max(batchSize, 5000),
      registry: app.get(EventRegistry),
    });
    if (result.differences.length === 0) {
      process.stdout.write(`${projection.name}: same as a rebuild from the log (${result.events} events, position ${result.position})\n`);
      continue;
    }
    differing++;
    process.stdout.write(`${projection.name}: DIFFERS from a rebuild from the log at position ${result.position}\n`);
    for (const d of result.differences) {
      process.stdout.write(`  ${d.table}: ${d.onlyLiveCount} row(s) only in the live table, ${d.onlyRebuiltCount} only in the rebuild\n`);
      for (const row of d.onlyLive) process.stdout.write(`    live:    ${JSON.stringify(row)}\n`);
      for (const row of d.onlyRebuilt) process.stdout.write(`    rebuilt: ${JSON.stringify(row)}\n`);
    }
  }
  return differing > 0 ? 1 : 0;
});
