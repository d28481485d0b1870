export { ConfigError } from './config-error';
export { loadConfig, runOrExitOnConfigError } from './load-config';
export { accessTokenEnv, commonEnv, httpPort } from './common-env';
export {
  databaseTlsFrom,
  kafkaSecurityFrom,
  transportSecurityEnv,
  type DatabaseTls,
  type KafkaSecurity,
} from './transport-security-env';
