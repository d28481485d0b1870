import { checkReadiness } from './health';

describe('checkReadiness', () => {
  it('is ok when every check passes', async () => {
    const result = await checkReadiness([{ name: 'database', check: async () => undefined }]);
    expect(result).toEqual({ status: 'ok', checks: { database: { status: 'up' } } });
  });

  it('names the failing check and its reason', async () => {
    const result = await checkReadiness([
      { name: 'database', check: async () => undefined },
      { name: 'kafka', check: async () => Promise.reject(new Error('connection refused')) },
    ]);
    expect(result.status).toBe('error');
    expect(result.checks['kafka']).toEqual({ status: 'down', error: 'connection refused' });
    expect(result.checks['database']).toEqual({ status: 'up' });
  });

  it('bounds a hanging check by the timeout', async () => {
    const result = await checkReadiness([{ name: 'kafka', check: () => new Promise(() => undefined) }], 50);
    expect(result.checks['kafka']).toEqual({ status: 'down', error: 'no answer within 50 ms' });
  });

  it('reports an indicator that does not gate readiness, with its details, without failing the probe', async () => {
    const result = await checkReadiness([
      { name: 'database', check: async () => undefined },
      { name: 'kafka', gatesReadiness: false, check: async () => Promise.reject(new Error('no broker')) },
      { name: 'consumer', gatesReadiness: false, check: async () => ({ partitions: 3, lag: 0 }) },
    ]);
    expect(result).toEqual({
      status: 'ok',
      checks: {
        database: { status: 'up' },
        kafka: { status: 'down', error: 'no broker', gatesReadiness: false },
        consumer: { status: 'up', gatesReadiness: false, partitions: 3, lag: 0 },
      },
    });
  });
});
