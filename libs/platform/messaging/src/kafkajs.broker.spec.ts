import { captureLogger } from '@shopflow/testing';
import { KafkajsBroker } from './kafkajs.broker';

describe('KafkajsBroker start-up', () => {
  it('warns about nothing it does on purpose (the producer’s bounded retries)', async () => {
    const logs = captureLogger('broker', 'debug');
    const broker = new KafkajsBroker({ brokers: ['127.0.0.1:1'], clientId: 'quiet', logger: logs.logger });
    await broker.close();
    expect(logs.lines().filter((line) => JSON.parse(line).level === 'warn')).toEqual([]);
  });
});
