import { lagAfter } from './consumer-lag';

describe('lagAfter', () => {
  it('is the distance from the next offset to the high watermark', () => {
    expect(lagAfter('10', '4')).toBe(6);
    expect(lagAfter('10', '10')).toBe(0);
  });

  it('is never negative (a high watermark read before the last commit)', () => {
    expect(lagAfter('3', '5')).toBe(0);
  });
});
