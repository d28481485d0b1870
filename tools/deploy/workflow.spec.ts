import { workflowSchemaProblems } from './workflow-schema';
import { parseYaml, PINNED_KAFKA_VERSION, readText } from './workspace';

const workflow = readText('.github/workflows/ci.yml');

interface Step {
  name?: string;
  if?: string;
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
}
interface Workflow {
  on: Record<string, unknown>;
  permissions: Record<string, string>;
  jobs: Record<
    string,
    { services: Record<string, { image: string }>; env: Record<string, string>; steps: Step[] }
  >;
}

const parsed = parseYaml(workflow) as Workflow;
const job = parsed.jobs['test']!;
const stepIndex = (predicate: (step: Step) => boolean): number => job.steps.findIndex(predicate);
const runsOnDispatch = (step: Step): boolean => step.if === "github.event_name == 'workflow_dispatch'";
const runsOnChanges = (step: Step): boolean => step.if === "github.event_name != 'workflow_dispatch'";

describe('.github/workflows/ci.yml', () => {
  it('is valid against the GitHub workflow schema', () => {
    expect(workflowSchemaProblems(workflow)).toEqual([]);
  });

  it('reports an unknown key', () => {
    const problems = workflowSchemaProblems(workflow.replace('runs-on:', 'runs-onn:'));
    expect(problems).toContainEqual(expect.stringMatching(/Additional property 'runs-onn' is not allowed/));
  });

  it('runs with MySQL 8.4 and the pinned Kafka as service containers', () => {
    expect(job.services['mysql']?.image).toBe('mysql:8.4.7');
    expect(job.services['kafka']?.image).toBe(`apache/kafka:${PINNED_KAFKA_VERSION}`);
    expect(job.env).toMatchObject({ KAFKA_BROKERS: '127.0.0.1:9092' });
    expect(job.env['MYSQL_ADMIN_URL']).toMatch(/^mysql:\/\/root:[^@]+@127\.0\.0\.1:3306$/);
    expect(job.steps.map((s) => s.run)).toContain('npm ci');
  });

  it('runs everything (npm test) when started by hand', () => {
    expect(Object.keys(parsed.on)).toEqual(
      expect.arrayContaining(['push', 'pull_request', 'workflow_dispatch']),
    );
    expect(job.steps.filter(runsOnDispatch).map((s) => s.run)).toEqual(['npm test']);
  });

  it('checks pull requests and pushes with nx affected, from the SHAs nx-set-shas derives over the whole history', () => {
    const checkout = job.steps.find((s) => s.uses?.startsWith('actions/checkout@'));
    expect(checkout?.with).toEqual({ 'fetch-depth': 0 });
    // nx-set-shas lists this workflow's runs to find main's last green commit.
    expect(parsed.permissions).toMatchObject({ contents: 'read', actions: 'read' });
    const setShas = stepIndex((s) => s.uses?.startsWith('nrwl/nx-set-shas@') ?? false);
    expect(setShas).toBeGreaterThan(stepIndex((s) => s.run === 'npm ci'));
    expect(runsOnChanges(job.steps[setShas]!)).toBe(true);

    const affected = job.steps.filter((s) => s.run?.includes('nx affected'));
    expect(affected.map((s) => s.run)).toEqual([
      'npx nx affected -t lint typecheck test build',
      'npx nx affected -t int-test',
    ]);
    for (const step of affected) {
      expect(runsOnChanges(step)).toBe(true);
      expect(job.steps.indexOf(step)).toBeGreaterThan(setShas);
    }
    // Formatting belongs to no project, so no affected target covers it.
    expect(job.steps.filter(runsOnChanges).map((s) => s.run)).toContain(
      'npx prettier --check --log-level warn .',
    );
  });
});
