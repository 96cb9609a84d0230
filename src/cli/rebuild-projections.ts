import { Presets, SingleBar } from 'cli-progress';
import { DataSource } from 'typeorm';
import { EventRegistry } from '../event-store/event-registry.js';
import { EVENT_STORE, type EventStore } from '../event-store/event-store.js';
import { rebuildProjections, rewindCheckpointsBeyondLog } from '../projections/projection-rebuilder.js';
import { ProjectionsService } from '../projections/projections.service.js';
import { withProjections } from './projection-tool.js';

/**
 * `npm run projections:rebuild [name…]` — replays the log, in one pass, into fresh tables for the
 * named projections (all when none are named) and swaps them in together when caught up. Safe while
 * the service runs: its runners resume from the rebuilt checkpoints. After a restore of the log to an
 * older state, it also moves back to the start the reactions' checkpoints that stand beyond the
 * log's end (replaying is their rebuild); the service then takes writes again by itself.
 */
await withProjections(async (app, projections, batchSize) => {
  const store = app.get<EventStore>(EVENT_STORE);
  const bar = new SingleBar(
    { format: `rebuild {bar} {percentage}% | {events} log events | {rate} events/s`, noTTYOutput: true, notTTYSchedule: 5000 },
    Presets.shades_classic,
  );
  const started = Date.now();
  let first: bigint | undefined;
  bar.start(100, 0, { events: 0, rate: 0 });
  const results = await rebuildProjections(app.get(DataSource), store, projections, {
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
  const reactions = app.get(ProjectionsService).projections.filter((p) => p.rebuildable === false);
  const rewound = await rewindCheckpointsBeyondLog(app.get(DataSource), store, reactions);
  const seconds = (Date.now() - started) / 1000;
  bar.update(100);
  bar.stop();
  for (const [name, result] of results) {
    process.stdout.write(
      `${name}: ${result.events} events, now at position ${result.position}${result.anomalies ? `, ${result.anomalies} anomalies recorded` : ''}\n`,
    );
  }
  for (const name of rewound) process.stdout.write(`${name}: was beyond the end of the log; replays it from the start\n`);
  process.stdout.write(`${results.size} projection(s) rebuilt in one pass in ${seconds.toFixed(1)} s\n`);
});
