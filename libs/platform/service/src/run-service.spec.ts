import { z } from 'zod';
import { accessTokenEnv, commonEnv, httpPort } from '@shopflow/platform/config';
import { describeConfig, docsServed } from './run-service';

describe('describeConfig', () => {
  it('separates the variables a service requires from those with defaults or marked optional', () => {
    const env = z.object({ ...commonEnv, ...httpPort(3002), ...accessTokenEnv });
    const { required, optional } = describeConfig(env);
    expect(required).toEqual(['DATABASE_URL', 'JWT_JWKS_URL', 'KAFKA_BROKERS']);
    expect(optional).toEqual(
      expect.arrayContaining(['HTTP_PORT', 'JWT_ISSUER', 'KAFKA_CLIENT_ID', 'LOG_LEVEL']),
    );
    expect(optional).not.toContain('DATABASE_URL');
  });
});

describe('docsServed', () => {
  it('serves the OpenAPI document outside production, and in production only when API_DOCS says so', () => {
    expect(docsServed({ NODE_ENV: 'development', API_DOCS: undefined })).toBe(true);
    expect(docsServed({ NODE_ENV: 'test', API_DOCS: undefined })).toBe(true);
    expect(docsServed({ NODE_ENV: 'production', API_DOCS: undefined })).toBe(false);
    expect(docsServed({ NODE_ENV: 'production', API_DOCS: true })).toBe(true);
    expect(docsServed({ NODE_ENV: 'development', API_DOCS: false })).toBe(false);
  });
});
