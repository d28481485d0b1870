// One jest run over every project, so `npm test` prints one summary.
module.exports = {
  projects: [
    '<rootDir>/apps/*/jest.config.js',
    '<rootDir>/libs/**/jest.config.js',
    '<rootDir>/tools/jest.config.js',
    '<rootDir>/tools/generators/jest.config.js',
  ],
  testTimeout: 60_000,
  // One suite at a time on every machine, not only on CI's two cores (where jest's default already
  // gives one worker): the services' consumer groups are fixed names (CONSUMER_GROUPS), so two
  // suites starting catalog or order on the shared broker would split one group's partitions.
  maxWorkers: 1,
};
