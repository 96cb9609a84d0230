import { describe } from '@jest/globals';
import { startEventStoreDbDouble } from './eventstoredb-double/index.js';
import { startTestApp, type TestApp } from './app.js';

/**
 * Declares the same API suite twice: with the event log in PostgreSQL, and with it in EventStoreDB
 * (the protocol double, through the real client). `start` gives the suite a fresh app; the suite
 * closes what it started.
 */
export const describeOnBothEventStores = (title: string, suite: (start: (env?: Record<string, string>) => Promise<TestApp>) => void): void => {
  describe(`${title} (event log in PostgreSQL)`, () => suite((env) => startTestApp(env)));
  describe(`${title} (event log in EventStoreDB)`, () =>
    suite(async (env) => {
      const double = await startEventStoreDbDouble();
      const app = await startTestApp({ EVENTSTORE_CONNECTION_STRING: double.connectionString, ...env });
      return {
        ...app,
        async close() {
          await app.close();
          await double.stop();
        },
      };
    }));
};
