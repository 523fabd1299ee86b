// Three tiers (STYLE.md §10): *.spec.ts (no I/O), *.int-spec.ts (real infrastructure),
// *.e2e-spec.ts (whole system through the gateway and Kafka).
const swc = JSON.parse(require('fs').readFileSync(`${__dirname}/.swcrc`, 'utf8'));
delete swc.$schema;
const shared = {
  testEnvironment: 'node',
  // NestJS 12 and jose ship ES modules only; swc turns them into CommonJS for jest.
  transform: { '^.+\\.(t|j)s$': ['@swc/jest', swc] },
  transformIgnorePatterns: ['/node_modules/(?!(@nestjs|jose)/)'],
  moduleNameMapper: { '^@crm/([^/]+)$': '<rootDir>/libs/$1/src' },
  setupFiles: ['reflect-metadata'],
};
module.exports = {
  // Shards of the infrastructure tiers of about equal length (scripts/test.sh).
  testSequencer: '<rootDir>/test/support/balanced-sequencer.js',
  projects: [
    { ...shared, displayName: 'unit', testMatch: ['<rootDir>/{libs,services,test}/**/*.spec.ts'] },
    {
      ...shared,
      displayName: 'integration',
      testMatch: ['<rootDir>/{libs,services,test}/**/*.int-spec.ts'],
      globalSetup: '<rootDir>/libs/testing/src/global-setup.ts',
      globalTeardown: '<rootDir>/libs/testing/src/global-teardown.ts',
      setupFilesAfterEnv: ['<rootDir>/libs/testing/src/long-timeouts.ts'],
    },
    {
      ...shared,
      displayName: 'e2e',
      testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'],
      globalSetup: '<rootDir>/libs/testing/src/global-setup.ts',
      globalTeardown: '<rootDir>/libs/testing/src/global-teardown.ts',
      setupFilesAfterEnv: ['<rootDir>/libs/testing/src/long-timeouts.ts'],
    },
  ],
};
