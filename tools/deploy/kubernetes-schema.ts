import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import Ajv from 'ajv';
import { formatSchemaErrors } from './compose-schema';
import { describeObject, type KubernetesObject } from './workspace';

/**
 * Kubernetes' own OpenAPI definitions as JSON schemas, from kubernetes-models 4.3.1 (Kubernetes
 * 1.27): the last release that ships them as data; later ones ship precompiled validators that
 * cannot be made strict. Like `kubeconform -strict`, every object schema gets
 * additionalProperties: false, so a misspelt field (spec.replicasx) is an error, as it is for
 * `kubectl apply --validate=strict`.
 */
type Schema = Record<string, unknown>;

const SCHEMA_SOURCE = /const schema = (\{[\s\S]*?\n\});\s*function addSchema/;
const SCHEMA_ID = /register\)\("([^"]+)", schema\)/;

function schemaFiles(packageName: string): string[] {
  const dir = join(dirname(require.resolve(`${packageName}/package.json`)), '_schemas');
  return readdirSync(dir)
    .filter((name) => name.endsWith('.js'))
    .map((name) => join(dir, name));
}

/** The schema literal and its id, read as data from each generated module (nothing executed). */
function loadDefinitions(): Map<string, Schema> {
  const definitions = new Map<string, Schema>();
  for (const file of [
    ...schemaFiles('kubernetes-models'),
    ...schemaFiles('@kubernetes-models/apimachinery'),
  ]) {
    const source = readFileSync(file, 'utf8');
    const body = SCHEMA_SOURCE.exec(source);
    const id = SCHEMA_ID.exec(source);
    if (body && id) definitions.set(id[1]!, JSON.parse(body[1]!) as Schema);
  }
  return definitions;
}

/** Unknown fields become errors, except where Kubernetes itself keeps them (free-form objects). */
function strict(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(strict);
  if (schema === null || typeof schema !== 'object') return schema;
  const node = Object.fromEntries(
    Object.entries(schema).map(([key, value]) => [key, strict(value)]),
  ) as Schema;
  if (
    node['properties'] &&
    node['additionalProperties'] === undefined &&
    !node['x-kubernetes-preserve-unknown-fields']
  )
    node['additionalProperties'] = false;
  return node;
}

interface Registry {
  ajv: Ajv;
  /** "apps/v1/Deployment" -> schema id */
  idByKind: Map<string, string>;
}

let registry: Registry | undefined;

const singleEnum = (property: unknown): string | undefined => {
  const values = (property as { enum?: unknown[] } | undefined)?.enum;
  return values?.length === 1 && typeof values[0] === 'string' ? values[0] : undefined;
};

function load(): Registry {
  const ajv = new Ajv({ allErrors: true, strict: false, validateFormats: true });
  const int32 = (n: number) => Number.isInteger(n) && n >= -(2 ** 31) && n < 2 ** 31;
  ajv.addFormat('int32', { type: 'number', validate: int32 });
  ajv.addFormat('int64', { type: 'number', validate: Number.isInteger });
  // 500m, 1, 256Mi, 1e3: what resources.requests and limits accept.
  ajv.addFormat('quantity', /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+|[KMGTPE]i|[numkMGTPE])?$/);
  for (const loose of ['byte', 'date-time', 'double', 'int-or-string']) ajv.addFormat(loose, true);
  const idByKind = new Map<string, string>();
  for (const [id, schema] of loadDefinitions()) {
    ajv.addSchema(strict(schema) as Schema, id);
    const properties = schema['properties'] as Record<string, unknown> | undefined;
    const apiVersion = singleEnum(properties?.['apiVersion']);
    const kind = singleEnum(properties?.['kind']);
    if (apiVersion && kind) idByKind.set(`${apiVersion}/${kind}`, id);
  }
  return { ajv, idByKind };
}

/** Problems of one object against its kind's schema; empty when valid. */
export function kubernetesSchemaProblems(object: KubernetesObject): string[] {
  registry ??= load();
  const id = registry.idByKind.get(`${object.apiVersion}/${object.kind}`);
  if (!id) return [`${describeObject(object)}: no Kubernetes schema for ${object.apiVersion} ${object.kind}`];
  const validate = registry.ajv.getSchema(id)!;
  if (validate(object)) return [];
  // A field's error shows up once per branch of "X or null"; the null branch's complaint is noise.
  const errors = (validate.errors ?? []).filter(
    (e) => !(e.keyword === 'type' && e.params['type'] === 'null'),
  );
  return formatSchemaErrors(errors.filter((e) => e.keyword !== 'oneOf')).map(
    (problem) => `${describeObject(object)}${problem.startsWith('/') ? ' ' : ': '}${problem}`,
  );
}
