import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseAllDocuments, parse } from 'yaml';

/** Reading the repository the way the deployment checks need it: files, YAML, the services. */
export const ROOT = join(__dirname, '../..');

export interface ServiceDatabase {
  service: string;
  schema: string;
  user: string;
  devPassword: string;
  port: number;
}

export const readText = (path: string): string => readFileSync(join(ROOT, path), 'utf8');

/** YAML 1.1 merge keys (`<<: *anchor`) resolved, as docker compose does. */
export const parseYaml = (text: string): unknown => parse(text, { merge: true });

export const parseYamlDocuments = (text: string): unknown[] =>
  parseAllDocuments(text, { merge: true }).map((document) => document.toJS());

export function filesUnder(dir: string, pattern: RegExp): string[] {
  return readdirSync(join(ROOT, dir)).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(join(ROOT, path)).isDirectory()) return filesUnder(path, pattern);
    return pattern.test(name) ? [path] : [];
  });
}

/**
 * tools/db/databases.mjs, the one list of services (schema, user, port), read by running it:
 * an ES module that the CommonJS test runtime cannot import directly.
 */
export function loadServiceDatabases(): ServiceDatabase[] {
  const script =
    "import('./tools/db/databases.mjs').then((m) => process.stdout.write(JSON.stringify(m.DATABASES)))";
  return JSON.parse(
    execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: ROOT, encoding: 'utf8' }),
  ) as ServiceDatabase[];
}

export const SERVICE_VERSION = (JSON.parse(readText('package.json')) as { version: string }).version;
export const PINNED_KAFKA_VERSION = readText('tools/kafka/kafka-version.txt').trim();

export interface ConfigDescription {
  required: string[];
  optional: string[];
}

/**
 * The variables a service's config schema reads, from the built service itself (`describe-config`),
 * so the checks follow the code instead of a list kept here. Builds the service when its bundle is
 * missing (npm test builds all three before jest runs).
 */
export function describeServiceConfig(service: string): ConfigDescription {
  const main = join(ROOT, 'dist/apps', service, 'main.js');
  if (!existsSync(main)) {
    execFileSync(join(ROOT, 'node_modules/.bin/nx'), ['build', service], {
      cwd: ROOT,
      stdio: 'pipe',
      env: { ...process.env, NX_DAEMON: 'false' },
    });
  }
  // An empty environment: describe-config needs none, and nothing from this shell leaks in.
  const output = execFileSync(process.execPath, [main, 'describe-config'], {
    cwd: ROOT,
    encoding: 'utf8',
    env: {},
  });
  return JSON.parse(output) as ConfigDescription;
}

/** `kubectl kustomize <dir>`: every object an overlay applies. */
export function renderKustomization(dir: string): KubernetesObject[] {
  const output = execFileSync('kubectl', ['kustomize', join(ROOT, dir)], {
    encoding: 'utf8',
    maxBuffer: 32 * 1024 * 1024,
  });
  return parseYamlDocuments(output).filter((o): o is KubernetesObject => o !== null);
}

export const overlayDirs = (): string[] =>
  readdirSync(join(ROOT, 'deploy/k8s/overlays')).map((name) => `deploy/k8s/overlays/${name}`);

export const relativeToRoot = (path: string): string => relative(ROOT, path);

/** The loose shape of any Kubernetes object; the schema check makes it trustworthy. */
export interface KubernetesObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  spec?: Record<string, unknown>;
  data?: Record<string, string>;
  stringData?: Record<string, string>;
  [key: string]: unknown;
}

export const describeObject = (o: KubernetesObject): string => `${o.kind}/${o.metadata?.name}`;
