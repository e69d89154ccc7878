/**
 * One jest run for the whole repo. Tests import the *built* packages (npm test builds first with `tsc -b`),
 * so they exercise exactly what users get, worker-thread scripts included.
 */
/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/packages', '<rootDir>/e2e', '<rootDir>/tools'],
  testMatch: ['**/test/**/*.test.ts', '**/e2e/**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/', '/fixtures/'],
  transform: { '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2022' }, module: { type: 'commonjs' } }] },
  testTimeout: 60000,
};
