/**
 * `npm run test:unit`: the unit tests beside the code (the `*.spec.ts` files under src/ and web/src/:
 * deciders, policies, parsers, the screens' outbox) without the global setup, so no PostgreSQL starts
 * and the run takes seconds.
 */
import base, { server, web } from './jest.config.js';

const { globalSetup: _setup, globalTeardown: _teardown, ...withoutDatabase } = server;

export default { ...base, projects: [{ ...withoutDatabase, testMatch: ['<rootDir>/src/**/*.spec.ts'] }, web] };
