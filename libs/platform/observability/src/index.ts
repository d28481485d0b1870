export {
  CORRELATION_HEADER,
  correlationIdFrom,
  currentCausationId,
  currentCorrelationId,
  runInEventScope,
  runWithCorrelationId,
} from './correlation';
export { createLogger, REDACTED_PATHS, type Logger, type LoggerOptions } from './logger';
export { PinoNestLogger } from './nest-logger';
export { Metrics } from './metrics';
export { HEALTH_INDICATORS, type ReadinessIndicator } from './health';
export { startTracing, stopTracing, tracingEnv } from './tracing';
export {
  traceNewMessage,
  traceProcess,
  traceProcessChunk,
  traceSend,
  type ProcessedMessage,
} from './message-tracing';
