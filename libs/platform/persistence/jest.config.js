module.exports = {
  ...require('../../../jest.preset.js'),
  displayName: 'platform-persistence',
  rootDir: __dirname,
};
