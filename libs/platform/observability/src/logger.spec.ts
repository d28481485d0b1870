import { Writable } from 'node:stream';
import { runWithCorrelationId } from './correlation';
import { createLogger } from './logger';

function capture() {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk, _enc, done) {
      lines.push(JSON.parse(String(chunk)));
      done();
    },
  });
  return { lines, logger: createLogger({ service: 'test', level: 'info', destination }) };
}

describe('createLogger', () => {
  it('writes JSON with the service and the current correlation id', () => {
    const { lines, logger } = capture();
    runWithCorrelationId('corr-1', () => logger.info('hello'));
    expect(lines[0]).toMatchObject({ level: 'info', service: 'test', correlationId: 'corr-1', msg: 'hello' });
  });

  it('redacts secrets wherever they are logged', () => {
    const { lines, logger } = capture();
    logger.info({ body: { password: 'hunter2-secret' }, refreshToken: 'rt-secret' }, 'login');
    expect(JSON.stringify(lines[0])).not.toMatch(/hunter2-secret|rt-secret/);
  });
});
