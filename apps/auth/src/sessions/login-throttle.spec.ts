import { addressNetwork, throttleSubjects } from './login-throttle';

describe('login throttle subjects', () => {
  it.each([
    ['203.0.113.7', '203.0.113.7'],
    ['::ffff:203.0.113.7', '203.0.113.7'],
    ['2001:db8:1:2:3:4:5:6', '2001:db8:1:2::/64'],
    ['2001:db8:1:2::99', '2001:db8:1:2::/64'],
    ['2001:0DB8:0001:0002:ffff::1', '2001:db8:1:2::/64'],
    ['2001:db8::1', '2001:db8:0:0::/64'],
    ['::1', '0:0:0:0::/64'],
  ])('counts %s as the client network %s', (address, network) => {
    expect(addressNetwork(address)).toBe(network);
  });

  it('gives two addresses of one IPv6 /64 the same client and address counters', () => {
    const a = throttleSubjects('user:1', '2001:db8:1:2::a');
    const b = throttleSubjects('user:1', '2001:db8:1:2:ffff:ffff:ffff:ffff');
    expect(b).toEqual(a);
    expect(throttleSubjects('user:1', '2001:db8:1:3::a')).not.toEqual(a);
  });
});
