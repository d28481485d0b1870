import type { Consumer } from 'kafkajs';
import { StartPosition } from './kafkajs.start-position';

/** kafkajs's admin as far as StartPosition uses it: the log end of each partition. */
const adminWithLogEnds = (ends: Record<string, string[]>) => ({
  fetchTopicOffsets: async (topic: string) =>
    ends[topic]!.map((high, partition) => ({ partition, offset: high, high, low: '0' })),
});

function recordingConsumer() {
  const seeks: { topic: string; partition: number; offset: string }[] = [];
  return {
    seeks,
    consumer: { seek: (entry: (typeof seeks)[number]) => seeks.push(entry) } as unknown as Consumer,
  };
}

describe('StartPosition', () => {
  it('seeks every partition it is given to the log end as it was at the start', async () => {
    const position = await StartPosition.atLogEnd(adminWithLogEnds({ a: ['5', '0'], b: ['7'] }), ['a', 'b']);
    const { seeks, consumer } = recordingConsumer();
    position.seekOnJoin(consumer, { a: [1], b: [0] });
    expect(seeks).toEqual([
      { topic: 'a', partition: 1, offset: '0' },
      { topic: 'b', partition: 0, offset: '7' },
    ]);
  });

  it('after a rejoin, goes on where it stopped reading, not at a newer log end', async () => {
    const position = await StartPosition.atLogEnd(adminWithLogEnds({ a: ['5', '3'] }), ['a']);
    position.read('a', 0, '9');
    const { seeks, consumer } = recordingConsumer();
    position.seekOnJoin(consumer, { a: [0, 1] });
    expect(seeks).toEqual([
      { topic: 'a', partition: 0, offset: '9' },
      { topic: 'a', partition: 1, offset: '3' },
    ]);
  });

  it('leaves a partition added since the start to kafkajs', async () => {
    const position = await StartPosition.atLogEnd(adminWithLogEnds({ a: ['5'] }), ['a']);
    const { seeks, consumer } = recordingConsumer();
    position.seekOnJoin(consumer, { a: [0, 1] });
    expect(seeks).toEqual([{ topic: 'a', partition: 0, offset: '5' }]);
  });
});
