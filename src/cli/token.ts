import { parseArgs } from 'node:util';
import { ROLES, type Role } from '../shared/actor.js';
import { loadSigningKey } from '../auth/signing-key.js';
import { signingKeyFile, signToken } from '../auth/local-token.js';
import { loadConfig } from '../config/config.js';
import { ReferenceData } from '../reference/reference-data.js';

/**
 * `npm run token -- --role county --county 01` prints a token signed with the service's local key
 * (DATA_DIR/signing-key.pem, made on the service's first start, or here if it is missing), for
 * local use: `curl -H "Authorization: Bearer $(npm run -s token -- --role auditor)" …`.
 */
const usage = `usage: npm run token -- --role <${ROLES.join('|')}> [--county CODE] [--municipality CODE] [--sub ID] [--name NAME] [--hours N]`;

const main = async (): Promise<void> => {
  const { values } = parseArgs({
    options: {
      role: { type: 'string' },
      county: { type: 'string' },
      municipality: { type: 'string' },
      sub: { type: 'string' },
      name: { type: 'string' },
      hours: { type: 'string', default: '8' },
    },
  });
  const role = values.role as Role | undefined;
  if (!role || !ROLES.includes(role)) throw new Error(usage);
  const reference = ReferenceData.load();
  if (values.county && !reference.county(values.county)) throw new Error(`no county ${values.county}`);
  if (values.municipality && !reference.municipality(values.municipality)) throw new Error(`no municipality ${values.municipality}`);
  const config = loadConfig();
  if (config.AUTH_JWKS_URL) throw new Error('AUTH_JWKS_URL is set: tokens come from the identity provider');
  // The service refuses a token that lives longer than AUTH_MAX_TOKEN_LIFETIME_S: do not print one.
  const ttlSeconds = Math.round(Number(values.hours) * 3600);
  if (!Number.isFinite(ttlSeconds) || ttlSeconds <= 0 || ttlSeconds > config.AUTH_MAX_TOKEN_LIFETIME_S) {
    throw new Error(`--hours must be more than 0 and at most ${config.AUTH_MAX_TOKEN_LIFETIME_S / 3600} (AUTH_MAX_TOKEN_LIFETIME_S)`);
  }
  const key = await loadSigningKey(signingKeyFile(config), true);
  const scope = values.municipality ?? values.county ?? 'all';
  const token = await signToken(
    key,
    {
      sub: values.sub ?? `local-${role}-${scope}`,
      name: values.name ?? `Local ${role} ${scope}`,
      role,
      ...(values.county ? { county: values.county } : {}),
      ...(values.municipality ? { municipality: values.municipality } : {}),
    },
    config,
    ttlSeconds,
  );
  process.stdout.write(`${token}\n`);
};

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).message}\n`);
  process.exit(1);
});
