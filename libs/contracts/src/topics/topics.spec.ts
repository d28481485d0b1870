import { CONSUMER_GROUPS, TOPICS, topicsCreatedBy } from './topics';

describe('topic registry', () => {
  it('names every topic after its owner', () => {
    for (const topic of Object.values(TOPICS)) expect(topic.name.startsWith(`${topic.owner}.`)).toBe(true);
  });

  it('gives every consumer group its own dead-letter topic', () => {
    const dlqs = Object.values(CONSUMER_GROUPS).map((g) => g.deadLetterTopic);
    expect(new Set(dlqs).size).toBe(dlqs.length);
  });

  it('lets a service create the topics it owns and its dead-letter topics', () => {
    expect(topicsCreatedBy('catalog').map((t) => t.name)).toEqual([
      'catalog.product-events',
      'catalog.stock-events',
      'catalog-service.dlq',
    ]);
    expect(topicsCreatedBy('auth').map((t) => t.name)).toEqual(['auth.user-events']);
  });
});
