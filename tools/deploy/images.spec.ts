import type { ComposeFile } from './compose-model';
import { containersOf } from './env-drift';
import { imagePinningProblems, type ImageUse } from './images';
import {
  overlayDirs,
  parseYaml,
  PINNED_KAFKA_VERSION,
  readText,
  renderKustomization,
  SERVICE_VERSION,
} from './workspace';

/** Every image reference: compose, every rendered overlay, the CI workflow and the Dockerfile. */
function allImages(): ImageUse[] {
  const compose = parseYaml(readText('docker-compose.yml')) as ComposeFile;
  const composeImages = Object.entries(compose.services).map(([name, s]) => ({
    where: `docker-compose.yml ${name}`,
    image: s.image ?? '(build only)',
  }));
  const overlayImages = overlayDirs().flatMap((dir) =>
    renderKustomization(dir).flatMap((o) =>
      containersOf(o).map((c) => ({ where: `${dir} ${o.kind}/${o.metadata.name}`, image: c.image })),
    ),
  );
  const workflow = parseYaml(readText('.github/workflows/ci.yml')) as {
    jobs: Record<string, { services?: Record<string, { image: string }> }>;
  };
  const workflowImages = Object.values(workflow.jobs).flatMap((job) =>
    Object.entries(job.services ?? {}).map(([name, s]) => ({ where: `ci.yml ${name}`, image: s.image })),
  );
  const dockerfileImages = [...readText('deploy/docker/Dockerfile').matchAll(/^ARG NODE_IMAGE=(\S+)/gm)].map(
    (m) => ({
      where: 'Dockerfile NODE_IMAGE',
      image: m[1]!,
    }),
  );
  return [...composeImages, ...overlayImages, ...workflowImages, ...dockerfileImages];
}

describe('images', () => {
  const images = allImages();

  it('are all pinned; shopflow images carry the workspace version, Kafka the tested version', () => {
    expect(PINNED_KAFKA_VERSION).toMatch(/^\d+\.\d+\.\d+$/);
    expect(images.length).toBeGreaterThan(20);
    expect(imagePinningProblems(images, SERVICE_VERSION, PINNED_KAFKA_VERSION)).toEqual([]);
  });

  it('build on Node 22 LTS, and the Dockerfile takes every base image from NODE_IMAGE', () => {
    expect(readText('deploy/docker/Dockerfile')).toMatch(/^ARG NODE_IMAGE=node:22\.\d+\.\d+-bookworm-slim$/m);
    const froms = [...readText('deploy/docker/Dockerfile').matchAll(/^FROM (\S+)/gm)].map((m) => m[1]);
    expect(new Set(froms)).toEqual(new Set(['${NODE_IMAGE}']));
  });

  it('cover Kafka in compose, in the Kafka component and in CI', () => {
    const kafka = images.filter((i) => i.image.startsWith('apache/kafka:')).map((i) => i.where.split(' ')[0]);
    expect(new Set(kafka)).toEqual(
      new Set([
        'docker-compose.yml',
        'deploy/k8s/overlays/local',
        'deploy/k8s/overlays/production',
        'ci.yml',
      ]),
    );
  });

  it('reports latest, untagged, a stale service tag and a different Kafka version', () => {
    expect(
      imagePinningProblems(
        [
          { where: 'a', image: 'nginx:latest' },
          { where: 'b', image: 'grafana/grafana' },
          { where: 'c', image: 'shopflow/auth:0.0.9' },
          { where: 'd', image: 'apache/kafka:3.8.0' },
          { where: 'e', image: 'mysql:8.4.7' },
          { where: 'f', image: 'registry.example.com:5000/shopflow/x@sha256:' + 'a'.repeat(64) },
        ],
        '0.1.0',
        '3.9.1',
      ),
    ).toEqual([
      'a: image nginx:latest is not pinned',
      'b: image grafana/grafana has no tag',
      'c: image shopflow/auth:0.0.9 should be tagged 0.1.0 (package.json version)',
      'd: image apache/kafka:3.8.0 differs from the tested Kafka 3.9.1',
    ]);
  });
});
