import { workflowSchemaProblems } from './workflow-schema';
import { parseYaml, PINNED_KAFKA_VERSION, readText } from './workspace';

const workflow = readText('.github/workflows/ci.yml');

describe('.github/workflows/ci.yml', () => {
  it('is valid against the GitHub workflow schema', () => {
    expect(workflowSchemaProblems(workflow)).toEqual([]);
  });

  it('reports an unknown key', () => {
    const problems = workflowSchemaProblems(workflow.replace('runs-on:', 'runs-onn:'));
    expect(problems).toContainEqual(expect.stringMatching(/Additional property 'runs-onn' is not allowed/));
  });

  it('runs npm ci and npm test with MySQL 8.4 and the pinned Kafka as service containers', () => {
    type Job = {
      services: Record<string, { image: string }>;
      env: Record<string, string>;
      steps: { run?: string }[];
    };
    const job = (parseYaml(workflow) as { jobs: Record<string, Job> }).jobs['test']!;
    expect(job.services['mysql']?.image).toBe('mysql:8.4.7');
    expect(job.services['kafka']?.image).toBe(`apache/kafka:${PINNED_KAFKA_VERSION}`);
    expect(job.env).toMatchObject({ KAFKA_BROKERS: '127.0.0.1:9092' });
    expect(job.env['MYSQL_ADMIN_URL']).toMatch(/^mysql:\/\/root:[^@]+@127\.0\.0\.1:3306$/);
    expect(job.steps.map((s) => s.run).filter(Boolean)).toEqual(
      expect.arrayContaining(['npm ci', 'npm test']),
    );
  });
});
