/** Unit specs live beside the code; integration and e2e specs in test/. */
const shared = {
  testEnvironment: 'node',
  // NestJS 12 ships ES modules; test/transform.js turns them (and our TypeScript) into CommonJS.
  transform: { '^.+\\.(t|j|mj)s$': '<rootDir>/test/transform.js' },
  transformIgnorePatterns: ['/node_modules/(?!(@nestjs)/)'],
  moduleFileExtensions: ['ts', 'js', 'json'],
};

module.exports = {
  // Set here: Jest reads testTimeout only at the top level.
  testTimeout: 120000,
  projects: [
    { ...shared, displayName: 'unit', testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/bench/**/*.spec.ts'] },
    {
      ...shared,
      displayName: 'e2e',
      testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'],
      globalSetup: '<rootDir>/test/global-setup.ts',
      globalTeardown: '<rootDir>/test/global-teardown.ts',
    },
  ],
};
