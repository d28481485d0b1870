// Writes docs/asyncapi.yaml from the contracts: `npm run docs:asyncapi`.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { buildAsyncApiDocument } from '@shopflow/contracts';

export const ASYNCAPI_FILE = join(__dirname, '../../docs/asyncapi.yaml');

export function renderAsyncApi(): string {
  return `# Generated from libs/contracts by \`npm run docs:asyncapi\`. Do not edit.\n${stringify(buildAsyncApiDocument(), { aliasDuplicateObjects: false })}`;
}

if (require.main === module) {
  writeFileSync(ASYNCAPI_FILE, renderAsyncApi());
  process.stdout.write(`wrote ${ASYNCAPI_FILE}\n`);
}
