import { Presets, SingleBar } from 'cli-progress';
import { DataSource } from 'typeorm';
import { EventRegistry } from '../event-store/event-registry.js';
import { EVENT_STORE, type EventStore } from '../event-store/event-store.js';
import { rebuildProjection } from '../projections/projection-rebuilder.js';
import { withProjections } from './projection-tool.js';

/**
 * `npm run projections:rebuild [name…]` — replays the log into fresh tables for the named
 * projections (all when none are named) and swaps them in when caught up. Safe while the service
 * runs: its runner resumes from the rebuilt checkpoint.
 */
await withProjections(async (app, projections, batchSize) => {
  const store = app.get<EventStore>(EVENT_STORE);
  for (const projection of projections) {
    const bar = new SingleBar(
      { format: `${projection.name.padEnd(24)} {bar} {percentage}% | {events} events | {rate} events/s`, noTTYOutput: true, notTTYSchedule: 5000 },
      Presets.shades_classic,
    );
    const started = Date.now();
    let first: bigint | undefined;
    bar.start(100, 0, { events: 0, rate: 0 });
    const result = await rebuildProjection(app.get(DataSource), store, projection, {
      batchSize: Math.max(batchSize, 5000),
      registry: app.get(EventRegistry),
      onProgress: ({ events, position, head }) => {
        first ??= position;
        const span = head - first;
        const done = span > 0n ? Number(((position - first) * 100n) / span) : 100;
        const rate = Math.round(events / Math.max((Date.now() - started) / 1000, 0.001));
        bar.update(Math.min(done, 100), { events, rate });
      },
    });
    const seconds = (Date.now() - started) / 1000;
    bar.update(100, { events: result.events, rate: Math.round(result.events / Math.max(seconds, 0.001)) });
    bar.stop();
    process.stdout.write(
      `${projection.name}: ${result.events} events in ${seconds.toFixed(1)} s, now at position ${result.position}` +
        `${result.anomalies ? `, ${result.anomalies} anomalies recorded` : ''}\n`,
    );
  }
});
