import type { Tree } from '@nx/devkit';
import type { ServiceNames } from './service-names';
import { editFile } from './text-edits';

/**
 * tools/db/databases.mjs is the one list of services: provisioning, migrations, `npm start`,
 * `npm test` and the deployment checks all read it. One more entry there wires the service into
 * all of them.
 */
export function addToDatabaseList(tree: Tree, n: ServiceNames): void {
  editFile(tree, 'tools/db/databases.mjs', (file) =>
    file.insertBefore(
      /\n\];\s*$/,
      `\n  {\n    service: '${n.name}',\n    schema: '${n.schema}',\n    user: '${n.user}',\n    devPassword: '${n.devPassword}',\n    port: ${n.port},\n  },`,
    ),
  );
}

/** Its own module-boundary scope: it may use shared libs and itself, never another service. */
export function addLintScope(tree: Tree, n: ServiceNames): void {
  editFile(tree, 'eslint.config.mjs', (file) =>
    file.insertBefore(
      /^ *\{ sourceTag: 'scope:e2e'/m,
      `    { sourceTag: 'scope:${n.name}', onlyDependOnLibsWithTags: ['scope:${n.name}', 'scope:shared'] },\n`,
    ),
  );
}

/** The MySQL init (compose and the in-cluster component): its schema and least-privileged user. */
export function addToMysqlInit(tree: Tree, n: ServiceNames): void {
  const variable = `${n.constantName}_DB_PASSWORD`;
  editFile(tree, 'deploy/k8s/components/mysql/initdb/create-service-databases.sh', (file) =>
    file
      .insertAfterLast(
        /^: "\$\{\w+_DB_PASSWORD:\?\w+_DB_PASSWORD is required\}"\n/m,
        `: "\${${variable}:?${variable} is required}"\n`,
      )
      .insertBefore(
        /^SQL$/m,
        `\nCREATE DATABASE IF NOT EXISTS \\\`${n.schema}\\\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;\n` +
          `CREATE USER IF NOT EXISTS '${n.user}'@'%' IDENTIFIED BY $(sql_string "$${variable}");\n` +
          `GRANT ALL PRIVILEGES ON \\\`${n.schema}\\\`.* TO '${n.user}'@'%';\n`,
      ),
  );
  editFile(tree, 'deploy/compose/env/mysql.env', (file) => file.append(`${variable}=${n.devPassword}\n`));
}

/** The compose gateway: an upstream for the service and its API prefix. */
export function addGatewayRoute(tree: Tree, n: ServiceNames): void {
  editFile(tree, 'deploy/compose/nginx/gateway.conf', (file) =>
    file
      .insertAfterLast(
        /^upstream \w+ \{\n(?: {2}.*\n)+\}\n/m,
        `\nupstream ${n.name} {\n  zone upstream_${n.name} 64k;\n  server ${n.name}:${n.port} resolve max_fails=3 fail_timeout=10s;\n  keepalive 16;\n  keepalive_timeout 60s;\n}\n`,
      )
      .insertAfterLast(
        /^ {2}location \/v1\/[^\n]*\{\n(?: {4}.*\n|\n)*? {2}\}\n/m,
        `  location /v1/${n.name} {\n    proxy_pass http://${n.name};\n  }\n`,
      ),
  );
}

/** Prometheus (compose's observability profile) scrapes it. */
export function addScrapeTarget(tree: Tree, n: ServiceNames): void {
  editFile(tree, 'deploy/compose/prometheus/prometheus.yml', (file) =>
    file.replace(
      /(job_name: shopflow\n(?:\s+.*\n)*?\s+- targets: \[)([^\]]*)\]/,
      (m) => `${m[1]}${m[2]}, '${n.name}:${n.port}']`,
    ),
  );
}
