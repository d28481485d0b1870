import type { Tree } from '@nx/devkit';
import type { ServiceNames } from './service-names';
import { editFile } from './text-edits';

const CONTRACTS = 'libs/contracts/src';

/**
 * The service in the contracts: a ServiceName, an allowed envelope producer, its topic in the
 * registry (it owns and creates it), its consumer group with a dead-letter topic (it starts by
 * hearing its own event, an example to replace), and its first event registered and exported. The event's
 * definition itself is a template (files/workspace/libs/contracts/src/events).
 */
export function addToContracts(tree: Tree, n: ServiceNames): void {
  editFile(tree, `${CONTRACTS}/topics/topics.ts`, (file) =>
    file
      .replace(
        /export type ServiceName = ([^;]+);/,
        (m) => `export type ServiceName = ${m[1]} | '${n.name}';`,
      )
      .insertBefore(
        /\n\} as const satisfies Record<string, TopicDefinition>;/,
        `
  ${n.topicKey}: {
    name: '${n.topicName}',
    owner: '${n.name}',
    partitions: 3,
    replicationFactor: 3,
    key: 'itemId',
    eventTypes: ['${n.eventType}'],
    description: 'Items ${n.name} stored.',
  },`,
      )
      .insertBefore(
        /\n\} as const satisfies Record<string, ConsumerGroupDefinition>;/,
        `
  ${n.name}: {
    groupId: '${n.name}-service',
    service: '${n.name}',
    topics: [TOPICS.${n.topicKey}.name],
    deadLetterTopic: '${n.name}-service.dlq',
  },`,
      ),
  );
  editFile(tree, `${CONTRACTS}/events/envelope.ts`, (file) =>
    file.replace(/producer: z\.enum\(\[([^\]]*)\]\)/, (m) => `producer: z.enum([${m[1]}, '${n.name}'])`),
  );
  editFile(tree, `${CONTRACTS}/events/event-registry.ts`, (file) =>
    file
      .insertAfterLast(
        /^import [^;]+ from '\.\/[\w-]+-events';\n/m,
        `import { ${n.eventName} } from './${n.name}-events';\n`,
      )
      .replace(
        /(export const EVENTS: readonly EventDefinition\[\] = \[[\s\S]*?)\n\];/,
        (m) => `${m[1]}\n  ${n.eventName},\n];`,
      ),
  );
  editFile(tree, `${CONTRACTS}/index.ts`, (file) =>
    file.insertAfterLast(
      /^export \{[^}]+\} from '\.\/events\/[\w-]+-events';\n/m,
      `export { ${n.eventName} } from './events/${n.name}-events';\n`,
    ),
  );
}
