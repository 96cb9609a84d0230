/**
 * Jest runs in native ESM mode (Nest 12 packages are ESM only); ts-jest transpiles each file on its own.
 * Two projects, because the server and the screens compile differently (decorators and Node types for
 * the one; DOM types and bundler resolution for the other), and one ts-jest configuration per project
 * keeps either from compiling the other's files.
 */
const common = {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
};

/** The service: unit tests beside the code, and everything under test/ (on the PostgreSQL the global setup starts). */
export const server = {
  ...common,
  displayName: 'server',
  transform: { '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.json' }] },
  testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/test/**/*.spec.ts'],
  globalSetup: '<rootDir>/test/support/global-setup.js',
  globalTeardown: '<rootDir>/test/support/global-teardown.js',
};

/** The screens' own logic (web/src): the outbox's rules, formats, the client's helpers. */
export const web = {
  ...common,
  displayName: 'web',
  transform: { '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'web/tsconfig.json' }] },
  testMatch: ['<rootDir>/web/src/**/*.spec.ts'],
};

export default { testTimeout: 60000, projects: [server, web] };
