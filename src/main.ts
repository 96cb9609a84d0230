import { ConfigError, loadConfig } from './config/config.js';
import { startEmbeddedPostgres, type EmbeddedDatabase } from './database/embedded-postgres.js';
import { createApp } from './bootstrap.js';

/**
 * Starts the service: validated configuration, then the database (the configured one, or an
 * embedded PostgreSQL in DATA_DIR), then HTTP. SIGINT/SIGTERM stop it in reverse order.
 */
const main = async (): Promise<void> => {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }

  let embedded: EmbeddedDatabase | undefined;
  if (!config.DATABASE_URL) {
    embedded = await startEmbeddedPostgres(config.dataDir, { port: config.EMBEDDED_DB_PORT });
  }
  const app = await createApp(config, config.DATABASE_URL ?? embedded!.url);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`${signal}: stopping\n`);
    await app.close();
    await embedded?.stop();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));

  await app.listen(config.PORT, config.HOST);
  process.stderr.write(
    `ppe-ledger listening on http://${config.HOST}:${config.PORT}/api ` +
      `(event store: ${config.EVENTSTORE_CONNECTION_STRING ? 'EventStoreDB' : 'PostgreSQL'}, ` +
      `database: ${embedded ? `embedded in ${config.dataDir}` : 'external'}; docs at /api/docs)\n`,
  );
};

main().catch((error: unknown) => {
  process.stderr.write(`ppe-ledger failed to start: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
