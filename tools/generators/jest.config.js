// The generator's own jest project, so Nx gives it `test` and `int-test` targets of its own.
module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'workspace-generators',
  rootDir: __dirname,
};
