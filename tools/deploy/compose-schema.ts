import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';

/**
 * The compose specification's JSON schema, as shipped by dclint (a maintained compose linter that
 * tracks the upstream compose-spec schema). Its package exports hide the file, so it is read from
 * the package directory.
 */
function composeSchema(): object {
  const packageDir = dirname(require.resolve('dclint/package.json'));
  const { $schema: draft, ...schema } = JSON.parse(
    readFileSync(join(packageDir, 'schemas/compose.schema.json'), 'utf8'),
  ) as Record<string, unknown>;
  // Draft-07 (Ajv's default); its https spelling of the meta-schema URL is one Ajv does not know.
  if (draft !== 'https://json-schema.org/draft-07/schema')
    throw new Error(`compose schema is now ${String(draft)}`);
  return schema;
}

let validator: ValidateFunction | undefined;

export const formatSchemaErrors = (errors: ErrorObject[] | null | undefined): string[] => [
  ...new Set(
    (errors ?? []).map((e) => {
      const where = e.instancePath || '/';
      const extra =
        e.keyword === 'additionalProperties' ? ` '${String(e.params['additionalProperty'])}'` : '';
      return `${where}: ${e.message ?? e.keyword}${extra}`;
    }),
  ),
];

/** Problems of a parsed compose file against the compose specification; empty when valid. */
export function composeSchemaProblems(compose: unknown): string[] {
  validator ??= new Ajv({ allErrors: true, strict: false }).compile(composeSchema());
  return validator(compose) ? [] : formatSchemaErrors(validator.errors);
}
