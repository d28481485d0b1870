module.exports = {
  ...require('../jest.preset.js'),
  displayName: 'workspace',
  rootDir: __dirname,
  // The generator has a jest project of its own (tools/generators/jest.config.js).
  testPathIgnorePatterns: ['/.cache/', '<rootDir>/generators/'],
};
