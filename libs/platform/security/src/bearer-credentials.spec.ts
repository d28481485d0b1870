import { bearerCredentialsOf } from './bearer-credentials';

describe('bearerCredentialsOf', () => {
  it('takes the token from a Bearer header, whatever the scheme name’s case', () => {
    expect(bearerCredentialsOf('Bearer abc.def-_~+/=')).toEqual({ kind: 'token', token: 'abc.def-_~+/=' });
    expect(bearerCredentialsOf('bearer  abc')).toEqual({ kind: 'token', token: 'abc' });
  });

  it('sees no credentials without the header or with another scheme', () => {
    expect(bearerCredentialsOf(undefined)).toEqual({ kind: 'none' });
    expect(bearerCredentialsOf('Basic dXNlcjpwYXNz')).toEqual({ kind: 'none' });
    expect(bearerCredentialsOf('Bearerabc')).toEqual({ kind: 'none' });
  });

  it('calls a Bearer header without a well-formed token malformed', () => {
    for (const header of ['Bearer', 'Bearer ', 'Bearer a b', 'Bearer a,b', 'Bearer "a"', 'Bearer a=b']) {
      expect(bearerCredentialsOf(header)).toEqual({ kind: 'malformed' });
    }
  });
});
