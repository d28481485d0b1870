import { readdirSync } from 'node:fs';
import { join } from 'node:path';

/** The slice of a project graph node these checks read. */
export interface Target {
  cache?: boolean;
  parallelism?: boolean;
  inputs?: unknown[];
  options: { command?: string; cwd?: string; args?: string[]; env?: Record<string, string> };
}
export interface ProjectNode {
  name: string;
  data: { root: string; targets: Record<string, Target> };
}

const ROOT = join(__dirname, '../..');
/** `npm test`'s jest runs these (jest.preset.js testMatch); `x.int-spec.ts` is not `*.spec.ts`. */
const UNIT_SPEC = /\.spec\.ts$/;
const INT_SPEC = /\.(int|e2e)-spec\.ts$/;
const ANY_SPEC = /[.-]spec\.ts$/;
const NOT_SOURCES = new Set(['node_modules', '.cache', 'dist', 'coverage']);

/** A project's spec files (workspace-relative, sorted), without those of projects nested in it. */
export function specsOf(
  project: ProjectNode,
  all: ProjectNode[],
): { unit: string[]; int: string[]; other: string[] } {
  const nested = new Set(all.map((p) => p.data.root).filter((root) => root !== project.data.root));
  const walk = (dir: string): string[] =>
    readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) return NOT_SOURCES.has(entry.name) || nested.has(path) ? [] : walk(path);
      return ANY_SPEC.test(entry.name) ? [path] : [];
    });
  const specs = walk(project.data.root).sort();
  return {
    unit: specs.filter((f) => UNIT_SPEC.test(f)),
    int: specs.filter((f) => INT_SPEC.test(f)),
    other: specs.filter((f) => !UNIT_SPEC.test(f) && !INT_SPEC.test(f)),
  };
}
