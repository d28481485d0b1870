// One jest run over every project, so `npm test` prints one summary.
module.exports = {
  projects: [
    '<rootDir>/apps/*/jest.config.js',
    '<rootDir>/libs/**/jest.config.js',
    '<rootDir>/tools/jest.config.js',
    '<rootDir>/tools/generators/jest.config.js',
  ],
  testTimeout: 60_000,
};
