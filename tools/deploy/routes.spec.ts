import { gatewayRoutes, ingressRoutes, routeProblems, servedRoutes } from './routes';
import { loadServiceDatabases, readText, renderKustomization } from './workspace';

const services = loadServiceDatabases().map((d) => d.service);
const served = servedRoutes(services);
const gatewayConf = readText('deploy/compose/nginx/gateway.conf');
const ingress = () => renderKustomization('deploy/k8s/base');

describe('API routes: gateway and Ingress against the controllers', () => {
  it("reads the served prefixes from the services' @Controller() declarations", () => {
    expect(served).toEqual(
      expect.arrayContaining([
        { prefix: '/v1/auth', service: 'auth' },
        { prefix: '/v1/users', service: 'auth' },
        { prefix: '/.well-known', service: 'auth' },
      ]),
    );
  });

  it('the compose gateway routes exactly the served prefixes, each to its service', () => {
    expect(routeProblems('gateway', gatewayRoutes(gatewayConf), served)).toEqual([]);
  });

  it('the Ingress routes exactly the served prefixes, each to its service', () => {
    expect(routeProblems('ingress', ingressRoutes(ingress()), served)).toEqual([]);
  });

  it('reports a route no service serves, a missing route and a route to the wrong service', () => {
    const objects = ingress();
    const paths = (
      objects.find((o) => o.kind === 'Ingress')!.spec as {
        rules: { http: { paths: { path: string; backend: { service: { name: string } } }[] } }[];
      }
    ).rules[0]!.http.paths;
    paths.push({ path: '/v1/carts', backend: { service: { name: 'order' } } });
    paths.find((p) => p.path === '/v1/users')!.backend.service.name = 'catalog';
    expect(routeProblems('ingress', ingressRoutes(objects), served)).toEqual(
      expect.arrayContaining([
        'ingress: does not route /v1/users -> auth (sends it to catalog)',
        'ingress: routes /v1/users -> catalog, which no service serves there',
        'ingress: routes /v1/carts -> order, which no service serves there',
      ]),
    );
    const brokenGateway = gatewayConf.replace(/location \/\.well-known\/ \{[^}]*\}/, '');
    expect(routeProblems('gateway', gatewayRoutes(brokenGateway), served)).toContain(
      'gateway: does not route /.well-known -> auth',
    );
  });

  it('reads a new controller as a route the routers must add', () => {
    const withCarts = (path: string) =>
      path.endsWith('auth.controller.ts') ? `${readText(path)}\n@Controller('v1/carts')\n` : readText(path);
    const problems = routeProblems('gateway', gatewayRoutes(gatewayConf), servedRoutes(['auth'], withCarts));
    expect(problems).toContain('gateway: does not route /v1/carts -> auth');
  });
});
