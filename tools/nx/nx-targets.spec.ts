import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { specsOf, type ProjectNode, type Target } from './project-specs';

/**
 * The task layout of ADR 0012, read from Nx itself (the project graph, `nx show projects --affected`):
 * `test` runs a project's unit specs and is cached; `int-test` runs its integration and end-to-end
 * specs through `npm test`'s runner; together they run every spec `npm test` runs.
 */
const ROOT = join(__dirname, '../..');
const run = promisify(execFile);
// Each nx call builds the project graph and each jest --listTests loads a config. On a busy 2-core
// machine (npm test runs every suite at once) one such call can take over ten seconds.
const NX_TIMEOUT_MS = 120_000;
const NX_ENV = { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false' };

const nx = async (...args: string[]): Promise<string> =>
  (await run(join(ROOT, 'node_modules/.bin/nx'), args, { cwd: ROOT, env: NX_ENV, maxBuffer: 1 << 26 }))
    .stdout;

/** The command line nx:run-commands runs for a target, as the shell sees it. */
const commandLine = (target: Target): string =>
  [target.options.command, ...(target.options.args ?? [])].join(' ');

let projects: ProjectNode[];

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'nx-graph-'));
  try {
    await nx('graph', `--file=${join(dir, 'graph.json')}`);
    const graph = require(join(dir, 'graph.json')) as { graph: { nodes: Record<string, ProjectNode> } };
    projects = Object.values(graph.graph.nodes);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}, NX_TIMEOUT_MS);

describe('Nx targets (ADR 0012)', () => {
  it('gives every project with unit specs a cached test target, and no other project one', () => {
    const withUnitSpecs = projects.filter((p) => specsOf(p, projects).unit.length > 0).map((p) => p.name);
    const withTest = projects.filter((p) => p.data.targets['test']).map((p) => p.name);
    expect(withTest.sort()).toEqual(withUnitSpecs.sort());
    for (const name of withTest) {
      const test = projects.find((p) => p.name === name)!.data.targets['test']!;
      expect({ name, cache: test.cache, jestSetup: test.inputs?.includes('jestSetup') }).toEqual({
        name,
        cache: true,
        jestSetup: true,
      });
    }
  });

  it(
    "runs exactly the project's unit specs in test: no integration or end-to-end spec",
    async () => {
      const withTest = projects.filter((p) => p.data.targets['test']);
      const listed = await Promise.all(
        withTest.map(async (project) => {
          const test = project.data.targets['test']!;
          const { stdout } = await run('sh', ['-c', `${commandLine(test)} --listTests`], {
            cwd: join(ROOT, test.options.cwd ?? ''),
            env: { ...process.env, ...test.options.env },
          });
          const files = stdout.split('\n').filter((line) => line.endsWith('.ts'));
          return [project.name, files.map((f) => f.slice(ROOT.length + 1)).sort()];
        }),
      );
      const expected = withTest.map((p) => [p.name, specsOf(p, projects).unit]);
      expect(Object.fromEntries(listed)).toEqual(Object.fromEntries(expected));
    },
    NX_TIMEOUT_MS,
  );

  it('gives every project with integration or end-to-end specs an uncached, serial int-test through npm test', () => {
    const withIntSpecs = projects.filter((p) => specsOf(p, projects).int.length > 0);
    const withIntTest = projects.filter((p) => p.data.targets['int-test']).map((p) => p.name);
    expect(withIntTest.sort()).toEqual(withIntSpecs.map((p) => p.name).sort());
    for (const project of withIntSpecs) {
      const intTest = project.data.targets['int-test']!;
      const command = commandLine(intTest);
      expect(command).toMatch(/^node tools\/test\/run-tests\.mjs /);
      expect({ cache: intTest.cache, parallelism: intTest.parallelism }).toEqual({
        cache: false,
        parallelism: false,
      });
      // --selectProjects picks jest projects by displayName: it must be the Nx project's name.
      const selected = /--selectProjects=(\S+)/.exec(command)?.[1];
      const jestConfig = require(join(ROOT, project.data.root, 'jest.config.js')) as { displayName: string };
      expect([selected, jestConfig.displayName]).toEqual([project.name, project.name]);
      const pattern = new RegExp(/--testPathPatterns='([^']+)'/.exec(command)![1]!);
      const { unit, int } = specsOf(project, projects);
      expect({ int: int.filter((f) => pattern.test(f)), unit: unit.filter((f) => pattern.test(f)) }).toEqual({
        int,
        unit: [],
      });
    }
  });

  it(
    "runs every spec of npm test's one jest run in exactly one of test and int-test",
    async () => {
      const byTarget = projects.flatMap((project) => {
        const { unit, int, other } = specsOf(project, projects);
        expect({ project: project.name, other }).toEqual({ project: project.name, other: [] });
        return [
          ...(project.data.targets['test'] ? unit : []),
          ...(project.data.targets['int-test'] ? int : []),
        ];
      });
      const { stdout } = await run(join(ROOT, 'node_modules/.bin/jest'), ['--listTests'], { cwd: ROOT });
      const npmTest = stdout.split('\n').filter((line) => line.endsWith('.ts'));
      expect(byTarget.sort()).toEqual(npmTest.map((f) => f.slice(ROOT.length + 1)).sort());
    },
    NX_TIMEOUT_MS,
  );
});

describe('nx affected (ADR 0012)', () => {
  const affected = async (...args: string[]): Promise<string[]> =>
    (JSON.parse(await nx('show', 'projects', '--affected', '--json', ...args)) as string[]).sort();

  it(
    'finds nothing affected between a commit and itself',
    async () => {
      expect(await affected('--base=HEAD', '--head=HEAD')).toEqual([]);
    },
    NX_TIMEOUT_MS,
  );

  it(
    'runs the unit and integration specs of everything that imports a changed library',
    async () => {
      const files = '--files=libs/platform/messaging/src/index.ts';
      const [tests, intTests] = await Promise.all([
        affected('--withTarget=test', files),
        affected('--withTarget=int-test', files),
      ]);
      expect(tests).toEqual(
        expect.arrayContaining(['auth', 'catalog', 'order', 'platform-messaging', 'platform-service']),
      );
      expect(tests).not.toContain('contracts');
      // The generator's int-spec runs a generated service, which is built on the platform libraries.
      expect(intTests).toEqual([
        'auth',
        'catalog',
        'e2e',
        'order',
        'platform-messaging',
        'workspace-generators',
      ]);
    },
    NX_TIMEOUT_MS,
  );

  it(
    'runs the integration specs again when the test infrastructure changes, and only the checks for a manifest',
    async () => {
      const [infra, manifest] = await Promise.all([
        affected('--withTarget=int-test', '--files=tools/db/provision.mjs'),
        affected('--files=deploy/k8s/base/kustomization.yaml'),
      ]);
      expect(infra).toEqual(
        projects
          .filter((p) => p.data.targets['int-test'])
          .map((p) => p.name)
          .sort(),
      );
      // The drift checks read the manifests; the generator edits them next to landmarks they hold.
      expect(manifest).toEqual(['workspace-generators', 'workspace-tools']);
    },
    NX_TIMEOUT_MS,
  );
});
