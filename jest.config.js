/** Jest runs in native ESM mode (Nest 12 packages are ESM only); ts-jest transpiles each file on its own. */
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: {
    // The screens' own logic (web/src) compiles with the screens' tsconfig (DOM types, bundler resolution).
    '^.+/web/src/.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'web/tsconfig.json' }],
    '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.json' }],
  },
  testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/test/**/*.spec.ts', '<rootDir>/web/src/**/*.spec.ts'],
  globalSetup: '<rootDir>/test/support/global-setup.js',
  globalTeardown: '<rootDir>/test/support/global-teardown.js',
  testTimeout: 60000,
};
