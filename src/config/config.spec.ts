import { describe, expect, it } from '@jest/globals';
import path from 'node:path';
import { ConfigError, loadConfig } from './config.js';

describe('configuration', () => {
  it('has working defaults for a fresh machine', () => {
    const config = loadConfig({});
    expect(config.PORT).toBe(3000);
    expect(config.DATABASE_URL).toBeUndefined();
    expect(config.EVENTSTORE_CONNECTION_STRING).toBeUndefined();
    expect(config.EVENTSTORE_DEADLINE_MS).toBe(3000);
    expect(config.dataDir).toBe(path.resolve('./.data'));
  });

  it('accepts an external PostgreSQL and an EventStoreDB', () => {
    const config = loadConfig({
      PORT: '8080',
      DATABASE_URL: 'postgres://u:p@db:5432/ppe',
      EVENTSTORE_CONNECTION_STRING: 'esdb://eventstore:2113?tls=false',
    });
    expect(config).toEqual(
      expect.objectContaining({ PORT: 8080, DATABASE_URL: 'postgres://u:p@db:5432/ppe', EVENTSTORE_CONNECTION_STRING: 'esdb://eventstore:2113?tls=false' }),
    );
  });

  it('lets tokens live twelve hours at most unless configured otherwise', () => {
    expect(loadConfig({}).AUTH_MAX_TOKEN_LIFETIME_S).toBe(12 * 3600);
    expect(loadConfig({ AUTH_MAX_TOKEN_LIFETIME_S: '3600' }).AUTH_MAX_TOKEN_LIFETIME_S).toBe(3600);
    for (const bad of ['0', '-1', 'a day', '999999999']) expect(() => loadConfig({ AUTH_MAX_TOKEN_LIFETIME_S: bad })).toThrow(/AUTH_MAX_TOKEN_LIFETIME_S/);
  });

  it('treats an empty variable as unset', () => {
    expect(loadConfig({ DATABASE_URL: '' }).DATABASE_URL).toBeUndefined();
  });

  it.each([
    [{ PORT: 'eighty' }, 'PORT="eighty"'],
    [{ PORT: '70000' }, 'PORT="70000"'],
    [{ DATABASE_URL: 'mysql://x' }, 'DATABASE_URL="mysql://x": must be a postgres:// or postgresql:// URL'],
    [{ EVENTSTORE_CONNECTION_STRING: 'http://es:2113' }, 'EVENTSTORE_CONNECTION_STRING="http://es:2113"'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL="loud"'],
    [{ EVENTSTORE_DEADLINE_MS: '0' }, 'EVENTSTORE_DEADLINE_MS="0"'],
  ])('stops on %j with one line naming the setting', (env, expected) => {
    let error: unknown;
    try {
      loadConfig(env as Record<string, string>);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message).toContain(expected);
    expect(message.split('\n')).toHaveLength(1);
  });
});
