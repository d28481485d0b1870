import { mysqlInitProblems } from './mysql-init';
import { loadServiceDatabases, readText } from './workspace';

const databases = loadServiceDatabases();
const script = readText('deploy/k8s/components/mysql/initdb/create-service-databases.sh');

describe('MySQL init (compose and the in-cluster component) against tools/db/databases.mjs', () => {
  it('creates every schema and least-privileged user, and nothing else', () => {
    expect(databases.map((d) => d.service)).toEqual(expect.arrayContaining(['auth', 'catalog', 'order']));
    expect(mysqlInitProblems(script, databases)).toEqual([]);
  });

  it('is the file both compose and the MySQL component use', () => {
    expect(readText('docker-compose.yml')).toContain(
      './deploy/k8s/components/mysql/initdb:/docker-entrypoint-initdb.d:ro',
    );
    expect(readText('deploy/k8s/components/mysql/kustomization.yaml')).toContain(
      'initdb/create-service-databases.sh',
    );
  });

  it('reports a renamed schema, a missing user and a global grant', () => {
    const broken = script
      .replace('CREATE DATABASE IF NOT EXISTS \\`orders\\`', 'CREATE DATABASE IF NOT EXISTS \\`order\\`')
      .replace(/CREATE USER IF NOT EXISTS 'catalog_svc'[^\n]*\n/, '')
      .replace(
        "GRANT ALL PRIVILEGES ON \\`auth\\`.* TO 'auth_svc'@'%';",
        "GRANT ALL PRIVILEGES ON *.* TO 'auth_svc'@'%';",
      );
    expect(mysqlInitProblems(broken, databases)).toEqual([
      'creates schema order, which no service owns',
      'auth_svc is not granted ALL PRIVILEGES on auth.*',
      'auth_svc is granted ALL PRIVILEGES on *.*: least privilege allows its own schema only',
      'does not create user catalog_svc',
      'does not create schema orders',
    ]);
  });
});
