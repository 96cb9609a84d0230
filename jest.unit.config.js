/**
 * `npm run test:unit`: the unit tests beside the code (the `*.spec.ts` files under src/: deciders,
 * policies, parsers) without the global setup, so no PostgreSQL starts and the run takes seconds.
 */
import base from './jest.config.js';

const { globalSetup: _setup, globalTeardown: _teardown, ...withoutDatabase } = base;

export default { ...withoutDatabase, testMatch: ['<rootDir>/src/**/*.spec.ts'] };
