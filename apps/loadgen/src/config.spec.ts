import { loadConfig, targetsOf, type LoadgenConfig } from './config';

describe('loadgen config', () => {
  it('reaches each service on its npm start port, or everything through one gateway', () => {
    const local = loadConfig({}) as LoadgenConfig;
    expect(targetsOf(local)).toEqual({
      auth: 'http://127.0.0.1:3001',
      catalog: 'http://127.0.0.1:3002',
      order: 'http://127.0.0.1:3003',
    });
    const gateway = loadConfig({ LOADGEN_TARGET: 'http://gateway:8080/' }) as LoadgenConfig;
    expect(targetsOf(gateway).order).toBe('http://gateway:8080');
  });

  it('names every bad variable in one line', () => {
    expect(loadConfig({ LOADGEN_RATE: '-1', LOADGEN_TARGET: 'ftp://x' })).toEqual({
      error: expect.stringMatching(
        /^invalid configuration: .*LOADGEN_TARGET.*LOADGEN_RATE|LOADGEN_RATE.*LOADGEN_TARGET/,
      ),
    });
  });
});
