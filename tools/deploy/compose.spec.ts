import { composeCacheProblems, composeWiringProblems } from './compose-checks';
import { composeExposureProblems } from './compose-exposure';
import { parseEnvFile, servingContainers, type ComposeFile } from './compose-model';
import { composeSchemaProblems } from './compose-schema';
import { composeEnvProblems, type RequiredVariables } from './env-drift';
import { describeServiceConfig, loadServiceDatabases, parseYaml, readText } from './workspace';

const databases = loadServiceDatabases();
const ports = Object.fromEntries(databases.map((d) => [d.service, d.port]));
const composeText = readText('docker-compose.yml');
const compose = () => parseYaml(composeText) as ComposeFile;
/** The containers behind the gateway: every replica of every service. */
const proxied = () => Object.keys(ports).flatMap((service) => servingContainers(compose(), service));

describe('docker-compose.yml', () => {
  let required: RequiredVariables;
  beforeAll(() => {
    required = Object.fromEntries(
      [...databases.map((d) => d.service), 'loadgen'].map((service) => [
        service,
        describeServiceConfig(service).required,
      ]),
    );
  }, 180_000);

  describe('against the compose specification', () => {
    it('is valid', () => {
      expect(composeSchemaProblems(compose())).toEqual([]);
    });

    it('rejects an unknown key and a wrong type', () => {
      const broken = compose() as ComposeFile & { services: Record<string, Record<string, unknown>> };
      broken.services['auth']!['helthcheck'] = { test: ['CMD', 'true'] };
      (broken.services['mysql'] as Record<string, unknown>)['ports'] = 3306;
      const problems = composeSchemaProblems(broken);
      expect(problems).toContainEqual(expect.stringMatching(/\/services\/auth: .*'helthcheck'/));
      expect(problems).toContainEqual(expect.stringMatching(/\/services\/mysql\/ports/));
    });
  });

  describe('environment', () => {
    it('sets every variable each service requires (describe-config), in every container running it', () => {
      expect(Object.keys(required).sort()).toEqual([...databases.map((d) => d.service), 'loadgen'].sort());
      expect(required['catalog']).toEqual(
        expect.arrayContaining(['DATABASE_URL', 'KAFKA_BROKERS', 'JWT_JWKS_URL']),
      );
      expect(composeEnvProblems(compose(), required)).toEqual([]);
    });

    it('reports a required variable missing from a container', () => {
      const broken = compose();
      delete broken.services['order-1']!.environment!['JWT_JWKS_URL'];
      const withoutDatabaseUrl = (path: string) =>
        path.endsWith('catalog.env') ? '# emptied\n' : readText(path);
      const problems = composeEnvProblems(broken, required, withoutDatabaseUrl);
      expect(problems).toContain('compose order-1: JWT_JWKS_URL (required by order) is not set');
      expect(problems).toContain('compose catalog-migrate: DATABASE_URL (required by catalog) is not set');
    });

    it("gives each service's DATABASE_URL the user, schema and password the MySQL init creates", () => {
      const mysqlEnv = parseEnvFile(readText('deploy/compose/env/mysql.env'));
      for (const db of databases) {
        const url = new URL(parseEnvFile(readText(`deploy/compose/env/${db.service}.env`))['DATABASE_URL']!);
        expect({ user: url.username, password: url.password, host: url.host, schema: url.pathname }).toEqual({
          user: db.user,
          password: mysqlEnv[`${db.service.toUpperCase()}_DB_PASSWORD`],
          host: 'mysql:3306',
          schema: `/${db.schema}`,
        });
      }
    });

    it('marks every env file as development defaults', () => {
      for (const file of ['mysql', 'auth', 'catalog', 'order', 'grafana'])
        expect(readText(`deploy/compose/env/${file}.env`)).toMatch(/^# LOCAL DEVELOPMENT DEFAULTS/);
    });
  });

  describe('wiring', () => {
    it('runs each service on its port, health-checked, after its migration, topics and infrastructure', () => {
      expect(composeWiringProblems(compose(), ports)).toEqual([]);
    });

    it('reports a wrong port and a replica that no longer waits for its migration', () => {
      const broken = compose();
      broken.services['catalog-1']!.environment!['HTTP_PORT'] = '3999';
      delete (broken.services['order-2']!.depends_on as Record<string, unknown>)['order-migrate'];
      expect(composeWiringProblems(broken, ports)).toEqual([
        'compose catalog-1: HTTP_PORT must be 3002',
        'compose order-2: must wait for order-migrate (migrate) to complete',
      ]);
    });

    it('runs two replicas of catalog and of order, one-shots once, each replica with its own Kafka client id', () => {
      const services = compose();
      // A service added later (nx g @shopflow/tools:service) starts with one replica, like auth.
      expect(Object.fromEntries(Object.keys(ports).map((s) => [s, servingContainers(services, s)]))).toEqual({
        ...Object.fromEntries(Object.keys(ports).map((s) => [s, [s]])),
        auth: ['auth'],
        catalog: ['catalog-1', 'catalog-2'],
        order: ['order-1', 'order-2'],
      });
      const oneShots = Object.entries(services.services)
        .filter(([, c]) => c.command?.length && c.image?.startsWith('shopflow/'))
        .map(([name]) => name);
      expect(oneShots.sort()).toEqual(
        Object.keys(ports)
          .flatMap((service) => [`${service}-migrate`, `${service}-topics`])
          .sort(),
      );
      expect(oneShots).toEqual(expect.arrayContaining(['auth-migrate', 'catalog-topics', 'order-migrate']));
      const broken = compose();
      broken.services['order-2']!.environment!['KAFKA_CLIENT_ID'] = 'order-1';
      delete broken.services['catalog-2']!.environment!['KAFKA_CLIENT_ID'];
      delete broken.services['auth'];
      expect(composeWiringProblems(broken, ports)).toEqual([
        'compose: no container serves auth',
        'compose catalog-2: a replica needs a KAFKA_CLIENT_ID of its own',
        "compose order-2: KAFKA_CLIENT_ID order-1 is also order-1's",
      ]);
    });

    it("runs Redis, health-checked, and points every catalog replica's REDIS_URL at it", () => {
      const services = compose();
      expect(composeCacheProblems(services)).toEqual([]);
      expect(services.services['redis']?.image).toMatch(/^redis:7\.4\.\d+-alpine$/);
      expect(new URL(services.services['catalog-2']!.environment!['REDIS_URL'] as string).host).toBe(
        'redis:6379',
      );
    });

    it('reports a catalog replica without REDIS_URL, one pointing elsewhere, and Redis without a health check', () => {
      const broken = compose();
      delete broken.services['catalog-1']!.environment!['REDIS_URL'];
      broken.services['catalog-2']!.environment!['REDIS_URL'] = 'redis://mysql:3306/0';
      expect(composeCacheProblems(broken)).toEqual([
        'compose catalog-1: REDIS_URL is not set',
        'compose catalog-2: REDIS_URL names mysql, which runs mysql:8.4.7, not Redis',
        'compose catalog-2: REDIS_URL port 3306, but Redis listens on 6379',
      ]);
      const noRedis = compose();
      delete noRedis.services['redis']!.healthcheck;
      expect(composeCacheProblems(noRedis)).toContain('compose redis: no health check');
      delete noRedis.services['redis'];
      expect(composeCacheProblems(noRedis)).toContain(
        'compose catalog-1: REDIS_URL names redis, which is no compose service',
      );
    });

    it('keeps Kafka and MySQL startable on their own for `npm start` (ports 9092 and 3306 on the host)', () => {
      const { services } = compose() as {
        services: Record<string, { ports?: string[]; depends_on?: unknown }>;
      };
      expect(services['kafka']?.ports).toContain('127.0.0.1:9092:9092');
      expect(services['mysql']?.ports).toContain('127.0.0.1:3306:3306');
      expect(services['kafka']?.depends_on).toBeUndefined();
      expect(services['mysql']?.depends_on).toBeUndefined();
    });

    it('publishes ports on loopback only, and the services trust only the gateway as a proxy', () => {
      expect(proxied()).toEqual(
        expect.arrayContaining(['auth', 'catalog-1', 'catalog-2', 'order-1', 'order-2']),
      );
      expect(composeExposureProblems(compose(), proxied())).toEqual([]);
    });

    it('reports a port published on all interfaces and a service trusting another proxy', () => {
      const broken = compose();
      broken.services['mysql']!.ports = ['3306:3306'];
      broken.services['grafana']!.ports = [{ published: 3000, target: 3000 }];
      broken.services['prometheus']!.ports = ['0.0.0.0:9090:9090'];
      broken.services['order-2']!.environment!['TRUSTED_PROXIES'] = '0.0.0.0/0';
      expect(composeExposureProblems(broken, proxied())).toEqual([
        'compose mysql: publishes "3306:3306" beyond loopback; use 127.0.0.1:host:container',
        'compose prometheus: publishes "0.0.0.0:9090:9090" beyond loopback; use 127.0.0.1:host:container',
        'compose grafana: publishes {"published":3000,"target":3000} beyond loopback; use 127.0.0.1:host:container',
        "compose order-2: TRUSTED_PROXIES must be the gateway's address (172.28.0.10), not 0.0.0.0/0",
      ]);
    });

    it('puts Prometheus, Zipkin, the load generator and Grafana in the observability profile only', () => {
      const profiled = Object.entries(compose().services)
        .filter(([, s]) => s.profiles)
        .map(([name, s]) => [name, s.profiles]);
      expect(profiled).toEqual([
        ['prometheus', ['observability']],
        ['zipkin', ['observability']],
        ['loadgen', ['observability']],
        ['grafana', ['observability']],
      ]);
    });
  });
});
