export { captureLogger } from './capture-logger';
export { eventually, type EventuallyOptions } from './eventually';
export { freePort } from './free-port';
export { spawnService, waitUntilReady, type ServiceProcess } from './service-process';
export { TcpProxy } from './tcp-proxy';
export {
  databaseUrl,
  dedicatedKafkaPort,
  kafkaBrokers,
  redisUrl,
  requireTestEnv,
  serviceEnv,
} from './test-env';
export { createTestSchema } from './test-schema';
export { DedicatedKafka, type SecuredListeners } from './dedicated-kafka';
export { TestCertificates } from './tls/test-certificates';
export { PrivateMariaDb, type ServerTls } from './tls/private-mariadb';
export { moveClockForward } from './security/clock';
export { JwksServer } from './security/jwks-server';
export {
  accessTokenClaims,
  hs256Token,
  nowSec,
  TEST_AUDIENCE,
  TEST_ISSUER,
  TestSigningKey,
  unsignedToken,
  withTamperedPayload,
  type Claims,
} from './security/test-tokens';
export { envelopeOf } from './event-envelope';
export { EventPublisher, EventTap } from './event-tap';
export { TestIdentityProvider } from './security/test-identity-provider';
export { tenThousandProductsSql } from './catalog-seed';
export { ShopflowStack } from './stack/shopflow-stack';
export { IsolatedInfra } from './stack/isolated-infra';
export { OutcomeTap, type FinalState, type Outcome } from './stack/outcome-tap';
export { fuzzCases, type FuzzCase, type OpenApiDocument } from './fuzz/openapi-fuzz';
export { databaseFingerprint, fuzzProblem, sendFuzzCases, type FuzzOutcome } from './fuzz/fuzz-runner';
export { RECOVERY_SCENARIOS, runRecoveryScenario, type RecoveryReport } from './stack/recovery-scenarios';
export {
  dashboardExpressions,
  exposedMetrics,
  metricsInPromQL,
  observabilityQueries,
  unknownMetricProblems,
} from './observability-as-code';
export { ZipkinServer, type ZipkinSpan } from './zipkin-server';
