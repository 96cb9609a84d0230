import path from 'node:path';
import { z } from 'zod';

/**
 * Every setting the service reads, validated once at start. A wrong or missing setting stops the
 * service with one line naming it (see `loadConfig`).
 */
const port = z.coerce.number().int().min(0).max(65535);
const positiveInt = z.coerce.number().int().positive();

const postgresUrl = z.url().refine((v) => /^postgres(ql)?:\/\//.test(v), 'must be a postgres:// or postgresql:// URL');

const esdbUrl = z.string().regex(/^esdb(\+discover)?:\/\/\S+$/, 'must be an esdb:// or esdb+discover:// connection string');

const emptyAsUndefined = (v: unknown) => (v === '' ? undefined : v);

export const configSchema = z
  .object({
    NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
    PORT: port.default(3000),
    HOST: z.string().min(1).default('127.0.0.1'),
    DATA_DIR: z.string().min(1).default('./.data'),
    DATABASE_URL: z.preprocess(emptyAsUndefined, postgresUrl.optional()),
    /** Port of the embedded PostgreSQL (only used without DATABASE_URL). */
    EMBEDDED_DB_PORT: z.preprocess(emptyAsUndefined, port.optional()),
    EVENTSTORE_CONNECTION_STRING: z.preprocess(emptyAsUndefined, esdbUrl.optional()),
    /**
     * EventStoreDB: how long one call (an append, one page of a read) may take. A command reads then
     * appends, so one that cannot finish answers 503 within about twice this.
     */
    EVENTSTORE_DEADLINE_MS: positiveInt.min(100).max(60_000).default(3000),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    /** How long a read with `?waitFor=` waits for its projection before answering 503. */
    WAIT_FOR_TIMEOUT_MS: positiveInt.max(30000).default(5000),
    /** Events per projection transaction while catching up. */
    PROJECTION_BATCH_SIZE: positiveInt.max(50000).default(2000),
    DB_POOL_SIZE: positiveInt.max(200).default(20),
    /**
     * Deadlines of every PostgreSQL call (see src/database/pool-options.ts). Together they bound a
     * write that cannot finish to about 10 s: a pool connection within DB_CONNECTION_TIMEOUT_MS, each
     * statement cancelled by the server after DB_STATEMENT_TIMEOUT_MS (rolled back: nothing written),
     * and, should the server not answer at all, the connection given up after DB_QUERY_TIMEOUT_MS.
     */
    DB_CONNECTION_TIMEOUT_MS: positiveInt.max(60_000).default(3000),
    DB_STATEMENT_TIMEOUT_MS: positiveInt.max(3_600_000).default(5000),
    DB_QUERY_TIMEOUT_MS: positiveInt.max(3_600_000).default(7000),
    /** The server ends a session left idle inside a transaction this long (a stuck request, a stalled export). */
    DB_IDLE_IN_TRANSACTION_TIMEOUT_MS: positiveInt.max(3_600_000).default(10_000),
    /** A CSV export gives its database connection back after this long, finished or not (the file then ends cut short). */
    EXPORT_MAX_MS: positiveInt.max(3_600_000).default(60_000),
    /** A CSV export whose client reads nothing for this long is abandoned (connection closed). */
    EXPORT_IDLE_WRITE_MS: positiveInt.max(600_000).default(10_000),
    /** How often an instance that does not lead a projection tries to take it over (a dead leader's lease is free at once). */
    PROJECTION_LEASE_RETRY_MS: positiveInt.max(60_000).default(2000),
    /**
     * How long an Idempotency-Key's answer is kept: a retry within it gets the first answer; after it
     * the key is free again. A week, so a form that kept a command through a long outage still lands once.
     */
    IDEMPOTENCY_RETENTION_HOURS: positiveInt.max(24 * 365).default(168),
    /** How often the service compares the event log's end with the read models' checkpoints. */
    LOG_CHECK_INTERVAL_MS: positiveInt.max(60_000).default(2000),
    /** PEM file of the local token signing key; made on first start. Default: DATA_DIR/signing-key.pem. */
    AUTH_SIGNING_KEY_FILE: z.preprocess(emptyAsUndefined, z.string().min(1).optional()),
    /** An identity provider's JWKS address (OpenID Connect). When set, only its tokens are accepted. */
    AUTH_JWKS_URL: z.preprocess(emptyAsUndefined, z.url().optional()),
    AUTH_ISSUER: z.string().min(1).default('ppe-ledger'),
    AUTH_AUDIENCE: z.string().min(1).default('ppe-ledger'),
    /** The screens' client id at the identity provider (a public client: authorization code with PKCE, no secret). */
    AUTH_WEB_CLIENT_ID: z.string().min(1).default('ppe-ledger-web'),
    /** The scopes the screens ask the identity provider for. */
    AUTH_WEB_SCOPE: z.string().min(1).default('openid profile'),
    /** The longest a token may live, `exp - iat`, in seconds: a stolen token is good for at most this long. */
    AUTH_MAX_TOKEN_LIFETIME_S: positiveInt.max(7 * 24 * 3600).default(12 * 3600),
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
      .transform((v) =>
        v
          .split(',')
          .map((o) => o.trim())
          .filter(Boolean),
      )
      .pipe(z.array(z.url())),
    /** Behind a reverse proxy: how many hops of X-Forwarded-For to trust for the client address. */
    TRUST_PROXY_HOPS: z.coerce.number().int().min(0).max(10).default(0),
    /**
     * Mounts the benchmark baselines (`/api/bench/…`: one plain INSERT, one primary-key SELECT) that
     * `npm run bench` measures the command and read pipelines against. Off by default, and refused
     * with NODE_ENV=production: they write a table no production schema should carry.
     */
    BENCH_ROUTES: z.stringbool().default(false),
  })
  .superRefine((config, context) => {
    if (config.DB_QUERY_TIMEOUT_MS <= config.DB_STATEMENT_TIMEOUT_MS) {
      // The server's own cancel must come first: it says for sure that nothing was written.
      context.addIssue({ code: 'custom', path: ['DB_QUERY_TIMEOUT_MS'], message: 'must be longer than DB_STATEMENT_TIMEOUT_MS' });
    }
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
