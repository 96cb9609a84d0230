/**
 * `npm run test:e2e`: the tests under test/ (event-store contract, projections, HTTP end to end) on
 * the PostgreSQL the global setup starts. With `test:unit` it makes up what `npm test` runs.
 */
import base from './jest.config.js';

export default { ...base, testMatch: ['<rootDir>/test/**/*.spec.ts'] };
