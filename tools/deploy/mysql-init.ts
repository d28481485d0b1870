import type { ServiceDatabase } from './workspace';

/**
 * The MySQL init script (compose and the in-cluster component) against tools/db/databases.mjs:
 * the same schemas (utf8mb4_unicode_ci), the same users, each with privileges on its own schema
 * only, and a password from <SERVICE>_DB_PASSWORD as provision.mjs reads it.
 */
export function mysqlInitProblems(script: string, databases: ServiceDatabase[]): string[] {
  const schemas = [...script.matchAll(/CREATE DATABASE IF NOT EXISTS \\?`(\w+)\\?`([^;]*);/g)].map((m) => ({
    schema: m[1]!,
    options: m[2]!,
  }));
  const users = [
    ...script.matchAll(/CREATE USER IF NOT EXISTS '(\w+)'@'%' IDENTIFIED BY \$\(sql_string "\$(\w+)"\)/g),
  ].map((m) => ({ user: m[1]!, passwordVariable: m[2]! }));
  const grants = [...script.matchAll(/GRANT ([^;]+?) ON ([^\s]+) TO '(\w+)'@'%'/g)].map((m) => ({
    privileges: m[1]!,
    on: m[2]!.replace(/\\/g, ''),
    user: m[3]!,
  }));
  const problems: string[] = [];
  const expectedSchemas = new Set(databases.map((d) => d.schema));
  for (const { schema, options } of schemas) {
    if (!expectedSchemas.has(schema)) problems.push(`creates schema ${schema}, which no service owns`);
    if (!/utf8mb4_unicode_ci/.test(options)) problems.push(`schema ${schema} is not utf8mb4_unicode_ci`);
  }
  for (const db of databases) {
    const prefix = db.service.toUpperCase();
    if (!schemas.some((s) => s.schema === db.schema)) problems.push(`does not create schema ${db.schema}`);
    const user = users.find((u) => u.user === db.user);
    if (!user) problems.push(`does not create user ${db.user}`);
    else if (user.passwordVariable !== `${prefix}_DB_PASSWORD`)
      problems.push(`${db.user}'s password comes from ${user.passwordVariable}, not ${prefix}_DB_PASSWORD`);
    const granted = grants.filter((g) => g.user === db.user);
    if (!granted.some((g) => g.on === `\`${db.schema}\`.*` && /ALL PRIVILEGES/.test(g.privileges)))
      problems.push(`${db.user} is not granted ALL PRIVILEGES on ${db.schema}.*`);
    for (const g of granted.filter((g) => g.on !== `\`${db.schema}\`.*`))
      problems.push(
        `${db.user} is granted ${g.privileges} on ${g.on}: least privilege allows its own schema only`,
      );
  }
  for (const u of users.filter((u) => !databases.some((d) => d.user === u.user)))
    problems.push(`creates user ${u.user}, which no service uses`);
  return problems;
}
