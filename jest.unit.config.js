/**
 * `npm run test:unit`: the unit tests beside the code (the `*.spec.ts` files under src/ and web/src/: deciders,
 * policies, parsers, the screens' outbox) without the global setup, so no PostgreSQL starts and the run takes seconds.
 */
import base from './jest.config.js';

const { globalSetup: _setup, globalTeardown: _teardown, ...withoutDatabase } = base;

export default { ...withoutDatabase, testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/web/src/**/*.spec.ts'] };
