const { NxAppWebpackPlugin } = require('@nx/webpack/app-plugin');
const { basename, join } = require('node:path');

/**
 * The one webpack configuration of every Node app: `apps/<name>/webpack.config.js` is
 * `module.exports = nodeAppWebpackConfig(__dirname)`. The bundle goes to dist/apps/<name>/main.js,
 * with the package.json and lockfile of its external dependencies (the Dockerfile installs those).
 */
function nodeAppWebpackConfig(appDir) {
  return {
    output: { path: join(appDir, '../../dist/apps', basename(appDir)), clean: true },
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
}

module.exports = { nodeAppWebpackConfig };
