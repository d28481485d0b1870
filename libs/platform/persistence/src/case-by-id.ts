/**
 * `CASE id WHEN ? THEN ? … END` for a map of id → value, with its parameters in order: one UPDATE
 * that gives each row its own value (`SET column = CASE … END WHERE id IN (?)`).
 */
export function caseById(values: ReadonlyMap<string, unknown>): { sql: string; params: unknown[] } {
  return {
    sql: `CASE id ${[...values.keys()].map(() => 'WHEN ? THEN ?').join(' ')} END`,
    params: [...values].flat(),
  };
}
