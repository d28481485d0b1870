module.exports = {
  ...require('../../../jest.preset.js'),
  displayName: 'platform-security',
  rootDir: __dirname,
};
