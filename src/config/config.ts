import path from 'node:path';
import { z } from 'zod';

/**
 * Every setting the service reads, validated once at start. A wrong or missing setting stops the
 * service with one line naming it (see `loadConfig`).
 */
const port = z.coerce.number().int().min(0).max(65535);
const positiveInt = z.coerce.number().int().positive();

const postgresUrl = z
  .url()
  .refine((v) => /^postgres(ql)?:\/\//.test(v), 'must be a postgres:// or postgresql:// URL');

const esdbUrl = z
  .string()
  .regex(/^esdb(\+discover)?:\/\/\S+$/, 'must be an esdb:// or esdb+discover:// connection string');

const emptyAsUndefined = (v: unknown) => (v === '' ? undefined : v);

export const configSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: port.default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  DATA_DIR: z.string().min(1).default('./.data'),
  DATABASE_URL: z.preprocess(emptyAsUndefined, postgresUrl.optional()),
  /** Port of the embedded PostgreSQL (only used without DATABASE_URL). */
  EMBEDDED_DB_PORT: z.preprocess(emptyAsUndefined, port.optional()),
  EVENTSTORE_CONNECTION_STRING: z.preprocess(emptyAsUndefined, esdbUrl.optional()),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** How long a read with `?waitFor=` waits for its projection before answering 503. */
  WAIT_FOR_TIMEOUT_MS: positiveInt.max(30000).default(5000),
  /** Events per projection transaction while catching up. */
  PROJECTION_BATCH_SIZE: positiveInt.max(50000).default(2000),
  DB_POOL_SIZE: positiveInt.max(200).default(20),
  /** How often an instance that does not lead a projection tries to take it over (a dead leader's lease is free at once). */
  PROJECTION_LEASE_RETRY_MS: positiveInt.max(60_000).default(2000),
  /** How often the service compares the event log's end with the read models' checkpoints. */
  LOG_CHECK_INTERVAL_MS: positiveInt.max(60_000).default(2000),
  /** PEM file of the local token signing key; made on first start. Default: DATA_DIR/signing-key.pem. */
  AUTH_SIGNING_KEY_FILE: z.preprocess(emptyAsUndefined, z.string().min(1).optional()),
  /** An identity provider's JWKS address (OpenID Connect). When set, only its tokens are accepted. */
  AUTH_JWKS_URL: z.preprocess(emptyAsUndefined, z.url().optional()),
  AUTH_ISSUER: z.string().min(1).default('ppe-ledger'),
  AUTH_AUDIENCE: z.string().min(1).default('ppe-ledger'),
  /** Stock status thresholds, in days of supply: under CRITICAL is critical, under LOW is low. */
  STOCK_CRITICAL_DAYS: z.coerce.number().positive().default(3),
  STOCK_LOW_DAYS: z.coerce.number().positive().default(7),
  /** A weekly situation report is due this many hours after its ISO week starts (Monday 00:00 UTC). */
  REPORT_DUE_HOURS: z.coerce.number().int().min(1).max(168).default(36),
  /** Requests per minute from one address, and per caller (token), before 429. */
  RATE_LIMIT_PER_ADDRESS: positiveInt.max(1_000_000).default(3000),
  RATE_LIMIT_PER_USER: positiveInt.max(1_000_000).default(1200),
  /** Largest request body accepted (bytes). */
  BODY_LIMIT_BYTES: positiveInt.max(10_000_000).default(262_144),
  /** Browser origins allowed to call the API (comma-separated); none by default. */
  CORS_ORIGINS: z
    .string()
    .default('')
    .transform((v) => v.split(',').map((o) => o.trim()).filter(Boolean))
    .pipe(z.array(z.url())),
  /** Behind a reverse proxy: how many hops of X-Forwarded-For to trust for the client address. */
  TRUST_PROXY_HOPS: z.coerce.number().int().min(0).max(10).default(0),
  /**
   * Mounts the benchmark baselines (`/api/bench/…`: one plain INSERT, one primary-key SELECT) that
   * `npm run bench` measures the command and read pipelines against. Off by default, and refused
   * with NODE_ENV=production: they write a table no production schema should carry.
   */
  BENCH_ROUTES: z.stringbool().default(false),
}).superRefine((config, context) => {
  if (config.BENCH_ROUTES && config.NODE_ENV === 'production') {
    context.addIssue({ code: 'custom', path: ['BENCH_ROUTES'], message: 'the benchmark routes are never mounted with NODE_ENV=production' });
  }
});

export type AppConfig = z.infer<typeof configSchema> & {
  /** DATA_DIR made absolute. */
  readonly dataDir: string;
};

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** Parses the environment; throws ConfigError with one line naming every bad setting. */
export const loadConfig = (env: Record<string, string | undefined> = process.env): AppConfig => {
  const result = configSchema.safeParse(env);
  if (!result.success) {
    const problems = result.error.issues.map((i) => {
      const name = i.path.join('.');
      const given = env[name];
      return `${name}=${given === undefined ? '(missing)' : JSON.stringify(given)}: ${i.message}`;
    });
    throw new ConfigError(`invalid configuration: ${problems.join('; ')}`);
  }
  return { ...result.data, dataDir: path.resolve(result.data.DATA_DIR) };
};

export const APP_CONFIG = Symbol('APP_CONFIG');
