export { ConfigError } from './config-error';
export { loadConfig, runOrExitOnConfigError } from './load-config';
export { commonEnv, httpPort } from './common-env';
