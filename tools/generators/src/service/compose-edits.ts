import type { Tree } from '@nx/devkit';
import type { ServiceNames } from './service-names';
import { editFile } from './text-edits';

/**
 * docker-compose.yml, in the file's own style: an image anchor and an environment anchor, the
 * one-shot migration and topic creation, one replica behind the gateway (auth's shape; scale it
 * like catalog's by hand), and the gateway and Prometheus waiting for it. Its env file (the
 * DATABASE_URL) is a template.
 */
export function addToCompose(tree: Tree, n: ServiceNames): void {
  const { name, port } = n;
  const container = (command: string) =>
    `  ${name}-${command === 'migrate' ? 'migrate' : 'topics'}:\n` +
    `    <<: [*${name}-image, *hardened]\n` +
    `    command: [${command}]\n` +
    `    env_file: [deploy/compose/env/${name}.env]\n` +
    `    environment: *${name}-environment\n` +
    `    depends_on: *needs-${command === 'migrate' ? 'mysql' : 'kafka'}\n`;
  editFile(tree, 'docker-compose.yml', (file) =>
    file
      .insertAfterLast(
        /^x-[\w-]+-image: &[\w-]+\n(?: {2}.*\n)+/m,
        `x-${name}-image: &${name}-image\n  image: shopflow/${name}:${n.version}\n  build: { context: ., dockerfile: deploy/docker/Dockerfile, args: { APP: ${name} } }\n`,
      )
      .insertAfterLast(
        /^x-[\w-]+-environment: &[\w-]+\n(?: {2}.*\n)+/m,
        `x-${name}-environment: &${name}-environment\n` +
          `  NODE_ENV: production\n  HTTP_PORT: '${port}'\n  HTTP_HOST: 0.0.0.0\n` +
          `  # Only the gateway's X-Forwarded-For names the client (ADR 0004); its address is fixed below.\n` +
          `  TRUSTED_PROXIES: 172.28.0.10\n  KAFKA_BROKERS: kafka:19092\n` +
          `  TRACING_ZIPKIN_URL: \${TRACING_ZIPKIN_URL:-}\n` +
          `  JWT_JWKS_URL: http://auth:3001/.well-known/jwks.json\n`,
      )
      .insertAfterLast(/^ {2}[\w-]+-migrate:\n(?: {4}.*\n)+/m, container('migrate'))
      .insertAfterLast(/^ {2}[\w-]+-topics:\n(?: {4}.*\n)+/m, container('create-topics'))
      .insertBefore(
        /^(?: {2}# -+ the one entry point[^\n]*\n)? {2}gateway:\n/m,
        `  ${name}:\n` +
          `    <<: [*${name}-image, *hardened]\n` +
          `    env_file: [deploy/compose/env/${name}.env]\n` +
          `    environment: *${name}-environment\n` +
          `    expose: ['${port}']\n` +
          `    # The drain (SHUTDOWN_TIMEOUT_MS, 10 s) must finish before compose kills the container.\n` +
          `    stop_grace_period: 20s\n` +
          `    healthcheck:\n` +
          `      test:\n` +
          `        [\n` +
          `          'CMD',\n` +
          `          'node',\n` +
          `          '-e',\n` +
          `          "fetch('http://127.0.0.1:${port}/health/ready').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))",\n` +
          `        ]\n` +
          `      interval: 5s\n      timeout: 3s\n      retries: 30\n      start_period: 10s\n` +
          `    depends_on:\n` +
          `      ${name}-migrate: { condition: service_completed_successfully }\n` +
          `      ${name}-topics: { condition: service_completed_successfully }\n` +
          `      auth: { condition: service_healthy }\n` +
          `      kafka: { condition: service_healthy }\n` +
          `      mysql: { condition: service_healthy }\n\n`,
      )
      .replace(
        /(^ {2}gateway:\n(?: {4}.*\n)*? {4}depends_on:\n(?: {6}.*\n)+)/m,
        (m) => `${m[1]}      ${name}: { condition: service_healthy }\n`,
      )
      .replace(
        /(^ {2}prometheus:\n(?: {4}.*\n)*? {4}depends_on: \[)([^\]]*)\]/m,
        (m) => `${m[1]}${m[2]}, ${name}]`,
      ),
  );
}
