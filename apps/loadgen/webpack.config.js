const { NxAppWebpackPlugin } = require('@nx/webpack/app-plugin');
const { join } = require('node:path');

module.exports = {
  output: { path: join(__dirname, '../../dist/apps/loadgen'), clean: true },
  plugins: [
    new NxAppWebpackPlugin({
      target: 'node',
      // tsc (not esbuild) so decorator metadata survives: NestJS dependency injection reads it.
      compiler: 'tsc',
      main: './src/main.ts',
      tsConfig: './tsconfig.app.json',
      optimization: false,
      outputHashing: 'none',
      generatePackageJson: true,
      sourceMap: true,
      // Type errors are caught by the `typecheck` target; the build stays fast.
      skipTypeChecking: true,
    }),
  ],
};
