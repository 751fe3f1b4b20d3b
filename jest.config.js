/** Jest runs the TypeScript specs through ts-jest; `npm test` type-checks the whole tree first with tsc. */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/spec'],
  testMatch: ['**/*.spec.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
  moduleFileExtensions: ['ts', 'js', 'json'],
  // Each spec file has its own copy of the modules, so its own thread pool: stop it after the file.
  setupFilesAfterEnv: ['<rootDir>/spec/helpers/stop-workers.ts'],
};
