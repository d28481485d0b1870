import { validateWorkflow, type ValidationError } from '@action-validator/core';

/**
 * A GitHub Actions workflow against SchemaStore's github-workflow schema, through action-validator
 * (the schema compiled into WebAssembly, offline). Unknown keys are errors: the schema closes
 * every object.
 */
export function workflowSchemaProblems(source: string): string[] {
  const flatten = (errors: ValidationError[]): string[] =>
    errors.flatMap((error) => {
      const nested = 'states' in error && error.states ? error.states.flatMap((s) => flatten(s.errors)) : [];
      const where = 'path' in error ? error.path : '';
      return nested.length ? nested : [`${where}: ${error.detail ?? error.title}`];
    });
  return [...new Set(flatten(validateWorkflow(source).errors))];
}
