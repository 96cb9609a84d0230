import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { SingleBar, Presets } from 'cli-progress';
import { DataSource } from 'typeorm';
import { AppModule } from '../app.module.js';
import { ConfigError, loadConfig } from '../config/config.js';
import { migrate } from '../database/data-source.js';
import { runningEmbeddedPostgres, startEmbeddedPostgres } from '../database/embedded-postgres.js';
import { EventRegistry } from '../event-store/event-registry.js';
import { EVENT_STORE, type EventStore } from '../event-store/event-store.js';
import { rebuildProjection } from '../projections/projection-rebuilder.js';
import { ProjectionsService } from '../projections/projections.service.js';

/**
 * `npm run projections:rebuild [name…]` — replays the log into fresh tables for the named
 * projections (all when none are named) and swaps them in when caught up. Safe while the service
 * runs: its runner resumes from the rebuilt checkpoint.
 */
const main = async (): Promise<void> => {
  const config = loadConfig();
  const embedded = config.DATABASE_URL
    ? undefined
    : ((await runningEmbeddedPostgres(config.dataDir)) ?? (await startEmbeddedPostgres(config.dataDir)));
  const databaseUrl = config.DATABASE_URL ?? embedded!.url;
  await migrate(databaseUrl);
  const app = await NestFactory.createApplicationContext(
    AppModule.forRoot({ config: { ...config, LOG_LEVEL: 'warn' }, databaseUrl, runProjections: false }),
    { logger: ['error', 'warn'] },
  );
  try {
    const projections = app.get(ProjectionsService);
    const wanted = process.argv.slice(2);
    const known = projections.projections.filter((p) => p.rebuildable !== false).map((p) => p.name);
    const unknown = wanted.filter((name) => !known.includes(name));
    if (unknown.length > 0) {
      throw new ConfigError(`unknown projection(s) ${unknown.join(', ')}; known: ${known.join(', ')}`);
    }
    const store = app.get<EventStore>(EVENT_STORE);
    const chosen = projections.projections.filter(
      (p) => p.rebuildable !== false && (wanted.length === 0 || wanted.includes(p.name)),
    );
    for (const projection of chosen) {
      const bar = new SingleBar(
        { format: `${projection.name.padEnd(24)} {bar} {percentage}% | {events} events | {rate} events/s`, noTTYOutput: true, notTTYSchedule: 5000 },
        Presets.shades_classic,
      );
      const started = Date.now();
      let first: bigint | undefined;
      bar.start(100, 0, { events: 0, rate: 0 });
      const result = await rebuildProjection(app.get(DataSource), store, projection, {
        batchSize: Math.max(projections.batchSize, 5000),
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
  } finally {
    await app.close();
    await embedded?.stop();
  }
};

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof ConfigError ? error.message : ((error as Error).stack ?? String(error))}\n`);
  process.exit(1);
});
