import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './workspace';

/**
 * The alert rules' unit tests (deploy/observability/prometheus/alerts.test.yml), run by promtool
 * from Debian's `prometheus` package. CI installs it (.ci/run) and sets SHOPFLOW_REQUIRE_PROMTOOL,
 * so there a missing promtool fails; on a workstation without it the suite is skipped under a
 * title that says how to install it.
 */
const RULES_DIR = join(ROOT, 'deploy/observability/prometheus');

function findPromtool(): string | undefined {
  const candidate = process.env.PROMTOOL ?? 'promtool';
  return spawnSync(candidate, ['--version'], { stdio: 'ignore' }).status === 0 ? candidate : undefined;
}

const promtool = findPromtool();
const required = process.env.SHOPFLOW_REQUIRE_PROMTOOL === '1';
const suite = promtool || required ? describe : describe.skip;
const title = promtool
  ? 'alert rules (promtool)'
  : 'alert rules: SKIPPED, promtool not found (apt-get install prometheus, or set PROMTOOL)';

suite(title, () => {
  const run = (cwd: string, ...args: string[]) => {
    if (!promtool) throw new Error('promtool not found: apt-get install prometheus, or set PROMTOOL');
    const result = spawnSync(promtool, args, { cwd, encoding: 'utf8' });
    const output = `${result.stdout}${result.stderr}`;
    if (result.status !== 0) throw new Error(`promtool ${args.join(' ')} failed:\n${output}`);
    return output;
  };

  it('are valid rules', () => {
    expect(run(RULES_DIR, 'check', 'rules', 'alerts.yml')).toContain('SUCCESS: 9 rules found');
  });

  it('pass their unit tests: each fires on its failure and not on its look-alike', () => {
    expect(run(RULES_DIR, 'test', 'rules', 'alerts.test.yml')).toContain('SUCCESS');
  });

  it('the cache alert fails its unit test when it fires at once (the check bites)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'shopflow-alerts-'));
    try {
      const rules = readFileSync(join(RULES_DIR, 'alerts.yml'), 'utf8');
      const eager = rules.replace(/(expr: catalog_cache_backend_up == 0\n\s*)for: 5m/, '$1for: 0m');
      expect(eager).not.toEqual(rules);
      writeFileSync(join(dir, 'alerts.yml'), eager);
      copyFileSync(join(RULES_DIR, 'alerts.test.yml'), join(dir, 'alerts.test.yml'));
      expect(() => run(dir, 'test', 'rules', 'alerts.test.yml')).toThrow(
        /alertname: CatalogCacheBackendDown/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a broken rule fails its unit test (the check bites)', () => {
    // The same tests against a copy whose lag alert can never fire.
    const dir = mkdtempSync(join(tmpdir(), 'shopflow-alerts-'));
    try {
      const rules = readFileSync(join(RULES_DIR, 'alerts.yml'), 'utf8');
      writeFileSync(
        join(dir, 'alerts.yml'),
        rules.replace('(messaging_consumer_lag) > 100', '(messaging_consumer_lag) > 1e9'),
      );
      copyFileSync(join(RULES_DIR, 'alerts.test.yml'), join(dir, 'alerts.test.yml'));
      expect(() => run(dir, 'test', 'rules', 'alerts.test.yml')).toThrow(/alertname: ConsumerLagGrowing/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
