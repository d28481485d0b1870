import { formatFiles, generateFiles, type Tree } from '@nx/devkit';
import { join } from 'node:path';
import { addToCompose } from './compose-edits';
import { addToContracts } from './contracts-edits';
import { addToKubernetes } from './kubernetes-edits';
import type { ServiceGeneratorSchema } from './schema';
import { serviceNames } from './service-names';
import {
  addGatewayRoute,
  addLintScope,
  addScrapeTarget,
  addToDatabaseList,
  addToMysqlInit,
} from './workspace-edits';

/**
 * `nx g @shopflow/tools:service --name=billing`: a complete fourth (fifth, ...) service, wired
 * everywhere a service is named (docs/adding-a-service.md). New files come from templates
 * (files/app -> apps/<name>, files/workspace -> the rest); existing files get the entries the
 * drift checks in tools/deploy expect.
 */
export async function serviceGenerator(tree: Tree, options: ServiceGeneratorSchema): Promise<() => void> {
  const names = serviceNames(tree, options.name);
  const substitutions = { ...names, template: '' };
  generateFiles(tree, join(__dirname, 'files/app'), `apps/${names.name}`, substitutions);
  generateFiles(tree, join(__dirname, 'files/workspace'), '.', substitutions);
  addToContracts(tree, names);
  addToDatabaseList(tree, names);
  addLintScope(tree, names);
  addToMysqlInit(tree, names);
  addGatewayRoute(tree, names);
  addScrapeTarget(tree, names);
  addToCompose(tree, names);
  addToKubernetes(tree, names);
  if (!options.skipFormat) await formatFiles(tree);
  return () => {
    process.stdout.write(
      `\n${names.name} is wired in; next: \`npm run docs:asyncapi\` (its topic in docs/asyncapi.yaml), ` +
        `then \`npm test\` (its int-spec runs with the rest).\n`,
    );
  };
}

export default serviceGenerator;
