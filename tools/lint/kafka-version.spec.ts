import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const ROOT = join(__dirname, '../..');
const PINNED = readFileSync(join(ROOT, 'tools/kafka/kafka-version.txt'), 'utf8').trim();

function yamlFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return yamlFiles(path);
    return /\.ya?ml$/.test(name) ? [path] : [];
  });
}

/** The Kafka version is written once (tools/kafka/kafka-version.txt); every image must match it. */
describe('pinned Kafka version', () => {
  const files = [join(ROOT, 'docker-compose.yml'), ...yamlFiles(join(ROOT, 'deploy'))];
  const images = files.flatMap((file) =>
    [...readFileSync(file, 'utf8').matchAll(/apache\/kafka:([^\s'"]+)/g)].map((m) => ({
      file: relative(ROOT, file),
      tag: m[1],
    })),
  );

  it('is a plain version', () => {
    expect(PINNED).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('is the one every Kafka image uses', () => {
    expect(images.length).toBeGreaterThan(0);
    expect(images.filter((i) => i.tag !== PINNED)).toEqual([]);
  });
});
