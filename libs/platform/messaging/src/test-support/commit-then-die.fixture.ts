// Run as its own process by the crash test: commits an event to the outbox through the real
// Outbox and UnitOfWork, prints its id, and is SIGKILLed before the relay (never started) runs.
import { createLogger, Metrics } from '@shopflow/platform/observability';
import { createDataSource } from '@shopflow/platform/persistence';
import { Outbox } from '../outbox';
import { OutboxRelay } from '../outbox-relay';
import { UnitOfWork } from '../unit-of-work';
import { testEvent } from './messaging-fixture';

async function main() {
  const dataSource = await createDataSource({ url: process.env['DATABASE_URL']!, poolSize: 1 }).initialize();
  const logger = createLogger({ service: 'fixture', level: 'warn' });
  const neverStarted = new OutboxRelay(
    dataSource,
    { send: async () => undefined },
    logger,
    new Metrics('fixture'),
    {
      service: 'fixture',
    },
  );
  const envelope = await new UnitOfWork(dataSource, neverStarted).run((em) =>
    new Outbox('order').add(em, testEvent(process.env['TOPIC']!), { key: 'crash', seq: 1 }),
  );
  process.stdout.write(`${envelope.id}\n`, () => process.kill(process.pid, 'SIGKILL'));
}

void main();
