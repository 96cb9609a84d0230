/**
 * `npm run test:e2e`: the tests under test/ (event-store contract, projections, HTTP end to end, the
 * browser tests) on the PostgreSQL the global setup starts. With `test:unit` it makes up what `npm
 * test` runs.
 */
import base, { server } from './jest.config.js';

export default { ...base, projects: [{ ...server, testMatch: ['<rootDir>/test/**/*.spec.ts'] }] };
