import { execFile } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

const ROOT = join(__dirname, '../..');

const PROBES = {
  crossApp: {
    path: 'apps/order/src/boundary-probe-cross-app.ts',
    code: "import { AppModule } from '../../catalog/src/app.module';\nexport const probe = AppModule;\n",
  },
  frameworkInContracts: {
    path: 'libs/contracts/src/boundary-probe-framework.ts',
    code: "import { Injectable } from '@nestjs/common';\nexport const probe = Injectable;\n",
  },
  sharedLib: {
    path: 'apps/order/src/boundary-probe-shared-lib.ts',
    code: "import { TOPICS } from '@shopflow/contracts';\nexport const probe = TOPICS;\n",
  },
  testingInProduction: {
    path: 'apps/order/src/boundary-probe-testing.ts',
    code: "import { eventually } from '@shopflow/testing';\nexport const probe = eventually;\n",
  },
  testingInTestSupport: {
    path: 'apps/catalog/src/test-support/boundary-probe-testing.ts',
    code: "import { eventually } from '@shopflow/testing';\nexport const probe = eventually;\n",
  },
};

/**
 * Runs the real ESLint CLI, with the workspace's config, over throw-away files placed inside
 * projects (the type-aware parser only sees files on disk), and returns the boundary errors per probe.
 */
async function lintProbes(): Promise<Record<keyof typeof PROBES, string[]>> {
  const files = Object.values(PROBES).map((p) => join(ROOT, p.path));
  Object.values(PROBES).forEach((p) => writeFileSync(join(ROOT, p.path), p.code));
  try {
    const eslint = join(ROOT, 'node_modules/.bin/eslint');
    const { stdout } = await promisify(execFile)(eslint, ['--format', 'json', ...files], { cwd: ROOT }).catch(
      (error: { stdout?: string }) => ({ stdout: error.stdout ?? '[]' }), // exit 1 when errors are found
    );
    const results = JSON.parse(stdout) as {
      filePath: string;
      messages: { ruleId: string; message: string }[];
    }[];
    const errorsOf = (path: string) => {
      const result = results.find((r) => r.filePath === join(ROOT, path));
      if (!result) throw new Error(`ESLint did not lint ${path}: ${stdout.slice(0, 500)}`);
      return result.messages
        .filter((m) => m.ruleId === '@nx/enforce-module-boundaries')
        .map((m) => m.message);
    };
    return {
      crossApp: errorsOf(PROBES.crossApp.path),
      frameworkInContracts: errorsOf(PROBES.frameworkInContracts.path),
      sharedLib: errorsOf(PROBES.sharedLib.path),
      testingInProduction: errorsOf(PROBES.testingInProduction.path),
      testingInTestSupport: errorsOf(PROBES.testingInTestSupport.path),
    };
  } finally {
    files.forEach((file) => rmSync(file, { force: true }));
  }
}

describe('module boundaries (ESLint with @nx/enforce-module-boundaries)', () => {
  let errors: Awaited<ReturnType<typeof lintProbes>>;
  beforeAll(async () => {
    errors = await lintProbes();
  }, 180_000);

  it("fails lint when a service imports another service's code", () => {
    expect(errors.crossApp.join('\n')).toMatch(/Imports of apps are forbidden|relative or absolute path/);
  });

  it('fails lint when the contracts lib imports a framework', () => {
    expect(errors.frameworkInContracts.join('\n')).toMatch(/@nestjs\/common/);
  });

  it('passes when a service imports a shared lib through its public entry point', () => {
    expect(errors.sharedLib).toEqual([]);
  });

  it('fails lint when production code imports the testing lib', () => {
    expect(errors.testingInProduction.join('\n')).toMatch(
      /can only depend on libs tagged with "type:platform", "type:contracts"$/,
    );
  });

  it('lets specs and test-support fixtures import the testing lib', () => {
    expect(errors.testingInTestSupport).toEqual([]);
  });
});
